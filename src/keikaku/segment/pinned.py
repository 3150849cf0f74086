"""Pinned profiles (the shipped city profiles' ``[[levels]]``): lines → tree by fixed ranks.

Lines are classified first (:mod:`.classify`); then one pass adds them to the tree with the
builder of inference (:class:`.build.TreeBuilder`): a heading of rank r closes every open unit
of rank ≥ r and opens a child of the one left innermost.  Sections, bullets, paragraphs and
tables attach to the innermost unit.  The contents entries are resolved by
:func:`.resolve.resolve_pinned`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import CodedWarning
from ..ingest.text import Line
from ..model.tree import Item, Node, Paragraph, Section, Span
from ..text.normalize import compact_code, join_broken, matchable
from .build import TreeBuilder
from .classify import Classified, CLine, Cls, classify
from .profile import Profile
from .tables import Cell, TableRow, node_from_cell


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


class _PinnedWalk(TreeBuilder):
    """The classified lines in order, each added to the tree by :class:`.build.TreeBuilder`: a
    heading of rank r closes every open unit of rank ≥ r and opens a child of the one left."""

    def __init__(self, profile: Profile, classified: Classified) -> None:
        super().__init__(profile)
        self.cl = classified.lines
        self.contents: dict[int, Node] = {}
        self.entry_keys: list[tuple[Item, tuple[str, str] | None, str]] = []
        self.block_rank = self._block_ranks()

    def _block_ranks(self) -> dict[int, int]:
        ranks: dict[int, int] = {}
        for c in self.cl:
            if c.block is not None and c.heading is not None:
                ranks[c.block] = min(ranks.get(c.block, c.heading.level.rank), c.heading.level.rank)
        return ranks

    def build(self) -> Node:
        i = 0
        while i < len(self.cl):
            c = self.cl[i]
            if c.cls is Cls.TABLE:
                j = i
                while j < len(self.cl) and self.cl[j].cls is Cls.TABLE:
                    j += 1
                self.add_table([TableRow(c.line.no, 0, c.line.text, c.line.m) for c in self.cl[i:j]], in_section=False)
                i = j
                continue
            handler = getattr(self, "_" + c.cls.value)
            handler(i, c)
            i += 1
        return self.finish()

    # one method per line class ------------------------------------------------------------
    def _blank(self, i: int, c: CLine) -> None:
        self.close_text()

    def _furniture(self, i: int, c: CLine) -> None:
        self.add_furniture(*_core(c))

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
        self.open_unit(node, next(n for n in reversed(self.path) if n.rank < h.level.rank))

    def _contents_node(self, block: int) -> Node:
        node = self.contents.get(block)
        if node is None:
            rank = self.block_rank.get(block, 10**6)
            node = self.add_contents(next((n for n in reversed(self.path) if n.rank < rank), self.root))
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
        self.close_text()

    def _section(self, i: int, c: CLine) -> None:
        rule = c.section
        assert rule is not None
        text, span = _core(c)
        m = rule.pattern.match(c.core)
        name = m.group("name") if m and "name" in m.re.groupindex and m.group("name") else rule.name
        name = compact_code(name) if "name" in rule.pattern.groupindex else name
        self.open_section(Section(name=name, heading=text, spans=[span],
                                  declares_keywords=any(p.search(name) for p in self.profile.declared_keywords)))

    def _bullet(self, i: int, c: CLine) -> None:
        text, _ = _core(c, c.body_start)
        _, span = _core(c)
        self.add_item(Item(text=text, marker=c.marker, spans=[span]))

    def _text(self, i: int, c: CLine) -> None:
        self.add_text(*_core(c))


@dataclass
class PinnedTree:
    root: Node
    furniture: list[Paragraph]
    warnings: list[CodedWarning]
    entry_keys: list[tuple[Item, tuple[str, str] | None, str]]  # each entry, its level and code, its title


def build_pinned(lines: list[Line], profile: Profile) -> PinnedTree:
    """The tree of ``lines`` by ``profile``'s pinned levels."""
    classified = classify(profile, lines)
    walk = _PinnedWalk(profile, classified)
    root = walk.build()
    return PinnedTree(root, walk.furniture_out, classified.warnings + walk.warnings, walk.entry_keys)
