"""The outline targets on the development sets (../shared/realdev and ../shared/devset, beside the
repository) and on the seeds with inference alone: printed by ``make devset``, checked here when
the sets are there."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
import devset  # noqa: E402


@pytest.mark.skipif(not (devset.DEVSET / "score.py").exists() or not (devset.REALDEV / "gold").is_dir(),
                    reason=f"no development sets at {devset.DEVSET} and {devset.REALDEV}")
def test_outline_targets_on_the_development_set_and_the_seeds(capsys: pytest.CaptureFixture[str]) -> None:
    status = devset.main([])
    report = capsys.readouterr().out
    assert status == 0, report
    assert "mean f1=" in report and '"targets_missed": []' in report
