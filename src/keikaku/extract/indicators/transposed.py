"""Evaluation sheets printed with the years across and one row per role (目標 / 実績 …), the indicator
named on a line above (成果指標収納率): one indicator each.

Web tables copied with their cells glued (平成(年度)171819 / 目標-98.50%97.70%) come out this way, as
do the same sheets with spaces or tabs between the cells; a sheet under a budget's title
(事業費(千円)) is that table's, not an indicator's.
"""

from __future__ import annotations

import re

from ...text.dates import ERA_LETTERS, ERA_NAMES
from ...text.normalize import compact_code
from .header import COLUMN, ROLE_OF, Column
from .rows import Found, Row, cell_text, is_name
from .values import nfkc, parse_value, parse_year
from .vocabulary import NAME_WORDS, OTHER_TABLES, ROLE_WORDS

# 成果指標収納率 ⏎ 平成(年度)171819 ⏎ 目標-98.50%97.70% ⏎ 実績97.10%96.70%96.30%  (a web table copied
# with its cells glued) or the same with spaces or tabs between the cells.
_SHEET_YEARS = re.compile(rf"^(?P<label>(?P<era>{ERA_NAMES}|[{ERA_LETTERS}])?\s*[(（]?\s*年度?\s*[)）]?|区分|項目|年度)?\s*(?P<rest>.+)$")
_GLUED_CELL = re.compile(r"[―—\-－ー]|[▲△]?\d[\d,]*(?:\.\d+)?[^\d\s▲△―—\-－ー.,]{0,4}")
_ERA_FIRST = re.compile(rf"{ERA_NAMES}|[{ERA_LETTERS}]")  # a year of an era: 令和2年度, H29, R1
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
    m = _SHEET_YEARS.match(nfkc(text))
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
    if len(tokens) < 2 or not label and not all(re.search(r"年", t) or _ERA_FIRST.match(t) for t in tokens):
        return None
    years = [parse_year(t) for t in tokens if (m := COLUMN.fullmatch(t)) is not None and m.group("alone")]
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
        years = _sheet_years(cell_text(text))
        if not years:
            continue
        columns: list[Column] = [Column("name", None)]
        cells: list[str] = []
        j = k + 1
        while j < len(lines) and j <= k + 6:
            row = _SHEET_ROLE.match(nfkc(cell_text(lines[j][1])))
            if row is None:
                break
            parts = row.group("cells").split()
            got = parts if len(parts) == len(years) and all(parse_value(c) is not None for c in parts) else \
                _split_glued(row.group("cells").replace(" ", ""), len(years)) if row.group("cells") else None
            if got is None:
                break
            word = compact_code(row.group("word"))
            columns += [Column(ROLE_OF[word], word, y, f) for y, f in years]
            cells += got
            j += 1
        above = [t for _, t in lines[max(0, k - 3 * SHEET_NAME_ABOVE):k] if t.strip()][-SHEET_NAME_ABOVE:]
        name = None
        for t in reversed(above):
            if _MONEY_TITLE.search(nfkc(t)) or any(w in t for w in OTHER_TABLES):
                break  # 事業費(千円): the sheet is that table's, not the indicator's above it
            m = _SHEET_NAME.search(nfkc(t))
            if m and is_name(m.group("name")):
                name = m.group("name")
                break
        if cells and name:
            found.append(Found(no, 0, "transposed", [c.label or "" for c in columns], columns,
                               [Row([name, *cells], [no, lines[j - 1][0]])]))
    return found


_SHEET_NAME = re.compile("(?:" + "|".join(w for w in NAME_WORDS if "(" not in w) + r")\s*\d{0,2}\s*[:：]?\s*(?P<name>\S.{0,40})$")
