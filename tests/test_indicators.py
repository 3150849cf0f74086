"""Indicators: tables of 成果指標 / KPI in every layout PDF extraction leaves, read into typed
values, and measured against a hand-checked fixture (tests/fixtures/indicators)."""

from __future__ import annotations

import csv
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import keikaku
from keikaku.extract.evaluate import indicator_gold, indicator_keys
from keikaku.extract.indicators import find_tables, parse_value, parse_year

FIXTURES = Path(__file__).parent / "fixtures" / "indicators"
GOLD = FIXTURES / "gold.tsv"


def _n(text: str | None) -> str:
    return unicodedata.normalize("NFKC", text or "").replace(" ", "")


def _gold() -> set[tuple]:
    return indicator_gold(GOLD)


def _found(nlp: str = "none") -> set[tuple]:
    return {key for path in sorted(FIXTURES.glob("*.txt")) for key in indicator_keys(keikaku.parse(path, nlp=nlp), path.name)}


def test_fixture_precision_and_recall_of_name_label_value_year_unit() -> None:
    gold, got = _gold(), _found()
    hit = gold & got
    precision, recall = len(hit) / max(1, len(got)), len(hit) / len(gold)
    tables = sum(1 for p in FIXTURES.glob("*.txt") for _ in find_tables(
        list(enumerate(p.read_text(encoding="utf-8").split("\n"), start=1))))
    print(f"\nindicator fixture: {len(gold)} gold values in {tables} tables; precision {precision:.3f},"
          f" recall {recall:.3f}")
    assert len(gold) >= 60 and tables >= 8
    assert precision >= 0.95 and recall >= 0.95, (sorted(gold - got, key=str)[:5], sorted(got - gold, key=str)[:5])


def test_grades_and_directions_of_the_fixture() -> None:
    with GOLD.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    expected = {(r["file"], _n(r["name"])): (_n(r["grade"]) or None, r["direction"] or None) for r in rows}
    got = {}
    for path in sorted(FIXTURES.glob("*.txt")):
        for node in keikaku.parse(path, nlp="none").root.walk():
            for ind in node.indicators:
                got[(path.name, _n(ind.name))] = (ind.grade, ind.direction)
    wrong = {k: (v, got.get(k)) for k, v in expected.items() if got.get(k) != v}
    assert not wrong


@pytest.mark.parametrize(("cell", "value", "unit", "year", "fiscal", "qualifier", "upper"), [
    ("1,191", 1191, None, None, None, None, None),
    ("1,191件（2019年）", 1191, "件", 2019, False, None, None),
    ("45.2%", 45.2, "%", None, None, None, None),
    ("４５．２％", 45.2, "%", None, None, None, None),
    ("約3万人", 30000, "人", None, None, "約", None),
    ("1.8億円(令和元年度)", 1.8, "億円", 2019, True, None, None),
    ("2,450千円", 2450, "千円", None, None, None, None),
    ("▲214人", -214, "人", None, None, None, None),
    ("10～15件(令和6年度)", 10, "件", 2024, True, None, 15),
    ("80%以上", 80, "%", None, None, "以上", None),
    ("9,600以下", 9600, None, None, None, "以下", None),
    ("18,640（R1）", 18640, None, 2019, True, None, None),
    ("120人(H30年度)", 120, "人", 2018, True, None, None),
    ("3億512万円", 305120000, "円", None, None, None, None),  # one figure in two units
    ("1.4人/年", 1.4, "人/年", None, None, None, None),  # a rate
    ("26%/年", 26, "%/年", None, None, None, None),
    ("6.2‰(平成 26 年)", 6.2, "‰", 2014, False, None, None),
    ("1,250 千人", 1250000, "人", None, None, None, None),  # a space before the multiplier
    ("H27:74.3%", 74.3, "%", 2015, True, None, None),  # the year before its value
    ("令和5年度 12人", 12, "人", 2023, True, None, None),
    ("R2 ▲31人", -31, "人", 2020, True, None, None),
    ("延べ 8", 8, None, None, None, "延べ", None),  # cumulative over the plan period
    ("95万9千人", 959000, "人", None, None, None, None),
    ("43%(H22当初)", 43, "%", 2010, True, None, None),  # a year with 当初 / 末
])
def test_values_keep_their_meaning(cell: str, value: float, unit: str | None, year: int | None,
                                   fiscal: bool | None, qualifier: str | None, upper: float | None) -> None:
    v = parse_value(cell)
    assert v is not None
    assert (v.value, v.unit, v.year, v.fiscal, v.qualifier, v.upper) == (value, unit, year, fiscal, qualifier, upper)


@pytest.mark.parametrize("cell", ["―", "-", "未設定", "現状値なし", "－", "― 件/年", "---"])
def test_null_values_are_null_with_their_text(cell: str) -> None:
    v = parse_value(cell)
    assert v is not None and v.value is None


@pytest.mark.parametrize("cell", ["1人1日当たりのごみ排出量", "市民の割合", "令和5年度に策定した計画", ""])
def test_names_and_prose_are_not_values(cell: str) -> None:
    assert parse_value(cell) is None


@pytest.mark.parametrize(("text", "year", "fiscal"), [
    ("令和5年度", 2023, True), ("令和元年", 2019, False), ("平成30年度", 2018, True), ("2019年", 2019, False),
    ("R5", 2023, True), ("H27年度", 2015, True),
    ("R25", 2043, True), ("令和２５年度", 2043, True), ("平成 25 年", 2013, False), ("令和元年度", 2019, True),
    ("2045年度", 2045, True),
])
def test_years(text: str, year: int, fiscal: bool) -> None:
    assert parse_year(text) == (year, fiscal)


def test_indicators_attach_to_the_unit_that_holds_the_table() -> None:
    text = ("基本目標1 安心して暮らせるまち\n"
            "施策1-1 防災力の向上\n地域の防災力を高めます。\n成果指標\n指標名\t現状値（令和5年度）\t目標値（令和11年度）\n"
            "防災訓練の参加者数\t1,280人\t2,000人\n\n"
            "施策1-2 交通安全\n交通事故を減らします。\nKPI 基準値 目標値 交通事故件数 312件(令和4年) 250件(令和10年) 以上です。\n")
    doc = keikaku.parse(text=text, nlp="none")
    by_node = {n.code or n.title: [i.name for i in n.indicators] for n in doc.nodes() if n.indicators}
    assert by_node == {"施策1-1": ["防災訓練の参加者数"], "施策1-2": ["交通事故件数"]}
    (kpi,) = [i for n in doc.nodes() for i in n.indicators if i.name == "交通事故件数"]
    assert kpi.baseline is not None and (kpi.baseline.value, kpi.baseline.year, kpi.baseline.fiscal) == (312, 2022, False)
    assert [(t.label, t.value, t.year) for t in kpi.targets] == [("目標値", 250, 2028)]


@pytest.mark.parametrize(("header", "labels"), [
    ("成果目標\t現況値\t中間目標値\t最終目標値", ["現況値", "中間目標値", "最終目標値"]),
    ("指　標　名　　直近値（R5）　　目標値（R11）", ["直近値", "目標値"]),
    ("| 項目 | 現状 | 目標 |", ["現状", "目標"]),
])
def test_other_spellings_of_the_header(header: str, labels: list[str]) -> None:
    sep = "\t" if "\t" in header else " | " if "|" in header else "　　"
    row = sep.join(["渋滞区間の延長", "12km", "8km", "5km"][:len(labels) + 1])
    row = f"| {row} |" if "|" in header else row
    (table,) = find_tables([(1, header), (2, row)])
    assert [c.label for c in table.columns[1:]] == labels and len(table.rows) == 1


def test_prose_that_mentions_targets_is_not_a_table() -> None:
    text = ("施策1 健康づくり\n特定健康診査の受診率は38.6％で、県の目標値である60％を大きく下回っています。\n"
            "目標 計画的に進めます。\n現状 課題が多い状況です。\n第3部 後期基本計画\n第1章 子育て ・・・・・・ 44\n")
    doc = keikaku.parse(text=text, nlp="none")
    assert [i for n in doc.root.walk() for i in n.indicators] == []


def test_an_unrecognised_table_is_kept_and_named_in_a_warning(tmp_path: Path) -> None:
    text = "施策1 人口\n人口の推移は次のとおりです。\n年\t総人口\t高齢化率\n2020年\t41,250\t31.2%\n2025年\t40,100\t33.0%\n"
    doc = keikaku.parse(text=text, nlp="none")
    assert any(w.code == "W303" and "lines 3-5" in w.message and "does not recognise" in w.message for w in doc.warnings)


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="指標名現状値目標値基準値 \t|　123,.%件人年度令和（）()―-\n", max_size=200))
def test_any_text_near_table_words_never_breaks_parsing(text: str) -> None:
    tables = find_tables(list(enumerate(text.split("\n"), start=1)))
    for t in tables:
        assert t.rows and all(row.cells and row.cells[0] for row in t.rows)


# -- arrow lines: 指標名:基準値 → 目標値, with no header ------------------------------------------------
ARROWS = ("1.活力あるまちづくり\n"
          "ぶどう生産額:3億512万円 → 5億円\n"
          "新規就業者数: ― → 40人\n"
          "(1)農業の振興\n"
          "① 新規就農者数:1.6人/年 → 5人/年\n"
          "② 地場産物の利用率:26%/年 → 35%/年\n"
          "③ 地域認証品数: ― 件/年 → 8件/年\n")
RUN_ON = ("本市では次の数値目標を掲げています。目標年次は令和7年です。 基本目標Ⅰ 子育てのまち "
          "①婚姻率:6.2‰(平成 26 年)→6.6‰(令和 7 年) ②出生数: 2,915 人(平成 26 年)→3,100 人(令和 7 年) "
          "③観光客数: 1,250 千人(平成 26 年)→1,300 千人(令和 5 年)→1,400 千人(令和 7 年) 以上の目標です。\n")


def _arrow_values(text: str) -> list[tuple]:
    doc = keikaku.parse(text=text, nlp="none")
    out = []
    for node in doc.root.walk():
        for ind in node.indicators:
            vals = ([ind.baseline] if ind.baseline else []) + ind.actuals + ind.targets
            out.append((_n(ind.name), ind.unit, [(v.value, v.year) for v in vals]))
    return out


def test_arrow_lines_under_each_measure_are_indicators() -> None:
    assert _arrow_values(ARROWS) == [
        ("ぶどう生産額", "円", [(305120000, None), (500000000, None)]),
        ("新規就業者数", "人", [(None, None), (40, None)]),
        ("新規就農者数", "人/年", [(1.6, None), (5, None)]),
        ("地場産物の利用率", "%/年", [(26, None), (35, None)]),
        ("地域認証品数", "件/年", [(None, None), (8, None)]),
    ]


def test_a_middle_dot_inside_a_name_is_no_list_marker() -> None:
    text = ("成果指標\n"
            "・全国学力・学習状況調査の正答率：50％（令和５年度）→ 80％（令和11年度）\n"
            "・子ども・子育て支援の満足度：62％ → 75％\n")
    assert [name for name, _, _ in _arrow_values(text)] == ["全国学力・学習状況調査の正答率", "子ども・子育て支援の満足度"]


def test_arrow_items_in_a_run_on_line_with_years_and_a_chain() -> None:
    assert _arrow_values(RUN_ON) == [
        ("婚姻率", "‰", [(6.2, 2014), (6.6, 2025)]),
        ("出生数", "人", [(2915, 2014), (3100, 2025)]),
        ("観光客数", "人", [(1250000, 2014), (1300000, 2023), (1400000, 2025)]),
    ]


YEAR_FIRST = ("基本目標2 子育て 結婚・出産の希望をかなえる社会をめざします。 年間出生数 : R1 410人 ⇒ R7 450人 "
              "合計特殊出生率 : R1 1.41 ⇒ R7 1.60 婚姻件数 : R1 188組 ⇒ R7 210組 ○ 出会いの場をつくります。 "
              "若い世代の転入超過数 R1 ▲52人 ⇒ R7 0人\n")


def test_arrow_values_led_by_their_year_with_or_without_a_colon() -> None:
    assert _arrow_values(YEAR_FIRST) == [
        ("年間出生数", "人", [(410, 2019), (450, 2025)]),
        ("合計特殊出生率", None, [(1.41, 2019), (1.6, 2025)]),  # 1.60 婚姻件数: the next name is no unit
        ("婚姻件数", "組", [(188, 2019), (210, 2025)]),
        ("若い世代の転入超過数", "人", [(-52, 2019), (0, 2025)]),
    ]


def test_a_source_column_between_the_name_and_the_values() -> None:
    text = ("重要業績評価指標(KPI) 出典・説明 現状値 令和7年度目標値 "
            "「まちに愛着がある」と答えた人の割合 市民意識調査 R1:68.2% 75% 公民館の利用者数 施設統計 R1:52,300人 60,000人\n")
    assert _rows(text) == [
        ("「まちに愛着がある」と答えた人の割合", "%", [(68.2, 2019, None), (75, 2025, None)]),
        ("公民館の利用者数", "人", [(52300, 2019, None), (60000, 2025, None)]),
    ]


@pytest.mark.parametrize("text", [
    "計画期間:令和3年度 → 令和7年度\n",  # years, not values
    "人口は平成22年の41,000人から令和2年の38,000人→さらに減少する見込みです。\n",  # no name and colon
    "手順:申請 → 審査 → 交付\n",  # words, not values
    "本市の人口は R2 38,000人 ⇒ R7 36,000人 と推計されます。\n",  # a sentence, no name
])
def test_arrows_that_are_not_indicators(text: str) -> None:
    assert _arrow_values(text) == []


# -- one cell per line, with pipes, code and 区分 columns, years glued to role words ---------------------
CELL_LINES = ("成果指標達成状況\n文化の振興\n施策コード |\n成果指標 |\n区分 |\n令和2年 |\n令和3年実績 |\n"
              "令和4年9月30日現在 |\n令和4年末見込 |\n5ヵ年目標 |\n"
              "21101 |\n文化振興計画の策定 |\n当初 |\nなし |\nなし |\nなし |\nなし |\n策定 |\n"
              "21102 |\n美術館入館者数 |\n当初 |\n31,250人 |\n28,400人 |\n16,020人 |\n30,000人 |\n35,000人 |\n"
              "21103 |\n文化講座受講者数 |\n当初 |\nなし |\n412人 |\n233人 |\n")


def test_one_cell_per_line_with_pipes_code_columns_and_glued_years() -> None:
    doc = keikaku.parse(text=CELL_LINES, nlp="none")
    got = [(ind.name, ind.unit, [(v.label, v.value, v.year) for v in ind.actuals + ind.targets])
           for n in doc.root.walk() for ind in n.indicators]
    assert got == [
        ("文化振興計画の策定", None, [(None, None, 2020), ("実績", None, 2021), ("現在", None, 2022), ("見込", None, 2022),
                                     ("目標", None, None)]),  # 策定: a target that is no figure, kept as its text
        ("美術館入館者数", "人", [(None, 31250, 2020), ("実績", 28400, 2021), ("現在", 16020, 2022),
                                  ("見込", 30000, 2022), ("目標", 35000, None)]),
    ]  # the third row is cut off: no row is made of half a row


# -- a table glued into one line without spaces (an e-book's text layer) -----------------------------
GLUED = ("52第3次桜台市総合計画資料編成果指標一覧分野項目指標説明策定時の値(2020年度)中間目標(2024年度)目標値(2028年度)"
         "子育て子育て支援P21保育所の待機児童数保育の受け皿が整い、待機児童が解消されます。14人(2019年度)5人0人"
         "子育てに満足している人の割合子育てしやすいまちと感じる人が増えます。48.5%55%60%"
         "教育学校教育P251人1日あたりの読書時間(分)読書の習慣が身につきます。22分(2019年度)25分30分"
         "地域の学校行事への参加率地域が学校を支える体制が整います。31%―40%\n")


def test_a_table_glued_into_one_line() -> None:
    doc = keikaku.parse(text=GLUED, nlp="none")
    got = [(_n(ind.name), [(v.value, v.year) for v in ([ind.baseline] if ind.baseline else []) + ind.targets])
           for n in doc.root.walk() for ind in n.indicators]
    assert got == [
        ("保育所の待機児童数", [(14, 2019), (5, 2024), (0, 2028)]),
        ("子育てに満足している人の割合", [(48.5, 2020), (55, 2024), (60, 2028)]),
        ("1人1日あたりの読書時間(分)", [(22, 2019), (25, 2024), (30, 2028)]),
        ("地域の学校行事への参加率", [(31, 2020), (None, 2024), (40, 2028)]),
    ]


# -- one indicator's sheet: its name, a header of years with bracketed role words, then its values ----
SHEET = ("基本目標1 結婚・出産の希望をかなえる 数値目標① 出生率 平成 26 (基準値) 平成 28 平成 29 (現状値) "
         "令和 2 (目標値) 1.31 1.33 1.35 1.50 数値目標② 転入者数 平成 26 (基準値) 平成 28 平成 29 (現状値) "
         "令和 2 (目標値) 3,210 人 3,305 人 3,298 人 3,600 人\n")


def test_a_sheet_with_its_name_before_a_header_of_years_and_bracketed_roles() -> None:
    doc = keikaku.parse(text=SHEET, nlp="none")
    got = [(_n(ind.name), ind.unit, [(v.label, v.value, v.year) for v in
                                     ([ind.baseline] if ind.baseline else []) + ind.actuals + ind.targets])
           for n in doc.root.walk() for ind in n.indicators]
    assert got == [
        ("出生率", None, [("基準値", 1.31, 2014), (None, 1.33, 2016), ("現状値", 1.35, 2017), ("目標値", 1.5, 2020)]),
        ("転入者数", "人", [("基準値", 3210, 2014), (None, 3305, 2016), ("現状値", 3298, 2017), ("目標値", 3600, 2020)]),
    ]


# -- flattened tables read in other orders: values before names, column by column --------------------
VALUES_FIRST = ("(1)基本目標 目標指標 基準値 (H26) 実績値 (H27) 目標値 (H31) 4 7 15 延べ 3 延べ 9 延べ 12 "
                "空き家バンクの成約件数(件) 移住相談会の参加者数(人) (2)具体的施策\n")
COLUMN_MAJOR = ("②生涯学習 目標(指標)名 単位 現状 目標(平成31年度) 公民館講座の受講者数 図書館の貸出冊数 人 冊 "
                "2,310 84,500 2,600 90,000\n")


def _rows(text: str) -> list[tuple]:
    doc = keikaku.parse(text=text, nlp="none")
    return [(_n(ind.name), ind.unit, [(v.value, v.year, v.qualifier) for v in
                                      ([ind.baseline] if ind.baseline else []) + ind.actuals + ind.targets])
            for n in doc.root.walk() for ind in n.indicators]


def test_values_before_names_are_taken_n_by_n_in_the_names_order() -> None:
    assert _rows(VALUES_FIRST) == [
        ("空き家バンクの成約件数(件)", "件", [(4, 2014, None), (7, 2015, None), (15, 2019, None)]),
        ("移住相談会の参加者数(人)", "人", [(3, 2014, "延べ"), (9, 2015, "延べ"), (12, 2019, "延べ")]),
    ]


def test_rows_flattened_column_by_column() -> None:
    assert _rows(COLUMN_MAJOR) == [
        ("公民館講座の受講者数", "人", [(2310, None, None), (2600, 2019, None)]),
        ("図書館の貸出冊数", "冊", [(84500, None, None), (90000, 2019, None)]),
    ]


@pytest.mark.parametrize("text", [
    # values and names that do not pair up: one value too many
    "目標指標 基準値 (H26) 目標値 (H31) 4 7 15 空き家バンクの成約件数 移住相談会の参加者数\n",
    # a name column of prose after the figures
    "目標指標 基準値 (H26) 目標値 (H31) 4 7 15 9 この表は参考です。\n",
])
def test_values_first_that_do_not_pair_up_are_not_read(text: str) -> None:
    assert _rows(text) == []


def test_a_glued_value_in_a_multiple_of_its_unit() -> None:
    text = GLUED.replace("14人(2019年度)5人0人", "227万人(2019年度)260万人270万人")
    assert _rows(text)[0] == ("保育所の待機児童数", "人", [(2270000, 2019, None), (2600000, 2024, None),
                                                        (2700000, 2028, None)])


# -- rows one cell per line whose header was lost (a vertical header scattered by extraction) ----------
PAIRS = ("成果指標\n(ターゲット)\n目\n標\n値\n①歩いて暮らせるまち\n駅周辺の居住人口\n4,120 人(2022 年)\n4,300 人以上\n"
         "コミュニティバス年間利用者数\n12.5 万人(2022 年)\n15 万人\n58.1%(2022 年)\n")


def test_name_value_value_blocks_below_a_table_word() -> None:
    assert _rows(PAIRS) == [
        ("駅周辺の居住人口", "人", [(4120, 2022, None), (4300, None, "以上")]),
        ("コミュニティバス年間利用者数", "人", [(125000, 2022, None), (150000, None, None)]),
    ]  # the last figure has no name: not a row


@pytest.mark.parametrize("text", [
    PAIRS.replace("成果指標\n", "").replace("目\n標\n値\n", ""),  # no table word above the blocks
    PAIRS.replace("コミュニティバス年間利用者数\n12.5 万人(2022 年)\n15 万人\n", ""),  # one block alone
])
def test_name_value_value_blocks_that_are_not_a_table(text: str) -> None:
    assert _rows(text) == []


# -- what each value is: role, bound, period -----------------------------------------------------------
ROLES = ("成果指標\n"
         "指標名\t策定時の値(R2)\t現状値(R5)\t実績(R6)\t見込(R7)\t中間目標(R7)\t目標値(R11)\n"
         "転入者数\t310人\t290人\t305人\t320人\t330人\t350人以上\n"
         "待機児童数\t25人(2015~19年)\t12人\t8人\t5人\t5人\t0人以下\n"
         "図書館の貸出冊数\t41万冊(期間平均)\t40万冊\t―\t―\t42万冊\t整備\n")


def test_each_value_has_its_role_bound_and_period() -> None:
    doc = keikaku.parse(text=ROLES, nlp="none")
    inds = [ind for n in doc.root.walk() for ind in n.indicators]
    values = [[(v.role, v.value, v.year, v.bound, v.period, v.year_from)
               for v in ([i.baseline] if i.baseline else []) + i.actuals + i.targets] for i in inds]
    assert values[0] == [("baseline", 310, 2020, None, None, None), ("current", 290, 2023, None, None, None),
                         ("actual", 305, 2024, None, None, None), ("plan", 320, 2025, None, None, None),
                         ("interim", 330, 2025, None, None, None), ("target", 350, 2029, "min", None, None)]
    assert values[1][0] == ("baseline", 25, 2019, None, "2015~2019", 2015)
    assert values[1][-1] == ("target", 0, 2029, "max", None, None)
    assert values[2][0] == ("baseline", 410000, 2020, None, "期間平均", None)
    assert values[2][-1] == ("target", None, 2029, None, None, None)  # 整備: a word, kept with its text
    assert inds[2].targets[-1].text == "整備"


def test_a_value_cell_that_cannot_be_read_is_named_in_a_warning() -> None:
    text = ROLES.replace("\t整備\n", "\t3館で整備し、さらに拡充を検討する\n")
    doc = keikaku.parse(text=text, nlp="none")
    ind = [i for n in doc.root.walk() for i in n.indicators][2]
    assert [v.text for v in ind.targets] == ["―", "42万冊"]  # the prose cell is no target
    assert "3館で整備し、さらに拡充を検討する" in ind.cells
    assert any("図書館の貸出冊数" in w.message and "3館で整備し" in w.message for w in doc.warnings)


# -- free-text columns after the values, a row without its unit, a direction phrase --------------------
NOTES_AFTER = ("成果指標一覧 施策番号 めざす姿の成果指標名 単位 現状値 (令和元年度) 目標値 (令和6年度) 方向性 "
               "指標の定義・算出方法 目標値設定の根拠・理由 "
               "地域見守り活動の登録団体数 団体 42 50 増加を目指す 市に登録した見守り団体の数(累計) 毎年2団体の "
               "登録を目指す。 救急講習の受講率 38 45 増加を目指す 受講者数÷人口×100 5年で7ポイント の向上を目指す。 "
               "空き家の相談件数 件/年 120 90 減少を目指す 空き家窓口への相談の件数 10%以上の 削減を目指す。\n")


def test_free_text_columns_run_to_the_next_row() -> None:
    doc = keikaku.parse(text=NOTES_AFTER, nlp="none")
    inds = [i for n in doc.root.walk() for i in n.indicators]
    assert [(i.name, i.unit, i.baseline.value if i.baseline else None, [v.value for v in i.targets], i.direction)
            for i in inds] == [
        ("地域見守り活動の登録団体数", "団体", 42, [50], "増加"),
        ("救急講習の受講率", None, 38, [45], "増加"),  # no unit printed: the cell is empty
        ("空き家の相談件数", "件/年", 120, [90], "減少"),
    ]
    assert inds[0].notes == ["市に登録した見守り団体の数(累計) 毎年2団体の 登録を目指す。"]
    assert all(i.baseline is not None and i.baseline.year == 2019 for i in inds)


# -- one cell per line: years below the header words, the one row's name inside the header --------------
SHEETS = ("指標1\n図書館の年間貸出冊数\n指標(KPI)\n現状値\n目標値\n(令和元年)\n(令和7年)\n"
          "図書館の年間貸出冊数\n41万2千冊\n45万冊\n説明の文がここに続きます。\n"
          "指標2\n指標(KPI)\n市民講座の\n受講者数(年間)\n現状値\n目標値\n(令和元年)\n(令和7年)\n"
          "2,480人\n3,000人\n説明の文がここに続きます。\n")


def test_one_cell_per_line_with_years_below_and_a_name_inside_the_header() -> None:
    assert _rows(SHEETS) == [
        ("図書館の年間貸出冊数", "冊", [(412000, 2019, None), (450000, 2025, None)]),
        ("市民講座の受講者数(年間)", "人", [(2480, 2019, None), (3000, 2025, None)]),
    ]


# -- targets written as sentences, and an arrow line whose baseline carries its year -------------------
SENTENCES = ("成果目標\n"
             "1\n"
             "地域の安全を高めるため、防犯灯のLED化率を38.5%(R2)から100%(R7末)に引き上げる。\n"
             "2\n"
             "誰もが安心して歩けるように歩道の整備された割合を\n"
             "52.0%(R2)から60.0%(R7)に増やす。\n"
             "公共下水道の普及率71.2%(R2当初)から80%(R7末)を達成する。\n"
             "市営住宅の耐震化率 82.0%(R2)→95.0%(R7)\n"
             "人口は41,000人(H22)から38,000人(R2)に減少しました。\n")


def test_targets_written_as_sentences() -> None:
    assert _rows(SENTENCES) == [
        ("防犯灯のLED化率", "%", [(38.5, 2020, None), (100, 2025, None)]),
        ("歩道の整備された割合", "%", [(52.0, 2020, None), (60.0, 2025, None)]),  # wrapped over two lines
        ("公共下水道の普及率", "%", [(71.2, 2020, None), (80, 2025, None)]),
        ("市営住宅の耐震化率", "%", [(82.0, 2020, None), (95.0, 2025, None)]),  # an arrow line, no colon
    ]  # the last sentence tells a trend (past tense): no target


# -- pipe and tab tables without a head row, right under a table word ------------------------------------
@pytest.mark.parametrize("rows", [
    "| 待機児童数 | 12人(R5) | 6人(R8) | 0人(R11) |\n| 相談件数 | 320件(R5) | 400件(R8) | 500件(R11) |\n",
    "待機児童数\t12人(R5)\t6人(R8)\t0人(R11)\n相談件数\t320件(R5)\t400件(R8)\t500件(R11)\n",
])
def test_tables_without_a_head_row_under_a_table_word(rows: str) -> None:
    doc = keikaku.parse(text="施策1 子育て支援\n■成果指標\n" + rows, nlp="none")
    inds = [i for n in doc.root.walk() for i in n.indicators]
    assert [(i.name, [(v.role, v.value, v.year) for v in [i.baseline, *i.actuals, *i.targets] if v]) for i in inds] == [
        ("待機児童数", [("baseline", 12, 2023), ("actual", 6, 2026), ("target", 0, 2029)]),
        ("相談件数", [("baseline", 320, 2023), ("actual", 400, 2026), ("target", 500, 2029)]),
    ]
    table = next(t for n in doc.root.walk() for s in n.sections for t in s.tables)
    assert table.header is None and len(table.rows) == 2


def test_a_headless_table_far_from_any_table_word_is_not_read() -> None:
    text = "施策1 子育て支援\n■現状と課題\n保育の需要が増えています。\n| 待機児童数 | 12人 | 0人 |\n"
    assert _rows(text) == []


# -- arrow items with = , pipes left by an export, and items a PDF wrapped over two lines ---------------
EQUALS = (" |\n市民が安心して暮らせるまちになる |\n●刑法犯の認知件数=1,820件→1,500件未満 |\n|\n"
          "●地域の防犯ボランティア\n=42団体→60団体 |\n|\n●商店街の空き店舗数=31店舗(令和元年度)\n→20店舗 |\n"
          "●図書館の来館者数=41万人→45万人 |\n")


def test_arrow_items_with_equals_pipes_and_wrapped_lines() -> None:
    assert _arrow_values(EQUALS) == [
        ("刑法犯の認知件数", "件", [(1820, None), (1500, None)]),
        ("地域の防犯ボランティア", "団体", [(42, None), (60, None)]),  # the name on the line before
        ("商店街の空き店舗数", "店舗", [(31, 2019), (20, None)]),  # the target on the line after
        ("図書館の来館者数", "人", [(410000, None), (450000, None)]),
    ]


def test_a_sheet_whose_name_the_pdf_wrapped_inside_its_brackets() -> None:
    text = ("指標② 数値目標 公共交通機関(鉄道、路線 バス)の利用者割合 令和 2 (現況値) 令和 12 (目標値) 21% 26%\n")
    assert _rows(text) == [("公共交通機関(鉄道、路線バス)の利用者割合", "%", [(21, 2020, None), (26, 2030, None)])]


# -- transposed sheets: years across, one row per role, the indicator named above --------------------------
TRANSPOSED_GLUED = ("市税の収納対策\n\n成果指標市税の収納率\n\n自己評価\n\nB\n\n令和(年度)345\n目標-97.50%98.00%\n"
                    "実績96.80%97.10%97.60%\n目標と実績の\n比較\n-▲0.4%▲0.4%\n\n活動指標1催告書の発送\n\n"
                    "令和(年度)345\n目標1200通1300通1300通\n実績1180通1310通1295通\n")
TRANSPOSED_SPACED = ("施策3 公園の維持管理\n成果指標:公園愛護団体の数\n年度 R3 R4 R5\n計画 40 44 48\n実績 41 43 -\n")


def test_a_transposed_sheet_glued_by_a_web_copy() -> None:
    got = _rows(TRANSPOSED_GLUED)
    assert got == [
        ("市税の収納率", "%", [(96.8, 2021, None), (97.1, 2022, None), (97.6, 2023, None),  # results, then targets
                               (None, 2021, None), (97.5, 2022, None), (98.0, 2023, None)]),
        ("催告書の発送", "通", [(1180, 2021, None), (1310, 2022, None), (1295, 2023, None),
                              (1200, 2021, None), (1300, 2022, None), (1300, 2023, None)]),
    ]  # the comparison row (目標と実績の比較) is derived: not read


def test_a_transposed_sheet_with_spaces() -> None:
    doc = keikaku.parse(text=TRANSPOSED_SPACED, nlp="none")
    ind = next(i for n in doc.root.walk() for i in n.indicators)
    assert ind.name == "公園愛護団体の数"
    assert [(v.role, v.value, v.year) for v in ind.targets] == [("plan", 40, 2021), ("plan", 44, 2022), ("plan", 48, 2023)]
    assert [(v.role, v.value, v.year) for v in ind.actuals] == [("actual", 41, 2021), ("actual", 43, 2022),
                                                               ("actual", None, 2023)]


def test_glued_figures_are_never_cut_between_two_digits() -> None:
    text = TRANSPOSED_GLUED.replace("実績96.80%97.10%97.60%", "実績968097109760")
    assert [ind for ind in _rows(text) if ind[0] == "市税の収納率"] == [
        ("市税の収納率", "%", [(None, 2021, None), (97.5, 2022, None), (98.0, 2023, None)])]


# -- rows numbered or bulleted inside a spaced table -------------------------------------------------------
NUMBERED_ROWS = ("施策1 子育て\n■成果指標\n指標名 現状値（令和5年度） 目標値（令和11年度）\n① 待機児童数 12人 0人\n"
                 "② 相談件数 320件 500件\n・保育士の数 80人 95人\n")


def test_numbered_and_bulleted_rows_of_a_table_are_rows() -> None:
    doc = keikaku.parse(text=NUMBERED_ROWS, nlp="none")
    assert [n.code for n in doc.root.walk() if n.code] == ["施策1"]  # ① 待機児童数 12人 0人 is no heading
    assert [(i.name, i.baseline.value if i.baseline else None, [v.value for v in i.targets])
            for n in doc.root.walk() for i in n.indicators] == [
        ("待機児童数", 12, [0]), ("相談件数", 320, [500]), ("保育士の数", 80, [95])]  # no bullet in the name


# -- what is no indicator: trends, projections, budgets, years and times, headings -------------------------
@pytest.mark.parametrize("text", [
    "人口推計\n区分 2020年 2025年 2030年 2035年\n総人口 48,100 46,500 44,800 42,900\n",  # years across, no table word
    "財政の見通し\n区分 令和7年度 令和8年度 令和9年度\n歳入 32,500 33,100 33,800\n",
    "年齢3区分別人口 2020年 2030年 2040年 年少人口 5,800人 4,900人 4,100人\n",
    "1 計画期間:2025年度→2030年度\n開館時間:9時→10時\n",  # years and clock times are no values
    "職員数の推移\n職員数:520人(H27)→498人(R5)\n",  # a trend under its title
    "■ 主な指標の推移\n| 総人口 | 50,200人 | 48,100人 | 46,500人 |\n",
    "事業費の状況(単位:千円)\n事業名 計画 実績\n道路改良事業 120,000 118,500\n",
    "一方、高齢化率30.5%(2020年)から35.2%(2030年)に上昇すると見込まれます。\n",  # projections
    "このまま推移すると、年少人口5,800人(R2)から4,100人(R22)へと大きく減少します。\n",
    "活動指標 道路パトロール回数\n事業費(千円)\n年度 R5 R6 R7\n計画 12,000 13,000 14,000\n実績 11,800 12,900 -\n",
    "数値目標 指標名 現状値 目標値 婚姻数 1,191件 1,300件 本市の人口は 2020年 48,100人 でした。\n",
])
def test_tables_and_lines_that_are_no_indicators(text: str) -> None:
    got = [ind for ind in _rows(text) if ind[0] != "婚姻数"]
    assert got == []


def test_a_row_short_of_a_cell_is_not_read_against_a_later_column_and_is_named() -> None:
    text = ("成果指標\n指標名 基準値(H30) 実績値(R4) 目標値(R8)\n特定健診受診率 38.5% 60%\n"
            "がん検診受診率 12.0% 15.2% 20%\n")
    doc = keikaku.parse(text=text, nlp="none")
    # not 38.5 as the R4 result: which columns the two figures fill is unknown; the next row is read
    assert [i.name for n in doc.root.walk() for i in n.indicators] == ["がん検診受診率"]
    assert any(w.code == "W301" and "'特定健診受診率' has 2 figure(s) for the 3 value columns" in w.message
               for w in doc.warnings)


def test_a_change_as_target_and_a_value_in_another_unit_keep_their_text() -> None:
    text = "成果指標\n指標名 現状値(R5) 目標値(R11)\n公園利用者数 52,000人 1.2倍\nごみ排出量 850g 1割削減\n"
    doc = keikaku.parse(text=text, nlp="none")
    inds = [i for n in doc.root.walk() for i in n.indicators]
    assert [(i.name, [(v.value, v.text) for v in i.targets]) for i in inds] == [
        ("公園利用者数", [(None, "1.2倍")]), ("ごみ排出量", [(None, "1割削減")])]
    assert any("1.2倍" in w.message and "not 人" in w.message for w in doc.warnings)


def test_one_cell_per_line_stops_before_the_next_heading() -> None:
    text = "成果指標\n指標名\n現状値\n目標値\n待機児童数\n12人\n0人\n第3章\n基本計画\n45\n"
    doc = keikaku.parse(text=text, nlp="none")
    assert [i.name for n in doc.root.walk() for i in n.indicators] == ["待機児童数"]


@pytest.mark.parametrize(("text", "codes"), [
    ("第1部 基本構想 2025 - 2034\n本文です。\n第2部 前期基本計画 2025 - 2029\n本文です。\n第3部 資料編\n",
     ["第1部", "第2部", "第3部"]),
    ("1 計画の概要\n本文です。\n2 計画の期間 2025年度 2030年度\n本文です。\n3 施策の体系\n本文です。\n", ["1", "2", "3"]),
])
def test_headings_with_years_are_still_headings(text: str, codes: list[str]) -> None:
    doc = keikaku.parse(text=text, nlp="none")
    assert [n.code for n in doc.root.walk() if n.code] == codes


# -- the national KPI report form (指標値 / 単位 / 目標年月 / 実績値), one cell per line ------------------
FORM = ("事業実施結果報告\n本事業における重要業績評価指標(KPI)\n指標\n指標値\n単位\n目標年月\n実績値\n"
        "指標①\n1 移住促進事業\n基礎交付\n1,250,000\n"
        "指標 移住相談窓口の相談件\n① 数\n40\n件\nH28.3\n52\n"
        "指標\n空き家バンクを通じた\n②\n移住世帯数\n5\n世帯\nH28.3\n-\n"
        "指標 特産品の販売額\n③\n1,200\n千円\nH28.3\n1,350\n")


def test_the_kpi_report_form_one_cell_per_line() -> None:
    doc = keikaku.parse(text=FORM, nlp="none")
    got = [(i.name, i.unit, [(v.role, v.value, v.year) for v in [*i.targets, *i.actuals]])
           for n in doc.root.walk() for i in n.indicators]
    assert got == [
        ("移住相談窓口の相談件数", "件", [("target", 40, 2016), ("actual", 52, None)]),
        ("空き家バンクを通じた移住世帯数", "世帯", [("target", 5, 2016), ("actual", None, None)]),
        ("特産品の販売額", "千円", [("target", 1200, 2016), ("actual", 1350, None)]),
    ]  # the grant amount (1,250,000) has no unit and month after it: no row


def test_the_form_rows_need_the_forms_header() -> None:
    assert _rows(FORM.replace("目標年月", "目標")) == []


def test_the_middle_of_an_arrow_chain_is_an_interim_target() -> None:
    doc = keikaku.parse(text="観光入込客数:120万人(R5)→130万人(R8)→150万人(R11)\n", nlp="none")
    ind = next(i for n in doc.root.walk() for i in n.indicators)
    assert [(v.role, v.value, v.year) for v in [ind.baseline, *ind.actuals, *ind.targets] if v] == [
        ("baseline", 1200000, 2023), ("interim", 1300000, 2026), ("target", 1500000, 2029)]
