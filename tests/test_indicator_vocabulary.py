"""The indicator vocabulary as data (src/keikaku/data/indicators.toml): read and checked once, a
malformed file named with the list at fault, and the words reaching the readers and keywords."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from keikaku.errors import RulesError
from keikaku.extract.indicators import parse_value, parse_year
from keikaku.extract.indicators.vocabulary import VOCABULARY_FILE, load_vocabulary, parse_vocabulary, vocabulary
from keikaku.extract.keywords import keyword_rules
from keikaku.text.dates import era_year

SHIPPED = resources.files("keikaku").joinpath(VOCABULARY_FILE).read_text(encoding="utf-8")


def _changed(old: str, new: str) -> str:
    assert SHIPPED.count(old) == 1, old
    return SHIPPED.replace(old, new)


def test_the_shipped_vocabulary_is_read_once() -> None:
    v = vocabulary()
    assert v is vocabulary()
    assert "指標名" in v.name_words and "現状値" in v.role_words["baseline"] and "―" in v.nulls
    assert v.directions["↑"] == "増加" and v.bounds["未満"] == "max"


@pytest.mark.parametrize(("text", "rule", "problem"), [
    (_changed("[columns]\n", "[columns\n"), "file", "not valid TOML"),
    (_changed('unit = ["単位"]', ""), "columns.roles", "missing: unit"),
    (_changed('unit = ["単位"]', 'unit = ["単位"]\nremark = ["所感"]'), "columns.roles", "unknown: remark"),
    (_changed('"見込値", "目標", "計画", "見込"]', '"見込値", "目標", "計画", "見込", "現状値"]'), "columns.roles.target",
     "'現状値' is already in columns.roles.baseline"),
    (_changed('"備考", "出典",\n]', '"備考", "出典", "指 標 名",\n]'), "columns.roles.note",
     "'指 標 名' is already a column word of name"),
    (_changed('"成果指標", "活動指標"', '"成果指標", "成果指標", "活動指標"'), "columns.names", "listed twice"),
    (_changed('"直近値",\n]', '"直近値", "備考",\n]'), "headers.strong", "'備考' is no word of a value column"),
    (_changed('["見込", "target"], ["目標", "target"]', '["見込", "target"], ["目標", "goal"]'), "headers.inside",
     "unknown kind 'goal'"),
    (_changed('["中間", "interim"]', '["中間"]'), "values.kinds", "[word, kind] pairs"),
    (_changed('rates = ["年", "年度"', 'rates = ["年", " "'), "values.rates", "no blank word"),
    (_changed('marks = ["→", "⇒", "➡", "➔", "=>"]', "marks = []"), "arrows.marks", "not empty"),
    (_changed('min = ["以上", "超"]', 'min = ["以上", "超", "より多い"]'), "values.bounds", "'より多い' is not among"),
    (_changed('"維持" = ["維持", "→"]', '"維持" = ["維持", "↑"]'), "directions.維持", "already in directions.増加"),
    (_changed("[tables]\n", "[tablez]\n"), "tables.other", "missing"),
], ids=lambda x: x if isinstance(x, str) and "\n" not in x and len(x) < 20 else "")
def test_a_malformed_file_is_named_with_the_list_at_fault(tmp_path: Path, text: str, rule: str, problem: str) -> None:
    path = tmp_path / "indicators.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RulesError) as caught:
        load_vocabulary(path)
    assert caught.value.source == str(path) and caught.value.rule == rule
    assert problem in str(caught.value) and str(path) in str(caught.value)


def test_the_shipped_text_itself_passes_the_checks(tmp_path: Path) -> None:
    path = tmp_path / "indicators.toml"
    path.write_text(SHIPPED, encoding="utf-8")
    assert load_vocabulary(path) == parse_vocabulary(SHIPPED)


def test_the_readers_use_the_vocabulary() -> None:
    """Nulls, qualifiers, units and bounds of the file are what a value cell is read with."""
    assert parse_value("未設定").value is None  # type: ignore[union-attr]
    assert parse_value("約1,200人以上").qualifier == "約"  # type: ignore[union-attr]
    got = parse_value("12件/年")
    assert got is not None and got.unit == "件/年"
    assert parse_value("12ダース") is None  # no unit of the vocabulary, longer than a counter word


def test_keywords_take_the_column_words_of_the_vocabulary() -> None:
    v = vocabulary()
    structure = keyword_rules().structure
    assert set(v.name_words) <= structure and {w for ws in v.role_words.values() for w in ws} <= structure


@pytest.mark.parametrize(("text", "year", "fiscal"), [
    ("明治45年", 1912, False), ("大正元年度", 1912, True), ("昭和40年", 1965, False), ("令和5年度", 2023, True),
    ("H26", 2014, True), ("R元", 2019, True),
])
def test_era_years_come_from_the_one_era_table(text: str, year: int, fiscal: bool) -> None:
    assert parse_year(text) == (year, fiscal)


def test_era_year_of_dates() -> None:
    assert (era_year("大正", "9"), era_year("H", "元"), era_year("令和", "5")) == (1920, 1989, 2023)


def test_a_value_cell_reads_every_era_of_the_table() -> None:
    got = parse_value("1,200人(大正9年)")
    assert got is not None and (got.value, got.year, got.fiscal) == (1200, 1920, False)


@pytest.mark.parametrize("cell", ["120件(T3)", "5.5%(M10)"])
def test_a_code_in_brackets_is_no_era_year(cell: str) -> None:
    """M and T beside a figure are codes (a measure T3), not 明治/大正 years: those eras are read by
    their names only."""
    got = parse_value(cell)
    assert got is None or got.year is None
