"""keikaku report shows a unit's indicators as a table (name, unit, baseline and targets with
their years) and every other table of the unit, in the front matter too, with every cell escaped;
each indicator table once (the cells it was read from folded under it, its rows left out of the
text), and a unit's sections and sub-units in the order the text prints them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import keikaku.run.pipeline
import keikaku.views.report
from keikaku.run.pipeline import RunOptions

PLAN = """桜丘市地域防災推進計画
■計画の数値目標
指標名\t基準値（令和4年）\t目標値（令和10年）
避難所の数\t12か所\t15か所
■計画の期間
区分\t期間
前期\t令和7年度～令和9年度

第1章　災害に強いまちづくり
施策1-1　地域防災力の向上
■現状と課題
自主防災組織の結成率は上がっていますが、訓練への参加者は高齢の方に偏っています。
■成果指標
指標名\t現状値（令和5年度）\t目標値（令和11年度）
防災訓練の参加者数\t1,280人\t2,000人
■関係する施設
施設名\t所在地\t収容人数
中央公民館\t桜丘1丁目\t<script>alert(1)</script>
北部防災倉庫\t北町3丁目\t―
施策1-2　避難体制の整備
■施策の方向
(1) 避難所の運営
避難所ごとに運営の手引きを作ります。
(2) 要配慮者の支援
避難行動要支援者の名簿を毎年更新します。
■成果指標
指標名\t現状値（令和5年度）\t目標値（令和11年度）
個別避難計画の作成率\t18.0%\t60.0%
施策1-3　情報伝達の強化
■成果指標
指標名　現状値（令和5年度）　目標値（令和11年度）
防災メールの登録者数　8,450人　15,000人
防災行政無線の難聴地域の数　7地区　0地区
登録者は若い世代で伸び悩んでおり、学校と連携して登録を呼びかけます。
施策1-4　備蓄の充実
■成果指標
| 指標名 | 現状値（令和5年度） | 目標値（令和11年度） |
|---|---|---|
| 備蓄食料の量 | 3万食 | 5万食 |
| 家庭で3日分を備蓄している世帯の割合 | 35.0% | 50.0% |
施策1-5　人材の育成
■成果指標
指標名
現状値（令和5年度）
目標値（令和11年度）
防災士の人数
42人
100人
地域の防災リーダーを育てます。
第2章　暮らしを守るまち
""" + (  # a table flattened into one line with sentences, as the text layer of a PDF may leave it
    "基本目標2 安心して暮らせるまちをつくる 数値目標 基準値 目標値 住み続けたいと思う市民の割合 71.5% (2023年) "
    "80.0% (2029年) 市民の多くが住み続けたいと答えていますが、若い世代では割合が下がります。\n")


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("report_indicators")
    path = folder / "sakuragaoka_bousai.txt"
    path.write_text(PLAN, encoding="utf-8")
    out = folder / "out"
    keikaku.run.pipeline.run([str(path)], out, RunOptions(nlp="none"), log=lambda m: None)
    return keikaku.views.report.render_report(out)


def _tables(page: str) -> list[str]:
    return re.findall(r"<table\b.*?</table>", page, flags=re.S)


def _table_with(page: str, text: str) -> str:
    found = [t for t in _tables(page) if text in t]
    assert found, f"{text!r} is in no <table>"
    return found[0]


def test_indicator_of_a_unit_is_a_table_with_values_and_years(page: str) -> None:
    table = _table_with(page, "<td>防災訓練の参加者数</td>")
    assert 'class="indicators"' in table
    for header in ("指標", "単位", "現状/基準", "目標", "実績", "方向", "評価", "備考"):
        assert f"<th>{header}</th>" in table
    assert "<td>人</td>" in table  # the unit, read from the values
    assert "現状値 (2023年度): 1,280人" in table  # 令和5年度
    assert "目標値 (2029年度): 2,000人" in table  # 令和11年度
    assert "成果指標" in table  # the section, in the caption


def test_the_indicator_table_sits_in_its_section_with_its_cells_folded(page: str) -> None:
    section = re.search(r"<h4>成果指標</h4>(.*?)<div class=\"section\">", page, flags=re.S)
    assert section and 'class="indicators"' in section.group(1)
    folded = re.search(r'<details class="tables">.*?</details>', section.group(1), flags=re.S)
    assert folded and "<td>現状値（令和5年度）</td>" in folded.group(0)


_FOLDED = re.compile(r'<details class="tables">.*?</details>', flags=re.S)


@pytest.mark.parametrize("row", [
    pytest.param("避難所の数", id="front-matter-tab"),
    pytest.param("防災訓練の参加者数", id="tab"),  # segmentation takes a tab table out of the text
    pytest.param("個別避難計画の作成率", id="tab-after-sub-units"),
    pytest.param("防災メールの登録者数", id="spaced"),  # kept as text: its rows are in the section's text
    pytest.param("防災行政無線の難聴地域の数", id="spaced-last-row"),
    pytest.param("備蓄食料の量", id="pipe"),
    pytest.param("防災士の人数", id="one-cell-a-line"),
    pytest.param("住み続けたいと思う市民の割合", id="flattened-into-a-line"),  # beside sentences
])
def test_each_indicator_table_is_shown_once_with_its_cells_folded(page: str, row: str) -> None:
    shown = _FOLDED.sub("", page)
    assert shown.count(row) == 1, "the row is in the text or in two tables"
    assert f"<td>{row}</td>" in _table_with(shown, row) and 'class="indicators"' in _table_with(shown, row)
    folded = "".join(_FOLDED.findall(page))
    assert folded.count(f"<td>{row}</td>") == 1  # the source cells, behind a toggle


def test_rows_of_a_table_kept_as_text_leave_the_text_and_its_prose_stays(page: str) -> None:
    texts = re.findall(r'<div class="text">(.*?)</div>', page, flags=re.S)
    for prose in ("登録者は若い世代で伸び悩んでおり、学校と連携して登録を呼びかけます。", "地域の防災リーダーを育てます。"):
        assert prose in texts
    [line] = [t for t in texts if "基本目標2" in t]  # the sentences on the line a table was flattened into
    assert line.startswith("基本目標2 安心して暮らせるまちをつくる") and line.endswith("若い世代では割合が下がります。")
    for row in ("指標名", "数値目標", "8,450人", "|---|", "3万食", "42人", "71.5%", "現状値（令和5年度）"):
        assert not any(row in t for t in texts), row


def test_a_label_that_introduces_units_comes_right_before_them(page: str) -> None:
    unit = page[page.index('data-id="第1章/施策1-2"'):page.index('data-id="第1章/施策1-3"')]
    at = [unit.index(s) for s in ("<h4>施策の方向</h4>", "(1) 避難所の運営</summary>", "避難所ごとに運営の手引きを作ります。",
                                  "(2) 要配慮者の支援</summary>", "<h4>成果指標</h4>", "<td>個別避難計画の作成率</td>")]
    assert at == sorted(at)
    between = unit[at[0] + len("<h4>施策の方向</h4>"):at[1]]
    assert re.fullmatch(r'</div><details data-id="第1章/施策1-2/\(1\)"><summary><span class="kind">point</span>', between)


def test_no_legend_without_entities(page: str) -> None:
    assert "<mark" not in page and 'class="legend"' not in page  # keikaku run --nlp none finds none


def test_an_unrecognised_table_is_shown_with_its_cells(page: str) -> None:
    table = _table_with(page, "<td>中央公民館</td>")
    assert 'class="cells"' in table
    for cell in ("施設名", "所在地", "収容人数", "桜丘1丁目", "北部防災倉庫", "北町3丁目", "―"):
        assert f"<td>{cell}</td>" in table
    assert table.count("<tr>") == 3


def test_cells_are_escaped(page: str) -> None:
    assert "<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>" in page
    assert "<script>alert" not in page
    assert page.count("<script>") == 1  # the report's own few lines, nothing from the text


def test_front_matter_indicators_and_tables(page: str) -> None:
    front = re.search(r'<span class="kind">front matter</span>.*?</summary>(.*?)<details open', page, flags=re.S)
    assert front
    table = _table_with(front.group(1), "<td>避難所の数</td>")
    assert "基準値 (2022年): 12か所" in table and "目標値 (2028年): 15か所" in table
    other = _table_with(front.group(1), "<td>令和7年度～令和9年度</td>")
    assert "<td>区分</td>" in other and "<td>期間</td>" in other


def test_the_page_is_deterministic(page: str, tmp_path: Path) -> None:
    path = tmp_path / "again.txt"
    path.write_text(PLAN, encoding="utf-8")
    out = tmp_path / "out"
    keikaku.run.pipeline.run([str(path)], out, RunOptions(nlp="none"), log=lambda m: None)
    once, twice = keikaku.views.report.render_report(out), keikaku.views.report.render_report(out)
    assert once == twice
    assert once.replace("again", "sakuragaoka_bousai") == page
