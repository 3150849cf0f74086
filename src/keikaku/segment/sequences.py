"""Segmentation, step 5: which marker rows are headings.  Sequences are the evidence.

A reading becomes a heading when it belongs to a run of its style (1, 2, 3 … in document order,
across page breaks and parents: 方針1 … 方針8 over four goals), or when its style has such a
run elsewhere and it is the first of its list (a lone ① under one measure), or when a level word
of the vocabulary names it (政策4 alone in an excerpt).  Before that, readings that cannot be
headings are set aside, each with its reason: a quantity (2 つの視点から), a title without words
(28 30 ― ―), a sentence, an inline list ((1)…、(2)…), a line that continues the sentence above.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..profile import Profile
from .candidates import Mark, Role
from .furniture import Furniture
from .rows import Row
from .vocabulary import Marker, has_letters

_SENTENCE_END = set("。．.！!？?」』)）]】:：")
# A number glued to one of these is part of a sentence (第1章で示した, 基本目標1の実現に向けて).
_PARTICLES = ("の", "で", "は", "を", "に", "が", "と", "も", "へ", "や", "から", "まで", "より")
MAX_TITLE = 80  # an inline title longer than this is a paragraph that starts with a number
CONTINUATION_MIN = 20  # a line this long without a sentence end continues on the next line
PARAGRAPH_ROW = 30  # a numbered row this long, run on by a long row right below it, is a paragraph
OPENS_WITHIN = 3  # rows (title, a line of text) between a lone first item and the list it opens


@dataclass(frozen=True)
class Rejected:
    row: int
    marker: Marker
    reason: str


@dataclass
class Decisions:
    """Headings by row (the reading chosen) and every reading set aside, with its reason."""

    heads: dict[int, Marker] = field(default_factory=dict)
    rejected: list[Rejected] = field(default_factory=list)


def _next_marker_text(mk: Marker) -> re.Pattern[str] | None:
    """A pattern for the same style's next number inside a title: (1)…、(2) is an inline list."""
    following = {"(1)": f"({mk.number + 1})", "1)": f"{mk.number + 1})",
                 "①": chr(0x2460 + mk.number) if mk.number < 20 else None}.get(mk.style)
    return re.compile(re.escape(following)) if following else None


def screen(mk: Marker, rows: list[Row], marks: list[Mark], i: int, prev: int | None) -> str | None:
    """Why reading ``mk`` of row ``i`` cannot be a heading (None if it can); ``prev`` is the
    previous row with text."""
    title = mk.title
    if mk.bulleted:
        return "written after a list bullet: an entry of a list, not a heading"
    if mk.quantity:
        return "a number followed by a counter: a quantity, not a heading"
    if title and not has_letters(title):
        return "the text after the number has no words (a table row or a figure)"
    if title and mk.title_start == mk.end and (mk.labelled or mk.code[-1:].isdigit()) and title.startswith(_PARTICLES):
        return "the marker is part of a sentence (第1章で示した …)"
    if len(title) > MAX_TITLE:
        return f"the text after the marker is {len(title)} characters long: a paragraph, not a title"
    if "。" in title:
        return "the text after the marker is a sentence (a heading does not end with 。)"
    if not mk.known:
        following = _next_marker_text(mk)
        if following is not None and following.search(title):
            return "an inline list: the next number follows on the same line"
        nxt = i + 1
        if title and len(rows[i].core) >= PARAGRAPH_ROW and not rows[i].runon and nxt < len(rows) \
                and marks[nxt].role is Role.TEXT and len(rows[nxt].core) >= CONTINUATION_MIN:
            return "a numbered paragraph: its text runs on into the next line"
        if prev is not None and prev == i - 1 and not rows[i].runon and not rows[prev].runon \
                and marks[prev].role in (Role.TEXT, Role.BULLET) and len(rows[prev].core) >= CONTINUATION_MIN \
                and rows[prev].core[-1] not in _SENTENCE_END:
            return f"continues the unfinished sentence of line {rows[prev].line}"
    return None


def decide(rows: list[Row], marks: list[Mark], furniture: Furniture, skip: set[int],
           profile: Profile) -> Decisions:
    """Choose the headings among the marker rows (rows in ``skip`` belong to contents lists)."""
    d = Decisions()
    outline = {lv.style for lv in profile.outline}
    readings: list[tuple[int, Marker]] = []
    prev: int | None = None
    for i, mark in enumerate(marks):
        if i in furniture or rows[i].blank:
            continue
        if mark.role is Role.MARKER and i not in skip:
            for mk in mark.markers:
                reason = screen(mk, rows, marks, i, prev)
                if reason is None and outline and mk.style not in outline:
                    reason = "its style is not in the outline of the profile"
                if reason is None:
                    readings.append((i, mk))
                else:
                    d.rejected.append(Rejected(i, mk, reason))
        prev = i
    if outline:
        for i, mk in readings:
            d.heads.setdefault(i, mk)
        return d
    run_of = _runs(readings)
    established: dict[str, int] = {}
    restarts: dict[str, int] = {}
    for (_, mk), length in zip(readings, run_of):
        established[mk.style] = max(established.get(mk.style, 0), length)
        restarts[mk.style] = restarts.get(mk.style, 0) + (mk.number == 1)
    for style, n in restarts.items():  # (1) under one goal, (1) under the next: a list that restarts
        if n >= 2:
            established[style] = max(established[style], 2)
    accepted: dict[int, Marker] = {}
    verdicts: list[tuple[int, Marker, str | None]] = []
    for (i, mk), length in zip(readings, run_of):
        if length >= 2:
            verdicts.append((i, mk, None))
        elif mk.known:
            verdicts.append((i, mk, None))
        elif established.get(mk.style, 0) >= 2 and mk.number == 1:
            verdicts.append((i, mk, None))
        elif mk.compound:
            verdicts.append((i, mk, "compound"))  # decided below, by its prefix
        elif established.get(mk.style, 0) >= 2:
            verdicts.append((i, mk, f"out of sequence: no {mk.style} run reaches {mk.code} here"))
        else:
            verdicts.append((i, mk, f"alone: no other {mk.style} marker continues it (1, 2, 3 …)"))
    # A lone first item right before another style's list opens that list (Ⅰ 基本的な考え方 ⏎
    # 1.はじめに ⏎ 2.…, in an excerpt that ends before Ⅱ).
    for k, (i, mk, why) in enumerate(verdicts):
        if why is None or mk.number != 1 or mk.compound or k + 1 >= len(verdicts):
            continue
        j, nxt, nwhy = verdicts[k + 1]
        if nwhy is None and nxt.style != mk.style and nxt.number == 1 and run_of[k + 1] >= 2 \
                and sum(1 for r in range(i + 1, j) if not rows[r].blank) <= OPENS_WITHIN:
            verdicts[k] = (i, mk, None)
    prefixes = {mk.path for _, mk, why in verdicts if why is None}
    for i, mk, why in verdicts:
        if why == "compound":
            why = None if mk.path[:-1] in prefixes else \
                f"alone: no other {mk.style} code continues it and no unit {'-'.join(map(str, mk.path[:-1]))} is open"
        if why is None:
            best = accepted.get(i)
            if best is None or (established.get(mk.style, 0) > established.get(best.style, 0)):
                accepted[i] = mk
        else:
            d.rejected.append(Rejected(i, mk, why))
    d.heads = accepted
    # A row with two readings keeps one: the other is recorded as set aside.
    for i, mk, why in verdicts:
        if why is None and accepted.get(i) is not mk:
            d.rejected.append(Rejected(i, mk, f"another reading of the row was chosen ({accepted[i].style})"))
    d.rejected.sort(key=lambda r: r.row)
    return d


def _runs(readings: list[tuple[int, Marker]]) -> list[int]:
    """For each reading, the number of distinct numbers in its run: consecutive readings of the
    same style (and, for codes, the same prefix) whose numbers go up by one, or all of them when
    they are 1 … n each once in another order."""
    groups: dict[tuple[str, tuple[int, ...]], list[int]] = {}
    for k, (_, mk) in enumerate(readings):
        groups.setdefault((mk.style, mk.path[:-1]), []).append(k)
    length = [1] * len(readings)
    for members in groups.values():
        numbers = [readings[k][1].number for k in members]
        if len(numbers) >= 3 and sorted(numbers) == list(range(1, len(numbers) + 1)):
            # 1, 3, 2: every number once, out of order (extraction moved a block): still a sequence.
            for k in members:
                length[k] = len(numbers)
            continue
        run: list[int] = []
        last: int | None = None
        for k in members:
            n = readings[k][1].number
            if last is not None and (n == last + 1 or n == last):
                run.append(k)
            else:
                _close(run, readings, length)
                run = [k]
            last = n
        _close(run, readings, length)
    return length


def _close(run: list[int], readings: list[tuple[int, Marker]], length: list[int]) -> None:
    distinct = len({readings[k][1].number for k in run})
    for k in run:
        length[k] = distinct
