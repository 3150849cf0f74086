"""The warnings catalogue: codes unique, templates that format, the published page current."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from conftest import REGEN

from keikaku.errors import CodedWarning, WarningKind, Warnings, warnings_markdown

PAGE = Path(__file__).resolve().parents[1] / "docs" / "warnings.md"


def _fields(kind: WarningKind) -> list[str]:
    return [name for _, name, _, _ in string.Formatter().parse(kind.template) if name]


def test_codes_are_unique_and_named_by_their_attribute() -> None:
    kinds = Warnings.kinds()
    assert len({k.code for k in kinds}) == len(kinds) >= 15
    for name, value in vars(Warnings).items():
        if isinstance(value, WarningKind):
            assert name == value.code, f"Warnings.{name} has code {value.code}"


@pytest.mark.parametrize("kind", Warnings.kinds(), ids=lambda k: k.code)
def test_each_kind_formats_and_says_what_to_do(kind: WarningKind) -> None:
    made = kind(**{name: 7 for name in _fields(kind)})
    assert isinstance(made, CodedWarning) and made.code == kind.code
    assert "{" not in made.message and str(made).startswith(f"{kind.code}: ")
    assert kind.action.endswith(".") and len(kind.action) > 20


def test_a_missing_field_is_an_error_not_a_silent_blank() -> None:
    with pytest.raises(KeyError):
        Warnings.W205(n=3)  # shown is missing


def test_the_published_page_is_current() -> None:
    text = warnings_markdown()
    if REGEN:
        PAGE.write_text(text, encoding="utf-8")
    assert PAGE.read_text(encoding="utf-8") == text, "docs/warnings.md is stale: run with KEIKAKU_REGEN_GOLDEN=1"
    for kind in Warnings.kinds():
        assert f"| {kind.code} |" in text
