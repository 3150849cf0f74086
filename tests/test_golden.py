"""Golden files: the full rendered tree of every seed, with the auto profile and the generic one.

Regenerate after an intended change with ``KEIKAKU_REGEN_GOLDEN=1 make test`` and review the diff.
"""

from __future__ import annotations

import pytest
from conftest import GOLDEN, REGEN, SEEDS, parsed

from keikaku.views.render import render

CASES = [(key, None) for key in sorted(SEEDS)] + [(key, "generic") for key in ("001", "002", "003")]


@pytest.mark.parametrize("key, profile", CASES)
def test_golden_tree(key: str, profile: str | None) -> None:
    text = render(parsed(key, profile), width=60)
    path = GOLDEN / f"{SEEDS[key]}.{profile or 'auto'}.txt"
    if REGEN:
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"missing golden file {path}; run with KEIKAKU_REGEN_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8")


def test_golden_switch_is_off() -> None:
    assert not REGEN, "KEIKAKU_REGEN_GOLDEN must not be set when the tests are meant to check"
