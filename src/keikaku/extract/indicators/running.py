"""Rows read token by token, for a table flattened into one line (重要業績評価指標(KPI) 指標名 基準値
目標値 婚姻数 1,191件 (2019年) 1,300件 (2026年) …) and for rows whose cells are separated by single
spaces.

A PDF's text layer leaves such tables as a run of words with prose around them: rows are read
against the header's columns, a unit or a year in brackets printed apart from its figure joined to
it, and the row that does not fit ends the table.  Tables flattened column by column and tables
printed values first, names last are read too.
"""

from __future__ import annotations

import re

from .header import COLUMN, Column
from .rows import NAME_MAX, Found, Row, fits, is_name
from .values import CELL_YEAR, NUMBER_MARK, UNITS, nfkc, parse_value
from .vocabulary import VALUE_ROLES

_ROW_MARKER = re.compile(rf"{NUMBER_MARK}|[・●○◆◇■□-]")  # a row's number or bullet


def _with_apart(tokens: list[str], cell: str, i: int) -> tuple[str, int]:
    """A value ``cell`` with what follows it at ``tokens[i]`` as tokens of their own (1,191 件,
    41,250人 (令和3年)): its unit while the figure has none, then its year in brackets; (cell, next index)."""
    if i < len(tokens) and nfkc(cell).split("(")[0][-1:].isdigit() and UNITS.match(nfkc(tokens[i])) \
            and parse_value(cell) is not None:
        cell, i = cell + tokens[i], i + 1
    if i < len(tokens) and CELL_YEAR.fullmatch(nfkc(tokens[i])):
        cell, i = cell + tokens[i], i + 1
    return cell, i


def read_tokens(tokens: list[str], columns: list[Column]) -> tuple[list[str], int] | None:
    """One row from ``tokens`` (words of a flattened or space-separated row): the name (one to
    four tokens) then one token per column (a year in brackets and a unit may follow a value as
    tokens of their own).  Returns the row's cells and the tokens used, or None."""
    rest = [c for c in columns if c.role != "name"]
    if tokens and _ROW_MARKER.fullmatch(tokens[0]):
        got = read_tokens(tokens[1:], columns)  # ① 待機児童数 12人 0人: the row's number is no name
        return (got[0], got[1] + 1) if got is not None else None
    for n_name in range(1, 5):
        if n_name > len(tokens):
            return None
        name = " ".join(tokens[:n_name])
        if not is_name(name):
            return None
        cells, i, ok = [name], n_name, True
        for col in rest:
            if i >= len(tokens):
                ok = False
                break
            cell = tokens[i]
            if col.role == "unit" and not fits(col, cell) and parse_value(cell) is not None:
                cells.append("")  # a row without its unit: the value stands where the unit would
                continue
            i += 1
            if col.role in VALUE_ROLES:
                cell, i = _with_apart(tokens, cell, i)
            if not fits(col, cell):
                ok = False
                break
            cells.append(cell)
        if ok:
            return cells, i
    return None


def column_major(tokens: list[str], columns: list[Column]) -> list[list[str]]:
    """Rows flattened column by column (名前A 名前B 人 人 1,624 261 1,800 280): k one-word names,
    then k cells of each column in turn, every cell fitting its column; [] when the tokens are
    not such a block (k from 2 to 4)."""
    for k in range(4, 1, -1):
        if len(tokens) < k * len(columns):
            continue
        names = tokens[:k]
        if not all(is_name(t) and not UNITS.match(nfkc(t)) for t in names):
            continue
        cells = [tokens[c * k:(c + 1) * k] for c in range(len(columns))]
        if all(fits(col, cell) for col, group in zip(columns[1:], cells[1:], strict=True) for cell in group):
            return [[group[r] for group in cells] for r in range(k)]
    return []


NOTE_TOKENS_MAX = 40  # words of the free-text cells of one row (definition, reason) at most


def value_tokens(tokens: list[str], i: int) -> tuple[str, int] | None:
    """One value from ``tokens[i:]`` with the tokens printed apart from its figure (延べ 2,
    1,191 件, 45% (R5)): (cell, next index), or None."""
    j, cell = i, ""
    if j + 1 < len(tokens) and re.fullmatch(r"約|延べ|累計", tokens[j]):
        cell, j = tokens[j], j + 1
    if j >= len(tokens) or parse_value(cell + tokens[j]) is None:
        return None
    return _with_apart(tokens, cell + tokens[j], j + 1)


def values_first(tokens: list[str], columns: list[Column]) -> tuple[list[list[str]], int]:
    """Rows printed values first, names after (3 9 12 延べ 2 延べ 6 延べ 8 名前A 名前B, a table
    flattened row by row with its name column last): k × n values then k one-word names, the
    values taken n by n in the names' order.  Returns the rows and the tokens used."""
    rest = [c for c in columns if c.role != "name"]
    if not rest or any(c.role not in VALUE_ROLES for c in rest):
        return [], 0
    values, i = [], 0
    while (got := value_tokens(tokens, i)) is not None:
        values.append(got[0])
        i = got[1]
    k, left = divmod(len(values), len(rest))
    names = tokens[i:i + k]
    if k < 2 or left or len(names) < k or not all(is_name(t) and value_tokens([t], 0) is None for t in names):
        return [], 0
    rows = [[name, *values[r * len(rest):(r + 1) * len(rest)]] for r, name in enumerate(names)]
    if not all(fits(c, cell) for row in rows for c, cell in zip(rest, row[1:], strict=True)):
        return [], 0
    return rows, i + k


def read_running(no: int, text: str, start: int, end: int, columns: list[Column]) -> tuple[Found, int] | None:
    """The rows that follow a header on its own line ``no`` (the header runs from ``start`` to
    ``end`` of ``text``): the table, and where on the line its last row ends; None without rows."""
    table = Found(no, start, "running", [c.label or "" for c in columns], columns)
    words = list(re.finditer(r"\S+", text[end:]))
    tokens = [w.group() for w in words]
    taken = 0
    # Free-text columns at the end of the header (指標の定義, 設定の根拠) run to the next row.
    fixed = len(columns)
    while fixed > 2 and columns[fixed - 1].role == "note":
        fixed -= 1
    while taken < len(tokens):
        block = column_major(tokens[taken:], columns)
        if block:
            table.rows += [Row(cells, [no, no]) for cells in block]
            taken += len(block) * len(columns)
            continue
        got = read_tokens(tokens[taken:], columns[:fixed])
        if got is None:
            break
        cells, used = got
        taken += used
        if fixed < len(columns):
            ahead = range(taken, min(len(tokens), taken + NOTE_TOKENS_MAX))
            # after a sentence's end (…を目指す。 名前 …); else a one-word name (人口動態統計
            # 出生数 820人: the note, then the next row)
            nxt = next((k for k in ahead if k > taken and tokens[k - 1].endswith("。")
                        and read_tokens(tokens[k:], columns[:fixed]) is not None), None)
            if nxt is None:
                nxt = next((k for k in ahead if (got := read_tokens(tokens[k:], columns[:fixed])) is not None
                            and " " not in got[0][0]), None)
            if nxt is None:
                nxt = next((k for k in ahead if read_tokens(tokens[k:], columns[:fixed]) is not None), None)
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
                and len(before) > 1 and len(name) < NAME_MAX:
            before.pop()  # 公共交通機関(JR、筑豊 電鉄、バス)の利用者割合: a name the PDF wrapped
            name = before[-1] + name
        if name and (COLUMN.fullmatch(name) or not is_name(name) or CELL_YEAR.fullmatch(nfkc(name))):
            name = ""  # 目標指標 基準値 …: the header's own first word, not a name
        got = read_tokens([name, *tokens], columns) if name else None
        if got is not None and got[1] > 1:
            table.rows.append(Row(got[0], [no, no]))
            taken = got[1] - 1
    if not table.rows:
        rows, taken = values_first(tokens, columns)
        table.rows += [Row(cells, [no, no]) for cells in rows]
    return (table, end + words[taken - 1].end()) if table.rows else None
