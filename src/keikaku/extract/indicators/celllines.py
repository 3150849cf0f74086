"""Tables printed one cell per line (a PDF's text layer, a web table copied cell by cell): a header
of short lines, one column word each (with its year, or the years on lines below), then each row's
cells on as many lines.

Evaluation sheets and KPI lists come out this way; the header's cells may be words of their own
(平成13年実績, 5ヵ年目標, コード) and one indicator's sheet may have its name inside the header.
"""

from __future__ import annotations

import re

from .header import COLUMN, Column, column_of
from .rows import Found, Row, cell_text, fits, is_name, read_notes
from .values import CELL_YEAR, nfkc, parse_value, parse_year, qualitative
from .vocabulary import OTHER_HEADS, ROLE_INSIDE, VALUE_ROLES

CELL_LINE_MAX = 24  # a header cell on a line of its own is short
HEAD_MAX = 12  # header cells of one table


def _loose_column(cell: str) -> Column | None:
    """A header cell: a column word (with its year), a year with a role word glued to it
    (平成13年実績, 平成15年9月30日現在, 5ヵ年目標), a year alone (a result), or None for a short
    label that names no value (主要施策コード, 区分: a note column)."""
    m = COLUMN.fullmatch(cell)
    if m is not None:
        return column_of(m)
    text = nfkc(cell)
    role = next((r for w, r in ROLE_INSIDE if w in text), None)
    if role is None and (parse_value(text) is not None or not re.search(r"年", text)):
        return None  # a figure or a code (21101), not a header
    year, fiscal = parse_year(text)
    if role is None and year is None:
        return None
    label = next((w for w, _ in ROLE_INSIDE if w in text), None)
    return Column(role or "actual", label or None, year, fiscal)


def read_cell_lines(lines: list[tuple[int, str]], i: int) -> tuple[Found, int] | None:
    """A table printed one cell per line (a PDF's text layer, a web table copied cell by cell):
    a header of short lines holding one name column and two value columns or more (short labels
    such as コード or 区分 before or between them are note columns), then rows of as many lines.
    A value cell may hold a word (設置, 策定: a qualitative target) or a null."""
    head: list[tuple[str, Column | None]] = []
    inner: list[str] = []  # 指標(KPI) / 花をテーマにした / 観光客誘致(年間) / 現状値 …: the one row's name
    j = i
    while j < len(lines) and len(head) < HEAD_MAX:
        cell = cell_text(lines[j][1])
        if not cell or len(cell) > CELL_LINE_MAX or parse_value(cell) is not None and _loose_column(cell) is None:
            break
        if CELL_YEAR.fullmatch(nfkc(cell)):
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
        chunk = [cell_text(lines[k + c][1]) for c in range(n - 1)] if k + n - 1 <= len(lines) else []
        rest = [cols[c] for c in order[1:]]
        if chunk and all(fits(col, cell) for col, cell in zip(rest, chunk, strict=True)):
            table.rows.append(Row(["".join(inner), *chunk], [lines[i][0], lines[k + n - 2][0]]))
            return table, read_notes(lines, k + n - 1, table)
        return None
    while k + n <= len(lines):
        chunk = [cell_text(lines[k + c][1]) for c in range(n)]
        if not all(chunk) or not is_name(chunk[at]) or _HEADING_LIKE.match(nfkc(chunk[at])) or not all(
                fits(col, cell) or col.role in VALUE_ROLES and qualitative(cell) for col, cell in zip(cols, chunk)
                if col.role != "name"):
            break  # 第3章 / 基本計画 / 45 is the next heading and a page number, not a row
        table.rows.append(Row([chunk[c] for c in order], [lines[k][0], lines[k + n - 1][0]]))
        k += n
    k = read_notes(lines, k, table)
    return (table, k) if table.rows else None


def _inner_name(lines: list[tuple[int, str]], j: int) -> tuple[list[str], int] | None:
    """One or two name lines (a name wrapped) followed by a column word: (the lines, where the
    header goes on), or None."""
    for n in (1, 2):
        if j + n >= len(lines):
            return None
        cells = [cell_text(lines[j + c][1]) for c in range(n)]
        if not all(c and is_name(c) and _loose_column(c) is None for c in cells):
            return None
        after = cell_text(lines[j + n][1])
        if after and _loose_column(after) is not None and not CELL_YEAR.fullmatch(nfkc(after)):
            return cells, j + n
    return None


def _years_below(lines: list[tuple[int, str]], j: int, values: list[Column]) -> int:
    """Years printed on lines of their own below the header words ((平成26年) / (平成32年)), one
    per value column without a year: given to those columns in order.  Where the rows begin."""
    bare = [c for c in values if c.year is None]
    years: list[tuple[int | None, bool | None]] = []
    while j + len(years) < len(lines) and len(years) < len(bare):
        m = CELL_YEAR.fullmatch(nfkc(cell_text(lines[j + len(years)][1])))
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
