"""The outline confidence a researcher sorts a run by: its value and reasons for plain, doubtful
and empty outlines, and where a user finds it (the document JSON, the manifest,
``keikaku.load().documents``, the report, ``keikaku inspect``).  Texts written for the tests."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import keikaku_cli as keikaku

from keikaku.extract.document import parse_source
from keikaku.ingest.text import ingest_bytes

PROSE = "本計画の考え方を示します。取組を着実に進めます。"
PLAIN = "".join(f"第{c}章 章の題名{c}\n{PROSE * 3}\n(1) 節の題名\n{PROSE * 3}\n(2) 節の題名\n{PROSE * 3}\n"
                for c in range(1, 4))
CONTENTS_ONLY = ("緑川町総合戦略 目 第1章 1 2 次 総論 ..... 1 趣旨 ..... 1 位置づけ ..... 2 "
                 "第2章 施策 ..... 3 1 子育て ..... 3\n")
LOOSE = f"第1章 総論\n{PROSE}\n\n計画の背景\n{PROSE}\n\n計画の目的\n{PROSE}\n"


def structure(text: str) -> dict:
    return parse_source(ingest_bytes(text.encode("utf-8"), "case.txt"), "case").structure


def test_a_plain_outline_is_trusted() -> None:
    st = structure(PLAIN)
    assert st["confidence"] >= 0.95, st["confidence_reasons"]
    assert not any("set aside" in r or "contents list" in r for r in st["confidence_reasons"])


def test_an_outline_read_from_a_contents_page_alone_says_so() -> None:
    st = structure(CONTENTS_ONLY)
    reasons = "; ".join(st["confidence_reasons"])
    assert st["confidence"] < 0.9
    assert "read from a contents list alone" in reasons and "printed apart from their titles" in reasons
    assert st["lists"] and "after a contents header" in st["lists"][0]


def test_loose_lines_like_headings_lower_the_confidence() -> None:
    st = structure(LOOSE)
    assert st["confidence"] < structure(PLAIN)["confidence"]
    assert any("short lines standing alone" in r for r in st["confidence_reasons"])


def test_titles_with_a_bracket_not_closed_lower_the_confidence() -> None:
    cut = PLAIN.replace("章の題名1", "「くらし").replace("章の題名2", "わくわく」プロジェクト")
    st = structure(cut)
    assert st["confidence"] < structure(PLAIN)["confidence"]
    assert any("2 titles with a bracket not closed" in r for r in st["confidence_reasons"])
    for closed in ("「くらし」の充実", "（仮称)中央公園の整備"):  # (one bracket full width, one half)
        assert not any("bracket" in r for r in structure(PLAIN.replace("章の題名1", closed))["confidence_reasons"])


def test_no_heading_no_confidence() -> None:
    st = structure(f"{PROSE}\n{PROSE}\n")
    assert st["confidence"] == 0.0 and "no heading found" in st["confidence_reasons"][0]


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("plans")
    (folder / "plain.txt").write_text(PLAIN, encoding="utf-8")
    (folder / "contents.txt").write_text(CONTENTS_ONLY, encoding="utf-8")
    out = folder / "out"
    result = keikaku("run", str(folder), "--out", str(out), "--nlp", "none", "-q")
    assert result.returncode == 0, result.stderr
    return out


def test_the_manifest_and_the_document_hold_the_confidence(run: Path) -> None:
    manifest = json.loads((run / "manifest.json").read_text(encoding="utf-8"))
    by_id = {e["doc_id"]: e for e in manifest["documents"]}
    for doc_id in ("plain", "contents"):
        doc = json.loads((run / f"{doc_id}.json").read_text(encoding="utf-8"))
        assert by_id[doc_id]["structure"]["confidence"] == doc["structure"]["confidence"]
    assert by_id["contents"]["structure"]["confidence"] < by_id["plain"]["structure"]["confidence"]


def test_load_sorts_the_plans_to_check_first(run: Path) -> None:
    import keikaku as kk

    docs = kk.load(run).documents.sort_values("outline_confidence")
    assert list(docs["doc_id"]) == ["contents", "plain"]
    assert "contents list alone" in docs.iloc[0]["outline_reasons"]


def test_the_report_lists_the_plans_to_check_first(run: Path) -> None:
    assert keikaku("report", str(run), "-q").returncode == 0
    page = (run / "report.html").read_text(encoding="utf-8")
    table = page[page.index("outlines to check first"):]
    assert table.index('href="#contents"') < table.index('href="#plain"')


def test_inspect_shows_the_confidence_and_how_each_list_was_read(tmp_path: Path) -> None:
    path = tmp_path / "contents.txt"
    path.write_text(CONTENTS_ONLY, encoding="utf-8")
    header = keikaku("inspect", str(path)).stdout
    assert "# confidence: " in header and "# contents list: lines 1-1, after a contents header" in header
    rows = keikaku("inspect", "--rows", str(path)).stdout
    assert "code (printed apart from its title)" in rows and "page number" in rows
