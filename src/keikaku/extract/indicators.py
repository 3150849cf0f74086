"""Indicator tables (成果指標, KPI, 数値目標 …) → typed :class:`~keikaku.model.records.Indicator` rows.

Runs after segmentation, on the source lines, because PDF extraction leaves these tables in
many layouts that segmentation keeps as text:

  tab       指標名<TAB>単位<TAB>現状値（令和5年度）<TAB>目標値（令和11年度）, a row per line
  pipe      | 指標名 | 現状値 | 目標値 |, a |---| rule, a row per line
  spaced    cells separated by spaces (full-width or not), a row per line
  lines     one cell per line: the header's cells, then each row's cells (evaluation sheets)
  running   a whole table flattened into one line, with prose around it:
            重要業績評価指標(KPI) 指標名 基準値 目標値 婚姻数 1,191件 (2019年) 1,300件 (2026年) …

A header is a run of column words (the vocabulary below, letter-spaced or not) with at least one
value column; its columns say what each cell of a row is.  Rows are read cell by cell against
those columns: a row that does not fit ends the table, so prose after a flattened table is left
alone.  Each table becomes an indicator :class:`~keikaku.model.tree.Table` of the unit that holds its
header (with no spans: the lines stay where segmentation put them) and each row an Indicator.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Callable

from ..model.records import Indicator, IndicatorValue
from ..model.tree import Document, Node, Span, Table
from ..text.dates import ERA_START
from ..text.normalize import compact_code

# --- the vocabulary of column headers -------------------------------------------------------------
# Longest first within a role; a word matches letter-spaced too (指 標 名).
NAME_WORDS = ("重要業績評価指標(KPI)", "重要業績評価指標", "指標(KPI)", "まちづくり指標", "成果指標名", "指標名", "指標項目",
              "成果指標", "活動指標", "目標指標", "評価指標", "数値目標", "KPI", "指標", "項目")
ROLE_WORDS = {
    "unit": ("単位",),
    "baseline": ("策定時の値", "現状値", "基準値", "策定時", "現在値", "現況値", "直近値", "初期値", "当初値", "現状", "現況"),
    "target": ("中間目標値", "最終目標値", "中間目標", "中間値", "目標値", "計画値", "見込値", "目標", "計画", "見込"),
    "actual": ("実績値", "達成値", "最新値", "実績"),
    "grade": ("達成状況", "進捗状況", "達成度", "進捗度", "進捗", "評価", "判定"),
    "direction": ("目指す方向", "目標の方向", "方向性", "方向"),
    "note": ("目標年度", "目標年次", "指標の定義・算出方法", "目標値設定の根拠・理由", "目標設定の根拠", "設定の根拠", "出典・説明", "指標の定義",
             "指標の説明", "算出方法", "備考", "出典"),
}
VALUE_ROLES = ("baseline", "target", "actual")

_ERA = r"(?:令和|平成|昭和|[RHS](?=\s*(?:\d|元)))"
_NUMBER_MARK = r"[①-⑳]|[(（]\d{1,2}[)）]|\d{1,2}[.)]"  # a list's number: ①, (1), 1., 1)
_ERA_N = rf"{_ERA}\s*(?:\d{{1,2}}|元)"  # an era and its year's number: 令和5, H26, R元
_YEAR = rf"(?:{_ERA_N}|(?:19|20)\d{{2}})\s*(?:年度|年)?"
# An era year written before its value, with a colon or not (H27:74.3%, ⇒ H31 330人).
_YEAR_LED = rf"{_ERA_N}\s*(?:年度|年)?\s*[:：]?\s*"
_YEAR_RE = re.compile(rf"(?P<era>{_ERA})?\s*(?P<n>\d{{1,4}}|元)\s*(?P<suffix>年度|年)?")


def _spaced(word: str) -> str:
    return r"\s?".join(re.escape(ch) for ch in word)


def _word_pattern() -> re.Pattern[str]:
    words = [(w, "name") for w in NAME_WORDS] + [(w, role) for role, ws in ROLE_WORDS.items() for w in ws]
    words.sort(key=lambda wr: -len(wr[0]))
    alternatives = "|".join(_spaced(w) for w, _ in words)
    # a column: an optional year before (R4計画, 令和4年度 計画), the word, an optional year after
    # (現状値（令和5年度）, 現状値 令和5年度); or a year alone (an evaluation sheet's 令和4年度).
    # (平成 25 (基準値): the year, then the word in brackets; a year after a word that has one
    # before it is the next column's: 平成 25 (基準値) 平成 27 平成 28 (現状値))
    return re.compile(
        rf"(?P<pre>{_YEAR})\s?(?P<open>[(（]\s?)?(?P<word>{alternatives})(?(open)\s?[)）])"
        rf"(?:\s?[(（]\s?(?P<post>{_YEAR})\s?[)）])?"
        rf"|(?P<word2>{alternatives})(?:\s?[(（]\s?(?P<post_b>{_YEAR})\s?[)）]|\s(?P<post2>{_YEAR})(?=\s|$))?"
        rf"|(?P<alone>{_ERA_N}(?:\s*年度?)?|(?:19|20)\d{{2}}\s*年度?)")


def _word_of(m: re.Match[str]) -> str | None:
    """The column word of a header match (either spelling of the pattern), or None for a year alone."""
    return m.group("word") or m.group("word2")


_COLUMN = _word_pattern()
_ROLE_OF = {compact_code(w): role for role, ws in ROLE_WORDS.items() for w in ws} | {w: "name" for w in NAME_WORDS}


@dataclass
class Column:
    role: str  # name, unit, baseline, target, actual, grade, direction, note
    label: str | None
    year: int | None = None
    fiscal: bool | None = None
    kind: str | None = None  # what its values are when no label says it (an arrow chain's middle: interim)


def parse_year(text: str) -> tuple[int | None, bool | None]:
    """令和5年度 → (2023, True); 2019年 → (2019, False); R5 → (2023, True): a bare era year is
    fiscal (evaluation sheets count by fiscal year)."""
    m = _YEAR_RE.search(text)
    if not m:
        return None, None
    n = 1 if m.group("n") == "元" else int(m.group("n"))
    era = m.group("era")
    if era:
        year = ERA_START[era] + n - 1
    elif n >= 1900:
        year = n
    else:
        return None, None
    suffix = m.group("suffix")
    return year, (suffix == "年度") if suffix else (True if era else None)


def _column(m: re.Match[str]) -> Column:
    if m.group("alone"):
        year, fiscal = parse_year(m.group("alone"))
        return Column("actual", None, year, fiscal)
    word = compact_code(_word_of(m) or "")
    role = _ROLE_OF[word]
    when = m.group("pre") or m.group("post") or m.group("post_b") or m.group("post2")
    year, fiscal = parse_year(when) if when else (None, None)
    return Column(role, word, year, fiscal)


_SEP = re.compile(r"[\s|]*")


HEADER_MAX = 16  # columns of one header at most (a run of years in prose is no header)


def read_header(text: str, pos: int = 0) -> tuple[list[Column], int] | None:
    """The columns of a header starting at ``pos`` (column words separated by spaces, tabs or
    pipes) and where it ends; None unless it has a value column."""
    columns: list[Column] = []
    end = pos
    while True:
        at = _SEP.match(text, end).end()  # type: ignore[union-attr]
        if columns and at == end:
            break  # words glued together (指標名目標値) are a title, not a header
        m = _COLUMN.match(text, at)
        if not m:
            break
        following = text[m.end():m.end() + 1]
        if following and not following.isspace() and following not in "|\t":
            break  # the word starts a longer word: 目標を…, 計画的に
        column = _column(m)
        if column.role == "name" and m.group("word2") and (m.group("post2") or m.group("post_b")):
            m_end = m.end("word2")  # 指標名 令和5年度 令和11年度: the year heads the next column
        else:
            m_end = m.end()
        if column.role == "name" and columns and columns[-1].role == "name":
            columns.pop()  # 重要業績評価指標(KPI) 指標名: the section's name, then the column's
        columns.append(column)
        end = m_end
        if len(columns) >= HEADER_MAX:
            break
    if not any(c.role in VALUE_ROLES for c in columns):
        return None
    return _years_over_words(columns), end


PLAN_WORDS = frozenset({"計画", "計画値", "実績", "実績値", "目標", "目標値"})


def _years_over_words(columns: list[Column]) -> list[Column]:
    """令和4年度 計画 実績 令和5年度 計画 実績: a year followed by such words heads them (gives
    them its year) and is not a column of its own."""
    out: list[Column] = []
    heading: Column | None = None
    for k, c in enumerate(columns):
        if c.label is None and c.role == "actual":
            nxt = columns[k + 1] if k + 1 < len(columns) else None
            heading = c if nxt is not None and nxt.label in PLAN_WORDS and nxt.year is None else None
            if heading is None:
                out.append(c)
            continue
        if heading is not None and c.year is None and c.label in PLAN_WORDS:
            c.year, c.fiscal = heading.year, heading.fiscal
        else:
            heading = None
        out.append(c)
    return out


# --- values --------------------------------------------------------------------------------------

NULLS = frozenset({"―", "-", "—", "ー", "－", "‐", "–", "─", "未設定", "現状値なし", "なし", "調査中", "集計中", "未集計",
                   "新規", "…", "*", "＊", "/", "／", "対象外", "算出不可", "未実施", "--", "---", "――", "ーー"})
_NUMBER = re.compile(
    r"^(?P<pre>約|概ね|おおむね|延べ|累計)?(?P<sign>[▲△-])?(?P<num>\d[\d,]*(?:\.\d+)?)"
    r"(?:\s*[~〜]\s*(?P<num2>\d[\d,]*(?:\.\d+)?))?"
    r"(?P<mult>[万億千](?!円))?(?P<unit>[^\d\s(（)）]*?)(?P<post>以上|以下|未満|超|程度|前後)?$")
_CELL_YEAR = re.compile(rf"[(（]\s*(?P<year>{_YEAR})\s*(?:\d{{1,2}}\s*月(?:\s*\d{{1,2}}\s*日)?|\.\d{{1,2}}(?:\.\d{{1,2}})?)?"
                        r"\s*(?:当初|末|時点|現在|末現在)?\s*[)）]")  # (H22当初), (H26末), (令和5年4月1日現在), (R5.4.1)
# A year written before its value (H27:74.3%, H26 ▲229人, 令和5年度 12人); a value follows it.
_LEAD_YEAR = re.compile(rf"(?P<year>{_ERA_N}\s*(?:年度|年)?|(?:19|20)\d{{2}}\s*(?:年度|年))"
                        r"\s*[:：]?\s*(?=[\d▲△―—])")
_MULT = {"万": 10_000, "億": 100_000_000, "千": 1_000}
DIRECTIONS = {"増加": "増加", "減少": "減少", "維持": "維持", "↑": "増加", "↓": "減少", "→": "維持", "↗": "増加",
              "↘": "減少", "上昇": "増加", "低下": "減少", "向上": "増加", "削減": "減少"}
_GRADE = re.compile(r"^(?P<grade>[A-ES])(?:\s*[(（].{0,12}[)）])?$")
_UNIT_IN_NAME = re.compile(r"[(（]\s*(?P<unit>[^()（）\d]{1,4})\s*[)）]$")
_UNITS = re.compile(r"^(?:%|‰|件|人|回|円|千円|万円|億円|か所|箇所|ヶ所|カ所|ha|t|団体|校|世帯|台|日|時間|分|km|m|㎡|m2|"
                    r"事業者|社|店|店舗|組|園|施設|本|冊|点|位|歳|倍|g|kg|ポイント|戸|棟|区画|ヵ所|か国|品目|経営体|"
                    r"団地|地区|路線|便|講座|種|匹|頭|羽|隻|床|室|人日|人泊|MW|kW|kWh|GB|ページ|%ポイント|年|か月|ヶ月|組織|事業|機関|教室|団)"
                    r"(?:/(?:年|年度|日|月|週|人|回|件))?$")  # 件/年, 人/日, %/年: a rate
# 2億396万円, 4億3,000万円: one figure written in two units
_COMPOUND = re.compile(r"(?P<oku>\d[\d,]*(?:\.\d+)?)億(?P<man>\d[\d,]*(?:\.\d+)?)万"
                       r"|(?P<man2>\d[\d,]*)万(?P<sen>\d[\d,]*)千"  # 95万9千人
                       r"|(?P<man3>\d[\d,]*)万(?P<one>\d[\d,]*)(?![\d,]*[千万億])")  # 1万2,000人


@dataclass
class Value:
    value: float | None
    unit: str | None
    year: int | None
    fiscal: bool | None
    qualifier: str | None
    upper: float | None
    period: str | None = None
    year_from: int | None = None


# A span instead of a year, in brackets after the value: (2009~14年), (R2~R6平均), (期間平均), (5ヵ年).
_CELL_SPAN = re.compile(rf"[(（]\s*(?P<from>{_YEAR})\s*[~〜～\-－]\s*(?P<to>{_YEAR}|\d{{1,2}}\s*(?:年度|年)?)"
                        r"\s*(?P<avg>平均)?\s*[)）]")
_CELL_PERIOD = re.compile(r"[(（]\s*(?P<period>期間平均|年平均|平均|累計|\d{1,2}\s*[かカヵヶケ]?年(?:間)?(?:平均|累計)?)\s*[)）]")


def _span(m: re.Match[str]) -> tuple[int | None, bool | None, int | None, str]:
    """(year, fiscal, year_from, period) of a bracketed span: (2009~14年) → 2014, False, 2009,
    "2009~2014"; (R2~6年度) → 2024, True, 2020, "2020~2024"."""
    first, fiscal = parse_year(m.group("from"))
    to = m.group("to").strip()
    short = re.fullmatch(r"(\d{1,2})\s*(年度|年)?", to)
    if short and first is not None:
        era = re.match(_ERA, m.group("from").strip())
        if era:  # the same era: R2~6
            last, _ = parse_year(era.group() + short.group(1))
        else:  # the last digits of the same century: 2009~14
            last = first // 100 * 100 + int(short.group(1))
            last = last + 100 if last < first else last
        fiscal = fiscal if short.group(2) is None else short.group(2) == "年度"
    else:
        last, fiscal_to = parse_year(to)
        fiscal = fiscal_to if fiscal_to is not None else fiscal
    return last, fiscal, first, f"{first}~{last}" + ("平均" if m.group("avg") else "")


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def parse_value(cell: str) -> Value | None:
    """A cell's number, unit, year and qualifier; None when the cell is not a value (a name,
    prose).  Nulls (―, 未設定 …) are a Value whose value is None."""
    text = _nfkc(cell)
    year = fiscal = year_from = period = None
    m = _CELL_YEAR.search(text)
    span = _CELL_SPAN.search(text)
    per = _CELL_PERIOD.search(text)
    if span:
        year, fiscal, year_from, period = _span(span)
        text = (text[:span.start()] + text[span.end():]).strip()
    elif per:
        period = per.group("period").replace(" ", "")
        text = (text[:per.start()] + text[per.end():]).strip()
    elif m:
        year, fiscal = parse_year(m.group("year"))
        text = (text[:m.start()] + text[m.end():]).strip()
    elif (lead := _LEAD_YEAR.match(text)) is not None:
        year, fiscal = parse_year(lead.group("year"))
        text = text[lead.end():]
    if text in NULLS or text.replace(" ", "") in NULLS:
        return Value(None, None, year, fiscal, None, None, period, year_from)
    squeezed = text.replace(" ", "")
    if squeezed[:1] in NULLS and _UNITS.match(squeezed[1:]):  # ― 件/年: no value yet, its unit printed
        return Value(None, squeezed[1:], year, fiscal, None, None, period, year_from)
    c = _COMPOUND.match(squeezed)
    if c:  # 2億396万円 → 203960000円, 95万9千人 → 959000人
        parts = {k: float(v.replace(",", "")) for k, v in c.groupdict().items() if v}
        whole = parts["oku"] * 100_000_000 + parts["man"] * 10_000 if "oku" in parts else \
            parts["man2"] * 10_000 + parts["sen"] * 1_000 if "man2" in parts else parts["man3"] * 10_000 + parts["one"]
        squeezed = f"{_tidy(whole):f}".rstrip("0").rstrip(".") + squeezed[c.end():]
    m = _NUMBER.match(squeezed)
    if not m:
        return None
    unit = m.group("unit") or None
    if unit in ("年", "年度") and re.fullmatch(r"(?:19|20)\d{2}", m.group("num")) or unit in ("時", "時半"):
        return None  # 2025年度, 9時: a year or a time of day, not a value
    if unit and re.search(r"増|減|削減|向上|上昇|低下|改善", unit):
        return None  # 1割削減, 5ポイント増: a change, not a level (see _RELATIVE)
    if unit and not _UNITS.match(unit) and not (len(unit) <= 3 and re.fullmatch(r"[一-龯ぁ-んァ-ヶ々]+", unit)):
        return None  # 1人1日当たり…: a name that starts with a number
    num = float(m.group("num").replace(",", ""))
    upper = float(m.group("num2").replace(",", "")) if m.group("num2") else None
    mult = _MULT.get(m.group("mult") or "", 1)
    num, upper = num * mult, (upper * mult if upper is not None else None)
    if m.group("sign"):
        num = -num
    qualifier = m.group("pre") or m.group("post")
    return Value(_tidy(num), unit, year, fiscal, qualifier, _tidy(upper) if upper is not None else None, period, year_from)


_PREFIXES = {"百万": 1_000_000, "億": 100_000_000, "万": 10_000, "千": 1_000}


def _in_unit(value: float, unit: str, wanted: str) -> float:
    """``value`` in ``unit`` (5 億円) expressed in ``wanted`` (円) when the two differ by a
    multiplier prefix; otherwise unchanged."""
    def split(u: str) -> tuple[int, str]:
        for prefix, factor in _PREFIXES.items():
            if u.startswith(prefix) and len(u) > len(prefix):
                return factor, u[len(prefix):]
        return 1, u
    f1, base1 = split(unit)
    f2, base2 = split(wanted)
    return _tidy(value * f1 / f2) if base1 == base2 else value


def _tidy(x: float) -> float:
    return float(round(x, 6))


# --- rows ------------------------------------------------------------------------------------------

@dataclass
class Row:
    cells: list[str]
    lines: list[int]


@dataclass
class Found:
    """One indicator table: where its header is, its columns, its rows and notes."""

    line: int
    col: int
    layout: str
    header: list[str]
    columns: list[Column]
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    short: list[Row] = field(default_factory=list)  # rows with fewer figures than value columns: not read


_LEADER = re.compile(r"[・.‥…]{3,}|[‥…]{2,}")
_GROUPED = re.compile(r"\d,\d{3}")  # a figure (20,563) inside a cell: a value glued to a word, not a name


def _is_name(cell: str) -> bool:
    """An indicator's name: letters, not a value, not a sentence, not a contents entry."""
    text = _nfkc(cell)
    return (bool(re.search(r"[一-龯ぁ-んァ-ヶA-Za-z]", text)) and parse_value(text) is None and 2 <= len(text) <= 60
            and "。" not in text and not _LEADER.search(text) and not _GROUPED.search(text)
            and not text.endswith(("は", "が", "を", "では", "には", "も")))  # 本市の人口は: a sentence's subject


def _direction(text: str) -> str | None:
    """増加, 減少 or 維持 from a direction cell: the word alone or leading a short phrase (増加を目指す)."""
    text = _nfkc(text)
    if text in DIRECTIONS:
        return DIRECTIONS[text]
    return next((d for w, d in DIRECTIONS.items() if len(w) > 1 and text.startswith(w) and len(text) <= len(w) + 5), None)


# A target stated as a change (1割削減, 5ポイント増, 2割増): kept as written, never as a level.
_RELATIVE = re.compile(r"^約?\d[\d,.]*\s*(?:倍|割|ポイント|%)?\s*(?:以上)?の?(?:増|減|増加|減少|削減|向上|上昇|低下|改善)$")


def _fits(column: Column, cell: str) -> bool:
    """Whether ``cell`` can be this column's (a note column takes anything, even nothing)."""
    text = _nfkc(cell)
    if column.role == "note":
        return True
    if column.role in VALUE_ROLES:
        return parse_value(text) is not None or bool(_RELATIVE.match(text.replace(" ", "")))
    if column.role == "unit":
        return bool(_UNITS.match(text)) or text in NULLS
    if column.role == "grade":
        return bool(_GRADE.match(text)) or text in NULLS
    if column.role == "direction":
        return _direction(text) is not None or text in NULLS
    return bool(text)


_ROW_MARKER = re.compile(rf"{_NUMBER_MARK}|[・●○◆◇■□-]")  # a row's number or bullet


def _read_tokens(tokens: list[str], columns: list[Column]) -> tuple[list[str], int] | None:
    """One row from ``tokens`` (words of a flattened or space-separated row): the name (one to
    four tokens) then one token per column (a year in brackets and a unit may follow a value as
    tokens of their own).  Returns the row's cells and the tokens used, or None."""
    rest = [c for c in columns if c.role != "name"]
    if tokens and _ROW_MARKER.fullmatch(tokens[0]):
        got = _read_tokens(tokens[1:], columns)  # ① 待機児童数 12人 0人: the row's number is no name
        return (got[0], got[1] + 1) if got is not None else None
    for n_name in range(1, 5):
        if n_name > len(tokens):
            return None
        name = " ".join(tokens[:n_name])
        if not _is_name(name):
            return None
        cells, i, ok = [name], n_name, True
        for col in rest:
            if i >= len(tokens):
                ok = False
                break
            cell = tokens[i]
            if col.role == "unit" and not _fits(col, cell) and parse_value(cell) is not None:
                cells.append("")  # a row without its unit: the value stands where the unit would
                continue
            i += 1
            if col.role in VALUE_ROLES:
                # 1,191 件 / 41,250人 (令和3年): unit and year as separate tokens
                if i < len(tokens) and parse_value(cell) is not None and _UNITS.match(_nfkc(tokens[i])) \
                        and _nfkc(cell).split("(")[0][-1:].isdigit():  # a number still without its unit
                    cell += tokens[i]
                    i += 1
                if i < len(tokens) and _CELL_YEAR.fullmatch(_nfkc(tokens[i])):
                    cell += tokens[i]
                    i += 1
            if not _fits(col, cell):
                ok = False
                break
            cells.append(cell)
        if ok:
            return cells, i
    return None


def _column_major(tokens: list[str], columns: list[Column]) -> list[list[str]]:
    """Rows flattened column by column (名前A 名前B 人 人 1,624 261 1,800 280): k one-word names,
    then k cells of each column in turn, every cell fitting its column; [] when the tokens are
    not such a block (k from 2 to 4)."""
    for k in range(4, 1, -1):
        if len(tokens) < k * len(columns):
            continue
        names = tokens[:k]
        if not all(_is_name(t) and not _UNITS.match(_nfkc(t)) for t in names):
            continue
        cells = [tokens[c * k:(c + 1) * k] for c in range(len(columns))]
        if all(_fits(col, cell) for col, group in zip(columns[1:], cells[1:], strict=True) for cell in group):
            return [[group[r] for group in cells] for r in range(k)]
    return []


NOTE_TOKENS_MAX = 40  # words of the free-text cells of one row (definition, reason) at most


def _value_tokens(tokens: list[str], i: int) -> tuple[str, int] | None:
    """One value from ``tokens[i:]`` with the tokens printed apart from its figure (延べ 2,
    1,191 件, 45% (R5)): (cell, next index), or None."""
    j, cell = i, ""
    if j + 1 < len(tokens) and re.fullmatch(r"約|延べ|累計", tokens[j]):
        cell, j = tokens[j], j + 1
    if j >= len(tokens) or parse_value(cell + tokens[j]) is None:
        return None
    cell, j = cell + tokens[j], j + 1
    if j < len(tokens) and cell[-1:].isdigit() and _UNITS.match(_nfkc(tokens[j])):
        cell, j = cell + tokens[j], j + 1
    if j < len(tokens) and _CELL_YEAR.fullmatch(_nfkc(tokens[j])):
        cell, j = cell + tokens[j], j + 1
    return cell, j


def _values_first(tokens: list[str], columns: list[Column]) -> tuple[list[list[str]], int]:
    """Rows printed values first, names after (3 9 12 延べ 2 延べ 6 延べ 8 名前A 名前B, a table
    flattened row by row with its name column last): k × n values then k one-word names, the
    values taken n by n in the names' order.  Returns the rows and the tokens used."""
    rest = [c for c in columns if c.role != "name"]
    if not rest or any(c.role not in VALUE_ROLES for c in rest):
        return [], 0
    values, i = [], 0
    while (got := _value_tokens(tokens, i)) is not None:
        values.append(got[0])
        i = got[1]
    k, left = divmod(len(values), len(rest))
    names = tokens[i:i + k]
    if k < 2 or left or len(names) < k or not all(_is_name(t) and _value_tokens([t], 0) is None for t in names):
        return [], 0
    rows = [[name, *values[r * len(rest):(r + 1) * len(rest)]] for r, name in enumerate(names)]
    if not all(_fits(c, cell) for row in rows for c, cell in zip(rest, row[1:], strict=True)):
        return [], 0
    return rows, i + k


def _split_cells(line: str, layout: str) -> list[str]:
    if layout == "tab":
        return [c.strip() for c in line.split("\t")]
    if layout == "pipe":
        return [c.strip() for c in line.strip().strip("|").split("|")]
    return [c for c in re.split(r"　+|\s{2,}|\t", line.strip()) if c]


def _positional(cells: list[str], columns: list[Column]) -> list[str] | None:
    """A tab or pipe row against its header: by position when the counts agree (empty cells
    kept), else the name first and the non-empty cells in order."""
    if len(cells) == len(columns) and cells[0] and _is_name(cells[0]):
        # Cells stand where the separators put them: a value cell that is a word (整備) or prose is
        # kept (and named in a warning) when most of the row's value cells are figures.
        pairs = [(col, c) for c, col in zip(cells[1:], columns[1:]) if c]
        values = [_fits(col, c) for col, c in pairs if col.role in VALUE_ROLES]
        ok = all(_fits(col, c) or col.role in VALUE_ROLES for col, c in pairs) and sum(values) * 2 > len(values)
        return cells if ok else None
    filled = [c for c in cells if c]
    if len(filled) == len(columns) and _is_name(filled[0]) and all(
            _fits(col, c) for c, col in zip(filled[1:], columns[1:])):
        return filled
    return None


_NOTE = re.compile(r"^[※＊*注]")
_RULE = re.compile(r"^\|?\s*:?-{2,}")


def find_tables(lines: list[tuple[int, str]]) -> list[Found]:
    """Every indicator table in ``lines`` (number, text), in order.  Readers run from the most
    specific layout to the loosest, each on the lines no earlier reader took: transposed sheets
    (years across), tables under a header, arrow lines, glued e-book tables, header-less cell
    lines, head-less pipe and tab tables, targets written as sentences."""
    found = find_transposed(lines, set())
    taken = _lines_of(found)
    i, col = 0, 0
    while i < len(lines):
        if lines[i][0] in taken:
            i, col = i + 1, 0
            continue
        table, next_i, next_col = _table_at(lines, i, col)
        if table is None:
            i, col = i + 1, 0
        else:
            found.append(table)
            i, col = next_i, next_col
    found += find_arrows([(no, text) for no, text in lines if no not in taken])
    claimed = {f.line for f in found} | taken
    found += [f for no, text in lines if no not in claimed for f in find_glued(no, text)]
    for reader in (find_form_rows, find_pairs, find_headless, find_sentences):
        found += reader(lines, _lines_of(found) | claimed)
    return sorted(found, key=lambda f: (f.line, f.col))


def _lines_of(found: list[Found]) -> set[int]:
    """The source lines the rows of ``found`` stand on."""
    return {no for f in found for r in f.rows for no in range(r.lines[0], r.lines[-1] + 1)}


# --- a table glued into one line, without spaces (e-book text layers) ------------------------------
# 策定時の値(2015年度)中間目標(2019年度)目標値(2023年度)健康P35…の割合自分の…。70.7%(2012年度)73%75%…
_GLUED_YEAR = re.compile(rf"[(（]\s*{_YEAR}\s*[)）]")
# Where an indicator's name ends and its explanation begins (…人の割合|自分の健康に…。).
NAME_ENDS = ("割合", "比率", "率", "件数", "人数", "回数", "者数", "数", "量", "満足度", "度", "額", "面積", "延長",
             "人口", "距離", "時間", "指数")
_NAME_END = re.compile(r"(?:" + "|".join(NAME_ENDS) + r")(?:\s?[(（][^()（）]{1,12}[)）])*")
_PAGE_REF = re.compile(r"P\.?\s?\d{1,3}(?!\d)")


def _glued_header(text: str) -> tuple[list[Column], int, int] | None:
    """Two value columns or more glued together, each with its year in brackets
    (策定時の値(2015年度)中間目標(2019年度)目標値(2023年度)): (columns, start, end)."""
    run: list[re.Match[str]] = []
    for m in _COLUMN.finditer(text):
        word = _word_of(m)
        good = word is not None and (m.group("post") or m.group("post_b")) and _ROLE_OF.get(compact_code(word)) in VALUE_ROLES
        if good and run and m.start() == run[-1].end():
            run.append(m)
            continue
        if len(run) >= 2:
            break
        run = [m] if good else []
    if len(run) < 2:
        return None
    return [_column(m) for m in run], run[0].start(), run[-1].end()


def _glued_value(text: str, pos: int) -> int | None:
    """The end of one value glued to what follows (73%, 87,672人(2014年度), ―), or None."""
    m = re.compile(r"[―—]|\d[\d,]{0,24}(?:\.\d{1,8})?").match(text, pos)  # a figure has 25 digits at most
    if m is None:
        return None
    end = m.end()
    mult = re.compile(r"百万|千|万|億").match(text, end)  # 227万人: a multiple of the unit
    if mult and m.group()[0].isdigit():
        end = mult.end()
    for n in range(6, 0, -1):  # the longest unit the vocabulary knows (人, kWh, 箇所 …)
        if _UNITS.match(text[end:end + n]):
            end += n
            break
    y = _GLUED_YEAR.match(text, end)
    return y.end() if y else end


def find_glued(no: int, text: str) -> list[Found]:
    """A table glued into one line (an e-book's text layer): a glued header of n value columns,
    then rows written name, explanation, n values glued (…の割合自分の健康に…。70.7%(2012年度)73%75%).
    The name is what comes before the explanation: it ends with a word such as 割合, 率, 数 or
    量 (and its brackets); a page reference (P35) and field words before it are dropped."""
    head = _glued_header(text)
    if head is None:
        return []
    columns, start, end = head
    n = len(columns)
    # Page references of one table have as many digits (P35, P37 …): P391人 is P39 before 1人.
    lengths = [len(re.sub(r"\D", "", m.group())) for m in _PAGE_REF.finditer(text, end)]
    digits = max(set(lengths), key=lengths.count) if lengths else 3
    table = Found(no, start, "glued", ["指標", *[f"{c.label}" for c in columns]], [Column("name", None), *columns])
    row_start, pos = end, end
    while pos < len(text):
        values, at = [], pos
        for _ in range(n):
            nxt = _glued_value(text, at)
            if nxt is None or nxt == at:
                break
            values.append(text[at:nxt])
            at = nxt
        if len(values) < n or not all(parse_value(v) is not None for v in values) \
                or at < len(text) and text[at].isdigit() and values[-1][-1:].isdigit():
            pos += 1
            continue
        name = _glued_name(text[row_start:pos], digits)
        if name is not None:
            table.rows.append(Row([name, *values], [no, no]))
            row_start = pos = at
        else:
            pos += 1
    return [table] if table.rows else []


def _glued_name(segment: str, digits: int = 3) -> str | None:
    """The indicator's name in what precedes its values: after the last page reference (of
    ``digits`` digits), up to the end of its name word when an explanation (a sentence) follows."""
    refs = list(re.finditer(rf"P\.?\s?\d{{1,{digits}}}", segment))
    if refs:
        segment = segment[refs[-1].end():]
    segment = segment.strip()
    if not segment:
        return None
    if segment.endswith("。"):
        for m in _NAME_END.finditer(segment):
            if m.end() < len(segment) - 1:
                segment = segment[:m.end()]
                break
        else:
            return None  # a sentence without a name before it
    return segment if _is_name(segment) else None


# --- arrow lines: 婚姻率:5.5‰(平成25年)→5.9‰(平成31年) ---------------------------------------------
_ARROW = re.compile(r"\s*(?:→|⇒|➡|➔|=>)\s*")
# The value after an arrow: a null mark or a figure, its unit (with a space before it or not) and
# a year in brackets; it ends at a space before what is no unit, or at the next marker.
_AFTER = re.compile(rf"(?:{_YEAR_LED})?"  # ⇒ H31 330人: its year first
                    r"(?:[―—\-ー－]|\d[\d,]*(?:\.\d+)?(?:\s?億\s?[\d,]+(?:\.\d+)?\s?万)?)"
                    # its unit, glued or, after a space, a unit of the vocabulary (not the next name)
                    r"(?:[^\s\d→⇒(（:：①-⑳■●◆・]{1,8}|\s(?:百万|千|万|億)?" + _UNITS.pattern.strip("^$") + r"(?![^\s(（]))?"
                    r"(?:\s?[(（][^)）]{1,16}[)）])?")
_COLON = re.compile(r"[:：=＝]")  # 指標名:値 → 値, ●指標名=値→値
_LEAD_AT = re.compile(rf"(?<=\s)(?={_YEAR_LED}[\d▲△―—])")
# Where a name begins inside a run of text: after a list marker (①, (1), 1., ・ …).
_NAME_START = re.compile(rf"(?:{_NUMBER_MARK}|[・■●◆◇○])\s*")
ARROW_NAME_MAX = 40  # an indicator's name is at most this long (else the text before is prose)


@dataclass
class _ArrowItem:
    start: int
    end: int
    name: str
    values: list[str]


def _arrow_items(text: str) -> list[_ArrowItem]:
    """The ``name:value → value [→ value]`` items of one line, in order."""
    items: list[_ArrowItem] = []
    boundary = 0
    pos = 0
    while True:
        arrow = _ARROW.search(text, pos)
        if arrow is None:
            return items
        pos = arrow.end()
        if items and arrow.start() == items[-1].end:  # a → b → c: a chain goes on
            after = _AFTER.match(text, arrow.end())
            if after and parse_value(after.group()) is not None:
                items[-1].values.append(after.group())
                items[-1].end = boundary = pos = after.end()
            continue
        colons = [m for m in _COLON.finditer(text, boundary, arrow.start())]
        after = _AFTER.match(text, arrow.end())
        if after is None:
            continue
        if colons:
            name_end, first = colons[-1].start(), text[colons[-1].end():arrow.start()].strip()
            name_start = boundary
            for m in _NAME_START.finditer(text, boundary, name_end):
                name_start = m.end()  # the last list marker before the name
            name = text[name_start:name_end].strip()
            if "。" in name:
                name = name.rsplit("。", 1)[1].strip()  # the sentence before the name
            if len(name) > ARROW_NAME_MAX and " " in name:
                name = name.rsplit(" ", 1)[1]  # prose before the name on a run-on line
        else:
            # 社会移動の差の減少 H26 ▲229人 ⇒ H31 0人, 河川整備率 45.2%(H23)→74.0%(H26): no colon; the
            # baseline carries its year and the name is the word before it
            words = list(re.finditer(r"\S+", text[boundary:arrow.start()]))
            n = next((k for k in (1, 2) if len(words) > k and _dated(" ".join(w.group() for w in words[-k:]))), 0)
            if not n:
                continue
            first = " ".join(w.group() for w in words[-n:])
            name_start, name = boundary + words[-n - 1].start(), words[-n - 1].group()
            if name[-1] in "はがをにでともへや":
                continue  # 人口は R2 38,000人 ⇒ …: a sentence's subject, not an indicator's name
        second = after.group()
        if parse_value(first) is None or parse_value(second) is None:
            continue
        if not name or len(name) > ARROW_NAME_MAX or not _is_name(name):
            continue
        items.append(_ArrowItem(name_start, after.end(), name, [first, second]))
        boundary = pos = after.end()


def _dated(cell: str) -> bool:
    """A figure with its year (45.2%(H23), H26 ▲229人)."""
    v = parse_value(cell)
    return v is not None and v.value is not None and v.year is not None


def _arrow_text(text: str) -> str:
    """A line as arrow items are read from it: without the pipes a table export leaves around a
    cell (`●名=70.1%→72.3% |`)."""
    return _cell(text) if "|" in text else text


def _has_arrow(text: str) -> bool:
    return any(a in text for a in ("→", "⇒", "➡", "➔", "=>"))


def find_arrows(lines: list[tuple[int, str]]) -> list[Found]:
    """Lists of indicators written ``name:baseline → target`` (KPI lines under each measure, a
    summary of 数値目標), with no header: the first value is the baseline, the last the target,
    any between them interim targets.  Items of consecutive lines with the same number of values make one
    list; a line without items (a measure's heading) ends it.  An item that a PDF wrapped over two
    lines (the name on one, ``=値→値`` on the next) is read from both."""
    found: list[Found] = []
    current: Found | None = None
    last_line = -1
    k = 0
    while k < len(lines):
        no, text = lines[k][0], _arrow_text(lines[k][1])
        items = _arrow_items(text) if _has_arrow(text) else []
        span = [no, no]
        if not items and k + 1 < len(lines):
            nxt = _arrow_text(lines[k + 1][1])
            if _has_arrow(text + nxt) and not (_has_arrow(nxt) and _arrow_items(nxt)):
                items = [i for i in _arrow_items(text.rstrip() + nxt.strip()) if i.end > len(text.rstrip())]
                if items:
                    span = [no, lines[k + 1][0]]
        if items and any(w in _context(lines, k, text[:items[0].start]) for w in OTHER_TABLES):
            items = []  # 職員数の推移 ⏎ 職員数:520人(H27)→498人(R5): a trend told, not a target
        for item in items:
            n = len(item.values)
            if current is None or k != last_line and k != last_line + 1 or len(current.columns) != n + 1:
                columns = [Column("name", None), Column("baseline", None)] + \
                    [Column("target", None, kind="interim") for _ in range(n - 2)] + [Column("target", None)]
                current = Found(no, item.start, "arrow", [c.label or "" for c in columns], columns)
                found.append(current)
            current.rows.append(Row([item.name, *item.values], list(span)))
            last_line = k if span[0] == span[1] else k + 1
        if not items and text.strip():
            current = None
        k += 2 if span[0] != span[1] else 1
    return found


_BOUNDARY = frozenset(" \t|　■□●○◆◇▶▷・【〔[(（:：")
STRONG_WORDS = frozenset({"現状値", "基準値", "目標値", "実績値", "中間値", "中間目標値", "最終目標値", "計画値", "策定時",
                          "現在値", "現況値", "直近値"})


@functools.lru_cache(maxsize=64)  # asked again for each table of a long run-on line
def _header_start(text: str) -> list[int]:
    """Places where a header may start: column words at the start of the line or after a space,
    a bullet or a bracket (not 計画 inside 基本計画)."""
    return sorted({m.start() for m in _COLUMN.finditer(text)
                   if (_word_of(m) or m.group("alone")) and (m.start() == 0 or text[m.start() - 1] in _BOUNDARY)})


TABLE_WORDS = ("指標", "目標", "KPI", "成果", "評価")
# Titles of tables that are no indicator tables: trends, projections, budgets.
OTHER_TABLES = ("推移", "推計", "見通し", "将来人口", "事業費", "予算", "決算", "歳入", "歳出", "人口の動き")


def _context(lines: list[tuple[int, str]], i: int, before: str) -> str:
    """The text a header or a list stands under: what precedes it on its line and the two lines above."""
    return " ".join(t for _, t in lines[max(0, i - 2):i]) + " " + before[-80:]


def _in_context(lines: list[tuple[int, str]], i: int, before: str, columns: list[Column]) -> bool:
    """A header with a name word (指標名) or a role word (目標値) stands anywhere; one of years
    alone (2020年 2025年) only under a table word (成果指標, 目標) and never under the title of a
    trend, a projection or a budget (人口の推移, 事業費)."""
    context = _context(lines, i, before)
    if any(w in context for w in OTHER_TABLES):
        return columns[0].label is not None and columns[0].role == "name" and any(
            c.label in STRONG_WORDS for c in columns)
    if any(c.label for c in columns if c.role in VALUE_ROLES) or columns[0].label is not None:
        return True
    return any(w in context for w in TABLE_WORDS)


def _strong(columns: list[Column]) -> bool:
    """A header that says it is one: a name column, two value columns, or a word such as 目標値."""
    values = [c for c in columns if c.role in VALUE_ROLES]
    return (columns[0].role == "name" and columns[0].label is not None) or len(values) >= 2 \
        or any(c.label in STRONG_WORDS for c in values)


def _table_at(lines: list[tuple[int, str]], i: int, col: int) -> tuple[Found | None, int, int]:
    """The table whose header starts on line ``i`` at or after column ``col``, and where to go
    on looking (the next line, or further on this line after a flattened table)."""
    no, text = lines[i]
    if col == 0:
        by_lines = _cell_lines(lines, i)
        if by_lines is not None:
            return by_lines[0], by_lines[1], 0
    inside = -1  # a header read whose rows were not: its later words start no header of their own
    for start in _header_start(text):
        if start < col or start < inside:
            continue
        head = read_header(text, start)
        if head is None:
            continue
        columns, end = head
        if not _strong(columns) or not _in_context(lines, i, text[:start], columns):
            continue
        if columns[0].role == "name" and columns[0].label is not None:
            inside = end  # 指標名 現状値(R5) 目標値(R11) whose row lacks a cell: not 目標値(R11) alone
        if columns[0].role != "name":
            columns = [Column("name", None)] + columns  # 数値目標 基準値 目標値 …: the section names the column
        layout = "tab" if "\t" in text[start:end] else "pipe" if "|" in text[start:end] else None
        tail = text[end:].strip(" \t|　")
        header_cells = [c.label or "" for c in columns]
        if tail and layout is None:
            # flattened: rows follow on the same line
            table = Found(no, start, "running", header_cells, columns)
            words = list(re.finditer(r"\S+", text[end:]))
            tokens = [w.group() for w in words]
            taken = 0
            # Free-text columns at the end of the header (指標の定義, 設定の根拠) run to the next row.
            fixed = len(columns)
            while fixed > 2 and columns[fixed - 1].role == "note":
                fixed -= 1
            while taken < len(tokens):
                block = _column_major(tokens[taken:], columns)
                if block:
                    table.rows += [Row(cells, [no, no]) for cells in block]
                    taken += len(block) * len(columns)
                    continue
                got = _read_tokens(tokens[taken:], columns[:fixed])
                if got is None:
                    break
                cells, used = got
                taken += used
                if fixed < len(columns):
                    ahead = range(taken, min(len(tokens), taken + NOTE_TOKENS_MAX))
                    # after a sentence's end (…を目指す。 名前 …); else a one-word name (人口動態統計
                    # 出生数 820人: the note, then the next row)
                    nxt = next((k for k in ahead if k > taken and tokens[k - 1].endswith("。")
                                and _read_tokens(tokens[k:], columns[:fixed]) is not None), None)
                    if nxt is None:
                        nxt = next((k for k in ahead if (got := _read_tokens(tokens[k:], columns[:fixed])) is not None
                                    and " " not in got[0][0]), None)
                    if nxt is None:
                        nxt = next((k for k in ahead if _read_tokens(tokens[k:], columns[:fixed]) is not None), None)
                    if nxt is None:  # the last row: its notes cannot be told from the prose after it
                        nxt = taken
                    cells += [" ".join(tokens[taken:nxt])] + [""] * (len(columns) - fixed - 1)
                    taken = nxt
                table.rows.append(Row(cells, [no, no]))
            if not table.rows:
                # 数値目標① 婚姻率 平成25 (基準値) … 平成31 (目標値) 5.5‰ 5.4‰ 5.0‰ 5.9‰: one indicator's
                # sheet, its name before the header and its values after it
                before = text[:start].split()
                name = before[-1] if before and columns[0].label is None else ""
                while name and name.count(")") + name.count("）") > name.count("(") + name.count("（") \
                        and len(before) > 1 and len(name) < ARROW_NAME_MAX:
                    before.pop()  # 公共交通機関(JR、筑豊 電鉄、バス)の利用者割合: a name the PDF wrapped
                    name = before[-1] + name
                if name and (_COLUMN.fullmatch(name) or not _is_name(name) or _CELL_YEAR.fullmatch(_nfkc(name))):
                    name = ""  # 目標指標 基準値 …: the header's own first word, not a name
                got = _read_tokens([name, *tokens], columns) if name else None
                if got is not None and got[1] > 1:
                    table.rows.append(Row(got[0], [no, no]))
                    taken = got[1] - 1
            if not table.rows:
                rows, taken = _values_first(tokens, columns)
                table.rows += [Row(cells, [no, no]) for cells in rows]
            if table.rows:
                return table, i, end + words[taken - 1].end()
            continue
        if tail:
            continue
        # a header line: rows follow, one per line
        if layout is None:
            layout = "spaced"
        table = Found(no, start, layout, header_cells, columns)
        k = i + 1
        if k < len(lines) and layout in ("tab", "pipe", "spaced"):
            second = read_header(lines[k][1].strip(" \t|　")) if lines[k][1].strip() else None
            if second is not None and all(c.role in VALUE_ROLES for c in second[0]):
                _merge_second_header(table, text, lines[k][1], layout)
                k += 1
        while k < len(lines):
            line_no, row_text = lines[k]
            if not row_text.strip():
                break
            if layout == "pipe" and _RULE.match(row_text.strip()):
                k += 1
                continue
            row_cells = _row_cells(row_text, layout, table.columns)
            if row_cells is None:
                if (short := _short_row(row_text, layout, table.columns)) is not None:
                    table.short.append(Row(short, [line_no, line_no]))
                    k += 1
                    continue
                break
            table.rows.append(Row(row_cells, [line_no, line_no]))
            k += 1
        k = _notes(lines, k, table)
        if table.rows or table.short:
            return table, k, 0
    return None, i, 0


# --- one cell per line ------------------------------------------------------------------------------
CELL_LINE_MAX = 24  # a header cell on a line of its own is short
HEAD_MAX = 12  # header cells of one table
# Words inside a header cell that is no column word of its own (平成13年実績, 平成15年末見込, 5ヵ年目標).
_ROLE_INSIDE = (("見込", "target"), ("目標", "target"), ("計画", "target"), ("実績", "actual"), ("現在", "actual"),
                ("現況", "baseline"), ("現状", "baseline"), ("基準", "baseline"), ("策定時", "baseline"),
                ("当初", "baseline"))


# Header cells of columns that hold no value (a note column when read one cell per line).
OTHER_HEADS = ("コード", "番号", "No", "区分", "分類", "担当", "所管", "課名", "備考", "出典", "種別", "単位")


def _cell(text: str) -> str:
    """A cell on a line of its own, without the pipes a table export leaves around it (`11102 |`)."""
    return text.strip().strip("|").strip()


def _loose_column(cell: str) -> Column | None:
    """A header cell: a column word (with its year), a year with a role word glued to it
    (平成13年実績, 平成15年9月30日現在, 5ヵ年目標), a year alone (a result), or None for a short
    label that names no value (主要施策コード, 区分: a note column)."""
    m = _COLUMN.fullmatch(cell)
    if m is not None:
        return _column(m)
    text = _nfkc(cell)
    role = next((r for w, r in _ROLE_INSIDE if w in text), None)
    if role is None and (parse_value(text) is not None or not re.search(r"年", text)):
        return None  # a figure or a code (21101), not a header
    year, fiscal = parse_year(text)
    if role is None and year is None:
        return None
    label = next((w for w, _ in _ROLE_INSIDE if w in text), None)
    return Column(role or "actual", label or None, year, fiscal)


def _cell_lines(lines: list[tuple[int, str]], i: int) -> tuple[Found, int] | None:
    """A table printed one cell per line (a PDF's text layer, a web table copied cell by cell):
    a header of short lines holding one name column and two value columns or more (short labels
    such as コード or 区分 before or between them are note columns), then rows of as many lines.
    A value cell may hold a word (設置, 策定: a qualitative target) or a null."""
    head: list[tuple[str, Column | None]] = []
    inner: list[str] = []  # 指標(KPI) / 花をテーマにした / 観光客誘致(年間) / 現状値 …: the one row's name
    j = i
    while j < len(lines) and len(head) < HEAD_MAX:
        cell = _cell(lines[j][1])
        if not cell or len(cell) > CELL_LINE_MAX or parse_value(cell) is not None and _loose_column(cell) is None:
            break
        if _CELL_YEAR.fullmatch(_nfkc(cell)):
            break  # (平成26年) alone: the years of the value columns, below them
        column = _loose_column(cell)
        if column is None and not any(w in cell for w in OTHER_HEADS):
            wrapped = _inner_name(lines, j) if head and head[-1][1] is not None and head[-1][1].role == "name" \
                and not inner else None
            if wrapped is None:
                break  # a title above the table, or its first row
            inner, j = wrapped
            continue
        head.append((cell, column))
        j += 1
    names = [k for k, (_, c) in enumerate(head) if c is not None and c.role == "name"]
    if len(names) != 1 or sum(1 for _, c in head if c is not None and c.role in VALUE_ROLES) < 2:
        return None
    if any(c is not None and c.role == "name" for _, c in head[:names[0]]):
        return None
    cols = [c if c is not None else Column("note", cell) for cell, c in head]
    j = _years_below(lines, j, [c for c in cols if c.role in VALUE_ROLES])
    at = names[0]
    # The name column first (an Indicator reads cells[0] as the name), the others in order.
    order = [at] + [k for k in range(len(cols)) if k != at]
    table = Found(lines[i][0], 0, "lines", [head[k][0] for k in order], [cols[k] for k in order])
    k, n = j, len(cols)
    if inner:
        # the sheet of one indicator: its name inside the header, its values after it
        chunk = [_cell(lines[k + c][1]) for c in range(n - 1)] if k + n - 1 <= len(lines) else []
        rest = [cols[c] for c in order[1:]]
        if chunk and all(_fits(col, cell) for col, cell in zip(rest, chunk, strict=True)):
            table.rows.append(Row(["".join(inner), *chunk], [lines[i][0], lines[k + n - 2][0]]))
            return table, _notes(lines, k + n - 1, table)
        return None
    while k + n <= len(lines):
        chunk = [_cell(lines[k + c][1]) for c in range(n)]
        if not all(chunk) or not _is_name(chunk[at]) or _HEADING_LIKE.match(_nfkc(chunk[at])) or not all(
                _fits(col, cell) or col.role in VALUE_ROLES and _qualitative(cell) for col, cell in zip(cols, chunk)
                if col.role != "name"):
            break  # 第3章 / 基本計画 / 45 is the next heading and a page number, not a row
        table.rows.append(Row([chunk[c] for c in order], [lines[k][0], lines[k + n - 1][0]]))
        k += n
    k = _notes(lines, k, table)
    return (table, k) if table.rows else None


# --- transposed sheets: years across, one row per role (目標 / 実績), the indicator named above ----------
# 成果指標収納率 ⏎ 平成(年度)171819 ⏎ 目標-98.50%97.70% ⏎ 実績97.10%96.70%96.30%  (a web table copied
# with its cells glued) or the same with spaces or tabs between the cells.
_SHEET_YEARS = re.compile(r"^(?P<label>(?P<era>令和|平成|昭和|[RH])?\s*[(（]?\s*年度?\s*[)）]?|区分|項目|年度)?\s*(?P<rest>.+)$")
_GLUED_CELL = re.compile(r"[―—\-－ー]|[▲△]?\d[\d,]*(?:\.\d+)?[^\d\s▲△―—\-－ー.,]{0,4}")
_MONEY_TITLE = re.compile(r"[(（](?:単位[:：]?)?\s*[千万億]?円[)）]|単位[:：]\s*[千万億]?円")
SHEET_NAME_ABOVE = 4  # non-empty lines above the year row where the indicator's name may be


def _split_glued(text: str, n: int) -> list[str] | None:
    """``text`` cut into ``n`` cells glued together (-98.50%97.70% → -, 98.50%, 97.70%), a cut
    never falling between two digits; None when there is no such cut."""
    if n == 0:
        return [] if not text else None
    for end in range(len(text), 0, -1):
        head = text[:end]
        if not _GLUED_CELL.fullmatch(head) or end < len(text) and head[-1].isdigit() and text[end].isdigit():
            continue
        if parse_value(head) is None:
            continue
        rest = _split_glued(text[end:], n - 1)
        if rest is not None:
            return [head, *rest]
    return None


def _sheet_years(text: str) -> list[tuple[int, bool]] | None:
    """The years of a transposed sheet's head row: 平成(年度)171819, 年度 H29 H30 R1, 2019 2020 2021."""
    m = _SHEET_YEARS.match(_nfkc(text))
    if m is None:
        return None
    era, rest = m.group("era"), m.group("rest").replace(" ", "")
    label = m.group("label") or ""
    fiscal = "年度" in label or "年度" in rest
    if era and re.fullmatch(r"\d+", rest):  # years of the era in the label, glued: 171819, 345
        for width in (2, 1):
            nums = [int(rest[k:k + width]) for k in range(0, len(rest), width)]
            if len(rest) % width == 0 and len(nums) >= 2 and all(b == a + 1 for a, b in zip(nums, nums[1:])):
                return [(y, fiscal) for y in (parse_year(f"{era}{x}")[0] for x in nums) if y is not None]
        return None
    tokens = m.group("rest").split()
    if len(tokens) < 2 or not label and not all(re.search(r"年", t) or re.match(r"[RH令平]", t) for t in tokens):
        return None
    years = [parse_year(t) for t in tokens if (m := _COLUMN.fullmatch(t)) is not None and m.group("alone")]
    if len(years) != len(tokens) or any(y is None for y, _ in years):
        return None
    return [(y, bool(f) or fiscal) for y, f in years if y is not None]


_SHEET_ROLE = re.compile("^(?P<word>" + "|".join(sorted(
    (w for r in ("baseline", "target", "actual") for w in ROLE_WORDS[r]), key=len, reverse=True)) + r")\s*(?P<cells>.*)$")


def find_transposed(lines: list[tuple[int, str]], taken: set[int]) -> list[Found]:
    """Evaluation sheets printed with the years across and one row per role (目標, 実績 …), the
    indicator named on a line above (成果指標収納率, 活動指標1督促状発行): one indicator each."""
    found: list[Found] = []
    for k, (no, text) in enumerate(lines):
        if no in taken:
            continue
        years = _sheet_years(_cell(text))
        if not years:
            continue
        columns: list[Column] = [Column("name", None)]
        cells: list[str] = []
        j = k + 1
        while j < len(lines) and j <= k + 6:
            row = _SHEET_ROLE.match(_nfkc(_cell(lines[j][1])))
            if row is None:
                break
            parts = row.group("cells").split()
            got = parts if len(parts) == len(years) and all(parse_value(c) is not None for c in parts) else \
                _split_glued(row.group("cells").replace(" ", ""), len(years)) if row.group("cells") else None
            if got is None:
                break
            word = compact_code(row.group("word"))
            columns += [Column(_ROLE_OF[word], word, y, f) for y, f in years]
            cells += got
            j += 1
        above = [t for _, t in lines[max(0, k - 3 * SHEET_NAME_ABOVE):k] if t.strip()][-SHEET_NAME_ABOVE:]
        name = None
        for t in reversed(above):
            if _MONEY_TITLE.search(_nfkc(t)) or any(w in t for w in OTHER_TABLES):
                break  # 事業費(千円): the sheet is that table's, not the indicator's above it
            m = _SHEET_NAME.search(_nfkc(t))
            if m and _is_name(m.group("name")):
                name = m.group("name")
                break
        if cells and name:
            found.append(Found(no, 0, "transposed", [c.label or "" for c in columns], columns,
                               [Row([name, *cells], [no, lines[j - 1][0]])]))
    return found


_SHEET_NAME = re.compile("(?:" + "|".join(w for w in NAME_WORDS if "(" not in w) + r")\s*\d{0,2}\s*[:：]?\s*(?P<name>\S.{0,40})$")


# --- the national KPI report form (指標値 / 単位 / 目標年月 / 実績値) as its text layer leaves it -----------
# 指標 首都圏での坂井市の ⏎ ① 認知度 ⏎ 6 ⏎ % ⏎ H28.3 ⏎ 7.3: the name in pieces between the form's
# markers, then one cell per line.
_YEAR_MONTH = re.compile(rf"^(?:{_ERA_N}|(?:19|20)\d{{2}})\s*[.年/]\s*\d{{1,2}}\s*月?$")
_FORM_MARK = re.compile(r"^(?:指標|No|[①-⑳]|[①-⑳]\s*指標|指標\s*[①-⑳])$")
_FORM_PREFIX = re.compile(r"^(?:指標\s+|[①-⑳]\s+)+")


FORM_NAME_PIECE = 16  # a piece of a name the form's narrow column wrapped is at most this long


def _unit_cell(cell: str) -> bool:
    text = _nfkc(cell)
    return bool(_UNITS.match(text)) or bool(re.fullmatch(r"[一-龯ぁ-んァ-ヶ]{1,3}", text))


def find_form_rows(lines: list[tuple[int, str]], taken: set[int]) -> list[Found]:
    """Rows of the KPI report form whose header reads 指標値 / 単位 / 目標年月 / 実績値: a figure, its
    unit and the target's year and month on lines of their own, the result after them; the name is
    the lines before the figure, without the form's markers (指標, ①)."""
    texts = [_cell(t) for _, t in lines]
    if not any("目標年月" in t or "目標月" in t for t in texts) or not any("指標値" in t for t in texts):
        return []
    columns = [Column("name", None), Column("target", "指標値"), Column("actual", "実績値")]
    table: Found | None = None
    found: list[Found] = []
    last = 0  # where the previous row ended: its name starts after it
    for j in range(1, len(lines) - 2):
        fig, unit, when = texts[j], texts[j + 1], texts[j + 2]
        v = parse_value(fig)
        if v is None or v.value is None or v.unit or not _unit_cell(unit) or not _YEAR_MONTH.match(_nfkc(when)) \
                or {lines[j + c][0] for c in range(3)} & taken:
            continue
        pieces: list[str] = []
        for k in range(j - 1, max(last, j - 6) - 1, -1):
            t = _FORM_PREFIX.sub("", texts[k])  # ① 認知度: the marker (NFKC makes ① a 1) is no part
            if not t or _FORM_MARK.match(t):
                continue
            if parse_value(t) is not None or _YEAR_MONTH.match(_nfkc(t)) or "。" in t or len(t) > FORM_NAME_PIECE:
                break  # the row above, or the prose of another column
            pieces.insert(0, t)
        name = "".join(pieces)
        end = j + 2
        result = ""
        if j + 3 < len(lines) and (r := parse_value(texts[j + 3])) is not None and not r.unit:
            result, end = texts[j + 3], j + 3
        last = end + 1
        if not name or not _is_name(name):
            continue
        if table is None:
            table = Found(lines[j][0], 0, "form", ["指標", "指標値", "実績値"], columns)
            found.append(table)
        table.rows.append(Row([name, f"{fig}{_nfkc(unit)}({_nfkc(when)})", f"{result}{_nfkc(unit)}" if result else ""],
                              [lines[max(j - len(pieces), 0)][0], lines[end][0]]))
    return found


# --- pipe and tab tables without a head row, right under a table word -----------------------------
HEADLESS_CONTEXT = 2  # lines between the table word (■成果指標) and the first row at most


def find_headless(lines: list[tuple[int, str]], taken: set[int]) -> list[Found]:
    """A pipe or tab table with no head row (| 待機児童数 | 12人(R5) | 0人(R11) |) right below a
    table word: rows of a name and as many values each; as on an arrow line, the first value is
    the baseline, the last the target and any between them results."""
    found: list[Found] = []
    k = 0
    while k < len(lines):
        no, text = lines[k]
        layout = "pipe" if text.strip().startswith("|") else "tab" if "\t" in text.strip() else None
        if layout is None or no in taken or not _under_table_word(
                above := " ".join(t for _, t in lines[max(0, k - HEADLESS_CONTEXT):k]), above):
            k += 1
            continue
        rows: list[Row] = []
        j = k
        while j < len(lines) and lines[j][0] not in taken:
            cells = [c for c in _split_cells(lines[j][1], layout) if c]
            if layout == "pipe" and _RULE.match(lines[j][1].strip()):
                j += 1
                continue
            if len(cells) < 3 or not _is_name(cells[0]) or _COLUMN.fullmatch(cells[0]) \
                    or not all(parse_value(c) is not None for c in cells[1:]) \
                    or rows and len(cells) != len(rows[0].cells):
                break
            rows.append(Row(cells, [lines[j][0], lines[j][0]]))
            j += 1
        if rows:
            n = len(rows[0].cells) - 1
            columns = [Column("name", None), Column("baseline", None)] + \
                [Column("actual", None) for _ in range(n - 2)] + [Column("target", None)]
            found.append(Found(no, 0, layout, ["" for _ in columns], columns, rows))
        k = max(j, k + 1)
    return found


# --- targets written as a sentence: 高度処理人口普及率を43%(H22当初)から52.9%(H26末)に増加させる ----
# (its digits bounded and possessive: on a line of 20,000 digits every start tried every length)
_SENT_VALUE = r"[▲△]?\d[\d,]{0,24}+(?:\.\d{1,8}+)?\s?(?:[万千億]?[^\s\d、。()（）をかにへま]{0,4})?\s?(?:[(（][^()（）]{1,12}[)）])?"
_SENTENCE = re.compile(rf"(?P<name>[^、。\s「」をがはも]{{2,60}}?)(?:を\s?(?:現状の|現在の)?|(?=\d))\s?(?P<a>{_SENT_VALUE})\s?から\s?"
                       rf"(?P<b>{_SENT_VALUE})\s?(?:に|へ|まで|を(?=達成))(?P<verb>[^。]{{0,16}})(?:。|$)")
_NAME_AFTER = re.compile(r".*(?:ための|ように|について|において|における)")  # 〜のための / 〜ように: the name follows
# A verb that sets a target (増やす, 引き上げる, 達成する, 目指す, にする); 上昇すると見込まれます,
# 減少します tell a projection.
_AIM = re.compile(r"^(?:(?:増加|減少|向上|低下|拡大|縮小|削減|改善|上昇)?(?:させ|する(?!と)|します)|増や|減ら|引き上げ|"
                  r"引き下げ|上げ|下げ|高め|広げ|伸ば|抑え|達成|目指|めざ|とする|とします|向上を図|改善を図)")
WRAP_MIN = 20  # a line shorter than this was not wrapped by the typesetter
_PAST = re.compile(r"ました|した$|している|しており|なった|なりました")


def find_sentences(lines: list[tuple[int, str]], taken: set[int]) -> list[Found]:
    """Targets written as a sentence, ``名前をA(年)からB(年)に増やす`` (one paragraph; lines a PDF
    wrapped are joined): A is the baseline, B the target.  One of them carries its year, and the
    verb is not in the past (a trend told, not a target)."""
    found: list[Found] = []
    k = 0
    while k < len(lines):
        if not lines[k][1].strip() or lines[k][0] in taken:
            k += 1
            continue
        j, starts, text = k, [], ""
        while j < len(lines) and lines[j][1].strip() and lines[j][0] not in taken:
            starts.append(len(text))
            text += lines[j][1].strip()
            j += 1
            if len(lines[j - 1][1].strip()) < WRAP_MIN:
                break  # a short line is whole (a cell, a code), not a sentence the PDF wrapped
        table: Found | None = None
        for m in _SENTENCE.finditer(text):
            a, b = parse_value(m.group("a")), parse_value(m.group("b"))
            if a is None or b is None or a.value is None or b.value is None or a.year is None and b.year is None \
                    or _PAST.search(m.group("verb")) or not _AIM.search(m.group("verb")):
                continue
            name = _NAME_AFTER.sub("", m.group("name"))
            if not _is_name(name) or len(name) > ARROW_NAME_MAX:
                continue
            first = k + max(n for n, at in enumerate(starts) if at <= m.start("name"))
            last = k + max(n for n, at in enumerate(starts) if at < m.end("b"))
            if table is None:
                columns = [Column("name", None), Column("baseline", None), Column("target", None)]
                table = Found(lines[first][0], 0, "sentence", ["", "", ""], columns)
                found.append(table)
            table.rows.append(Row([name, m.group("a").strip(), m.group("b").strip()], [lines[first][0], lines[last][0]]))
        k = j
    return found


def _under_table_word(above: str, near: str) -> bool:
    """A table word (成果指標, 目標値 …) in ``above`` and no title of another kind of table (人口の推移,
    事業費) in ``near``: where header-less rows may be read as indicators."""
    return any(w in above for w in (*NAME_WORDS, *STRONG_WORDS)) and not any(w in near for w in OTHER_TABLES)


PAIR_CONTEXT = 40  # lines above a header-less pair block where a table word (成果指標, 目標値 …) must be


def find_pairs(lines: list[tuple[int, str]], taken: set[int]) -> list[Found]:
    """Rows printed one cell per line whose header is lost (a vertical header that extraction
    scattered): blocks of a name line, a value line with its year in brackets and a value line,
    two blocks or more in a row, below a table word.  As on an arrow line, the first value is the
    baseline and the second the target: the order in which plans print 現状 and 目標."""
    found: list[Found] = []
    k = 0
    while k + 2 < len(lines):
        rows: list[Row] = []
        j = k
        while j + 2 < len(lines) and not {lines[j][0], lines[j + 1][0], lines[j + 2][0]} & taken:
            name, first, second = (_cell(lines[j + c][1]) for c in range(3))
            a, b = parse_value(first), parse_value(second)
            if not (_is_name(name) and len(name) <= ARROW_NAME_MAX and _value_tokens([name], 0) is None
                    and a is not None and a.year is not None and b is not None and a.value is not None
                    and _CELL_YEAR.search(_nfkc(first)) and not _CELL_YEAR.search(_nfkc(second))):
                break
            rows.append(Row([name, first, second], [lines[j][0], lines[j + 2][0]]))
            j += 3
        if len(rows) >= 2 and _under_table_word(
                above := " ".join(text for _, text in lines[max(0, k - PAIR_CONTEXT):k]), above[-200:]):
            columns = [Column("name", None), Column("baseline", None), Column("target", None)]
            found.append(Found(lines[k][0], 0, "lines", ["", "", ""], columns, rows))
            k = j
        else:
            k += 1
    return found


def _inner_name(lines: list[tuple[int, str]], j: int) -> tuple[list[str], int] | None:
    """One or two name lines (a name wrapped) followed by a column word: (the lines, where the
    header goes on), or None."""
    for n in (1, 2):
        if j + n >= len(lines):
            return None
        cells = [_cell(lines[j + c][1]) for c in range(n)]
        if not all(c and _is_name(c) and _loose_column(c) is None for c in cells):
            return None
        after = _cell(lines[j + n][1])
        if after and _loose_column(after) is not None and not _CELL_YEAR.fullmatch(_nfkc(after)):
            return cells, j + n
    return None


def _years_below(lines: list[tuple[int, str]], j: int, values: list[Column]) -> int:
    """Years printed on lines of their own below the header words ((平成26年) / (平成32年)), one
    per value column without a year: given to those columns in order.  Where the rows begin."""
    bare = [c for c in values if c.year is None]
    years: list[tuple[int | None, bool | None]] = []
    while j + len(years) < len(lines) and len(years) < len(bare):
        m = _CELL_YEAR.fullmatch(_nfkc(_cell(lines[j + len(years)][1])))
        if m is None:
            break
        years.append(parse_year(m.group("year")))
    if not bare or len(years) != len(bare):
        return j
    for column, (year, fiscal) in zip(bare, years, strict=True):
        column.year, column.fiscal = year, fiscal
    return j + len(years)


# A cell that is a heading's code (第3章, 基本施策2), never an indicator's name.
_HEADING_LIKE = re.compile(r"^(?:第.{1,4}[章節部編]|.{0,8}\d{1,3})$")


def _qualitative(cell: str) -> bool:
    """A value cell that holds a short word instead of a figure (設置, 策定, 実施)."""
    text = _nfkc(cell)
    return 0 < len(text) <= 6 and not any(ch.isdigit() for ch in text) and "。" not in text


def _row_cells(text: str, layout: str, columns: list[Column]) -> list[str] | None:
    if layout in ("tab", "pipe"):
        return _positional(_split_cells(text, layout), columns)
    cells = _split_cells(text, layout)
    if len(cells) == len(columns):
        got = _positional(cells, columns)
        if got is not None:
            return got
    read = _read_tokens(text.split(), columns)
    if read is not None and read[1] == len(text.split()):
        return read[0]
    return None


def _short_row(text: str, layout: str, columns: list[Column]) -> list[str] | None:
    """The cells of a row of a name and fewer figures than the header has value columns
    (待機児童数 12人 under 現状値 中間値 目標値: which columns the figures fill is unknown), or None."""
    cells = [c for c in (_split_cells(text, layout) if layout in ("tab", "pipe") else text.split()) if c]
    values = [c for c in columns if c.role in VALUE_ROLES]
    ok = 2 <= len(cells) <= len(values) and _is_name(cells[0]) and all(parse_value(c) is not None for c in cells[1:])
    return cells if ok else None


def _merge_second_header(table: Found, top: str, second: str, layout: str) -> None:
    """A header in two rows (令和4年度 | | 令和5年度 | over 計画 | 実績 | 計画 | 実績): by
    position, a word of the second row takes the year of the last year above it."""
    upper, lower = _split_cells(top, layout), _split_cells(second, layout)
    columns: list[Column] = []
    heading: Column | None = None
    for k in range(max(len(upper), len(lower))):
        above = upper[k] if k < len(upper) else ""
        below = lower[k] if k < len(lower) else ""
        m_above = _COLUMN.fullmatch(above) if above else None
        col_above = _column(m_above) if m_above else None
        if col_above is not None and col_above.label is None:
            heading = col_above
        m_below = _COLUMN.fullmatch(below) if below else None
        if m_below is not None:
            c = _column(m_below)
            if heading is not None and c.year is None:
                c.year, c.fiscal = heading.year, heading.fiscal
            columns.append(c)
        elif col_above is not None:
            columns.append(col_above)
            heading = heading if col_above.label is None else None
        elif above or below:
            columns.append(Column("note", above or below))
    if columns and columns[0].role == "name":
        table.columns = columns
        table.header = [c.label or "" for c in columns]


def _alone(text: str, name_only: bool = False) -> bool:
    t = text.strip()
    m = _COLUMN.fullmatch(t) if t else None
    if m is None:
        return False
    return _column(m).role == "name" if name_only else True


def _notes(lines: list[tuple[int, str]], k: int, table: Found) -> int:
    while k < len(lines) and _NOTE.match(lines[k][1].strip()):
        table.notes.append(lines[k][1].strip())
        k += 1
    return k


# --- indicators ------------------------------------------------------------------------------------

# What a value is, from the words of its column's label (first match wins), else from the column's role.
VALUE_KINDS = (("中間", "interim"), ("見込", "plan"), ("計画", "plan"), ("目標", "target"), ("現状", "current"),
               ("現在", "current"), ("現況", "current"), ("直近", "current"), ("基準", "baseline"),
               ("策定時", "baseline"), ("当初", "baseline"), ("初期", "baseline"), ("実績", "actual"),
               ("達成", "actual"), ("最新", "actual"))
BOUNDS = {"以上": "min", "超": "min", "以下": "max", "未満": "max"}


def value_role(column: Column) -> str:
    """baseline, current, actual, interim, plan or target: the label's words decide (中間目標 is
    interim, 見込 a plan, 現状値 current), a column without a label keeps its role."""
    label = column.label or ""
    return next((kind for word, kind in VALUE_KINDS if word in label), column.kind or column.role)


def indicator_of(table: Found, row: Row, number: int, section: str | None, table_no: int,
                 unread: list[str] | None = None) -> Indicator:
    """The Indicator of one row; a value cell that is neither a figure, a null nor a short word
    (策定, 設置) is left out and named in ``unread``.  A bullet before the name (・待機児童数) is
    the list's, not the name's."""
    name = compact_code(re.sub(r"^[・●○◆◇■□▪]\s*", "", row.cells[0].strip()))
    unit = None
    baseline: IndicatorValue | None = None
    targets: list[IndicatorValue] = []
    actuals: list[IndicatorValue] = []
    direction = grade = None
    notes = list(table.notes)
    for col, cell in zip(table.columns[1:], row.cells[1:]):
        text = cell.strip()
        if col.role == "unit" and text and text not in NULLS:
            unit = _nfkc(text)
        elif col.role == "direction" and (said := _direction(text)) is not None:
            direction = said
        elif col.role == "grade":
            g = _GRADE.match(_nfkc(text))
            grade = g.group("grade") if g else None
        elif col.role == "note" and text and text not in NULLS:
            notes.append(text)
        elif col.role in VALUE_ROLES and text:
            v = parse_value(text)
            if v is None and (_qualitative(text) or _RELATIVE.match(_nfkc(text).replace(" ", ""))):
                v = Value(None, None, None, None, None, None)  # 策定, 2割増: a target that is no level
            if v is None:
                if unread is not None:
                    unread.append(f"{col.label or value_role(col)}: {text}")
                continue
            value = IndicatorValue(label=col.label, value=v.value, text=text,
                                   year=v.year if v.year is not None else col.year,
                                   fiscal=v.fiscal if v.year is not None else col.fiscal,
                                   qualifier=v.qualifier, upper=v.upper, role=value_role(col),  # type: ignore[arg-type]
                                   bound=BOUNDS.get(v.qualifier or ""),  # type: ignore[arg-type]
                                   period=v.period, year_from=v.year_from)
            if v.unit and unit is None:
                unit = v.unit
            elif v.unit and unit and v.unit != unit and value.value is not None:
                converted = _in_unit(value.value, v.unit, unit)  # 3億512万円 → 5億円: in the row's unit
                if converted == value.value and v.unit.lstrip("百千万億") != unit.lstrip("百千万億"):
                    value.value = None  # 1.2倍 in a row of 人: another quantity, kept as its text
                    if unread is not None:
                        unread.append(f"{col.label or value_role(col)}: {text} (in {v.unit}, not {unit})")
                else:
                    value.value = converted
            if col.role == "baseline" and baseline is None:
                baseline = value
            elif col.role in ("actual", "baseline"):  # 策定時の値, then 現状値: an observed value
                actuals.append(value)
            else:
                targets.append(value)
    if unit is None:
        m = _UNIT_IN_NAME.search(_nfkc(name))
        if m and _UNITS.match(m.group("unit")):
            unit = m.group("unit")
    return Indicator(name=name, unit=unit, baseline=baseline, targets=targets, actuals=actuals,
                     direction=direction, grade=grade, notes=notes, section=section, table=table_no,
                     row=number, cells=list(row.cells), lines=[row.lines[0], row.lines[-1]])


def attach_indicators(doc: Document, lines: list[tuple[int, str]]) -> None:
    """Find the indicator tables of ``doc``'s source ``lines`` and give each to the unit that
    holds its header: a Table (unless segmentation already made it one) and its Indicators."""
    tables = find_tables(lines)
    if not tables:
        return
    owner_at = _owners(doc)
    for found in tables:
        for row in found.short:
            doc.warnings.append(f"line {row.lines[0]}: indicator row {row.cells[0]!r} has {len(row.cells) - 1} figure(s)"
                                f" for the {sum(c.role in VALUE_ROLES for c in found.columns)} value columns of its header"
                                f" ({' | '.join(found.header)}): which columns they fill is unknown; not read")
        if not found.rows:
            continue
        node, section = owner_at(found.line, found.col)
        listed = node.tables_in_order()
        number = next((k for k, t in enumerate(listed, start=1) if t.spans and t.spans[0].line == found.line), None)
        if number is None:
            table = Table(name=section, header=found.header if any(found.header) else None, rows=[r.cells for r in found.rows], rule="indicators",
                          layout=found.layout, lines=[found.line, found.rows[-1].lines[-1]])
            holder = next((s for s in node.sections if s.name == section), None)
            (holder.tables if holder is not None else node.tables).append(table)
            number = next(k for k, t in enumerate(node.tables_in_order(), start=1) if t is table)
        for r, row in enumerate(found.rows, start=1):
            unread: list[str] = []
            node.indicators.append(indicator_of(found, row, r, section, number, unread))
            if unread:
                doc.warnings.append(f"line {row.lines[0]}: indicator {row.cells[0]!r}: cells not read as values"
                                    f" ({'; '.join(unread)}): kept in the indicator's cells")


def _owners(doc: Document) -> Callable[[int, int], tuple[Node, str | None]]:
    """A function (line, column) → (node, section name) over every span of the tree."""
    spans: dict[int, list[tuple[int, int, Node, str | None]]] = {}
    for node in doc.root.walk():
        in_sections: set[Span] = set()
        for s in node.sections:
            for sp in s.own_spans():
                spans.setdefault(sp.line, []).append((sp.start, sp.end, node, s.name))
                in_sections.add(sp)
        for sp in node.own_spans():
            if sp not in in_sections:
                spans.setdefault(sp.line, []).append((sp.start, sp.end, node, None))
    for v in spans.values():
        v.sort(key=lambda t: t[0])

    def owner(line: int, col: int) -> tuple[Node, str | None]:
        here = spans.get(line, [])
        best = None
        for start, end, node, section in here:
            if start <= col:
                best = (node, section)
            if start <= col < end:
                return node, section
        if best:
            return best
        return (here[0][2], here[0][3]) if here else (doc.root, None)

    return owner


def warn_unread_tables(doc: Document) -> None:
    """A warning for each table that no rule and no indicator header explains: its cells are kept
    (the flat ``tables`` table), but the user should know that nothing was read from them."""
    for node in doc.root.walk():
        listed = node.tables_in_order()
        used = {ind.table for ind in node.indicators}
        for k, t in enumerate(listed, start=1):
            if t.rule is None and k not in used and t.spans:
                first, last = min(s.line for s in t.spans), max(s.line for s in t.spans)
                head = " | ".join(t.rows[0]) if t.rows else ""
                doc.warnings.append(f"lines {first}-{last}: a table whose header keikaku does not recognise"
                                    f" ({head[:60]}): kept as cells in the tables table")
