#!/usr/bin/env bash
# What the tests need besides Python: the report test reads the page in headless Chromium with a
# Japanese font (Debian's chromium, chromium-driver and fonts-noto-cjk).  `make test` runs this
# first.  It checks each of the three and installs only those missing (as root, or through sudo
# without a password), then prints one line saying what it did:
#   exit 0  "nothing to install" or "installed PACKAGES": the browser tests run;
#   exit 3  "cannot install PACKAGES: why": `make test` skips the two browser tests instead of
#           failing them.
# No `grep -q` at the end of a pipe: under pipefail, grep quitting early makes the writer exit 141
# and a present font reads as missing.
set -uo pipefail
ALL="chromium chromium-driver fonts-noto-cjk"

# The packages among ALL whose command or font is not found, separated by spaces.
missing_packages() {
  local missing=() fonts
  command -v chromium >/dev/null || missing+=(chromium)
  command -v chromedriver >/dev/null || missing+=(chromium-driver)
  fonts=$(fc-list 2>/dev/null)
  [[ $fonts == *"Noto Sans CJK"* ]] || missing+=(fonts-noto-cjk)
  echo "${missing[*]}"
}
cannot() {
  echo "test-deps: cannot install $MISSING: $1; the report's two browser tests are skipped" \
       "(install them with: sudo apt-get install $ALL)" >&2
  exit 3
}

MISSING=$(missing_packages)
if [ -z "$MISSING" ]; then
  echo "test-deps: chromium, chromedriver and the Noto Sans CJK font are present; nothing to install"
  exit 0
fi
command -v apt-get >/dev/null || cannot "this is not a Debian-like system (no apt-get)"
if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  SUDO="sudo -n"
else
  cannot "not root, and no sudo without a password"
fi
# The last line apt-get printed, which says why it failed, in brackets (nothing when it printed nothing).
reason() { local last=${1##*$'\n'}; [ -z "$last" ] || echo " ($last)"; }
log=$($SUDO apt-get update -qq 2>&1) || cannot "apt-get update failed$(reason "$log")"
# shellcheck disable=SC2086  # MISSING is a list of package names
log=$($SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $MISSING 2>&1) \
  || cannot "apt-get install failed$(reason "$log")"
STILL=$(missing_packages)
[ -z "$STILL" ] || cannot "apt-get install succeeded but $STILL is still not found"
echo "test-deps: installed $MISSING (apt-get); the browser tests run"
