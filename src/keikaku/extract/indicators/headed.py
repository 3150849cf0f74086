"""Tables under a header line: a tab, pipe or space-separated header, then one row per line; or a
header whose rows follow on the same line (a flattened table, read by :mod:`.running`).

These are the tables that say what they are (指標名 現状値 目標値): the header's words decide, under
the context's checks (not under a trend's or a budget's title).  A two-row header (years over
計画 / 実績) is merged; rows with fewer figures than value columns are kept aside for a warning.
"""

from __future__ import annotations

from .celllines import read_cell_lines
from .header import COLUMN, Column, column_of, header_starts, read_header
from .rows import RULE, Found, Row, fits, header_in_context, is_name, read_notes, split_cells, strong_header
from .running import read_running, read_tokens
from .values import parse_value
from .vocabulary import VALUE_ROLES


def _positional(cells: list[str], columns: list[Column]) -> list[str] | None:
    """A tab or pipe row against its header: by position when the counts agree (empty cells
    kept), else the name first and the non-empty cells in order."""
    if len(cells) == len(columns) and cells[0] and is_name(cells[0]):
        # Cells stand where the separators put them: a value cell that is a word (整備) or prose is
        # kept (and named in a warning) when most of the row's value cells are figures.
        pairs = [(col, c) for c, col in zip(cells[1:], columns[1:]) if c]
        values = [fits(col, c) for col, c in pairs if col.role in VALUE_ROLES]
        ok = all(fits(col, c) or col.role in VALUE_ROLES for col, c in pairs) and sum(values) * 2 > len(values)
        return cells if ok else None
    filled = [c for c in cells if c]
    if len(filled) == len(columns) and is_name(filled[0]) and all(
            fits(col, c) for c, col in zip(filled[1:], columns[1:])):
        return filled
    return None


def table_at(lines: list[tuple[int, str]], i: int, col: int) -> tuple[Found | None, int, int]:
    """The table whose header starts on line ``i`` at or after column ``col``, and where to go
    on looking (the next line, or further on this line after a flattened table)."""
    no, text = lines[i]
    if col == 0:
        by_lines = read_cell_lines(lines, i)
        if by_lines is not None:
            return by_lines[0], by_lines[1], 0
    inside = -1  # a header read whose rows were not: its later words start no header of their own
    for start in header_starts(text):
        if start < col or start < inside:
            continue
        head = read_header(text, start)
        if head is None:
            continue
        columns, end = head
        if not strong_header(columns) or not header_in_context(lines, i, text[:start], columns):
            continue
        if columns[0].role == "name" and columns[0].label is not None:
            inside = end  # 指標名 現状値(R5) 目標値(R11) whose row lacks a cell: not 目標値(R11) alone
        if columns[0].role != "name":
            columns = [Column("name", None)] + columns  # 数値目標 基準値 目標値 …: the section names the column
        layout = "tab" if "\t" in text[start:end] else "pipe" if "|" in text[start:end] else None
        tail = text[end:].strip(" \t|　")
        if tail and layout is None:  # flattened: rows follow on the same line
            running = read_running(no, text, start, end, columns)
            if running is not None:
                return running[0], i, running[1]
            continue
        if tail:
            continue
        # a header line: rows follow, one per line
        if layout is None:
            layout = "spaced"
        table = Found(no, start, layout, [c.label or "" for c in columns], columns)
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
            if layout == "pipe" and RULE.match(row_text.strip()):
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
        k = read_notes(lines, k, table)
        if table.rows or table.short:
            return table, k, 0
    return None, i, 0


def _row_cells(text: str, layout: str, columns: list[Column]) -> list[str] | None:
    if layout in ("tab", "pipe"):
        return _positional(split_cells(text, layout), columns)
    cells = split_cells(text, layout)
    if len(cells) == len(columns):
        got = _positional(cells, columns)
        if got is not None:
            return got
    read = read_tokens(text.split(), columns)
    if read is not None and read[1] == len(text.split()):
        return read[0]
    return None


def _short_row(text: str, layout: str, columns: list[Column]) -> list[str] | None:
    """The cells of a row of a name and fewer figures than the header has value columns
    (待機児童数 12人 under 現状値 中間値 目標値: which columns the figures fill is unknown), or None."""
    cells = [c for c in (split_cells(text, layout) if layout in ("tab", "pipe") else text.split()) if c]
    values = [c for c in columns if c.role in VALUE_ROLES]
    ok = 2 <= len(cells) <= len(values) and is_name(cells[0]) and all(parse_value(c) is not None for c in cells[1:])
    return cells if ok else None


def _merge_second_header(table: Found, top: str, second: str, layout: str) -> None:
    """A header in two rows (令和4年度 | | 令和5年度 | over 計画 | 実績 | 計画 | 実績): by
    position, a word of the second row takes the year of the last year above it."""
    upper, lower = split_cells(top, layout), split_cells(second, layout)
    columns: list[Column] = []
    heading: Column | None = None
    for k in range(max(len(upper), len(lower))):
        above = upper[k] if k < len(upper) else ""
        below = lower[k] if k < len(lower) else ""
        m_above = COLUMN.fullmatch(above) if above else None
        col_above = column_of(m_above) if m_above else None
        if col_above is not None and col_above.label is None:
            heading = col_above
        m_below = COLUMN.fullmatch(below) if below else None
        if m_below is not None:
            c = column_of(m_below)
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
