"""The outline targets on the development sets and on the seeds with inference alone: printed by
``make devset``, checked here when the sets are there.  The sets are looked for beside the
repository (../shared/devset and ../shared/realdev) unless KEIKAKU_DEVSET and KEIKAKU_REALDEV name
them; ``make devset`` takes DEVSET= and REALDEV= and stops with one line when one is not there."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
import devset  # noqa: E402

DEVSET = Path(os.environ.get("KEIKAKU_DEVSET", devset.DEVSET))
REALDEV = Path(os.environ.get("KEIKAKU_REALDEV", devset.REALDEV))
POINT = "make devset DEVSET=/path/to/devset REALDEV=/path/to/realdev"


@pytest.mark.skipif(not (DEVSET / "score.py").exists() or not (REALDEV / "gold").is_dir(),
                    reason=f"no development sets at {DEVSET} (score.py) and {REALDEV} (gold/): "
                           "name their folders with KEIKAKU_DEVSET=DIR and KEIKAKU_REALDEV=DIR")
def test_outline_targets_on_the_development_set_and_the_seeds(capsys: pytest.CaptureFixture[str]) -> None:
    status = devset.main(["--devset", str(DEVSET), "--realdev", str(REALDEV)])
    report = capsys.readouterr().out
    assert status == 0, report
    assert "mean f1=" in report and '"targets_missed": []' in report


def make(*args: str) -> subprocess.CompletedProcess[str]:
    """``make ARGS`` at the repository's root; a hang is a TimeoutExpired, failing the test."""
    if not shutil.which("make"):
        pytest.skip("make is not installed")
    # run as its own make, not as a sub-make of `make test` (which would print the directories it enters)
    env = {k: v for k, v in os.environ.items() if k not in ("MAKELEVEL", "MAKEFLAGS", "MFLAGS")}
    return subprocess.run(["make", "--no-print-directory", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=60, env=env)


@pytest.fixture
def sets(tmp_path: Path) -> tuple[Path, Path]:
    """Two folders laid out as the development sets (empty, enough for make's check)."""
    dev, real = tmp_path / "dev set", tmp_path / "real"
    for folder in (dev / "texts", dev / "gold", real / "texts", real / "gold"):
        folder.mkdir(parents=True)
    (dev / "score.py").touch()
    return dev, real


@pytest.mark.parametrize(("absent", "says"), [
    ({"DEVSET"}, ["no development set at /nonexistent/dev (score.py and texts/ expected)"]),
    ({"REALDEV"}, ["no real development set at /nonexistent/real (texts/ and gold/ expected)"]),
    ({"DEVSET", "REALDEV"}, ["no development set at /nonexistent/dev", "no real development set at /nonexistent/real"]),
])
def test_make_devset_says_in_one_line_which_set_is_not_there(sets: tuple[Path, Path], absent: set[str],
                                                             says: list[str]) -> None:
    dev, real = sets
    given = {"DEVSET": "/nonexistent/dev" if "DEVSET" in absent else str(dev),
             "REALDEV": "/nonexistent/real" if "REALDEV" in absent else str(real)}
    result = make("devset", *(f"{k}={v}" for k, v in given.items()))
    assert result.returncode != 0
    assert result.stdout == "" and result.stderr.count("\n") == 1  # stopped before setting anything up
    assert all(s in result.stderr for s in says) and f"point to the sets with: {POINT}" in result.stderr


def test_make_devset_passes_the_sets_to_every_bench(sets: tuple[Path, Path]) -> None:
    dev, real = sets
    result = make("-n", "devset", f"DEVSET={dev}", f"REALDEV={real}")
    assert result.returncode == 0, result.stderr
    commands = result.stdout
    assert f"bench/devset.py --devset '{dev}' --realdev '{real}'" in commands
    assert f"bench/indicators.py --set '{real}/indicators'" in commands
    assert f"bench/keyword_junk.py --check '{dev}/texts' '{real}/texts'" in commands
    assert f"bench/pdf.py --devset '{dev}' --indicators '{real}/indicators'" in commands
    assert "shared" not in commands
