"""Rows with no header, read only right under a table word (■成果指標, 目標値 …): pipe or tab rows of a
name and values, and blocks of name / value (year) / value lines whose vertical header extraction
scattered.

As on an arrow line, the first value is the baseline and the last the target: the order in which
plans print 現状 and 目標 when the header that said so is lost.
"""

from __future__ import annotations

from .header import COLUMN, Column
from .rows import NAME_MAX, RULE, Found, Row, cell_text, is_name, split_cells, under_table_word
from .running import value_tokens
from .values import CELL_YEAR, nfkc, parse_value

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
        if layout is None or no in taken or not under_table_word(
                above := " ".join(t for _, t in lines[max(0, k - HEADLESS_CONTEXT):k]), above):
            k += 1
            continue
        rows: list[Row] = []
        j = k
        while j < len(lines) and lines[j][0] not in taken:
            cells = [c for c in split_cells(lines[j][1], layout) if c]
            if layout == "pipe" and RULE.match(lines[j][1].strip()):
                j += 1
                continue
            if len(cells) < 3 or not is_name(cells[0]) or COLUMN.fullmatch(cells[0]) \
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
            name, first, second = (cell_text(lines[j + c][1]) for c in range(3))
            a, b = parse_value(first), parse_value(second)
            if not (is_name(name) and len(name) <= NAME_MAX and value_tokens([name], 0) is None
                    and a is not None and a.year is not None and b is not None and a.value is not None
                    and CELL_YEAR.search(nfkc(first)) and not CELL_YEAR.search(nfkc(second))):
                break
            rows.append(Row([name, first, second], [lines[j][0], lines[j + 2][0]]))
            j += 3
        if len(rows) >= 2 and under_table_word(
                above := " ".join(text for _, text in lines[max(0, k - PAIR_CONTEXT):k]), above[-200:]):
            columns = [Column("name", None), Column("baseline", None), Column("target", None)]
            found.append(Found(lines[k][0], 0, "lines", ["", "", ""], columns, rows))
            k = j
        else:
            k += 1
    return found
