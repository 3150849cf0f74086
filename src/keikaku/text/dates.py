"""Dates in plan text: 和暦 and 西暦 → a western year (and month/day where given).

平成22年 → 2010; 令和元年 → 2019; 令和6(2024)年度 → fiscal year 2024; H27年度 → fiscal 2015;
令和6～10年度 → fiscal 2024–2028; 2016年3月 → 2016-03.  Matching runs on the matching form of
the text (so full-width digits and the full-width tilde ～ work) and offsets point into the text
as given.  Used by the analysis stage for DATE entities.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from .normalize import Matchable, matchable

ERA_START = {"明治": 1868, "大正": 1912, "昭和": 1926, "平成": 1989, "令和": 2019,
             "M": 1868, "T": 1912, "S": 1926, "H": 1989, "R": 2019}
_ERA = r"(?:明治|大正|昭和|平成|令和|(?<![A-Za-z])[MTSHR](?=\s*(?:\d|元)))"
_N = r"(?:\d{1,2}|元)"
_WAREKI = re.compile(
    rf"(?P<era>{_ERA})\s*(?P<n>{_N})\s*(?:\(\s*(?P<west>\d{{4}})\s*\)\s*)?"
    rf"(?:(?:年度?)?\s*[~〜]\s*(?P<era2>{_ERA})?\s*(?P<n2>{_N})\s*(?:\(\s*(?P<west2>\d{{4}})\s*\)\s*)?)?"
    r"年(?:(?P<decade>代)(?:\s*(?:前半|後半|初頭|末|半ば))?|(?P<fy>度)?(?:(?P<approx>頃|ごろ|前半|後半|初頭|末|半ば)|"
    r"(?:\s*(?P<month>\d{1,2})\s*月(?:\s*(?P<day>\d{1,2})\s*日)?)?))")
_SEIREKI = re.compile(
    r"(?<![\d(])(?P<west>(?:1[89]|20|21)\d{2})\s*(?:(?:年度?)?\s*[~〜]\s*(?P<west2>(?:1[89]|20|21)\d{2})\s*)?"
    r"年(?:(?P<decade>代)(?:\s*(?:前半|後半|初頭|末|半ば))?|(?P<fy>度)?(?:(?P<approx>頃|ごろ|前半|後半|初頭|末|半ば)|"
    r"(?:\s*(?P<month>\d{1,2})\s*月(?:\s*(?P<day>\d{1,2})\s*日)?)?))")
_MONTH_DAY = re.compile(r"(?<!\d)(?P<month>\d{1,2})\s*月\s*(?P<day>\d{1,2})\s*日")


@dataclass(frozen=True)
class DateMention:
    text: str
    start: int  # offsets into the text as given
    end: int
    year: int | None  # None for a month and day without a year (4月12日)
    year_end: int | None  # for ranges such as 令和6～10年度
    month: int | None
    day: int | None
    fiscal: bool  # 年度 (April–March) rather than a calendar year
    era: str | None  # the 和暦 era as written, None for 西暦
    consistent: bool  # False when a 和暦 year and the 西暦 in brackets disagree
    approximate: bool = False  # a decade (昭和40年代: 1965–1974) or 頃, 前半, 後半, 初頭, 末


def _era_year(era: str, n: str) -> int:
    return ERA_START[era] + (1 if n == "元" else int(n)) - 1


# The eras of ERA_START for other readers' patterns: their names (明治|大正|…), and the letters a
# plan's figures are dated with before a year's number (S, H, R).  M and T are left out: a figure
# dated in 明治 or 大正 is written with the era's name, and T3 or M10 beside a figure is a code.
ERA_NAMES = "|".join(era for era in ERA_START if len(era) > 1)
ERA_LETTERS = "SHR"


def era_year(era: str, n: str) -> int:
    """The western year of year ``n`` (digits, or 元 for the first) of ``era`` (a name or its
    letter): 令和5 → 2023, H元 → 1989, 大正9 → 1920."""
    return _era_year(era, n)


def find_dates(text: str, m_text: Matchable | None = None) -> list[DateMention]:
    """All dates in ``text``, in order: with a year (和暦 or 西暦; a 西暦 inside a 和暦 date is
    not reported twice), and month-day dates without one (4月12日, year None).

    ``m_text`` is ``matchable(text)`` when the caller already has it."""
    m_text = m_text or matchable(text)
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []  # spans already reported, sorted by start

    def is_taken(pos: int) -> bool:
        i = bisect.bisect_right(taken, (pos, float("inf"))) - 1
        return i >= 0 and taken[i][0] <= pos < taken[i][1]

    for m in _WAREKI.finditer(m_text.text):
        year = _era_year(m["era"], m["n"])
        end_year = _era_year(m["era2"] or m["era"], m["n2"]) if m["n2"] else None
        consistent = (m["west"] is None or int(m["west"]) == year) and \
                     (m["west2"] is None or end_year is None or int(m["west2"]) == end_year)
        found.append(_mention(text, m_text, m, year, end_year, m["era"], consistent))
        taken.append(m.span())
    seireki = []
    for m in _SEIREKI.finditer(m_text.text):
        if is_taken(m.start()):
            continue
        end_year = int(m["west2"]) if m["west2"] else None
        found.append(_mention(text, m_text, m, int(m["west"]), end_year, None, True))
        seireki.append(m.span())
    taken = sorted(taken + seireki)
    for m in _MONTH_DAY.finditer(m_text.text):
        if is_taken(m.start()) or not (1 <= int(m["month"]) <= 12 and 1 <= int(m["day"]) <= 31):
            continue
        found.append(_mention(text, m_text, m, None, None, None, True))
    return sorted(found, key=lambda d: d.start)


def _mention(text: str, m_text: Matchable, m: re.Match[str], year: int | None, end_year: int | None, era: str | None,
             consistent: bool) -> DateMention:
    a, b = m_text.source_slice(*m.span())
    groups = m.groupdict()
    decade = bool(groups.get("decade"))
    if decade and year is not None and end_year is None:
        end_year = year + 9  # 昭和40年代 is 1965 to 1974, 1990年代 1990 to 1999
    return DateMention(text=text[a:b], start=a, end=b, year=year, year_end=end_year,
                       month=int(m["month"]) if groups.get("month") else None,
                       day=int(m["day"]) if groups.get("day") else None,
                       fiscal=bool(groups.get("fy")), era=era, consistent=consistent,
                       approximate=decade or bool(groups.get("approx")))
