"""Pinned profiles (the shipped city profiles' ``[[levels]]``): lines → tree by fixed ranks.

Lines are classified first (:mod:`.classify`); then one pass builds the tree with a stack of
open units: a heading of rank r closes every open unit of rank ≥ r and opens a child of the one
left on top.  Sections, bullets, paragraphs and tables attach to the unit on top.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..ingest.text import Line
from ..model.tree import Item, Node, NodeKind, Paragraph, Section, Span
from ..text.normalize import compact_code, join_broken, matchable
from .build import GrowingTexts
from .classify import Classified, CLine, Cls, classify
from .profile import Profile
from .tables import Cell, TableRow, apply_table, node_from_cell


def _core(c: CLine, start: int | None = None) -> tuple[str, Span]:
    """Source text and span of a line's core (or of its part from matching column ``start``)."""
    m = c.line.m
    a, b = m.source_slice(c.core_start if start is None else start, c.core_start + len(c.core))
    text = c.line.text[a:b]
    return text.strip(), Span(c.line.no, a, b)


def _split_title(node: Node, title: str, pattern: re.Pattern[str]) -> None:
    """Split a title into title/subtitle/label with the level's ``title_pattern`` (kept whole if it fails)."""
    mm = matchable(title)
    m = pattern.match(mm.text.strip())
    if m is None:
        return
    lead = len(mm.text) - len(mm.text.lstrip())
    for name in ("title", "subtitle", "label"):
        if name in m.re.groupindex and m.group(name):
            a, b = mm.source_slice(m.start(name) + lead, m.end(name) + lead)
            setattr(node, name, title[a:b].strip())


class _Builder:
    """One pass over the classified lines with a stack of open units."""

    def __init__(self, profile: Profile, classified: Classified) -> None:
        self.profile = profile
        self.cl = classified.lines
        self.root = Node(kind=NodeKind.DOCUMENT, rank=-1)
        self.stack: list[Node] = [self.root]
        self.section: Section | None = None
        self.opened: dict[int, Section] = {}  # a unit's last section opened before its sub-units, by id
        self.para: Paragraph | None = None
        self.item: Item | None = None
        self.furniture: list[Paragraph] = []
        self.warnings: list[str] = []
        self.contents: dict[int, Node] = {}
        self.entry_keys: list[tuple[Item, tuple[str, str] | None, str]] = []
        self.block_rank = self._block_ranks()
        self.growing = GrowingTexts()

    def _block_ranks(self) -> dict[int, int]:
        ranks: dict[int, int] = {}
        for c in self.cl:
            if c.block is not None and c.heading is not None:
                ranks[c.block] = min(ranks.get(c.block, c.heading.level.rank), c.heading.level.rank)
        return ranks

    @property
    def top(self) -> Node:
        return self.stack[-1]

    def build(self) -> Node:
        i = 0
        while i < len(self.cl):
            c = self.cl[i]
            if c.cls is Cls.TABLE:
                j = i
                while j < len(self.cl) and self.cl[j].cls is Cls.TABLE:
                    j += 1
                rows = [TableRow(c.line.no, 0, c.line.text, c.line.m) for c in self.cl[i:j]]
                apply_table(self.profile, rows, self.top, self.warnings)
                self.para = self.item = None
                i = j
                continue
            handler = getattr(self, "_" + c.cls.value)
            handler(i, c)
            i += 1
        self.growing.join()
        return self.root

    # one method per line class ------------------------------------------------------------
    def _blank(self, i: int, c: CLine) -> None:
        self.para = self.item = None

    def _furniture(self, i: int, c: CLine) -> None:
        text, span = _core(c)
        self.furniture.append(Paragraph(text, [span]))

    def _label(self, i: int, c: CLine) -> None:
        pass  # taken by the heading that follows (see _heading)

    def _title(self, i: int, c: CLine) -> None:
        pass  # taken by its heading

    def _heading(self, i: int, c: CLine) -> None:
        h = c.heading
        assert h is not None
        text, span = _core(c)
        node = node_from_cell(h.level, h.match, Cell(text, c.core, span))
        if c.title_line is not None:
            title_text, title_span = _core(self.cl[c.title_line])
            node.heading_spans.append(title_span)
            node.title = join_broken(title_text)
        if node.title and h.level.title_pattern is not None:
            _split_title(node, node.title, h.level.title_pattern)
        prev = next((k for k in range(i - 1, -1, -1) if self.cl[k].cls is not Cls.BLANK), None)
        if prev is not None and self.cl[prev].cls is Cls.LABEL:
            label_text, label_span = _core(self.cl[prev])
            m = h.level.label_line.match(self.cl[prev].core) if h.level.label_line else None
            node.label = m.group("label") if m and m.groupdict().get("label") else label_text
            node.heading_spans.insert(0, label_span)
        while self.top.rank >= h.level.rank:
            self.stack.pop()
        self.top.add_child(node)
        node.opened = self.opened.get(id(self.top))
        self.stack.append(node)
        self.section = self.para = self.item = None

    def _contents_node(self, block: int) -> Node:
        node = self.contents.get(block)
        if node is None:
            rank = self.block_rank.get(block, 10**6)
            parent = next((n for n in reversed(self.stack) if n.rank < rank), self.root)
            node = parent.add_child(Node(kind=NodeKind.CONTENTS, level="contents"))
            self.contents[block] = node
        return node

    def _contents_header(self, i: int, c: CLine) -> None:
        assert c.block is not None
        node = self._contents_node(c.block)
        text, span = _core(c)
        node.title = text.lstrip("■□◆◇●○【").rstrip("】").strip()
        node.heading_spans.append(span)

    def _entry(self, i: int, c: CLine) -> None:
        assert c.block is not None
        node = self._contents_node(c.block)
        _, span = _core(c)
        h = c.heading
        if h is not None:
            text, _ = _core(c, h.offset)
            item = Item(text=text, marker="-" if h.bulleted else None, spans=[span], code=h.code)
            self.entry_keys.append((item, h.key, h.inline_title))
        else:
            text, _ = _core(c, c.body_start if c.marker else None)
            item = Item(text=text, marker=c.marker, spans=[span])
            self.entry_keys.append((item, None, text))
        node.items.append(item)
        self.para = self.item = None

    def _section(self, i: int, c: CLine) -> None:
        rule = c.section
        assert rule is not None
        text, span = _core(c)
        m = rule.pattern.match(c.core)
        name = m.group("name") if m and "name" in m.re.groupindex and m.group("name") else rule.name
        name = compact_code(name) if "name" in rule.pattern.groupindex else name
        self.section = Section(name=name, heading=text, spans=[span],
                               declares_keywords=any(p.search(name) for p in self.profile.declared_keywords))
        self.top.sections.append(self.section)
        self.opened[id(self.top)] = self.section
        self.para = self.item = None

    def _bullet(self, i: int, c: CLine) -> None:
        text, _ = _core(c, c.body_start)
        _, span = _core(c)
        item = Item(text=text, marker=c.marker, spans=[span])
        (self.section.items if self.section else self.top.items).append(item)
        self.item, self.para = item, None

    def _text(self, i: int, c: CLine) -> None:
        text, span = _core(c)
        if self.item is not None:  # a bullet wrapped onto the next line
            self.growing.add(self.item, text)
            self.item.spans.append(span)
            return
        if self.para is not None:
            self.growing.add(self.para, text)
            self.para.spans.append(span)
            return
        self.para = Paragraph(text, [span])
        (self.section.paragraphs if self.section else self.top.paragraphs).append(self.para)


def _resolve_targets(root: Node, entry_keys: list[tuple[Item, tuple[str, str] | None, str]]) -> None:
    """Point each contents entry at its body node: by level and code, else by title (003's 第1章 基本的な理念)."""
    by_key: dict[tuple[str, str], str] = {}
    by_title: dict[str, str] = {}
    for n in root.walk():
        if n.kind in (NodeKind.DOCUMENT, NodeKind.CONTENTS) or n.level is None:
            continue
        by_key.setdefault((n.level, n.code or compact_code(n.title or "")), n.id)
        if n.title:
            by_title.setdefault(compact_code(n.title), n.id)
    for item, key, title in entry_keys:
        target = by_key.get(key) if key else None
        item.target = target or by_title.get(compact_code(title)) or by_title.get(compact_code(item.text))


@dataclass
class PinnedTree:
    root: Node
    furniture: list[Paragraph]
    warnings: list[str]
    entry_keys: list[tuple[Item, tuple[str, str] | None, str]]

    def resolve(self) -> None:
        """Point the contents entries at their units (after ids are assigned)."""
        _resolve_targets(self.root, self.entry_keys)


def build_pinned(lines: list[Line], profile: Profile) -> PinnedTree:
    """The tree of ``lines`` by ``profile``'s pinned levels."""
    classified = classify(profile, lines)
    builder = _Builder(profile, classified)
    root = builder.build()
    return PinnedTree(root, builder.furniture, classified.warnings + builder.warnings, builder.entry_keys)


_WEIGHTS = {Cls.HEADING: 3.0, Cls.TITLE: 1.0, Cls.LABEL: 1.0, Cls.ENTRY: 1.0, Cls.CONTENTS_HEADER: 1.0,
            Cls.SECTION: 2.0, Cls.BULLET: 1.0}


def explain_score(profile: Profile, lines: list[Line]) -> float:
    """How much of the text a pinned profile explains: structure found, weighted by kind of line."""
    classified = classify(profile, lines)
    score = sum(_WEIGHTS.get(c.cls, 0.0) for c in classified.lines)
    tables = [c for i, c in enumerate(classified.lines)
              if c.cls is Cls.TABLE and (i == 0 or classified.lines[i - 1].cls is not Cls.TABLE)]
    for head in tables:
        matched = any(rule.header.match(head.core) for rule in profile.tables)
        score += 5.0 if matched else 0.0
    return score
