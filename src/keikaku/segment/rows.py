"""Segmentation, step 1 (layout): source lines → rows, the units every later step reads.

A row is a line, or a piece of a **run-on line**: PDF extraction sometimes writes a whole page as
one line, with the page's lines joined by single spaces and headings mid-line (a page of
青磯市's 総合戦略 begins ``青磯市…総合戦略 基本目標1 地域の稼ぐ力… 数値目標 指標 …``).  Such a
line is cut at its spaces, so that each former line becomes a row again; later steps decide
which rows are headings.  A row keeps its source line and column, so every span points back
into the original text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol, Sequence

from ..ingest.text import Line
from ..model.tree import Span
from ..text.normalize import Matchable, matchable

# A line is a run-on page when it is long, has many single-space gaps and at least this many of
# its pieces (after the first) begin a heading or name a section, one of them a heading.
RUNON_MIN_CHARS = 60
AHEAD = 3  # pieces after the next one a join looks at
RUNON_MIN_PIECES = 6
RUNON_MIN_MARKERS = 2
GROUP_MAX = 24  # pieces joined so far are shown to the reader while they are this short

_PIECE = re.compile(r"[^ ]+")
# "- 3 -" and "― 12 ―" at the end of a run-on page are one page number, not three pieces.
_DASH = set("-‐‑‒–—―−－─")


@dataclass(frozen=True, slots=True)
class Row:
    """One row: source line ``line`` (1-based), columns ``start`` … ``start + len(text)``;
    ``core`` is its matching form without surrounding whitespace, from column ``core_start``."""

    line: int
    start: int
    text: str
    m: Matchable
    runon: bool = False
    core: str = ""
    core_start: int = 0

    @property
    def blank(self) -> bool:
        return not self.core

    def span(self, mstart: int | None = None, mend: int | None = None) -> Span:
        """Source span of matching-form columns ``mstart:mend`` (default: the row's core)."""
        a = self.core_start if mstart is None else mstart
        b = self.core_start + len(self.core) if mend is None else mend
        sa, sb = self.m.source_slice(a, b)
        # Trim source whitespace that the matching form dropped or kept at the edges.
        piece = self.text[sa:sb]
        sa += len(piece) - len(piece.lstrip())
        sb = sa + len(piece.strip())
        return Span(self.line, self.start + sa, self.start + max(sa, sb))

    def source(self, mstart: int | None = None, mend: int | None = None) -> str:
        """Source text of matching-form columns ``mstart:mend`` (default: the core), stripped."""
        s = self.span(mstart, mend)
        return self.text[s.start - self.start:s.end - self.start]


class PieceReader(Protocol):
    """What the vocabulary tells layout about the pieces of a run-on line."""

    def piece_structure(self, piece: str, following: str) -> str | None:
        """"marker" when ``piece`` starts a heading, "section" when it names a section, else None."""

    def holds_together(self, left: str, right: str, after: str, group: str = "", ahead: str = "",
                       before: str = "") -> bool:
        """True when the space between ``left`` and ``right`` (followed by ``after``) is inside a
        marker (第 1章, 基本目標 1) or a letter-spaced word (基 本 理 念): not a line break."""


def _pieces(text: str, reader: PieceReader | None = None) -> list[tuple[int, int]]:
    """Column ranges of the space-separated pieces of ``text``, page-number triples kept whole
    and pieces that ``reader`` holds together joined."""
    found = [(m.start(), m.end()) for m in _PIECE.finditer(text)]
    if reader is not None and found:
        joined = [found[0]]
        for k in range(1, len(found)):
            (la, _), (pa, pb), (a, b) = joined[-1], found[k - 1], found[k]
            after = matchable(text[found[k + 1][0]:found[k + 1][1]]).text if k + 1 < len(found) else ""
            # The piece before (not all that was joined to it): a line of 10,000 spaced characters
            # must not cost 10,000 times its length.
            group = matchable(text[la:pb]).text if pb - la <= GROUP_MAX else ""
            # The next pieces without their spaces (も く じ: a contents header spaced out)
            ahead = "".join(text[x:y] for x, y in found[k + 1:k + 1 + AHEAD]).replace(" ", "")
            # The piece before ``left``'s group (5 重点プロジェクト 6: "5"; 基本目標 1 基本目標 2: a group)
            before = text[joined[-2][0]:joined[-2][1]] if len(joined) >= 2 and joined[-1][0] == pa \
                and joined[-2][1] - joined[-2][0] <= GROUP_MAX else ""
            if reader.holds_together(matchable(text[pa:pb]).text, matchable(text[a:b]).text, after, group,
                                     matchable(ahead).text, matchable(before).text):
                joined[-1] = (la, b)
            else:
                joined.append((a, b))
        found = joined
    merged: list[tuple[int, int]] = []
    i = 0
    while i < len(found):
        a, b = found[i]
        if (i + 2 < len(found) and text[a:b] in _DASH and text[found[i + 1][0]:found[i + 1][1]].isdigit()
                and text[found[i + 2][0]:found[i + 2][1]] in _DASH):
            merged.append((a, found[i + 2][1]))
            i += 3
            continue
        merged.append((a, b))
        i += 1
    return merged


def is_runon(line: Line, reader: PieceReader) -> list[tuple[int, int]] | None:
    """The pieces of ``line`` if it is a run-on page, else None."""
    text = line.text
    if len(text) < RUNON_MIN_CHARS or text.count(" ") < RUNON_MIN_PIECES - 1 or "\t" in text:
        return None
    pieces = _pieces(text, reader)
    if len(pieces) < RUNON_MIN_PIECES:
        return None
    seen: set[str] = set()  # distinct markers and sections: "第 3 次… 第 3 次…" in a sentence is not a page
    markers = 0
    for k in range(1, len(pieces)):
        a, b = pieces[k]
        nxt = text[pieces[k + 1][0]:pieces[k + 1][1]] if k + 1 < len(pieces) else ""
        kind = reader.piece_structure(matchable(text[a:b]).text, matchable(nxt).text)
        if kind is not None and text[a:b] not in seen:
            seen.add(text[a:b])
            markers += kind == "marker"
            if markers >= 1 and len(seen) >= RUNON_MIN_MARKERS:
                return pieces
    return None


def split_rows(lines: Sequence[Line], reader: PieceReader) -> list[Row]:
    """Every line as a row; run-on pages as one row per piece."""
    rows: list[Row] = []
    for line in lines:
        pieces = is_runon(line, reader)
        if pieces is None:
            rows.append(make_row(line.no, 0, line.text, line.m))
            continue
        for a, b in pieces:
            piece = line.text[a:b]
            rows.append(make_row(line.no, a, piece, matchable(piece), runon=True))
    return rows


def make_row(line: int, start: int, text: str, m: Matchable, runon: bool = False) -> Row:
    t = m.text
    core = t.strip()
    return Row(line, start, text, m, runon, core, len(t) - len(t.lstrip()) if core else 0)
