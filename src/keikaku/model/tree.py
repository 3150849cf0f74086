"""The one document model every stage reads and returns, and that the document JSON is made of.

A :class:`Document` owns a root :class:`Node` (kind ``document``) whose own text, sections and
items are the plan's front matter; the plan's units hang below it as children.  Every piece of
text remembers the :class:`Span` of the source line it came from, so the alignment guard
(:mod:`keikaku.segment.align`) can prove that each character of the input is in exactly one place and a
user can jump from any node back to the original line.

The same classes are the file's records: their fields, in order, are the document JSON's keys
(:func:`keikaku.model.records.plain` writes them), fields marked ``MEMORY`` (spans, paragraphs,
parent links, ranks) stay in memory.  What the file holds and memory derives (a node's ``text``,
``lines``, a section's ``units``, the counts …) is set by :meth:`Document.finish`; a document read
back from its JSON (:func:`keikaku.model.schema.read_document`) has those values, one paragraph
holding each text and no spans.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from enum import Enum
from typing import Annotated, Iterable, Iterator, Literal, cast

from pydantic import WithJsonSchema

from ..errors import CodedWarning, TreeError
from .records import (
    MEMORY,
    SCHEMA_VERSION,
    Counts,
    Entity,
    Indicator,
    Keyword,
    Structure,
    identity_record,
    positional_record,
    record,
)


class NodeKind(str, Enum):
    """Structural role of a node; profiles name one of these for each level they define."""

    DOCUMENT = "document"  # the root: its own content is the front matter
    PART = "part"  # 第N編 / 第N部
    CHAPTER = "chapter"  # 第N章, numbered chapters such as "1 策定の経緯"
    SUBCHAPTER = "subchapter"  # 第N節
    HEADING = "heading"  # a named heading without a code (基本理念, 推進のための共通の視点)
    VISION = "vision"  # 将来像
    GOAL = "goal"  # 基本目標
    FIELD = "field"  # 分野
    POLICY = "policy"  # 政策, 方針
    MEASURE = "measure"  # 施策, 基本施策
    DIRECTION = "direction"  # 施策の方向, 基本的方向
    VIEWPOINT = "viewpoint"  # 視点
    POINT = "point"  # generic enumerations: ①, (1), ア
    CONTENTS = "contents"  # a table of contents or summary diagram that repeats headings


# A unit's kind in the file: every kind but the root's (the root is the document itself).
_UNIT_KIND = WithJsonSchema({"enum": [k.value for k in NodeKind if k is not NodeKind.DOCUMENT],
                             "title": "Kind", "type": "string"})


@dataclass(frozen=True, order=True, slots=True)
class Span:
    """Characters ``start:end`` of source line ``line`` (1-based line, columns in the decoded line)."""

    line: int
    start: int
    end: int


def _lines(spans: Iterable[Span]) -> list[int]:
    """The first and last line of ``spans`` (empty without spans)."""
    nos = [s.line for s in spans]
    return [min(nos), max(nos)] if nos else []


@positional_record
class Paragraph:
    """Consecutive text lines (line wraps joined without a space, the rows of a table kept as text
    by line breaks); in the file, a page number or a running header kept out of the text."""

    text: str
    spans: Annotated[list[Span], MEMORY] = field(default_factory=list)
    line: int = 0
    """the source line it was found on"""


@record
class Item:
    """A bullet (◆ ◇ ▶ ○ ・ - ※ …) or a contents entry."""

    text: str
    marker: str | None
    code: str | None = None
    target: str | None = None
    """the id of the node a contents entry points to"""
    page: int | None = None  # a contents entry's page number
    lines: list[int] = field(default_factory=list)
    spans: Annotated[list[Span], MEMORY] = field(default_factory=list)


@record
class Table:
    """A table: tab-separated rows found by segmentation, or an indicator table in another layout
    (pipe, one cell per line, flattened into a line, space-separated)."""

    # Rows a table rule turned into nodes or refs are not kept here.  An indicator table in another
    # layout is added by keikaku.extract.indicators with no spans (its lines stay in the paragraphs
    # that hold them, so the alignment guard sees each line once) and its first and last line in
    # ``lines``.

    name: str | None
    """the table rule's name, or the section's name for an indicator table"""
    rule: str | None = None
    """the profile's table rule (tree, refs), ``indicators``, or null for a plain table"""
    layout: str = "tab"
    """tab, pipe, lines, running or spaced"""
    header: list[str] | None
    rows: list[list[str]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    spans: Annotated[list[Span], MEMORY] = field(default_factory=list)


@record
class Ref:
    """A reference to a measure of another plan, e.g. ``{4-1, 子どもの権利…, 80}``."""

    code: str
    title: str
    page: int | None
    page_inferred: bool = False
    line: int = 0
    spans: Annotated[list[Span], MEMORY] = field(default_factory=list)


@record
class Section:
    """A named part of a unit (施策の目標, 現状と課題, 成果指標 …)."""

    name: str
    heading: str
    text: str = ""
    items: list[Item] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)  # a 成果指標 section's table
    units: list[str] = field(default_factory=list)
    """ids of the sub-units that this label, with no content of its own, introduces
    (■施策の方向 ⏎ (1) … ⏎ (2) …), in order"""
    lines: list[int] = field(default_factory=list)
    declares_keywords: bool = False
    """the plan's own keyword list (the profile's declared_keywords)"""
    spans: Annotated[list[Span], MEMORY] = field(default_factory=list)
    paragraphs: Annotated[list[Paragraph], MEMORY] = field(default_factory=list)

    def joined_text(self) -> str:
        """The paragraphs' text (what ``text`` holds once the document is finished)."""
        return "\n".join(p.text for p in self.paragraphs)

    def own_spans(self) -> Iterator[Span]:
        """Every span of the section: its heading, paragraphs, items and tables."""
        yield from self.spans
        for p in self.paragraphs:
            yield from p.spans
        for it in self.items:
            yield from it.spans
        for t in self.tables:
            yield from t.spans


@identity_record
class Node:
    """A unit of the plan: a goal, a field, a measure …; ``children`` are its sub-units."""

    # In memory the document's root is a node too (kind ``document``): the file holds its content
    # as the document's front matter, keywords and children.

    id: str = ""
    kind: Annotated[NodeKind, _UNIT_KIND]
    level: str | None = None  # the profile's name for the level, e.g. "施策の方向"
    code: str | None = None
    title: str | None = None
    subtitle: str | None = None
    label: str | None = None
    section: str | None = None
    """the name of the parent's section whose label, with no content of its own, introduces this
    unit (施策の方向 printed before its (1), (2)); that section lists the unit's id in ``units``"""
    page: int | None = None
    """the page a contents list gives for this unit"""
    pdf_page: int | None = None
    """the PDF page the unit starts on (a PDF input, or a text whose form feeds mark its pages)"""
    from_contents: bool = False
    """a unit named by a contents list whose text is not in the document"""
    text: str = ""
    sections: list[Section] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    refs: list[Ref] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)  # filled by keikaku.extract.indicators
    lines: list[int] = field(default_factory=list)
    declared_keywords: list[str] = field(default_factory=list)
    keywords: list[Keyword] = field(default_factory=list)  # filled by keikaku.extract.analyse
    entities: list[Entity] = field(default_factory=list)
    children: list[Node] = field(default_factory=list)
    heading_spans: Annotated[list[Span], MEMORY] = field(default_factory=list)
    paragraphs: Annotated[list[Paragraph], MEMORY] = field(default_factory=list)
    parent: Annotated[Node | None, MEMORY] = field(default=None, repr=False)
    # position in the profile's hierarchy (or depth in the inferred outline); smaller is higher
    rank: Annotated[int, MEMORY] = -1
    # The parent's last section opened before this unit (■施策の方向 ⏎ (1) … ⏎ (2) …); see under().
    opened: Annotated[Section | None, MEMORY] = field(default=None, repr=False)

    def joined_text(self) -> str:
        """The paragraphs' text (what ``text`` holds once the document is finished)."""
        return "\n".join(p.text for p in self.paragraphs)

    def own_declared_keywords(self) -> list[str]:
        """The plan's own keywords for this unit: items (or lines) of its keyword sections (what
        ``declared_keywords`` holds once the document is finished)."""
        return [t for s in self.sections if s.declares_keywords
                for t in ([i.text for i in s.items] or [p.text for p in s.paragraphs])]

    def add_child(self, child: Node) -> Node:
        child.parent = self
        self.children.append(child)
        return child

    def walk(self) -> Iterator[Node]:
        """This node and all its descendants, depth first, in document order."""
        yield self
        for child in self.children:
            yield from child.walk()

    def depth(self) -> int:
        d, node = 0, self.parent
        while node is not None:
            d, node = d + 1, node.parent
        return d

    def own_spans(self) -> Iterator[Span]:
        """Every span held directly by this node (not by its children)."""
        yield from self.heading_spans
        for p in self.paragraphs:
            yield from p.spans
        for s in self.sections:
            yield from s.own_spans()
        for it in self.items:
            yield from it.spans
        for r in self.refs:
            yield from r.spans
        for t in self.tables:
            yield from t.spans

    def under(self) -> Section | None:
        """The parent's section whose label introduces this unit: a label with no content of its
        own (■施策の方向) right before the parent's sub-units, while the parent still holds it.  A
        section with text of its own (現状と課題 …) introduces nothing, even when units follow it."""
        parent, section = self.parent, self.opened
        if parent is None or section is None or section.paragraphs or section.items or section.tables \
                or not any(s is section for s in parent.sections):
            return None
        return section

    def tables_in_order(self) -> list[Table]:
        """The unit's tables as the flat ``tables`` table numbers them (from 1): each section's
        tables in order, then the unit's own."""
        return [t for s in self.sections for t in s.tables] + self.tables

    def line_range(self) -> tuple[int, int] | None:
        """First and last source line of this node including its descendants."""
        lines = [s.line for n in self.walk() for s in n.own_spans()]
        return (min(lines), max(lines)) if lines else None

    def _finish(self) -> None:
        """Set what the file holds and memory derives, for this node (not its children)."""
        self.text = self.joined_text()
        self.declared_keywords = self.own_declared_keywords()
        under = self.under()
        self.section = under.name if under is not None else None
        introduced: dict[int, list[str]] = {}
        for child in self.children:
            label = child.under()
            if label is not None:
                introduced.setdefault(id(label), []).append(child.id)
        for s in self.sections:
            s.text = s.joined_text()
            s.units = introduced.get(id(s), [])
            s.lines = _lines(s.own_spans())
            for it in s.items:
                it.lines = _lines(it.spans)
            for t in s.tables:
                _finish_table(t)
        for it in self.items:
            it.lines = _lines(it.spans)
        for r in self.refs:
            r.line = r.spans[0].line
        for t in self.tables:
            _finish_table(t)

    def _link_read(self) -> None:
        """After reading the file: each text as one paragraph, parent links, and the section
        that introduces each sub-unit (from the section's ``units``)."""
        self.paragraphs = [Paragraph(self.text)] if self.text else []
        for s in self.sections:
            s.paragraphs = [Paragraph(s.text)] if s.text else []
        opened = {u: s for s in self.sections for u in s.units}
        for child in self.children:
            child.parent = self
            child.opened = opened.get(child.id)
            child._link_read()


def _finish_table(t: Table) -> None:
    if t.spans:
        t.lines = _lines(t.spans)


@record
class FrontMatter:
    """The text before the first unit (and what belongs to no unit)."""

    text: str = ""
    entities: list[Entity] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    refs: list[Ref] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)


@record
class Source:
    """The input file the document was made from."""

    path: str
    sha256: str
    encoding: str
    bytes: int
    lines: int
    pages: int | None = None
    """a PDF's pages (or the pages a text's form feeds make); null for a text without them"""
    chars: Annotated[int, MEMORY] = 0  # decoded characters, for throughput figures


@record
class ProfileChoice:
    """Which profile segmented the document and why."""

    name: str
    path: str
    reason: str
    scores: dict[str, float] = field(default_factory=dict)
    """every shipped profile's score when the profile was chosen automatically"""


@record
class Analysis:
    """How the keywords and entities were made."""

    mode: str = "none"
    """full, fast or none"""
    versions: dict[str, str] = field(default_factory=dict)


def _no_root() -> Node:
    return cast(Node, None)  # replaced in __post_init__


@record
class Document:
    """One plan text segmented into its hierarchy, with keywords, entities and indicators."""

    schema_version: Literal["2.3"] = SCHEMA_VERSION  # type: ignore[assignment]
    keikaku_version: str = ""
    doc_id: str
    fingerprint: str | None = None
    """hash of what decides this output; a re-run skips the document while it is unchanged"""
    title: str
    source: Source
    profile: ProfileChoice
    analysis: Analysis = field(default_factory=Analysis)
    keywords: list[Keyword] = field(default_factory=list)
    """the whole document's keywords"""
    front_matter: FrontMatter = field(default_factory=FrontMatter)
    furniture: list[Paragraph] = field(default_factory=list)  # page numbers, decorations
    structure: Structure = field(default_factory=dict)
    """how the outline was found (levels, gaps, rejected markers, contents lists read, doubtful) and the
    outline's ``confidence`` (0–1) with ``confidence_reasons`` in words"""
    warnings: list[CodedWarning] = field(default_factory=list)
    counts: Counts = field(default_factory=dict)
    children: list[Node] = field(default_factory=list)
    # The tree: the front matter is the root's own content, its keywords the whole document's, its
    # children the units.  A document read from its file gets its root from those fields.
    root: Annotated[Node, MEMORY] = field(default_factory=_no_root)
    # Read from its file: finished as written (no spans to derive lines from).
    from_file: Annotated[bool, MEMORY] = False

    def __post_init__(self) -> None:
        if self.root is None:
            self.root, self.from_file = self._root_from_file(), True

    def _root_from_file(self) -> Node:
        fm = self.front_matter
        root = Node(kind=NodeKind.DOCUMENT, text=fm.text, sections=fm.sections, items=fm.items, refs=fm.refs,
                    tables=fm.tables, indicators=fm.indicators, keywords=self.keywords, entities=fm.entities,
                    children=self.children, lines=list(fm.lines))
        root._link_read()
        return root

    def nodes(self) -> Iterator[Node]:
        """All nodes below the root, depth first."""
        for child in self.root.children:
            yield from child.walk()

    def finish(self) -> Document:
        """Set what the file holds and memory derives (texts, lines, the units a section
        introduces, the front matter, the counts), after the last change to the tree.  Returns
        the document (a document read from its file is returned as it is)."""
        if self.from_file:
            return self
        root = self.root
        walked = list(root.walk())
        # Children before their parents: each unit's lines span its own spans and its children's
        # lines (one pass, as line_range() for every node would walk each subtree again).
        for node in reversed(walked):
            node._finish()
            if node is not root:
                nos = [s.line for s in node.own_spans()]
                for child in node.children:
                    nos.extend(child.lines)
                node.lines = [min(nos), max(nos)] if nos else []
        for p in self.furniture:
            p.line = p.spans[0].line
        self.keywords, self.children = root.keywords, root.children
        self.front_matter = FrontMatter(text=root.text, entities=root.entities, sections=root.sections,
                                        items=root.items, refs=root.refs, tables=root.tables,
                                        indicators=root.indicators, lines=_lines(root.own_spans()))
        self.counts = _counts(walked)
        return self

    def check_tree(self) -> None:
        """Raise :class:`TreeError` unless parent links, ids and kinds are consistent (one pass
        over every parent's children: linear however many siblings a unit has)."""
        if self.root.kind is not NodeKind.DOCUMENT or self.root.parent is not None:
            raise TreeError(f"{self.doc_id}: the root must be a parentless document node")
        seen: set[str] = set()
        visited: set[int] = set()
        stack = [self.root]
        while stack:
            parent = stack.pop()
            for node in parent.children:
                if node.kind is NodeKind.DOCUMENT:
                    raise TreeError(f"{self.doc_id}: document node below the root")
                if node.parent is not parent or id(node) in visited:
                    raise TreeError(f"{self.doc_id}: node {node.id!r} is not a child of its parent")
                if not node.id or node.id in seen:
                    raise TreeError(f"{self.doc_id}: missing or duplicate node id {node.id!r}")
                visited.add(id(node))
                seen.add(node.id)
                stack.append(node)


def _counts(walked: list[Node]) -> Counts:
    """The counts of a document whose nodes, root first, are ``walked``."""
    units = walked[1:]
    return {
        "nodes": sum(1 for n in units if n.kind is not NodeKind.CONTENTS),
        "contents": sum(1 for n in units if n.kind is NodeKind.CONTENTS),
        "sections": sum(len(n.sections) for n in walked),
        "items": sum(len(n.items) + sum(len(s.items) for s in n.sections) for n in walked),
        "refs": sum(len(n.refs) for n in walked),
        "tables": sum(len(n.tables) + sum(len(s.tables) for s in n.sections) for n in walked),
        "indicators": sum(len(n.indicators) for n in walked),
        "entities": sum(len(n.entities) for n in walked),
        "entities_by_label": dict(sorted(Counter(e.label for n in walked for e in n.entities).items())),
    }
