"""One value cell of an indicator table: its figure, unit, qualifier (約, 以上), year or period,
and the years written in and around it.

Every layout's reader asks these functions whether a cell is a value and what it says: a figure
with its unit (1,191件, 2億396万円), a year in brackets (H26末, 令和5年4月1日現在) or before it
(H27:74.3%), a span or period ((2009~14年), (期間平均)), a null (―, 未設定), and the direction and
grade words of those columns.  Era years are read with :mod:`keikaku.text.dates`' table of eras.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ...text.dates import ERA_LETTERS, ERA_NAMES, era_year
from .vocabulary import DIRECTIONS, NULLS, QUALIFIERS_AFTER, QUALIFIERS_BEFORE, RATE_WORDS, UNIT_WORDS


def _words(words: tuple[str, ...]) -> str:
    """Words of the vocabulary as alternatives of a pattern, in their order."""
    return "|".join(re.escape(w) for w in words)


ERA = rf"(?:{ERA_NAMES}|[{ERA_LETTERS}](?=\s*(?:\d|元)))"  # 令和, or R before a year's number
NUMBER_MARK = r"[①-⑳]|[(（]\d{1,2}[)）]|\d{1,2}[.)]"  # a list's number: ①, (1), 1., 1)
ERA_N = rf"{ERA}\s*(?:\d{{1,2}}|元)"  # an era and its year's number: 令和5, H26, R元
YEAR = rf"(?:{ERA_N}|(?:19|20)\d{{2}})\s*(?:年度|年)?"
# An era year written before its value, with a colon or not (H27:74.3%, ⇒ H31 330人).
YEAR_LED = rf"{ERA_N}\s*(?:年度|年)?\s*[:：]?\s*"
_YEAR_RE = re.compile(rf"(?P<era>{ERA})?\s*(?P<n>\d{{1,4}}|元)\s*(?P<suffix>年度|年)?")


def parse_year(text: str) -> tuple[int | None, bool | None]:
    """令和5年度 → (2023, True); 2019年 → (2019, False); R5 → (2023, True): a bare era year is
    fiscal (evaluation sheets count by fiscal year)."""
    m = _YEAR_RE.search(text)
    if not m:
        return None, None
    era = m.group("era")
    if era:
        year = era_year(era, m.group("n"))
    elif m.group("n") != "元" and int(m.group("n")) >= 1900:
        year = int(m.group("n"))
    else:
        return None, None
    suffix = m.group("suffix")
    return year, (suffix == "年度") if suffix else (True if era else None)


_NUMBER = re.compile(
    rf"^(?P<pre>{_words(QUALIFIERS_BEFORE)})?(?P<sign>[▲△-])?(?P<num>\d[\d,]*(?:\.\d+)?)"
    r"(?:\s*[~〜]\s*(?P<num2>\d[\d,]*(?:\.\d+)?))?"
    r"(?P<mult>[万億千](?!円))?(?P<unit>[^\d\s(（)）]*?)(?P<post>" + _words(QUALIFIERS_AFTER) + ")?$")
CELL_YEAR = re.compile(rf"[(（]\s*(?P<year>{YEAR})\s*(?:\d{{1,2}}\s*月(?:\s*\d{{1,2}}\s*日)?|\.\d{{1,2}}(?:\.\d{{1,2}})?)?"
                        r"\s*(?:当初|末|時点|現在|末現在)?\s*[)）]")  # (H22当初), (H26末), (令和5年4月1日現在), (R5.4.1)
# A year written before its value (H27:74.3%, H26 ▲229人, 令和5年度 12人); a value follows it.
_LEAD_YEAR = re.compile(rf"(?P<year>{ERA_N}\s*(?:年度|年)?|(?:19|20)\d{{2}}\s*(?:年度|年))"
                        r"\s*[:：]?\s*(?=[\d▲△―—])")
_MULT = {"万": 10_000, "億": 100_000_000, "千": 1_000}
GRADE = re.compile(r"^(?P<grade>[A-ES])(?:\s*[(（].{0,12}[)）])?$")
# A unit of the vocabulary, or a rate (件/年, 人/日, %/年).
UNITS = re.compile(rf"^(?:{_words(UNIT_WORDS)})(?:/(?:{_words(RATE_WORDS)}))?$")
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
_CELL_SPAN = re.compile(rf"[(（]\s*(?P<from>{YEAR})\s*[~〜～\-－]\s*(?P<to>{YEAR}|\d{{1,2}}\s*(?:年度|年)?)"
                        r"\s*(?P<avg>平均)?\s*[)）]")
_CELL_PERIOD = re.compile(r"[(（]\s*(?P<period>期間平均|年平均|平均|累計|\d{1,2}\s*[かカヵヶケ]?年(?:間)?(?:平均|累計)?)\s*[)）]")


def _span(m: re.Match[str]) -> tuple[int | None, bool | None, int | None, str]:
    """(year, fiscal, year_from, period) of a bracketed span: (2009~14年) → 2014, False, 2009,
    "2009~2014"; (R2~6年度) → 2024, True, 2020, "2020~2024"."""
    first, fiscal = parse_year(m.group("from"))
    to = m.group("to").strip()
    short = re.fullmatch(r"(\d{1,2})\s*(年度|年)?", to)
    if short and first is not None:
        era = re.match(ERA, m.group("from").strip())
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


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def parse_value(cell: str) -> Value | None:
    """A cell's number, unit, year and qualifier; None when the cell is not a value (a name,
    prose).  Nulls (―, 未設定 …) are a Value whose value is None."""
    text = nfkc(cell)
    year = fiscal = year_from = period = None
    m = CELL_YEAR.search(text)
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
    if squeezed[:1] in NULLS and UNITS.match(squeezed[1:]):  # ― 件/年: no value yet, its unit printed
        return Value(None, squeezed[1:], year, fiscal, None, None, period, year_from)
    c = _COMPOUND.match(squeezed)
    if c:  # 2億396万円 → 203960000円, 95万9千人 → 959000人
        parts = {k: float(v.replace(",", "")) for k, v in c.groupdict().items() if v}
        whole = parts["oku"] * 100_000_000 + parts["man"] * 10_000 if "oku" in parts else \
            parts["man2"] * 10_000 + parts["sen"] * 1_000 if "man2" in parts else parts["man3"] * 10_000 + parts["one"]
        squeezed = f"{tidy(whole):f}".rstrip("0").rstrip(".") + squeezed[c.end():]
    m = _NUMBER.match(squeezed)
    if not m:
        return None
    unit = m.group("unit") or None
    if unit in ("年", "年度") and re.fullmatch(r"(?:19|20)\d{2}", m.group("num")) or unit in ("時", "時半"):
        return None  # 2025年度, 9時: a year or a time of day, not a value
    if unit and re.search(r"増|減|削減|向上|上昇|低下|改善", unit):
        return None  # 1割削減, 5ポイント増: a change, not a level (see RELATIVE)
    if unit and not UNITS.match(unit) and not (len(unit) <= 3 and re.fullmatch(r"[一-龯ぁ-んァ-ヶ々]+", unit)):
        return None  # 1人1日当たり…: a name that starts with a number
    num = float(m.group("num").replace(",", ""))
    upper = float(m.group("num2").replace(",", "")) if m.group("num2") else None
    mult = _MULT.get(m.group("mult") or "", 1)
    num, upper = num * mult, (upper * mult if upper is not None else None)
    if m.group("sign"):
        num = -num
    qualifier = m.group("pre") or m.group("post")
    return Value(tidy(num), unit, year, fiscal, qualifier, tidy(upper) if upper is not None else None, period, year_from)


_PREFIXES = {"百万": 1_000_000, "億": 100_000_000, "万": 10_000, "千": 1_000}


def in_unit(value: float, unit: str, wanted: str) -> float:
    """``value`` in ``unit`` (5 億円) expressed in ``wanted`` (円) when the two differ by a
    multiplier prefix; otherwise unchanged."""
    def split(u: str) -> tuple[int, str]:
        for prefix, factor in _PREFIXES.items():
            if u.startswith(prefix) and len(u) > len(prefix):
                return factor, u[len(prefix):]
        return 1, u
    f1, base1 = split(unit)
    f2, base2 = split(wanted)
    return tidy(value * f1 / f2) if base1 == base2 else value


def tidy(x: float) -> float:
    return float(round(x, 6))


def direction_of(text: str) -> str | None:
    """増加, 減少 or 維持 from a direction cell: the word alone or leading a short phrase (増加を目指す)."""
    text = nfkc(text)
    if text in DIRECTIONS:
        return DIRECTIONS[text]
    return next((d for w, d in DIRECTIONS.items() if len(w) > 1 and text.startswith(w) and len(text) <= len(w) + 5), None)


# A target stated as a change (1割削減, 5ポイント増, 2割増): kept as written, never as a level.
RELATIVE = re.compile(r"^約?\d[\d,.]*\s*(?:倍|割|ポイント|%)?\s*(?:以上)?の?(?:増|減|増加|減少|削減|向上|上昇|低下|改善)$")


def qualitative(cell: str) -> bool:
    """A value cell that holds a short word instead of a figure (設置, 策定, 実施)."""
    text = nfkc(cell)
    return 0 < len(text) <= 6 and not any(ch.isdigit() for ch in text) and "。" not in text
