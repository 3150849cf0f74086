"""Text as written, structure kept: wrapped lines joined, list items and table rows never glued
to their neighbours, and a label that introduces units kept before them, in the JSON, the CSV
tables and the report."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from conftest import keikaku_cli as keikaku

from keikaku.extract.document import parse
from keikaku.ingest.text import ingest_bytes
from keikaku.model.tree import Document, Section
from keikaku.segment.profile import builtin_profiles

PAGE = """第2章 健やかに育つまち
施策2-1 子育て支援の充実
■施策の目標
子育て世帯が安心して暮らせるよう、保育と相談の体制を整え、地域全体で子どもの育ちを
支えるまちをめざします。
■現状と課題
① 保育の受け皿を増やし、待機児童を解消する必要があります。
② 共働き世帯の増加により、放課後児童クラブの利用希望は今後も増えると見込まれ
ます。
● 地域の子育てサロンが減っています。
● 若い世代の転出が続いています。
■施策の方向
（１）保育環境の整備
保育所の定員を増やします。
（２）相談体制の充実
相談窓口を一本化します。
■成果指標
指標名 現状値（令和5年度） 目標値（令和11年度）
待機児童数 12人 0人
子育てに満足している人の割合 45.2% 60.0%
指標名\t現状値\t目標値
相談件数\t320件\t500件
"""

SENTENCE = "子育て世帯が安心して暮らせるよう、保育と相談の体制を整え、地域全体で子どもの育ちを支えるまちをめざします。"
ITEMS = [("①", "保育の受け皿を増やし、待機児童を解消する必要があります。"),
         ("②", "共働き世帯の増加により、放課後児童クラブの利用希望は今後も増えると見込まれます。"),
         ("●", "地域の子育てサロンが減っています。"),
         ("●", "若い世代の転出が続いています。")]
SPACED = ("指標名 現状値（令和5年度） 目標値（令和11年度）\n待機児童数 12人 0人\n"
          "子育てに満足している人の割合 45.2% 60.0%")


def seg(text: str) -> Document:
    """Segmented with the generic vocabulary; parse() runs the alignment guard (every
    character of the source in exactly one place)."""
    return parse(ingest_bytes(text.encode("utf-8"), "case.txt"), builtin_profiles()["generic"], "case")


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("fidelity")
    (folder / "kosodate.txt").write_text(PAGE, encoding="utf-8")
    out = folder / "out"
    result = keikaku("run", str(folder / "kosodate.txt"), "--out", str(out), "--nlp", "none")
    assert result.returncode == 0, result.stderr
    result = keikaku("report", str(out))
    assert result.returncode == 0, result.stderr
    return out


def _doc(out: Path) -> dict:
    return json.loads((out / "kosodate.json").read_text(encoding="utf-8"))


def _measure(out: Path) -> dict:
    return _doc(out)["children"][0]["children"][0]


def _csv(out: Path, name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO((out / f"{name}.csv").read_text(encoding="utf-8-sig"))))


def _section(node: dict, name: str) -> dict:
    return next(s for s in node["sections"] if s["name"] == name)


# --- the page, through the command line -----------------------------------------------------------

def test_every_numbered_item_and_bullet_is_an_item_with_its_text_whole(out: Path) -> None:
    section = _section(_measure(out), "現状と課題")
    assert [(it["marker"], it["text"]) for it in section["items"]] == ITEMS
    assert section["items"][1]["lines"] == [8, 9]  # the wrapped item is one item
    assert section["text"] == ""  # nothing glued into the section's text
    rows = [r for r in _csv(out, "items") if r["section"] == "現状と課題"]
    assert [(r["marker"], r["text"]) for r in rows] == ITEMS


def test_the_wrapped_sentence_is_whole(out: Path) -> None:
    assert _section(_measure(out), "施策の目標")["text"] == SENTENCE
    assert SENTENCE in [r["text"] for r in _csv(out, "sections")]


def test_table_rows_shown_as_text_are_one_per_line(out: Path) -> None:
    measure = _measure(out)
    section = _section(measure, "成果指標")
    assert section["text"] == SPACED
    [row] = [r for r in _csv(out, "sections") if r["name"] == "成果指標"]
    assert row["text"] == SPACED
    # the report shows the table once: read as indicators, its cells folded below, not as text too
    html = (out / "report.html").read_text(encoding="utf-8")
    texts = re.findall(r'<div class="text">(.*?)</div>', html, re.S)
    assert not any("待機児童数" in t for t in texts)
    assert html.count("<td>待機児童数</td>") == 2


def test_tables_are_listed_in_the_order_of_their_lines(out: Path) -> None:
    measure = _measure(out)
    tables = _section(measure, "成果指標")["tables"]
    assert [(t["layout"], t["lines"]) for t in tables] == [("spaced", [18, 20]), ("tab", [21, 22])]
    assert {i["name"]: i["table"] for i in measure["indicators"]} == {
        "待機児童数": 1, "子育てに満足している人の割合": 1, "相談件数": 2}
    cells = {r["text"]: r["table"] for r in _csv(out, "tables")}
    assert (cells["待機児童数"], cells["相談件数"]) == ("1", "2")


def test_the_label_that_introduces_units_precedes_them_in_the_json(out: Path) -> None:
    measure = _measure(out)
    names = [s["name"] for s in measure["sections"]]
    assert names == ["施策の目標", "現状と課題", "施策の方向", "成果指標"]
    units = [c["id"] for c in measure["children"]]
    assert _section(measure, "施策の方向")["units"] == units == ["第2章/施策2-1/(1)", "第2章/施策2-1/(2)"]
    assert [c["section"] for c in measure["children"]] == ["施策の方向", "施策の方向"]
    assert all(s["units"] == [] for s in measure["sections"] if s["name"] != "施策の方向")
    assert measure["section"] is None


def test_the_label_that_introduces_units_is_linked_in_the_tables(out: Path) -> None:
    sections = {r["name"]: r for r in _csv(out, "sections")}
    assert sections["施策の方向"]["n_units"] == "2" and sections["成果指標"]["n_units"] == "0"
    nodes = {r["node_id"]: r for r in _csv(out, "nodes")}
    for unit in ("第2章/施策2-1/(1)", "第2章/施策2-1/(2)"):
        row = nodes[unit]
        assert (row["section_index"], row["section"]) == (sections["施策の方向"]["section_index"], "施策の方向")
        assert sections["施策の方向"]["node_id"] == row["parent_id"]
    assert nodes["第2章/施策2-1"]["section_index"] == ""


def test_the_report_shows_the_label_right_before_its_units(out: Path) -> None:
    html = (out / "report.html").read_text(encoding="utf-8")
    at = [html.index(s) for s in ("<h4>施策の目標</h4>", "<h4>現状と課題</h4>", "<h4>施策の方向</h4>",
                                  "(1) 保育環境の整備</summary>", "(2) 相談体制の充実</summary>", "<h4>成果指標</h4>")]
    assert at == sorted(at)
    between = html[at[2]:at[3]]
    assert "<h4>" not in between.replace("<h4>施策の方向</h4>", "")
    for marker, text in ITEMS:
        assert f"<li>{marker} {text}</li>" in html


# --- each kind of item ---------------------------------------------------------------------------

@pytest.mark.parametrize("first, second, marker", [
    ("① 相談窓口を一本化します。", "② 保育所の定員を増やします。", "①"),
    ("（１）相談窓口を一本化します。", "（２）保育所の定員を増やします。", "（１）"),
    ("ア 相談窓口を一本化します。", "イ 保育所の定員を増やします。", "ア"),
    ("1. 相談窓口を一本化します。", "2. 保育所の定員を増やします。", "1."),
    ("● 相談窓口を一本化します。", "● 保育所の定員を増やします。", "●"),
    ("・相談窓口を一本化します。", "・保育所の定員を増やします。", "・"),
    ("- 相談窓口を一本化します。", "- 保育所の定員を増やします。", "-"),
    ("◆相談窓口を一本化します。", "◆保育所の定員を増やします。", "◆"),
    ("○相談窓口を一本化します。", "○保育所の定員を増やします。", "○"),
])
def test_each_marker_makes_items_of_their_own(first: str, second: str, marker: str) -> None:
    doc = seg(f"施策1 子育て支援\n■主な取組\n{first}\n{second}\n")
    section = doc.root.children[0].sections[0]
    assert [it.text for it in section.items] == ["相談窓口を一本化します。", "保育所の定員を増やします。"]
    assert section.items[0].marker == marker and section.text == ""


@pytest.mark.parametrize("marker", ["①", "・", "ア", "●"])
def test_an_item_wrapped_onto_the_next_line_is_one_item(marker: str) -> None:
    nxt = {"①": "②", "ア": "イ"}.get(marker, marker)
    doc = seg(f"施策1 子育て支援\n■現状と課題\n{marker} 共働き世帯の増加により、放課後児童クラブの利用希望は今後も増えると\n"
              f"見込まれます。\n{nxt} 相談件数は横ばいです。\n")
    section = doc.root.children[0].sections[0]
    assert [it.text for it in section.items] == [
        "共働き世帯の増加により、放課後児童クラブの利用希望は今後も増えると見込まれます。", "相談件数は横ばいです。"]


# --- hostile cases -------------------------------------------------------------------------------

def test_a_marker_alone_on_its_line_numbers_the_text_below_it() -> None:
    doc = seg("施策1 子育て支援\n■現状と課題\n①\n保育の受け皿を増やす必要があります。\n②\n相談窓口を充実します。\n")
    section = doc.root.children[0].sections[0]
    assert [(it.marker, it.text) for it in section.items] == [
        ("①", "保育の受け皿を増やす必要があります。"), ("②", "相談窓口を充実します。")]
    assert not doc.root.children[0].children


def test_table_rows_that_look_like_bullets_stay_rows() -> None:
    doc = seg("施策1 子育て支援\n■成果指標\n指標名 現状値 目標値\n・待機児童数 12人 0人\n・相談件数 320件 500件\n"
              "■現状と課題\n・相談窓口を充実します。\n")
    kpi, issues = doc.root.children[0].sections
    assert kpi.text == "指標名 現状値 目標値\n・待機児童数 12人 0人\n・相談件数 320件 500件" and not kpi.items
    assert [len(t.rows) for t in kpi.tables] == [2]
    assert [it.text for it in issues.items] == ["相談窓口を充実します。"]


def test_a_numbered_line_that_continues_a_sentence_is_text() -> None:
    doc = seg("施策1 子育て支援\n■現状と課題\n本町の子育て支援の主な課題は、（１）保育需要の増加、\n"
              "（２）保育人材の不足の二つです。\n")
    section = doc.root.children[0].sections[0]
    assert section.text == "本町の子育て支援の主な課題は、（１）保育需要の増加、（２）保育人材の不足の二つです。"
    assert not section.items and not doc.root.children[0].children


def test_a_line_after_an_item_s_last_sentence_is_a_paragraph() -> None:
    doc = seg("施策1 子育て支援\n■現状と課題\n● 若い世代の転出が続いています。\nこのため、定住の支援を強めます。\n")
    section = doc.root.children[0].sections[0]
    assert [it.text for it in section.items] == ["若い世代の転出が続いています。"]
    assert section.text == "このため、定住の支援を強めます。"


def test_a_label_with_text_of_its_own_introduces_nothing() -> None:
    doc = seg("施策1 子育て支援\n■現状と課題\n待機児童が増えています。\n(1) 保育環境の整備\n定員を増やします。\n"
              "(2) 相談体制の充実\n窓口を一本化します。\n")
    assert [c.under() for c in doc.root.children[0].children] == [None, None]


def test_a_label_of_the_front_matter_introduces_the_first_units(tmp_path: Path) -> None:
    import keikaku.run.pipeline
    import keikaku.views.report

    text = "■計画の構成\n第1章 総論\n計画の目的を示します。\n第2章 各論\n施策を示します。\n"
    doc = seg(text)
    label = doc.root.sections[0]
    assert isinstance(label, Section) and [c.under() is label for c in doc.root.children] == [True, True]
    path = tmp_path / "kosei.txt"
    path.write_text(text, encoding="utf-8")
    keikaku.run.pipeline.run([str(path)], tmp_path / "out", keikaku.run.pipeline.RunOptions(nlp="none"), log=lambda m: None)
    html = keikaku.views.report.render_report(tmp_path / "out")
    assert html.index("<h4>計画の構成</h4>") < html.index("第1章 総論</summary>")
