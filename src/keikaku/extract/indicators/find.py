"""Every indicator table of a document's lines: the layout readers run in turn, from the most
specific layout to the loosest, each on the lines no earlier reader took (so a loose reader never
reads again what a specific one explained).
"""

from __future__ import annotations

from .arrows import find_arrows
from .form import find_form_rows
from .glued import find_glued
from .headed import table_at
from .headless import find_headless, find_pairs
from .rows import Found, lines_of
from .sentences import find_sentences
from .transposed import find_transposed


def find_tables(lines: list[tuple[int, str]]) -> list[Found]:
    """Every indicator table in ``lines`` (number, text), in order.  Readers run from the most
    specific layout to the loosest, each on the lines no earlier reader took: transposed sheets
    (years across), tables under a header, arrow lines, glued e-book tables, header-less cell
    lines, head-less pipe and tab tables, targets written as sentences."""
    found = find_transposed(lines, set())
    taken = lines_of(found)
    i, col = 0, 0
    while i < len(lines):
        if lines[i][0] in taken:
            i, col = i + 1, 0
            continue
        table, next_i, next_col = table_at(lines, i, col)
        if table is None:
            i, col = i + 1, 0
        else:
            found.append(table)
            i, col = next_i, next_col
    found += find_arrows([(no, text) for no, text in lines if no not in taken])
    claimed = {f.line for f in found} | taken
    found += [f for no, text in lines if no not in claimed for f in find_glued(no, text)]
    for reader in (find_form_rows, find_pairs, find_headless, find_sentences):
        found += reader(lines, lines_of(found) | claimed)
    return sorted(found, key=lambda f: (f.line, f.col))
