#!/usr/bin/env bash
# What the tests need besides Python: the report test reads the page in headless Chromium with a
# Japanese font (Debian's chromium, chromium-driver and fonts-noto-cjk).  `make test` runs this
# first: it installs them when missing (as root, or through sudo without a password), and when it
# cannot, says so in one line and exits 3, so that `make test` skips the two browser tests
# instead of failing them.
set -uo pipefail
PACKAGES="chromium chromium-driver fonts-noto-cjk"
have() { command -v chromium >/dev/null && command -v chromedriver >/dev/null && fc-list 2>/dev/null | grep -q "Noto Sans CJK"; }
cannot() {
  echo "note: $1; the report's two browser tests are skipped (install them with: sudo apt-get install $PACKAGES)" >&2
  exit 3
}
have && exit 0
command -v apt-get >/dev/null || cannot "$PACKAGES are missing and this is not a Debian-like system"
if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  SUDO="sudo -n"
else
  cannot "$PACKAGES are missing and cannot be installed here (not root, and no sudo without a password)"
fi
echo "installing $PACKAGES for the report test (apt-get)" >&2
$SUDO apt-get update -qq >/dev/null || cannot "apt-get update failed"
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $PACKAGES >/dev/null || cannot "apt-get install $PACKAGES failed"
have || cannot "$PACKAGES were installed but chromium, chromedriver or the Noto CJK font is still not found"
