"""scripts/test-deps.sh, which `make test` runs first: it installs only the browser packages that are
missing, says in one line what it did, and exits 0 (the browser tests run) or 3 (they are skipped).

The script runs in a subprocess with a PATH of stand-ins (chromium, chromedriver, fc-list, id,
apt-get, sudo) so that every case runs on any machine and nothing is installed; with
KEIKAKU_BROWSER=yes (set by `make test` when the browser is there) it also runs against the real
machine, where it must find everything and not call apt-get."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "test-deps.sh"
FONT_LINE = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc: Noto Sans CJK JP:style=Regular"

# apt-get's stand-in: logs its arguments; `install` creates what each package provides unless
# the file `broken` says the packages install nothing, and fails when the file `fail` exists.
FAKE_APT = f"""#!/bin/sh
echo "$*" >> "$STATE/apt.log"
[ -e "$STATE/fail" ] && {{ echo "E: Unable to locate package chromium" >&2; exit 100; }}
[ "$1" = install ] || exit 0
[ -e "$STATE/broken" ] && exit 0
for p in "$@"; do
  case "$p" in
    chromium) printf '#!/bin/sh\\n' > "$STATE/bin/chromium"; chmod +x "$STATE/bin/chromium" ;;
    chromium-driver) printf '#!/bin/sh\\n' > "$STATE/bin/chromedriver"; chmod +x "$STATE/bin/chromedriver" ;;
    fonts-noto-cjk) echo "{FONT_LINE}" > "$STATE/fonts" ;;
  esac
done
"""
# fc-list's stand-in: the Noto line first, then many more, so that a reader quitting at the
# first match (grep -q) leaves fc-list writing into a closed pipe.
FAKE_FC_LIST = """#!/bin/sh
cat "$STATE/fonts" 2>/dev/null
i=0; while [ $i -lt 3000 ]; do echo "/usr/share/fonts/truetype/other/Other-$i.ttf: Other Sans $i:style=Regular"; i=$((i+1)); done
"""


def fake_machine(state: Path, present: set[str], root: bool = True, apt: bool = True) -> dict[str, str]:
    """A PATH of stand-ins in ``state/bin`` with the commands of ``present`` (chromium,
    chromedriver, font) and the environment to run the script with."""
    bin_ = state / "bin"
    bin_.mkdir(parents=True)
    for tool in ("bash", "env", "cat", "chmod"):
        os.symlink(shutil.which(tool) or tool, bin_ / tool)
    scripts = {"fc-list": FAKE_FC_LIST, "id": f"#!/bin/sh\necho {0 if root else 1000}\n"}
    scripts.update({name: "#!/bin/sh\n" for name in ("chromium", "chromedriver") if name in present})
    if apt:
        scripts["apt-get"] = FAKE_APT
    for name, text in scripts.items():
        (bin_ / name).write_text(text)
        (bin_ / name).chmod(0o755)
    if "font" in present:
        (state / "fonts").write_text(FONT_LINE + "\n")
    return {"PATH": str(bin_), "STATE": str(state)}


def run(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(SCRIPT)], env=env, capture_output=True, text=True, timeout=60)


EVERYTHING = {"chromium", "chromedriver", "font"}


@pytest.mark.parametrize(("present", "installs", "says"), [
    (EVERYTHING, None, "nothing to install"),
    ({"chromium", "font"}, "chromium-driver", "installed chromium-driver (apt-get)"),
    ({"chromium", "chromedriver"}, "fonts-noto-cjk", "installed fonts-noto-cjk (apt-get)"),
    (set(), "chromium chromium-driver fonts-noto-cjk", "installed chromium chromium-driver fonts-noto-cjk"),
])
def test_installs_only_what_is_missing(tmp_path: Path, present: set[str], installs: str | None, says: str) -> None:
    result = run(fake_machine(tmp_path, present))
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("\n") == 1 and says in result.stdout and result.stderr == ""
    log = tmp_path / "apt.log"
    if installs is None:
        assert not log.exists()
    else:
        assert log.read_text().splitlines() == ["update -qq", f"install -y -qq {installs}"]


@pytest.mark.parametrize(("root", "apt", "flag", "says"), [
    (True, False, None, "cannot install chromium chromium-driver fonts-noto-cjk: this is not a Debian-like system"),
    (False, True, None, "cannot install chromium chromium-driver fonts-noto-cjk: not root, and no sudo"),
    (True, True, "fail", "apt-get update failed (E: Unable to locate package chromium)"),
    (True, True, "broken", "apt-get install succeeded but chromium chromium-driver fonts-noto-cjk is still not found"),
])
def test_says_why_it_cannot_install_and_exits_3(tmp_path: Path, root: bool, apt: bool, flag: str | None,
                                                says: str) -> None:
    env = fake_machine(tmp_path, set(), root=root, apt=apt)
    if flag:
        (tmp_path / flag).touch()
    result = run(env)
    assert result.returncode == 3
    assert result.stdout == "" and result.stderr.count("\n") == 1
    assert says in result.stderr and "browser tests are skipped" in result.stderr


@pytest.mark.skipif(os.environ.get("KEIKAKU_BROWSER") != "yes",
                    reason="KEIKAKU_BROWSER is not yes (make test sets it when chromium and its font are installed)")
def test_on_this_machine_everything_is_present_and_apt_get_does_not_run(tmp_path: Path) -> None:
    spies = tmp_path / "bin"
    spies.mkdir()
    for name in ("apt-get", "sudo"):  # found before the real ones: any call is logged and fails
        (spies / name).write_text(f'#!/bin/sh\necho "{name} $*" >> "{tmp_path}/calls"\nexit 1\n')
        (spies / name).chmod(0o755)
    for attempt in range(5):  # the old pipe failed about half the time
        result = run({**os.environ, "PATH": f"{spies}:{os.environ['PATH']}"})
        assert result.returncode == 0, (attempt, result.stderr)
        assert "nothing to install" in result.stdout and "skipped" not in result.stdout + result.stderr
    assert not (tmp_path / "calls").exists()
