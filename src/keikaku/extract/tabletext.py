"""Tables shown as text, after the indicator tables are read: rows stay rows, tables in order.

An indicator table in a layout segmentation keeps as text (cells separated by spaces, pipes, one
cell per line) stays in the paragraphs that hold its lines, so that the alignment guard sees each
line once.  There its rows are joined with line breaks, not glued like the wrapped lines of a
sentence; a row that segmentation read as a bullet (``・待機児童数 12人 0人``) goes back into the
table's paragraph.  Each unit's and section's tables are listed in the order of their lines, and
the indicators' table numbers follow.
"""

from __future__ import annotations

from ..model.tree import Document, Item, Node, NodeKind, Paragraph, Section, Span


def settle_tables(doc: Document, texts: dict[int, str]) -> None:
    """Rows of text tables joined by line breaks and tables in line order; ``texts`` are the
    source lines by number."""
    ranges = sorted({(t.lines[0], t.lines[-1]) for node in doc.root.walk() for t in node.tables_in_order()
                     if not t.spans and t.lines and t.layout != "running"})
    table_of = {line: (first, last) for first, last in ranges for line in range(first, last + 1)}
    for node in doc.root.walk():
        if table_of and node.kind is not NodeKind.CONTENTS:
            holders: list[Node | Section] = [node, *node.sections]
            for holder in holders:
                _rows_as_text(holder, table_of, texts)
        _in_line_order(node)


def _first_line(spans: list[Span]) -> int:
    return min(s.line for s in spans)


def _rows_as_text(holder: Node | Section, table_of: dict[int, tuple[int, int]], texts: dict[int, str]) -> None:
    """The holder's pieces of each table (its paragraphs, and rows read as bullets) merged into one
    paragraph, and the rows joined by line breaks.  One pass over the holder whatever the number
    of tables."""
    group: dict[tuple[int, int], tuple[int, int]] = {}  # tables one paragraph spans are one group

    def root(t: tuple[int, int]) -> tuple[int, int]:
        while group.get(t, t) != t:
            t = group[t]
        return t

    pieces: list[tuple[Paragraph | Item, tuple[int, int]]] = []
    for p in holder.paragraphs:
        tables = list(dict.fromkeys(table_of[s.line] for s in p.spans if s.line in table_of))
        for t in tables[1:]:
            group[root(t)] = root(tables[0])
        if tables:
            pieces.append((p, tables[0]))
    for it in holder.items:
        row = table_of.get(it.spans[0].line) if it.spans else None
        if row is not None and all(row[0] <= s.line <= row[1] for s in it.spans):
            pieces.append((it, row))
    members: dict[tuple[int, int], list[Paragraph | Item]] = {}
    for piece, t in pieces:
        members.setdefault(root(t), []).append(piece)
    merged = [m for m in members.values() if len(m) > 1 or any(isinstance(x, Item) for x in m)]
    if merged:
        gone = {id(x) for m in merged for x in m}
        holder.items = [it for it in holder.items if id(it) not in gone]
        made = [Paragraph("", sorted(s for x in m for s in x.spans)) for m in merged]
        holder.paragraphs = sorted([p for p in holder.paragraphs if id(p) not in gone] + made,
                                   key=lambda p: p.spans[0] if p.spans else Span(0, 0, 0))
    for p in holder.paragraphs:
        if any(s.line in table_of for s in p.spans):
            p.text = _joined(p.spans, table_of, texts)


def _joined(spans: list[Span], rows: dict[int, tuple[int, int]], texts: dict[int, str]) -> str:
    """The spans' text: pieces of one line joined by a space, a table row by a line break from
    whatever comes before or after it, the wrapped lines of a sentence without a separator."""
    out: list[str] = []
    for k, s in enumerate(spans):
        piece = texts[s.line][s.start:s.end].strip()
        if k:
            before = spans[k - 1].line
            out.append(" " if before == s.line else "\n" if s.line in rows or before in rows else "")
        out.append(piece)
    return "".join(out)


def _in_line_order(node: Node) -> None:
    """Each section's tables and the unit's own in the order of their first line; the unit's
    indicators renumbered to match (they count the sections' tables, then the unit's)."""
    before = node.tables_in_order()
    if len(before) < 2:
        return
    holders: list[Node | Section] = [*node.sections, node]
    for holder in holders:
        holder.tables.sort(key=lambda t: _first_line(t.spans) if t.spans else t.lines[0] if t.lines else 0)
    after = {id(t): k for k, t in enumerate(node.tables_in_order(), start=1)}
    renumber = {k: after[id(t)] for k, t in enumerate(before, start=1)}
    for ind in node.indicators:
        ind.table = renumber.get(ind.table, ind.table)
