"""The one document model every stage reads and returns.

A :class:`Document` owns a root :class:`Node` (kind ``document``) whose own text, sections and
items are the plan's front matter; the plan's units hang below it as children.  Every piece of
text remembers the :class:`Span` of the source line it came from, so the alignment guard
(:mod:`keikaku.segment.align`) can prove that each character of the input is in exactly one place and a
user can jump from any node back to the original line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Iterator

from ..errors import TreeError
from .records import Indicator


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


@dataclass(frozen=True, order=True, slots=True)
class Span:
    """Characters ``start:end`` of source line ``line`` (1-based line, columns in the decoded line)."""

    line: int
    start: int
    end: int


@dataclass(slots=True)
class Paragraph:
    """Consecutive text lines; Japanese PDF line wraps are joined without a space, the rows of a
    table kept as text by line breaks (:mod:`keikaku.segment.tabletext`)."""

    text: str
    spans: list[Span] = field(default_factory=list)


@dataclass(slots=True)
class Item:
    """A bullet (◆ ◇ ▶ ○ ・ - ※ …) or a contents entry; ``target`` is the id of the node it points to."""

    text: str
    marker: str | None
    spans: list[Span] = field(default_factory=list)
    code: str | None = None
    target: str | None = None
    page: int | None = None  # a contents entry's page number


@dataclass(slots=True)
class Ref:
    """A reference from a unit to a measure of another plan, e.g. ``{4-1, 子どもの権利…, 80}``."""

    code: str
    title: str
    page: int | None
    spans: list[Span] = field(default_factory=list)
    page_inferred: bool = False


@dataclass
class Table:
    """A tab-separated table.  Rows a table rule turned into nodes or refs are not kept here.

    An indicator table in another layout (pipe, one cell per line, flattened into a line) is
    added by :mod:`keikaku.extract.indicators` with no spans (its lines stay in the paragraphs that hold
    them, so the alignment guard sees each line once) and its first and last line in ``lines``."""

    name: str | None
    header: list[str] | None
    rows: list[list[str]] = field(default_factory=list)
    spans: list[Span] = field(default_factory=list)
    rule: str | None = None
    layout: str = "tab"
    lines: list[int] = field(default_factory=list)


@dataclass(slots=True)
class Section:
    """A named part of a unit (施策の目標, 現状と課題 …): its heading line, paragraphs and items."""

    name: str
    heading: str
    spans: list[Span] = field(default_factory=list)
    paragraphs: list[Paragraph] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    tables: list["Table"] = field(default_factory=list)  # a 成果指標 section's table
    declares_keywords: bool = False  # the plan's own keyword list (the profile's declared_keywords)

    @property
    def text(self) -> str:
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


@dataclass(eq=False, slots=True)
class Node:
    """One unit of the plan hierarchy (a goal, a field, a measure …) or the document root."""

    kind: NodeKind
    level: str | None = None  # the profile's name for the level, e.g. "施策の方向"
    code: str | None = None
    title: str | None = None
    subtitle: str | None = None
    label: str | None = None
    heading_spans: list[Span] = field(default_factory=list)
    paragraphs: list[Paragraph] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    refs: list[Ref] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    children: list["Node"] = field(default_factory=list)
    parent: "Node | None" = field(default=None, repr=False)
    rank: int = -1  # position in the profile's hierarchy (or depth in the inferred outline); smaller is higher
    page: int | None = None  # the page a contents list gives for this unit
    from_contents: bool = False  # a unit named by a contents list whose text is not in the document
    id: str = ""
    # The parent's last section opened before its first sub-unit (■施策の方向 ⏎ (1) … ⏎ (2) …); see under().
    section: Section | None = field(default=None, repr=False)
    indicators: list[Indicator] = field(default_factory=list)  # filled by keikaku.extract.indicators
    keywords: list[dict] = field(default_factory=list)  # filled by keikaku.extract.analyse (records.Keyword's fields)
    entities: list[dict] = field(default_factory=list)  # records.Entity's fields

    @property
    def declared_keywords(self) -> list[str]:
        """The plan's own keywords for this unit: items (or lines) of its keyword sections."""
        return [t for s in self.sections if s.declares_keywords
                for t in ([i.text for i in s.items] or [p.text for p in s.paragraphs])]

    @property
    def text(self) -> str:
        return "\n".join(p.text for p in self.paragraphs)

    def add_child(self, child: "Node") -> "Node":
        child.parent = self
        self.children.append(child)
        return child

    def walk(self) -> Iterator["Node"]:
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
        parent, section = self.parent, self.section
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


@dataclass
class Source:
    path: str
    sha256: str
    encoding: str
    size: int
    lines: int
    chars: int = 0  # decoded characters, for throughput figures


@dataclass
class ProfileChoice:
    """Which profile segmented the document and why (scores of every candidate when auto-chosen)."""

    name: str
    path: str
    reason: str
    scores: dict[str, float] = field(default_factory=dict)


@dataclass
class Document:
    doc_id: str
    title: str
    source: Source
    profile: ProfileChoice
    root: Node
    furniture: list[Paragraph] = field(default_factory=list)  # page numbers, decorations
    warnings: list[str] = field(default_factory=list)
    # How the outline was found: levels used, share of the text under a heading, sequence gaps,
    # rejected candidates (keikaku.segment.structure); {"method": "pinned"} for a pinned profile.
    structure: dict[str, Any] = field(default_factory=dict)

    def nodes(self) -> Iterator[Node]:
        """All nodes below the root, depth first."""
        for child in self.root.children:
            yield from child.walk()

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
