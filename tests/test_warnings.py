"""The warnings catalogue: codes unique, templates that format, the published page current."""

from __future__ import annotations

import json
import string
from pathlib import Path

import pytest
from conftest import REGEN, keikaku_cli, manifest

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


def test_a_run_carries_coded_warnings_in_the_json_and_the_manifest(tmp_path: Path) -> None:
    """A plan without headings and with a stray NUL byte: both warnings, with their codes, in the
    document's JSON and in its manifest entry, in the order they were found."""
    plan = tmp_path / "flat.txt"
    plan.write_bytes("市のまちづくりについて述べます。\x00\n地域とともに進めます。\n".encode("utf-8"))
    out = tmp_path / "out"
    result = keikaku_cli("run", "--nlp", "none", str(plan), "--out", str(out))
    assert result.returncode == 0, result.stderr
    doc = json.loads((out / "flat.json").read_text(encoding="utf-8"))
    assert [w["code"] for w in doc["warnings"]] == ["W103", "W201"]
    assert doc["warnings"][0] == {"code": "W103", "message": "removed 1 NUL characters"}
    entry = manifest(out)["documents"][0]
    assert entry["status"] == "warning" and entry["warnings"] == doc["warnings"]
