"""Segmentation, step 3 (layout): page numbers and running headers and footers.

Page furniture is recognised by what it is (``- 12 -``, ``1/3``, a ``-`` ⏎ ``12 -`` split over
two rows) and by repetition: a number alone on a row is a page number when it continues the
page numbers around it or stands by a blank row or a running line; a short line repeated next
to page numbers on several pages is a running header or footer.  Furniture is never dropped: the
document keeps it (``furniture`` in the JSON), so every line stays accounted for.

A heading repeated at the top of each page (第3部 後期基本計画) is not decided here: it may be the
real heading on its first page.  :mod:`.levels` decides, knowing which units are open.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from ..ingest.pages import edge_key, page_number, repeated
from .candidates import Mark, Role
from .layout import PageEvidence
from .rows import Row

_BARE = re.compile(r"^(\d{1,3})$")
_DASH_ALONE = re.compile(r"^[-‐―—─]$")
_DASH_TAIL = re.compile(r"^(\d{1,4})\s*[-‐―—─]$")
_NUMBER = re.compile(r"\d{1,4}")
_TRAILING_NUMBER = re.compile(r"[\s\u3000]*\d{1,4}$")
_LEADER_PAGE = re.compile(r"[.・·](?: ?[.・·])+ ?\d{1,4}$")
PAGE_GAP = 20  # the most pages a page number may skip and still continue the sequence
PAGE_TOP_ROWS = 3  # rows after a page break that count as the top of the page
RUNNING_MAX = 60  # a running header or footer is a short line


@dataclass
class Furniture:
    """Rows that are page furniture, why, and where pages start."""

    reasons: dict[int, str] = field(default_factory=dict)
    page_marks: dict[int, int] = field(default_factory=dict)  # row → page number
    page_tops: set[int] = field(default_factory=set)  # rows at the top of a page (after a page mark)

    def __contains__(self, row: int) -> bool:
        return row in self.reasons


def _key(row: Row) -> str:
    """A running line as compared: no spaces, without a trailing page number."""
    return "".join(_TRAILING_NUMBER.sub("", row.core).split())


def find_furniture(rows: list[Row], marks: list[Mark], evidence: PageEvidence | None = None) -> Furniture:
    f = Furniture()
    n = len(rows)
    ev = evidence or PageEvidence()
    for i, why in ev.furniture.items():  # what a PDF's page bands show
        if _may_be_furniture(rows[i], marks[i]):
            f.reasons[i] = why
            if (number := page_number(rows[i].core)) is not None:
                f.page_marks[i] = number
    if not ev.printed:
        _page_edges(rows, marks, f, ev.breaks)
    for i, mark in enumerate(marks):
        if mark.role is Role.FURNITURE:
            f.reasons[i] = "matches a furniture pattern"
            num = _NUMBER.search(rows[i].core)
            if num:
                f.page_marks[i] = int(num.group())
    for i in range(n - 1):  # "-" ⏎ "12 -"
        if _DASH_ALONE.match(rows[i].core) and (m := _DASH_TAIL.match(rows[i + 1].core)):
            f.reasons[i] = f.reasons[i + 1] = "page number split over two lines"
            f.page_marks[i + 1] = int(m.group(1))
    _footers_with_numbers(rows, marks, f)
    repeated = _repeated(rows, marks, f)
    _bare_numbers(rows, marks, f, repeated)
    _running_lines(rows, marks, f, repeated)
    _page_tops(rows, marks, f, ev.breaks)
    return f


def _page_edges(rows: list[Row], marks: list[Mark], f: Furniture, breaks: set[int]) -> None:
    """In a text whose form feeds mark its pages: the first and the last row of a page that the
    same place of several pages repeats, or a page number there, are furniture
    (:func:`keikaku.ingest.pages.repeated`: a PDF's reader asks the same of its page bands)."""
    if not breaks:
        return
    starts = [0] + sorted(breaks)
    edges: list[tuple[int, int, str, str]] = []  # (row, page, "top" or "bottom", key)
    for page, (a, b) in enumerate(zip(starts, starts[1:] + [len(rows)]), start=1):
        text = [i for i in range(a, b) if not rows[i].blank]
        for i, where in [(text[0], "top"), (text[-1], "bottom")][:len(text)] if text else []:
            edges.append((i, page, where, edge_key(rows[i].core)))
    running = repeated(edges, len(starts))
    for i, _, where, _ in edges:
        if i in f or not _may_be_furniture(rows[i], marks[i]):
            continue
        if (number := page_number(rows[i].core)) is not None:
            f.reasons[i] = f"page number (at the {where} of a page)"
            f.page_marks[i] = number
        elif i in running:
            f.reasons[i] = f"running {'header' if where == 'top' else 'footer'} (at the {where} of {running[i]} pages)"


def _may_be_furniture(row: Row, mark: Mark) -> bool:
    """What repeats at the edges of pages is furniture unless it is a heading, a section label or
    a table row (a heading printed again at the top of its pages is left to :mod:`.levels`: it may
    be the real heading on its first page), or a sentence."""
    return len(row.core) <= RUNNING_MAX and not row.core.endswith("。") and mark.role in (Role.TEXT, Role.FURNITURE)


def _footers_with_numbers(rows: list[Row], marks: list[Mark], f: Furniture) -> None:
    """風早市総合計画　概要版　　2: the same words on several rows, each ending in a growing number."""
    groups: dict[str, list[tuple[int, int]]] = {}
    for i, row in enumerate(rows):
        if marks[i].role not in (Role.TEXT, Role.MARKER) or len(row.core) > RUNNING_MAX:
            continue
        if any(mk.labelled and mk.end == len(row.core) for mk in marks[i].markers):
            continue  # 基本目標 1 ⏎ … 基本目標 2: codes alone on their rows, not a footer
        if _LEADER_PAGE.search(row.core):
            continue  # (1) 計画の趣旨 ・・・・ 1: a contents entry, not a footer
        m = re.search(r"[\s]+(\d{1,4})$", row.core)
        if m and _key(row):
            groups.setdefault(_key(row), []).append((i, int(m.group(1))))
    for occurrences in groups.values():
        numbers = [v for _, v in occurrences]
        if len(occurrences) >= 2 and all(a < b for a, b in zip(numbers, numbers[1:])):
            for i, v in occurrences:
                f.reasons[i] = "running footer with the page number"
                f.page_marks[i] = v


def _repeated(rows: list[Row], marks: list[Mark], f: Furniture) -> dict[str, list[int]]:
    """Short text rows that occur more than once, by key (candidates for running lines)."""
    groups: dict[str, list[int]] = {}
    for i, row in enumerate(rows):
        if i in f or marks[i].role not in (Role.TEXT, Role.MARKER) or len(row.core) > RUNNING_MAX:
            continue
        key = _key(row)
        if len(key) >= 4 and "。" not in key:  # a sentence is never a running header
            groups.setdefault(key, []).append(i)
    return {k: v for k, v in groups.items() if len(v) >= 2}


def _neighbours(rows: list[Row], i: int) -> tuple[int | None, int | None]:
    """The rows right before and after ``i`` (None at the edges)."""
    return (i - 1 if i > 0 else None), (i + 1 if i + 1 < len(rows) else None)


def _bare_numbers(rows: list[Row], marks: list[Mark], f: Furniture, repeated: dict[str, list[int]]) -> None:
    """Numbers alone on a row: page numbers when they continue the page numbers before them, or
    stand next to a blank row, a running line or the end of a run-on page, and do not look like
    a heading's number with its title below."""
    running_rows = {i for group in repeated.values() for i in group}
    bare: list[tuple[int, int]] = []
    for i, row in enumerate(rows):
        if i in f or marks[i].role not in (Role.TEXT, Role.MARKER):
            continue
        m = _BARE.match(row.core)
        if m:
            bare.append((i, int(m.group(1))))
    if not bare:
        return
    accepted: dict[int, int] = {}
    last: int | None = None
    marks_in_order = sorted(f.page_marks.items())
    k = 0
    for i, v in bare:
        while k < len(marks_in_order) and marks_in_order[k][0] < i:
            last = marks_in_order[k][1]
            k += 1
        before, after = _neighbours(rows, i)
        if rows[i].runon and after is not None and rows[after].line == rows[i].line:
            continue  # inside a run-on page only the last piece can be its page number
        blank_by = before is None or after is None or rows[before].blank or rows[after].blank
        runon_end = rows[i].runon and (after is None or rows[after].line != rows[i].line)
        by_running = (before in running_rows) or (after in running_rows)
        heading_like = ((before is None or rows[before].blank) and after is not None and not rows[after].blank
                        and marks[after].role is Role.TEXT and len(rows[after].core) <= 40
                        and not rows[after].core.endswith("。"))
        plausible = last is None or last < v <= last + PAGE_GAP or (v <= 2 and blank_by)
        if plausible and not heading_like and (blank_by or runon_end or by_running
                                               or (last is not None and last < v <= last + PAGE_GAP)):
            accepted[i] = v
            last = v
    # A number that sits just before the next page number (1 before 2) is one too.
    ordered = sorted({**accepted, **f.page_marks}.items())
    positions = [j for j, _ in ordered]
    for i, v in bare:
        if i in accepted or (rows[i].runon and i + 1 < len(rows) and rows[i + 1].line == rows[i].line):
            continue
        k = bisect.bisect(positions, i)
        if k < len(ordered) and ordered[k][1] == v + 1:
            accepted[i] = v
    for i, v in accepted.items():
        f.reasons[i] = "page number"
        f.page_marks[i] = v


def _running_lines(rows: list[Row], marks: list[Mark], f: Furniture, repeated: dict[str, list[int]]) -> None:
    """A short line that recurs beside page numbers (within two rows) on two or more pages is a
    running header or footer, wherever it occurs.  Marker rows are left to :mod:`.levels`."""
    if not f.page_marks:
        return
    text_rows = [i for i, row in enumerate(rows) if not row.blank]
    position = {i: k for k, i in enumerate(text_rows)}
    near: set[int] = set()
    for p in f.page_marks:  # the two rows with text on either side of each page number
        k = position[p]
        near.update(text_rows[max(0, k - 2):k] + text_rows[k + 1:k + 3])
    for group in repeated.values():
        if sum(1 for i in group if i in near) >= 2:
            for i in group:
                if marks[i].role is not Role.MARKER and i not in f:
                    f.reasons[i] = "running header or footer"


def _page_tops(rows: list[Row], marks: list[Mark], f: Furniture, breaks: set[int] | frozenset[int] = frozenset()) -> None:
    """The first rows with text (not furniture) after each page number or page break, in one pass."""
    left = 0
    for j, row in enumerate(rows):
        if j in breaks:
            left = PAGE_TOP_ROWS
        if j in f.page_marks:
            left = PAGE_TOP_ROWS
        elif left and not row.blank and j not in f:
            f.page_tops.add(j)
            left -= 1
