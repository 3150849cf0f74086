"""keikaku report shows a unit's indicators as a table (name, unit, baseline and targets with
their years) and every other table of the unit, in the front matter too, with every cell escaped."""

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
"""


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
