"""What every layout reader shares: a table found (:class:`Found`) and its rows, whether a cell
is an indicator's name or fits its column, a row's notes, and the words above a table that say
whether it is an indicator table at all (成果指標 …) or another kind (人口の推移, 事業費).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .header import Column
from .values import GRADE, RELATIVE, UNITS, direction_of, nfkc, parse_value
from .vocabulary import NULLS, OTHER_TABLES, STRONG_WORDS, TABLE_WORDS, VALUE_ROLES


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


def is_name(cell: str) -> bool:
    """An indicator's name: letters, not a value, not a sentence, not a contents entry."""
    text = nfkc(cell)
    return (bool(re.search(r"[一-龯ぁ-んァ-ヶA-Za-z]", text)) and parse_value(text) is None and 2 <= len(text) <= 60
            and "。" not in text and not _LEADER.search(text) and not _GROUPED.search(text)
            and not text.endswith(("は", "が", "を", "では", "には", "も")))  # 本市の人口は: a sentence's subject


def fits(column: Column, cell: str) -> bool:
    """Whether ``cell`` can be this column's (a note column takes anything, even nothing)."""
    text = nfkc(cell)
    if column.role == "note":
        return True
    if column.role in VALUE_ROLES:
        return parse_value(text) is not None or bool(RELATIVE.match(text.replace(" ", "")))
    if column.role == "unit":
        return bool(UNITS.match(text)) or text in NULLS
    if column.role == "grade":
        return bool(GRADE.match(text)) or text in NULLS
    if column.role == "direction":
        return direction_of(text) is not None or text in NULLS
    return bool(text)


def split_cells(line: str, layout: str) -> list[str]:
    if layout == "tab":
        return [c.strip() for c in line.split("\t")]
    if layout == "pipe":
        return [c.strip() for c in line.strip().strip("|").split("|")]
    return [c for c in re.split(r"　+|\s{2,}|\t", line.strip()) if c]


_NOTE = re.compile(r"^[※＊*注]")
RULE = re.compile(r"^\|?\s*:?-{2,}")


def lines_of(found: list[Found]) -> set[int]:
    """The source lines the rows of ``found`` stand on."""
    return {no for f in found for r in f.rows for no in range(r.lines[0], r.lines[-1] + 1)}


NAME_MAX = 40  # an indicator's name is at most this long (else the text before is prose)


def context_above(lines: list[tuple[int, str]], i: int, before: str) -> str:
    """The text a header or a list stands under: what precedes it on its line and the two lines above."""
    return " ".join(t for _, t in lines[max(0, i - 2):i]) + " " + before[-80:]


def header_in_context(lines: list[tuple[int, str]], i: int, before: str, columns: list[Column]) -> bool:
    """A header with a name word (指標名) or a role word (目標値) stands anywhere; one of years
    alone (2020年 2025年) only under a table word (成果指標, 目標値) and never under the title of a
    trend, a projection or a budget (人口の推移, 事業費)."""
    context = context_above(lines, i, before)
    if any(w in context for w in OTHER_TABLES):
        return columns[0].label is not None and columns[0].role == "name" and any(
            c.label in STRONG_WORDS for c in columns)
    if any(c.label for c in columns if c.role in VALUE_ROLES) or columns[0].label is not None:
        return True
    return any(w in context for w in TABLE_WORDS)


def strong_header(columns: list[Column]) -> bool:
    """A header that says it is one: a name column, two value columns, or a word such as 目標値."""
    values = [c for c in columns if c.role in VALUE_ROLES]
    return (columns[0].role == "name" and columns[0].label is not None) or len(values) >= 2 \
        or any(c.label in STRONG_WORDS for c in values)


def cell_text(text: str) -> str:
    """A cell on a line of its own, without the pipes a table export leaves around it (`11102 |`)."""
    return text.strip().strip("|").strip()


def under_table_word(above: str, near: str) -> bool:
    """A table word (成果指標, 目標値 …) in ``above`` and no title of another kind of table (人口の推移,
    事業費) in ``near``: where header-less rows may be read as indicators."""
    return any(w in above for w in TABLE_WORDS) and not any(w in near for w in OTHER_TABLES)


def read_notes(lines: list[tuple[int, str]], k: int, table: Found) -> int:
    while k < len(lines) and _NOTE.match(lines[k][1].strip()):
        table.notes.append(lines[k][1].strip())
        k += 1
    return k
