"""Segmentation, step 2b: tab-separated tables → child nodes, references and plain rows.

Cells are classified by their content, not by their column, because PDF extraction shifts
columns: in 002 under 基本目標4 ② the direction sits in the second column and the following
rows carry their code in the first column and their page in the third.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import CodedWarning, Warnings
from ..model.tree import Node, Paragraph, Ref, Span, Table
from ..text.normalize import Matchable, compact_code, join_broken, matchable, numeral
from .profile import Level, Profile, TableRule


@dataclass(frozen=True)
class TableRow:
    """One row of a table: source line ``line``, the row's text from column ``start`` and its
    matching form."""

    line: int
    start: int
    text: str
    m: Matchable

    @property
    def core(self) -> str:
        return self.m.text.strip()


def level_code(level: Level, m: re.Match[str]) -> str | None:
    """The code of a heading matched by a pinned level: its ``code`` format, else the compacted
    ``code`` group (numbers read as integers: Ⅱ → 2)."""
    groups = {k: (v or "").strip() for k, v in m.groupdict().items()}
    if "num" in groups:
        n = numeral(groups["num"])
        groups["num"] = str(n) if n is not None else compact_code(groups["num"])
    if level.code is not None:
        return level.code.format(**groups)
    if groups.get("code"):
        return compact_code(groups["code"])
    return None


@dataclass
class Cell:
    text: str  # source text, stripped
    m: str  # matching form, stripped
    span: Span


def split_cells(c: TableRow) -> list[Cell]:
    """The non-empty cells of a table row with their source spans."""
    cells: list[Cell] = []
    source, m = c.text, c.m
    pos = 0
    for part in m.text.split("\t"):
        a, b = pos, pos + len(part)
        pos = b + 1
        stripped = part.strip()
        if not stripped:
            continue
        a += len(part) - len(part.lstrip())
        b = a + len(stripped)
        sa, sb = m.source_slice(a, b)
        cells.append(Cell(source[sa:sb].strip(), stripped, Span(c.line, c.start + sa, c.start + sb)))
    return cells


def _group(text: str, m: re.Match[str], name: str, cell: Cell) -> tuple[str, Span] | None:
    """The source text and span of group ``name`` of a match on ``cell.m``."""
    if name not in m.re.groupindex or m.group(name) is None or not m.group(name).strip():
        return None
    mm = matchable(cell.text)
    # The cell's matching form equals matchable(cell.text) stripped; find the group there.
    lead = len(mm.text) - len(mm.text.lstrip())
    a, b = m.span(name)
    sa, sb = mm.source_slice(a + lead, b + lead)
    value = cell.text[sa:sb]
    stripped = value.strip()
    sa += len(value) - len(value.lstrip())
    return stripped, Span(cell.span.line, cell.span.start + sa, cell.span.start + sa + len(stripped))


def node_from_cell(level: Level, m: re.Match[str], cell: Cell) -> Node:
    """A node whose heading is a table cell; a ``text`` group becomes its first paragraph."""
    node = Node(kind=level.kind, level=level.name, rank=level.rank, code=level_code(level, m))
    title = _group(cell.text, m, "title", cell)
    node.title = join_broken(title[0]) if title else None
    for attr in ("subtitle", "label"):
        g = _group(cell.text, m, attr, cell)
        if g:
            setattr(node, attr, join_broken(g[0]))
    text = _group(cell.text, m, "text", cell)
    if text:
        node.paragraphs.append(Paragraph(text[0], [text[1]]))
        node.heading_spans.append(Span(cell.span.line, cell.span.start, text[1].start))
        if text[1].end < cell.span.end:
            node.heading_spans.append(Span(cell.span.line, text[1].end, cell.span.end))
    else:
        node.heading_spans.append(cell.span)
    return node


def _split_children(cell: Cell, marker: str) -> list[Cell]:
    """Split ``○a ○b`` into one cell per marker (004's measures)."""
    starts = [i for i, ch in enumerate(cell.text) if ch == marker] or [0]
    if starts[0] != 0:
        starts.insert(0, 0)
    parts = []
    for a, b in zip(starts, starts[1:] + [len(cell.text)]):
        piece = cell.text[a:b]
        if not piece.strip():
            continue
        lead = len(piece) - len(piece.lstrip())
        stripped = piece.strip()
        span = Span(cell.span.line, cell.span.start + a + lead, cell.span.start + a + lead + len(stripped))
        parts.append(Cell(stripped, matchable(stripped).text.strip(), span))
    return parts


def apply_table(profile: Profile, rows: list[TableRow], owner: Node, warnings: list[CodedWarning]) -> None:
    """Attach what a table says to ``owner``: child nodes and refs by rule, other rows as a Table."""
    header = rows[0]
    rule = next((r for r in profile.tables if r.header.match(header.core)), None)
    header_cells = split_cells(header)
    if rule is None:
        cells = [split_cells(r) for r in rows]
        owner.tables.append(Table(name=None, header=None, rows=[[c.text for c in row] for row in cells],
                                  spans=[c.span for row in cells for c in row]))
        return
    table = Table(name=rule.name, header=[c.text for c in header_cells], rule=rule.mode,
                  spans=[c.span for c in header_cells])
    current: Node | None = None
    last_ref: Ref | None = None
    for row in rows[1:]:
        leftover: list[Cell] = []
        for cell in split_cells(row):
            current, last_ref, used = _apply_cell(rule, cell, owner, current, last_ref)
            if not used:
                leftover.append(cell)
        if leftover:
            table.rows.append([c.text for c in leftover])
            table.spans.extend(c.span for c in leftover)
            warnings.append(Warnings.W208(line=row.line, rule=rule.name, cells=" | ".join(c.text for c in leftover)))
    owner.tables.append(table)


def _apply_cell(rule: TableRule, cell: Cell, owner: Node, current: Node | None,
                last_ref: Ref | None) -> tuple[Node | None, Ref | None, bool]:
    m = rule.node_level.pattern.match(cell.m)
    if m:
        node = owner.add_child(node_from_cell(rule.node_level, m, cell))
        return node, None, True
    if rule.mode == "refs":
        assert rule.ref_pattern is not None
        m = rule.ref_pattern.match(cell.m)
        if m:
            title = _group(cell.text, m, "title", cell)
            ref = Ref(code=compact_code(m.group("code")), title=join_broken(title[0]) if title else "",
                      page=None, spans=[cell.span])
            (current or owner).refs.append(ref)
            return current, ref, True
        if rule.page_pattern is not None and last_ref is not None and last_ref.page is None:
            m = rule.page_pattern.match(cell.m)
            if m:
                last_ref.page = int(m.group("page"))
                last_ref.spans.append(cell.span)
                return current, last_ref, True
        return current, last_ref, False
    # tree: ◆goal description | ○measure ○measure
    assert rule.child_level is not None
    pieces = _split_children(cell, rule.child_split) if rule.child_split else [cell]
    matches = [(p, rule.child_level.pattern.match(p.m)) for p in pieces]
    if current is None or not all(mm for _, mm in matches):
        return current, last_ref, False
    for piece, mm in matches:
        current.add_child(node_from_cell(rule.child_level, mm, piece))  # type: ignore[arg-type]
    return current, last_ref, True


def infer_pages(root: Node) -> int:
    """Give a ref without a page the page its code has elsewhere in the document; count them."""
    pages: dict[str, int] = {}
    refs = [r for n in root.walk() for r in n.refs]
    for r in refs:
        if r.page is not None:
            pages.setdefault(r.code, r.page)
    inferred = 0
    for r in refs:
        if r.page is None and r.code in pages:
            r.page, r.page_inferred = pages[r.code], True
            inferred += 1
    return inferred
