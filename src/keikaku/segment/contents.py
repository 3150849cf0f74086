"""Segmentation, steps 4 and 7: contents lists, summaries and other copies of headings.

Step 4 (before headings are chosen) finds the explicit lists: a contents header (目次, 施策の体系,
基本構想の体系 …) and the rows after it that repeat a heading or a line found elsewhere in the
document, rows with dot leaders and a page number (``第1章 子育て ・・・・ 44``), and lists
written after list bullets (``- 1 基本構想の体系``).  Step 7 (after) finds lists without a
header: two or more headings with no text of their own that repeat headings which do have text
(西東京市's closing diagram), or a run of empty headings of one style (第1章 ⏎ 第2章 ⏎ 第3章).

A list becomes one contents element: each entry points at the unit it names (its page number
kept), and an entry whose unit is not in the text becomes a node marked as coming from the
contents.  The body is never copied.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from ..model.tree import Span
from ..text.normalize import compact_code
from .candidates import Mark, Role
from .furniture import Furniture
from .rows import Row
from .vocabulary import Marker

_LEADER = re.compile(r"\s*(?:[・·.．…‥]\s*){2,}\s*(?P<page>\d{1,4})$")
_TRAILING_PAGE = re.compile(r"^(?P<text>.*\S)\s+(?P<page>\d{1,4})$")
NOTE_MAX = 60  # a short note (caption, ※ line) inside or after a list
ECHO_MAX = 40  # a short line that occurs again elsewhere is an echo, not text of its own
LONG_LIST = 6  # empty headings in a row, some repeated elsewhere: a list of the plan's structure


@dataclass
class Entry:
    """One entry of a contents list: its first row, the marker it names (if any), page number,
    key, and where it is printed (``spans``, ``text``; the title alone in ``title_text``)."""

    row: int
    marker: Marker | None
    page: int | None
    key: tuple[str, str] | None  # (code, title) as compared with the body's headings
    title: str  # matching form of the entry's title, without leaders and page number
    explicit: bool = True  # in a list that announced itself: without a body it is a unit of its own
    spans: list[Span] = field(default_factory=list)
    text: str = ""  # the entry as printed
    title_text: str = ""  # its title as printed (a unit made from the entry takes it)
    parent: int | None = None  # the entry it nests under (index in its list)
    decoration: str | None = None  # the bullet of an entry without a code (● 前期基本計画)
    moved: bool = False  # its code was printed apart from its title and matched to it


@dataclass
class Block:
    """A contents list: its header row (if any), entries and the other rows it holds.  ``notes``
    are short lines of the list that are no entry (a caption); ``left`` the page numbers and
    leaders that no entry took (they go to the document's furniture)."""

    rows: list[int] = field(default_factory=list)
    header: int | None = None
    entries: list[Entry] = field(default_factory=list)
    header_spans: list[Span] = field(default_factory=list)
    header_text: str = ""
    notes: list[tuple[list[Span], str]] = field(default_factory=list)
    left: list[tuple[Span, str]] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)  # how the list was found and read, for keikaku inspect
    roles: dict[int, list[str]] = field(default_factory=dict)  # row → what each of its tokens was read as


_DASHES = str.maketrans("", "", "—―~～〜‐-")


def heading_key(code: str, title: str) -> tuple[str, str]:
    """How a heading is recognised elsewhere: its code and its title without spaces or the dashes
    around a subtitle (総論 ―まちづくり― names the unit titled 総論, subtitled まちづくり)."""
    return (code, compact_code(title).translate(_DASHES))


def _split_page(text: str) -> tuple[str, int | None]:
    m = _LEADER.search(text)
    if m:
        return text[:m.start()].rstrip(), int(m.group("page"))
    return text, None


def next_text(rows: list[Row], marks: list[Mark], i: int, furniture: Furniture, sections: bool = False) -> int | None:
    """The next row with text after ``i``, skipping blank rows and furniture (one step of
    layout: a code on its own row takes its title from the next one); ``sections``: a section
    name (or a contents header: 2 ⏎ 施策の体系) counts as text."""
    j = i + 1
    while j < len(rows) and (rows[j].blank or j in furniture):
        j += 1
    ok = (Role.TEXT, Role.SECTION, Role.CONTENTS_HEADER) if sections else (Role.TEXT,)
    return j if j < len(rows) and marks[j].role in ok else None


class Keys:
    """Where each heading-like key and each short line occurs: what a list entry repeats."""

    def __init__(self, rows: list[Row], marks: list[Mark], furniture: Furniture) -> None:
        self.at: dict[tuple[str, str], list[int]] = {}
        self.lines: dict[str, list[int]] = {}
        for i, mark in enumerate(marks):
            if i in furniture or rows[i].blank:
                continue
            if mark.role is Role.MARKER:
                for mk in mark.markers:
                    for key in self.marker_keys(rows, marks, i, mk, furniture):
                        self.at.setdefault(key, []).append(i)
            if mark.role in (Role.TEXT, Role.MARKER):
                text, _ = _split_page(rows[i].core)
                m = _TRAILING_PAGE.match(text)
                self.lines.setdefault(compact_code(text), []).append(i)
                if m and mark.role is Role.TEXT:
                    self.lines.setdefault(compact_code(m.group("text")), []).append(i)

    @staticmethod
    def marker_keys(rows: list[Row], marks: list[Mark], i: int, mk: Marker,
                    furniture: Furniture) -> list[tuple[str, str]]:
        title, _ = _split_page(mk.title)
        keys = []
        if title:
            keys.append(heading_key(mk.code, title))
            m = _TRAILING_PAGE.match(title)
            if m:
                keys.append(heading_key(mk.code, m.group("text")))
        else:
            j = next_text(rows, marks, i, furniture, sections=True)
            if j is not None:
                keys.append(heading_key(mk.code, rows[j].core))
        return keys

    @staticmethod
    def outside(rows_of_key: list[int], lo: int, hi: int) -> bool:
        """True when a row of the key (rows in document order) lies outside ``lo … hi``."""
        return bool(rows_of_key) and (rows_of_key[0] < lo or rows_of_key[-1] > hi)


def _entry(rows: list[Row], marks: list[Mark], i: int, keys: Keys, furniture: Furniture) -> Entry:
    mark = marks[i]
    text, page = _split_page(rows[i].core)
    if page is None:
        m = _TRAILING_PAGE.match(text)
        if m and mark.role is Role.MARKER and mark.markers[0].title:
            text, page = m.group("text"), int(m.group("page"))
    mk = mark.markers[0] if mark.role is Role.MARKER else None
    if mk is None:
        return Entry(i, None, page, None, text)
    title, _ = _split_page(mk.title)
    m = _TRAILING_PAGE.match(title)
    if m and page is not None:
        title = m.group("text")
    if not title:
        j = next_text(rows, marks, i, furniture)
        title = rows[j].core if j is not None else ""
    return Entry(i, mk, page, heading_key(mk.code, title), title)


def bulleted_blocks(rows: list[Row], marks: list[Mark], furniture: Furniture, keys: Keys,
                    taken: set[int]) -> list[Block]:
    """Lists written after list bullets (``- 1 基本構想の体系`` ⏎ ``- 2 …``) that no header
    introduced: a list when two or more follow each other and one of them names a heading found
    elsewhere.  (Lists after a contents header and lists with leaders are read by :mod:`.toc`.)"""
    blocks: list[Block] = []
    run: list[int] = []
    evidence = False
    for i, mark in enumerate(marks + [Mark(Role.TEXT)]):
        if i < len(rows) and (i in taken or i in furniture or rows[i].blank):
            continue
        if i < len(rows) and mark.role is Role.MARKER and all(mk.bulleted for mk in mark.markers):
            run.append(i)
            evidence = evidence or any(keys.outside(keys.at.get(k, []), i, i) for mk in mark.markers
                                       for k in Keys.marker_keys(rows, marks, i, mk, furniture))
            continue
        if len(run) >= 2 and evidence:
            blocks.append(_block_of(rows, marks, furniture, keys, run))
        run, evidence = [], False
    return blocks


def merge_adjacent(rows: list[Row], furniture: Furniture, blocks: list[Block]) -> list[Block]:
    """Lists separated only by blank rows and furniture are one list (003's chapters ⏎ - 1 - 2 …)."""
    merged: list[Block] = []
    for b in sorted(blocks, key=lambda b: b.rows[0]):
        if merged:
            a = merged[-1]
            gap = range(a.rows[-1] + 1, b.rows[0])
            if b.header is None and all(rows[j].blank or j in furniture for j in gap):
                a.rows += b.rows  # the furniture between them stays furniture
                a.entries += b.entries
                a.notes += b.notes
                a.left += b.left
                a.reasons += b.reasons
                a.roles.update(b.roles)
                a.header_spans += b.header_spans  # 目次 at the start of an entry's row
                a.header_text += b.header_text
                continue
        merged.append(b)
    return merged


def row_entry(rows: list[Row], i: int, extra: list[int], entry: Entry, start: int = 0) -> Entry:
    """``entry`` printed on row ``i`` (from matching column ``start``) and on rows ``extra`` (its
    title on the next row): its spans and text."""
    entry.spans = [rows[i].span()] + [rows[j].span() for j in extra]
    first = rows[i].source(rows[i].core_start + start) if start else rows[i].source()
    entry.text = first + "".join(rows[j].source() for j in extra)
    if entry.marker is not None:
        own = rows[i].source(rows[i].core_start + entry.marker.title_start) if entry.marker.title else ""
        entry.title_text = own + "".join(rows[j].source() for j in extra)
    else:
        entry.title_text = entry.text
    return entry


def row_notes(rows: list[Row], block: Block, used: set[int]) -> None:
    """The block's rows that no entry and no header holds become its notes."""
    for r in block.rows:
        if r not in used and r != block.header and not rows[r].blank:
            block.notes.append(([rows[r].span()], rows[r].source()))


def _block_of(rows: list[Row], marks: list[Mark], furniture: Furniture, keys: Keys, members: list[int]) -> Block:
    block = Block()
    in_list = set(members)
    titles: dict[int, int] = {}
    # A code on its own row in a list takes its title from the next row: that row is the entry's too.
    for i in members:
        if marks[i].role is Role.MARKER and not marks[i].markers[0].title:
            j = next_text(rows, marks, i, furniture)
            if j is not None and j not in in_list and j - i <= 2:
                titles[i] = j
    block.rows = sorted(in_list | set(titles.values()))
    used: set[int] = set()
    for i in members:
        e = _entry(rows, marks, i, keys, furniture)
        start = e.marker.start if e.marker is not None and e.marker.bulleted else 0
        extra = [titles[i]] if i in titles else []
        block.entries.append(row_entry(rows, i, extra, e, start))
        used.update([i, *extra])
    row_notes(rows, block, used)
    return block


# -- step 7: lists without a header -----------------------------------------------------------------
def own_content(rows: list[Row], marks: list[Mark], furniture: Furniture, stops: list[int], skip: set[int],
                echo: set[int]) -> dict[int, int]:
    """For each heading row in ``stops`` (sorted), the rows of text it holds before the next
    heading-like row; titles, labels, echoes and furniture do not count."""
    content: dict[int, int] = {}
    for k, i in enumerate(stops):
        end = stops[k + 1] if k + 1 < len(stops) else len(rows)
        content[i] = sum(1 for j in range(i + 1, end)
                         if j not in furniture and j not in skip and j not in echo and not rows[j].blank
                         and marks[j].role in (Role.TEXT, Role.BULLET, Role.TABLE, Role.SECTION, Role.VALUE_SECTION))
    return content


def echoes(rows: list[Row], marks: list[Mark], keys: Keys) -> set[int]:
    """Short text rows that occur more than once (a slogan repeated in a diagram)."""
    out: set[int] = set()
    for text, where in keys.lines.items():
        if len(where) >= 2 and len(text) <= ECHO_MAX and not text.endswith("。"):
            out.update(i for i in where if marks[i].role is Role.TEXT)
    return out


def implicit_blocks(rows: list[Row], marks: list[Mark], furniture: Furniture, heads: dict[int, Marker],
                    keys_of: dict[int, tuple[str, str]], title_of: dict[int, list[int]], running: set[int],
                    stops: list[int], content: dict[int, int], bare: dict[int, int], taken: set[int]) -> list[Block]:
    """Lists of headings without a header: copies of units that have text elsewhere, or runs of
    empty headings of one style.  ``title_of`` gives each heading's title and label rows;
    ``running`` rows (a heading repeated at a page top) are left to :mod:`.levels`.  ``content``
    counts each heading's text without echoes (a slogan printed again beside its copy), ``bare``
    with them: a run of headings of one style is a list only when nothing at all separates them.
    Rows in ``taken`` (lists found before) are never part of these."""
    title_rows = {r for rs in title_of.values() for r in rs}
    with_text: dict[tuple[str, str], set[int]] = {}
    for i in heads:
        if content.get(i, 0) > 0:
            with_text.setdefault(keys_of[i], set()).add(i)
    order = [i for i in stops if i in heads]
    groups: list[list[int]] = []
    current: list[int] = []
    for i in order:
        current.append(i)
        if content.get(i, 0) > 0:
            groups.append(current)
            current = []
    if current:
        groups.append(current)
    copies: set[int] = set()
    occurs: dict[str, int] = {}  # by title: a chapter opener lists 4-1 what the body calls 基本施策4-1
    for i in heads:
        occurs[keys_of[i][1]] = occurs.get(keys_of[i][1], 0) + 1
    for group in groups:
        # Copies: headings that repeat a heading with text elsewhere.  The last of a list may
        # have text after it (the text that follows the list): it is a copy too when its twin
        # elsewhere also has text (西東京市's closing diagram ends with 基本目標6).
        dups = [i for i in group if i not in running and _elsewhere(with_text.get(keys_of[i]), i)]
        if len(dups) >= 2:
            copies.update(dups)
            # A long list of empty headings that repeats units found elsewhere is the plan's
            # structure printed before its body (瑞浪市's 構成 page): all of it, twins or not.
            empty = [i for i in group if content.get(i, 0) == 0 and i not in running]
            if len(empty) >= LONG_LIST:
                copies.update(empty)
        k = 0
        while k < len(group):  # 第1章 ⏎ 第2章 ⏎ 第3章, all empty: a list of chapters
            k2 = k
            while k2 + 1 < len(group) and heads[group[k2 + 1]].style == heads[group[k]].style \
                    and heads[group[k2 + 1]].number == heads[group[k2]].number + 1:
                k2 += 1
            same = group[k:k2 + 1]
            # A list of chapters, unless a heading of another style follows them at once: then
            # they are the outline itself (a page of headings: 第2章 ⏎ 第3章 ⏎ 第1節 …), unless
            # one of them is printed again elsewhere.
            at = bisect.bisect_right(stops, same[-1])
            after = stops[at] if at < len(stops) else None
            outline = after is not None and after in heads and heads[after].style != heads[same[0]].style
            if len(same) >= 2 and all(bare.get(i, 0) == 0 and i not in running for i in same) \
                    and (not outline or any(occurs[keys_of[i][1]] > 1 for i in same)):
                copies.update(same)
            k = k2 + 1
    if not copies:
        return []
    blocks: list[Block] = []
    ordered = sorted(copies)
    run = [ordered[0]]
    for i in ordered[1:]:
        between = [j for j in range(run[-1] + 1, i) if not rows[j].blank and j not in furniture and j not in title_rows]
        if len(between) <= 3 and all(_short(rows, marks, j) and j not in taken for j in between):
            run.extend(between + [i])
        else:
            blocks.append(_implicit(rows, marks, furniture, run, keys_of, heads, title_of, title_rows | taken))
            run = [i]
    blocks.append(_implicit(rows, marks, furniture, run, keys_of, heads, title_of, title_rows | taken))
    return blocks


def _elsewhere(where: set[int] | None, i: int) -> bool:
    """True when ``where`` holds a row other than ``i``."""
    return bool(where) and where is not None and (len(where) > 1 or i not in where)


def _short(rows: list[Row], marks: list[Mark], j: int) -> bool:
    return marks[j].role in (Role.TEXT, Role.BULLET) and len(rows[j].core) <= NOTE_MAX and not rows[j].core.endswith("。")


def _implicit(rows: list[Row], marks: list[Mark], furniture: Furniture, run: list[int],
              keys_of: dict[int, tuple[str, str]], heads: dict[int, Marker], title_of: dict[int, list[int]],
              not_ours: set[int]) -> Block:
    """The block of a run of copies: its headings with their own title rows, one leading echo and
    up to three short notes after it; rows in ``not_ours`` (other headings' titles, other lists)
    stay out."""
    block = Block()  # headings without text of their own that repeat other headings
    members = list(run)
    # Leading rows that echo lines found elsewhere (a goal's slogan printed above it) and a
    # few short notes after the list (a caption, ※ p.26～40 議決) belong to it.
    j = members[0] - 1
    while j >= 0 and (rows[j].blank or j in furniture):
        j -= 1
    lead: list[int] = []
    while j >= 0 and marks[j].role is Role.TEXT and len(rows[j].core) <= ECHO_MAX and j not in not_ours \
            and len(lead) < 1:
        lead.append(j)
        j -= 1
    own = {t for i in members for t in title_of.get(i, [])}  # the copies' own title rows
    j = max([members[-1], *own]) + 1
    tail: list[int] = []
    while j < len(rows) and len(tail) < 3:
        if rows[j].blank or j in furniture:
            j += 1
            continue
        if j in not_ours or not _short(rows, marks, j):
            break
        tail.append(j)
        j += 1
    rows_in = sorted(set(lead + members + tail) | own)
    block.rows = rows_in
    used: set[int] = set()
    for i in members:
        if i in heads:
            mk = heads[i]
            extra = [t for t in title_of.get(i, []) if t in own]
            e = Entry(i, mk, None, keys_of[i], keys_of[i][1], explicit=False)
            block.entries.append(row_entry(rows, i, sorted(extra), e))
            used.update([i, *extra])
    row_notes(rows, block, used)
    return block
