"""Segmentation, step 10: the document tree, built row by row from the decisions of the steps before.

:class:`TreeBuilder` holds the tree as it grows and every operation that adds to it; inference's
walk over its rows (here) and a pinned profile's walk over its classified lines (:mod:`.pinned`)
both build with it.

Headings open nodes where :mod:`.levels` placed them; sections, bullets, paragraphs and tables
attach to the innermost open unit; contents lists become one contents node each; furniture goes
to the document's furniture.  One layout question is settled after the walk: a section that
comes after a unit's last child (``◆成果指標`` after 1-1-3) belongs to whichever open level such
sections consistently close in this document: the 施策 whose other sections (めざす姿, 現状と課題)
open it, or the point that each KPI table follows (see :func:`_settle_trailing`).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from ..errors import CodedWarning
from ..model.tree import Item, Node, NodeKind, Paragraph, Section, Span
from ..text.normalize import FORMULA_START, join_broken
from .candidates import Mark, Role
from .contents import Block
from .furniture import Furniture
from .levels import Outline
from .profile import Profile
from .rows import Row
from .sequences import inline_list, unfinished
from .tables import TableRow, apply_table
from .titles import Heading
from .vocabulary import Marker, has_letters


class GrowingTexts:
    """The texts of paragraphs and bullets that grow line by line, joined once at the end: a plan
    of 200,000 lines without a blank line is one paragraph, and joining at every line would make
    building quadratic."""

    def __init__(self) -> None:
        self._parts: dict[int, tuple[Paragraph | Item, list[str]]] = {}

    def add(self, holder: Paragraph | Item, text: str) -> None:
        self._parts.setdefault(id(holder), (holder, [holder.text]))[1].append(text)

    def empty(self, holder: Paragraph | Item) -> bool:
        """True while the holder has no text yet (an item whose marker stands alone on its row)."""
        return not holder.text and not any(self._parts.get(id(holder), (None, ()))[1])

    def join(self) -> None:
        """Set the text of every holder that grew."""
        for holder, parts in self._parts.values():
            holder.text = "".join(parts)
        self._parts.clear()

_ENCLOSING = {"<": ">", "〈": "〉", "《": "》", "【": "】", "[": "]", "≪": "≫", "〔": "〕", "(": ")",
              "\uff08": "\uff09", "\uff1c": "\uff1e", "\uff3b": "\uff3d"}  # （ ）＜ ＞［ ］ as printed
_SUBTITLE = re.compile(r"^(?P<title>.+?)\s*(?P<open>[—―~～〜－-]{1,2})\s*(?P<subtitle>[^—―~～〜]+?)\s*(?P=open)$")


def title_and_subtitle(title: str) -> tuple[str, str | None]:
    """``総論 ―まちづくりの基本―`` → (総論, まちづくりの基本); a title without a subtitle as it is."""
    m = _SUBTITLE.match(title)
    if m and len(m.group("subtitle")) >= 2:
        return m.group("title"), m.group("subtitle")
    return title, None


@dataclass
class Trailing:
    """Sections met after the innermost open unit had content of its own: which open units end
    before the next heading decides where they belong."""

    name: str
    owner: Node
    path: list[Node]  # open units at that point, outermost first
    ending: set[str]  # styles of the open units that the next heading closes
    sections: list[Section] = field(default_factory=list)


@dataclass
class Built:
    root: Node
    furniture: list[Paragraph]
    lists: list[tuple[Node, Block, list[Item]]]  # each contents node, its list, an item per entry
    warnings: list[CodedWarning]


class TreeBuilder:
    """The tree as it grows, for both walks that build one: inference's rows (:class:`_InferenceWalk`)
    and a pinned profile's classified lines (:mod:`.pinned`).  A path of open units, outermost
    first; the open section, paragraph and bullet that text attaches to; the furniture; and each
    operation that adds to them."""

    def __init__(self, profile: Profile) -> None:
        self.profile = profile
        self.root = Node(kind=NodeKind.DOCUMENT, rank=-1)
        self.path: list[Node] = [self.root]
        self.section: Section | None = None
        self.opened: dict[int, Section] = {}  # a unit's last section opened before its sub-units, by id
        self.para: Paragraph | None = None
        self.item: Item | None = None
        self.furniture_out: list[Paragraph] = []
        self.growing = GrowingTexts()
        self.warnings: list[CodedWarning] = []

    @property
    def top(self) -> Node:
        return self.path[-1]

    def close_text(self) -> None:
        """A blank line, a table or a list ends the open paragraph and bullet."""
        self.para = self.item = None

    def open_unit(self, node: Node, parent: Node) -> None:
        """``node`` becomes the last child of ``parent`` (an open unit) and the innermost open
        unit; the units opened after ``parent`` close.  It keeps the section its parent opened
        before it (the 施策 under 基本目標's 現状と課題)."""
        del self.path[self.path.index(parent) + 1:]
        parent.add_child(node)
        node.opened = self.opened.get(id(parent))
        self.path.append(node)
        self.section = None
        self.close_text()

    def open_section(self, section: Section, owner: Node | None = None) -> None:
        """``section`` of the innermost unit (or of ``owner``, a unit further out that such
        sections belong to); text attaches to it from here on."""
        if owner is None:
            owner = self.top
            self.opened[id(owner)] = section
        owner.sections.append(section)
        self.section = section
        self.close_text()

    def add_item(self, item: Item) -> None:
        """A bullet of the open section, else of the innermost unit; the lines after it continue it."""
        (self.section.items if self.section else self.top.items).append(item)
        self.item, self.para = item, None

    def add_text(self, text: str, span: Span, sep: str = "") -> None:
        """A line of text: the continuation of the open bullet or paragraph, else a new paragraph."""
        holder = self.item if self.item is not None else self.para
        if holder is not None:
            self.growing.add(holder, sep + text)
            holder.spans.append(span)
            return
        self.para = Paragraph(text, [span])
        (self.section.paragraphs if self.section else self.top.paragraphs).append(self.para)

    def add_table(self, rows: list[TableRow], in_section: bool) -> None:
        """Rows with tabs: a table of the innermost unit, or of the open section when
        ``in_section``; rows that a table rule turns into units or references attach to the unit."""
        owner = self.top
        before = len(owner.tables)
        apply_table(self.profile, rows, owner, self.warnings)
        if in_section and self.section is not None:
            made = owner.tables[before:]
            del owner.tables[before:]
            self.section.tables.extend(made)
        self.close_text()

    def add_furniture(self, text: str, span: Span) -> None:
        self.furniture_out.append(Paragraph(text, [span]))

    def add_contents(self, parent: Node) -> Node:
        """A contents node, the last child of ``parent``."""
        return parent.add_child(Node(kind=NodeKind.CONTENTS, level="contents"))

    def finish(self) -> Node:
        """Set the texts that grew line by line; the root of the tree."""
        self.growing.join()
        return self.root


class _InferenceWalk(TreeBuilder):
    """Inference's walk: row by row, with the headings where :mod:`.levels` placed them."""

    def __init__(self, rows: list[Row], marks: list[Mark], furniture: Furniture, blocks: list[Block],
                 headings: dict[int, Heading], outline: Outline, profile: Profile) -> None:
        super().__init__(profile)
        self.rows, self.marks, self.f = rows, marks, furniture
        self.headings, self.outline = headings, outline
        self.nodes: dict[int, Node] = {}
        self.trailing: Trailing | None = None
        self.trailings: list[Trailing] = []
        self.leading_styles: set[str] = set()
        self.enumerated: Marker | None = None  # the reading of the last numbered item
        self.last_core = ""  # the last row added to the open paragraph or item
        self.entries: list[tuple[Node, Block, list[Item]]] = []
        self.block_at = {b.rows[0]: b for b in blocks}
        self.in_block = {r for b in blocks for r in b.rows}
        self.part_of_heading = {r: i for i, h in headings.items() for r in h.title_rows + h.label_rows}
        self.next_depth = self._next_depths()

    def _next_depths(self) -> list[int]:
        """For each row, the depth of the next placed heading at or after it (0: none)."""
        out = [0] * (len(self.rows) + 1)
        nxt = 0
        for r in range(len(self.rows) - 1, -1, -1):
            placed = self.outline.placed.get(r)
            if placed is not None:
                nxt = placed.depth
            out[r] = nxt
        return out

    def build(self) -> None:
        r = 0
        n = len(self.rows)
        while r < n:
            if r in self.block_at:
                self._contents(self.block_at[r])
                r += 1
                continue
            if r in self.in_block or r in self.part_of_heading:
                r += 1
                continue
            if r in self.outline.placed:
                self._heading(r)
            elif r in self.outline.repeats or r in self.headings:
                self._furniture_rows(self.headings[r].rows if r in self.headings else [r])
            elif r in self.f:
                self._furniture_rows([r])
            else:
                role = self.marks[r].role
                if role is Role.TABLE:
                    rows, r = self._table_run(r)
                    self._table(rows)
                    continue
                getattr(self, "_" + role.name.lower())(r)
            r += 1
        self.finish()
        self._settle_trailing()

    # -- one method per kind of row ---------------------------------------------------------------
    def _blank(self, r: int) -> None:
        self.close_text()

    _furniture = _blank  # furniture by pattern is handled before the role dispatch

    def _furniture_rows(self, rows: list[int]) -> None:
        for r in rows:
            if not self.rows[r].blank:
                self.add_furniture(self.rows[r].source(), self.rows[r].span())

    def _heading(self, r: int) -> None:
        h = self.headings[r]
        mk = h.marker
        placed = self.outline.placed[r]
        row = self.rows[r]
        node = Node(kind=mk.kind, level=mk.style, code=mk.code or None, rank=placed.depth)
        for lr in h.label_rows:
            node.heading_spans.append(self.rows[lr].span())
        node.heading_spans.append(row.span())
        parts = [row.source(row.core_start + mk.title_start)] if mk.title else []
        lines = [row.line] if mk.title else []
        for tr in h.title_rows:
            node.heading_spans.append(self.rows[tr].span())
            parts.append(self.rows[tr].source())
            lines.append(self.rows[tr].line)
        # Pieces of one run-on line keep the space between them (join_broken drops it between
        # Japanese characters); a title wrapped onto the next line is joined without one.
        joined = "".join((" " if k and lines[k] == lines[k - 1] else "") + p.strip() for k, p in enumerate(parts))
        title = join_broken(joined) if parts else None
        if title and not mk.code and len(title) > 2 and _ENCLOSING.get(title[0]) == title[-1] \
                and title[0] not in title[1:-1] and title[-1] not in title[1:-1]:
            title = title[1:-1].strip()  # <計画編>: brackets around a whole uncoded heading decorate it
        if title:
            node.title, node.subtitle = title_and_subtitle(title)
        if h.label:
            node.label = h.label
        # levels.nest placed the parent before the child and kept it open until now.
        parent = self.nodes[placed.parent] if placed.parent is not None else self.root
        self.open_unit(node, parent)
        self.nodes[r] = node
        self.trailing = None

    def _contents_header(self, r: int) -> None:
        self._text(r)  # a contents header that introduces no list is ordinary text

    def _section(self, r: int) -> None:
        row = self.rows[r]
        name = self.marks[r].section or row.core
        section = Section(name=name, heading=row.source(), spans=[row.span()],
                          declares_keywords=any(p.search(name) for p in self.profile.declared_keywords))
        self._attach_section(r, section)

    def _value_section(self, r: int) -> None:
        row, mark = self.rows[r], self.marks[r]
        name_span = row.span(row.core_start, mark.value_at)
        section = Section(name=mark.section or "", heading=row.source(row.core_start, mark.value_at),
                          spans=[name_span])
        value_span = row.span(mark.value_at)
        section.paragraphs.append(Paragraph(row.source(mark.value_at), [value_span]))
        self._attach_section(r, section)

    def _attach_section(self, r: int, section: Section) -> None:
        top = self.top
        if self.trailing is not None:  # one more section of the same trailing group
            self.trailing.sections.append(section)
            self.open_section(section, self.trailing.owner)
            return
        has_content = bool(top.children or top.paragraphs or top.items or top.tables or top.refs)
        ending = {n.level for n in self.path[1:] if n.rank >= self.next_depth[r + 1] and n.level}
        if self.next_depth[r + 1] == 0:
            ending = {n.level for n in self.path[1:] if n.level}
        if top is not self.root and has_content and ending and top.level in ending:
            self.trailing = Trailing(section.name, top, list(self.path[1:]), ending, [section])
            self.trailings.append(self.trailing)
        elif top is not self.root and top.level and not top.children:
            self.leading_styles.add(top.level)
        self.open_section(section)

    def _bullet(self, r: int) -> None:
        row, mark = self.rows[r], self.marks[r]
        self.add_item(Item(text=row.source(mark.body), marker=mark.bullet, spans=[row.span()]))
        self.enumerated, self.last_core = None, row.core

    def _marker(self, r: int) -> None:
        """A marker row that is not a heading: a list item when it starts with an enumeration
        (① …, (1) …, ア …, 1. …) followed by words or nothing (the text may follow on the next
        line); otherwise text (a quantity, 第1章で示した …, a row of figures)."""
        row, mark = self.rows[r], self.marks[r]
        mk = next((m for m in mark.markers if is_enumeration(m)), None)
        if mk is not None and (self.para is not None or self.item is not None) and unfinished(self.last_core):
            # …課題は、1）保育需要の増加、⏎ 2）保育人材の不足…: the sentence above goes on, unless
            # the item above is the previous number of the same list.
            before = self.enumerated
            if before is None or self.item is None or before.style != mk.style or before.number + 1 != mk.number:
                mk = None
        if mk is None:
            self._text(r)
            return
        title_at = row.core_start + mk.title_start
        self.add_item(Item(text=row.source(title_at) if mk.title else "",
                           marker=row.source(row.core_start, row.core_start + mk.end), spans=[row.span()],
                           code=mk.code))
        self.enumerated, self.last_core = mk, row.core

    def _text(self, r: int) -> None:
        row = self.rows[r]
        span = row.span()
        text = row.text[span.start - row.start:span.end - row.start]
        # A line wrapped by the PDF is joined without a separator; pieces of one run-on line keep
        # the space between them.
        if self.item is not None and self.last_core.endswith(("。", "．")) and not row.runon:
            self.item = None  # a line after the sentence that ends an item is a paragraph of its own
        holder = self.item if self.item is not None else self.para  # a bullet wrapped onto the next line
        sep = " " if holder is not None and row.runon and holder.spans[-1].line == span.line \
            and not self.growing.empty(holder) else ""
        self.add_text(text, span, sep)
        self.last_core = row.core

    def _table_run(self, r: int) -> tuple[list[int], int]:
        """The rows of a tab table from row ``r``, and the row after it.  A table cut by a page
        break reads on: past page furniture (and blank rows beside it) to rows with as many cells,
        the furniture kept as such."""
        n, rows, end = len(self.rows), [], r
        while True:
            while end < n and self.marks[end].role is Role.TABLE and end not in self.f:
                rows.append(end)
                end += 1
            k = end
            while k < n and (self.rows[k].blank or k in self.f):
                k += 1
            between = [j for j in range(end, k) if j in self.f]
            if not between or k >= n or self.marks[k].role is not Role.TABLE \
                    or self.rows[k].text.count("\t") != self.rows[rows[-1]].text.count("\t"):
                return rows, end
            self._furniture_rows(between)
            end = k

    def _table(self, rows: list[int]) -> None:
        """Rows with tabs: a table of the current section (a 成果指標 table), or of the unit."""
        self.add_table([TableRow(self.rows[k].line, self.rows[k].start, self.rows[k].text, self.rows[k].m)
                        for k in rows], in_section=True)

    def _contents(self, block: Block) -> None:
        """A contents list: one node, its header as title, an item per entry and per note; the
        page numbers and leaders that no entry took go to the furniture."""
        depths = [self.outline.styles[e.marker.style].depth for e in block.entries
                  if e.marker is not None and e.marker.style in self.outline.styles]
        parent = self.top
        if depths and min(depths) - 1 < len(self.path):
            parent = self.path[max(0, min(depths) - 1)]
        node = self.add_contents(parent)
        if block.header_spans:
            node.title = block.header_text.lstrip("■□◆◇●○【<[").rstrip("】>]").strip()
            node.heading_spans = list(block.header_spans)
        items: list[Item] = []
        for e in block.entries:
            bulleted = e.marker is not None and e.marker.bulleted
            item = Item(text=e.text, marker="-" if bulleted else None, spans=list(e.spans),
                        code=e.marker.code if e.marker is not None else None, page=e.page)
            items.append(item)
        notes = [Item(text=text, marker=None, spans=list(spans)) for spans, text in block.notes]
        node.items = sorted(items + notes, key=lambda it: it.spans[0] if it.spans else Span(0, 0, 0))
        self.entries.append((node, block, items))
        for span, text in block.left:
            self.add_furniture(text, span)
        self.close_text()

    # -- after the walk -------------------------------------------------------------------------
    def _settle_trailing(self) -> None:
        """Move each group of trailing sections to the open level that such sections close in
        every occurrence: the innermost of those levels whose units open with sections of their
        own (a 施策 with めざす姿 …), else the outermost (a 基本的方向 whose KPI follows its points)."""
        by_name: dict[str, list[Trailing]] = {}
        for t in self.trailings:
            by_name.setdefault(t.name, []).append(t)
        for groups in by_name.values():
            consistent = set.intersection(*(g.ending for g in groups))
            if not consistent:
                continue
            for g in groups:
                levels = [n for n in g.path if n.level in consistent]
                if not levels:
                    continue
                leading = [n for n in levels if n.level in self.leading_styles]
                target = leading[-1] if leading else levels[0]
                if target is g.owner:
                    continue
                for s in g.sections:
                    g.owner.sections.remove(s)
                    target.sections.append(s)


# Numbering that lists items inside a unit: the minor styles of the vocabulary (①, (1), ア, a) …)
# and 1. / 1); not a bare number, a Roman numeral or a level word, which head units or start prose.
_ITEM_STYLES = frozenset({"1.", "1)"})
_PARTICLES = ("の", "で", "は", "を", "に", "が", "と", "も", "へ", "や")


def is_enumeration(mk: Marker) -> bool:
    """A reading that, on a row that is not a heading, numbers a list item: an enumeration style,
    not a quantity, not a compound code, with words after it (a row of figures is a table's) or
    nothing (the item's text on the next line), and not referred to in a sentence (①の…)."""
    if not (mk.minor or mk.style in _ITEM_STYLES) or mk.quantity or mk.labelled or mk.compound or inline_list(mk):
        return False
    return not mk.title or has_letters(mk.title) and not mk.title.startswith(_PARTICLES)


def assign_ids(node: Node) -> None:
    """Stable ids: the path of codes (or kind + ordinal) from the root, e.g. ``み1/み1-1/み1-1-1``."""
    counts: Counter[NodeKind] = Counter()
    used: set[str] = set()
    repeats: dict[str, int] = {}  # the last ~n given to a code, so that 2,000 repeats cost 2,000 steps
    for child in node.children:
        if child.code:
            seg = child.code
        else:
            counts[child.kind] += 1
            seg = f"{child.kind.value}{counts[child.kind]}"
        if seg[:1] in FORMULA_START:  # ids are keys of the CSV tables, never escaped there
            seg = "_" + seg
        base = seg
        n = repeats.get(base, 1)
        while seg in used:
            n += 1
            seg = f"{base}~{n}"
        repeats[base] = n
        used.add(seg)
        child.id = f"{node.id}/{seg}" if node.id else seg
        assign_ids(child)


def build(rows: list[Row], marks: list[Mark], furniture: Furniture, blocks: list[Block],
          headings: dict[int, Heading], outline: Outline, profile: Profile) -> Built:
    b = _InferenceWalk(rows, marks, furniture, blocks, headings, outline, profile)
    b.build()
    return Built(b.root, b.furniture_out, b.entries, b.warnings)

