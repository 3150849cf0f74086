"""Pinned profiles, step 1: what each line is (heading, section, bullet, table row, text …).

Also finds tables of contents and summary diagrams: headings that repeat a unit described
elsewhere, or runs of consecutive same-level headings with nothing between them.  Those lines
become *entries* of a contents element instead of a second copy of the units.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum

from ..errors import CodedWarning
from ..ingest.text import Line
from ..text.normalize import compact_code
from .profile import Level, Profile, SectionRule
from .tables import level_code


class Cls(Enum):
    BLANK = "blank"
    FURNITURE = "furniture"
    TABLE = "table"
    HEADING = "heading"
    TITLE = "title"  # the title of the heading on the line before (方針1 ⏎ title)
    LABEL = "label"  # a label line before a heading (【分野】 ⏎ み1)
    ENTRY = "entry"  # part of a contents element
    CONTENTS_HEADER = "contents_header"
    SECTION = "section"
    BULLET = "bullet"
    TEXT = "text"


@dataclass
class Heading:
    """A line that matches a level: the match is on the line's core, after ``offset`` characters."""

    level: Level
    match: re.Match[str]
    offset: int  # matching-form column where ``match`` starts (after indentation and list prefix)
    bulleted: bool
    code: str | None
    inline_title: str

    @property
    def key(self) -> tuple[str, str]:
        return (self.level.name, self.code if self.code else compact_code(self.inline_title))


@dataclass
class CLine:
    """A classified line."""

    line: Line
    cls: Cls
    core_start: int = 0  # matching-form column of the first non-space character
    core: str = ""  # matching form without surrounding whitespace
    heading: Heading | None = None
    section: SectionRule | None = None
    marker: str | None = None  # bullet marker
    body_start: int = 0  # matching-form column where a bullet's text starts
    title_of: int | None = None  # for TITLE: index of the heading line
    title_line: int | None = None  # for HEADING: index of its TITLE line
    block: int | None = None  # for ENTRY and CONTENTS_HEADER: contents block number
    content: int = 0  # for HEADING: characters of content up to the next heading


def _match_level(profile: Profile, text: str) -> tuple[Level, re.Match[str]] | None:
    for level in profile.line_levels:
        m = level.pattern.match(text)
        if m:
            return level, m
    return None


def classify_line(profile: Profile, line: Line) -> CLine:
    mt = line.m.text
    core = mt.strip()
    if not core:
        return CLine(line, Cls.BLANK)
    start = len(mt) - len(mt.lstrip())
    c = CLine(line, Cls.TEXT, core_start=start, core=core)
    if any(p.match(core) for p in profile.furniture):
        c.cls = Cls.FURNITURE
        return c
    if "\t" in core:
        c.cls = Cls.TABLE
        return c
    found = _match_level(profile, core)
    offset, bulleted = 0, False
    if found is None:
        prefix = profile.list_prefix.match(core)
        if prefix:
            found = _match_level(profile, core[prefix.end():])
            offset, bulleted = prefix.end(), True
    if found is not None:
        level, m = found
        c.cls = Cls.HEADING
        c.heading = Heading(level, m, start + offset, bulleted, level_code(level, m), (m.groupdict().get("title") or "").strip())
        return c
    if any(lv.label_line is not None and lv.label_line.match(core) for lv in profile.line_levels):
        c.cls = Cls.LABEL  # confirmed only if a heading of that level follows; see mark_labels
        return c
    if any(p.match(core) for p in profile.contents_headers):
        c.cls = Cls.CONTENTS_HEADER
        return c
    for rule in profile.sections:
        if rule.pattern.match(core):
            c.cls, c.section = Cls.SECTION, rule
            return c
    prefix = profile.list_prefix.match(core)
    body = prefix.end() if prefix else 0
    if body < len(core) and core[body] in profile.bullet_markers:
        c.cls, c.marker = Cls.BULLET, core[body]
        body += 1
    elif prefix:
        c.cls, c.marker = Cls.BULLET, "-"
    if c.cls is Cls.BULLET:
        while body < len(core) and core[body].isspace():
            body += 1
        c.body_start = start + body
    return c


def _next_nonblank(lines: list[CLine], i: int) -> int | None:
    for j in range(i + 1, len(lines)):
        if lines[j].cls is not Cls.BLANK:
            return j
    return None


def _prev_nonblank(lines: list[CLine], i: int) -> int | None:
    for j in range(i - 1, -1, -1):
        if lines[j].cls is not Cls.BLANK:
            return j
    return None


def _is_title_like(c: CLine, max_len: int) -> bool:
    return c.cls is Cls.TEXT and len(c.core) <= max_len and not c.core.endswith("。")


def _is_short_note(c: CLine) -> bool:
    return c.cls in (Cls.TEXT, Cls.BULLET) and len(c.core) <= 60 and not c.core.endswith("。")


@dataclass
class Classified:
    lines: list[CLine]
    blocks: int = 0
    warnings: list[CodedWarning] = field(default_factory=list)


def classify(profile: Profile, lines: list[Line]) -> Classified:
    """Classify every line and mark contents blocks, titles and labels."""
    cl = [classify_line(profile, line) for line in lines]
    _assign_titles(cl)
    _mark_labels(cl)
    blocks = _mark_contents(cl)
    for c in cl:  # a contents header that introduced no entries is ordinary text
        if c.cls is Cls.CONTENTS_HEADER and c.block is None:
            c.cls = Cls.TEXT
    return Classified(cl, blocks)


def _assign_titles(cl: list[CLine]) -> None:
    """A heading without an inline title takes the next line as its title when it looks like one."""
    for i, c in enumerate(cl):
        h = c.heading
        if c.cls is not Cls.HEADING or h is None or h.bulleted:
            continue
        if h.level.title == "inline" or (h.inline_title and h.level.title == "inline-or-next"):
            continue
        j = _next_nonblank(cl, i)
        while j is not None and cl[j].cls is Cls.FURNITURE:  # 003: 第2編 ⏎ ■ ■ ■ ⏎ 基本構想
            j = _next_nonblank(cl, j)
        if j is not None and _is_title_like(cl[j], h.level.max_title):
            cl[j].cls, cl[j].title_of, c.title_line = Cls.TITLE, i, j


def _mark_labels(cl: list[CLine]) -> None:
    for i, c in enumerate(cl):
        if c.cls is not Cls.LABEL:
            continue
        j = _next_nonblank(cl, i)
        nxt = cl[j] if j is not None else None
        if not (nxt is not None and nxt.heading is not None and nxt.cls is Cls.HEADING
                and nxt.heading.level.label_line is not None and nxt.heading.level.label_line.match(c.core)):
            c.cls = Cls.TEXT


def _title_text(cl: list[CLine], i: int) -> str:
    c = cl[i]
    assert c.heading is not None
    if c.title_line is not None:
        return compact_code(cl[c.title_line].core)
    return compact_code(c.heading.inline_title)


def _parent_keys(cl: list[CLine], heads: list[int]) -> dict[int, tuple[str, str] | None]:
    """For each heading, the key of the nearest earlier plain heading of a higher level (its context).

    One pass with a stack whose ranks increase from bottom to top ("previous smaller element"),
    so that a long plan with many headings stays linear.
    """
    stack: list[tuple[int, tuple[str, str]]] = []  # (rank, key) of plain headings
    parents: dict[int, tuple[str, str] | None] = {}
    for i in heads:
        h = cl[i].heading
        assert h is not None
        rank = h.level.rank
        if h.bulleted:  # a contents entry: look, but do not become anyone's context
            parents[i] = next((key for r, key in reversed(stack) if r < rank), None)
            continue
        while stack and stack[-1][0] >= rank:
            stack.pop()
        parents[i] = stack[-1][1] if stack else None
        stack.append((rank, h.key))
    return parents


def _mark_contents(cl: list[CLine]) -> int:
    heads = [i for i, c in enumerate(cl) if c.cls is Cls.HEADING]
    # Content of a heading: characters of the lines up to the next heading (titles and labels excluded).
    for n, i in enumerate(heads):
        end = heads[n + 1] if n + 1 < len(heads) else len(cl)
        cl[i].content = sum(len(c.core) for c in cl[i + 1:end]
                            if c.cls not in (Cls.BLANK, Cls.TITLE, Cls.LABEL, Cls.FURNITURE))
    entry: set[int] = {i for i in heads if cl[i].heading.bulleted}  # type: ignore[union-attr]
    # A unit that appears more than once under the same parent: the occurrence with the most
    # content is the body.  The parent matters: ① under 基本目標1 and ① under 基本目標2 differ.
    by_key: dict[tuple[object, ...], list[int]] = {}
    parents = _parent_keys(cl, heads)
    for i in heads:
        by_key.setdefault((parents[i],) + cl[i].heading.key, []).append(i)  # type: ignore[union-attr]
    for occurrences in by_key.values():
        plain = [i for i in occurrences if i not in entry]
        if len(occurrences) > 1 and plain:
            body = max(plain, key=lambda i: (cl[i].content, -i))
            entry.update(i for i in occurrences if i != body)
    # Two adjacent headings of the same level, both without content, are a list of contents (003's
    # chapters).  Same level, not just same rank: "2 基本目標" ⏎ "基本目標 I" is a heading and its unit.
    repeated = set(entry)
    for a, b in zip(heads, heads[1:]):
        if b in repeated or cl[a].content or cl[b].content:
            continue
        if cl[a].heading.level is cl[b].heading.level:  # type: ignore[union-attr]
            entry.update((a, b))
    # A label line (【分野】) of a heading that became an entry is ordinary text of the block.
    for i in entry:
        j = _prev_nonblank(cl, i)
        if j is not None and cl[j].cls is Cls.LABEL:
            cl[j].cls = Cls.TEXT
    if not entry:
        return 0
    body_titles = {_title_text(cl, i) for i in heads if i not in entry}
    for i in entry:  # an entry's title line is part of the entry block, not a title
        t = cl[i].title_line
        if t is not None:
            cl[t].cls, cl[t].title_of, cl[i].title_line = Cls.TEXT, None, None
    return _group_blocks(cl, sorted(entry), body_titles)


def _group_blocks(cl: list[CLine], entries: list[int], body_titles: set[str]) -> int:
    block = 0
    members: list[list[int]] = []
    for i in entries:
        if members:
            gap = [k for k in range(members[-1][-1] + 1, i) if cl[k].cls not in (Cls.BLANK, Cls.FURNITURE)]
            if len(gap) <= 3 and all(_is_short_note(cl[k]) for k in gap):
                members[-1].extend(gap + [i])
                continue
        members.append([i])
    for group in members:
        # Leading echoes of body titles (000's diagram puts each goal's slogan before it) and a
        # contents header such as ■分野の構成 belong to the block.
        first = group[0]
        j = _prev_nonblank(cl, first)
        while j is not None and cl[j].cls is Cls.TEXT and compact_code(cl[j].core) in body_titles:
            group.insert(0, j)
            j = _prev_nonblank(cl, j)
        if j is not None and cl[j].cls is Cls.CONTENTS_HEADER:
            group.insert(0, j)
        # Short trailing notes (a caption, "※ p.26～40 議決") close the block.
        last = group[-1]
        for _ in range(3):
            j = _next_nonblank(cl, last)
            if j is None or not _is_short_note(cl[j]):
                break
            group.append(j)
            last = j
        block += 1
        for k in group:
            if cl[k].cls is not Cls.CONTENTS_HEADER:
                cl[k].cls = Cls.ENTRY
            cl[k].block = block
    return block
