"""Segmentation, step 3 (layout): what the pages showed, as evidence for the steps that follow.

A text marks where its pages begin with form feeds (pdftotext and ``keikaku extract`` write one
before each page): those rows are page tops, and the rows at a page's top or bottom that repeat
on several pages are running headers and footers (:mod:`.furniture`).  A PDF adds what a text
cannot say (:class:`keikaku.ingest.pdf.LineLayout`): the furniture its page bands show, and which
rows are printed larger or bolder than the body text, or in the body's own print
(:mod:`.sequences` weighs a marker's print with its sequence).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..ingest.pdf import PROMINENT  # a row printed this much larger than the body text stands out
from ..ingest.text import SourceText
from .rows import Row

PLAIN = 0.05  # a row within this of the body's size (and bold only if the body is) is printed as the body


@dataclass
class PageEvidence:
    """Per row: page starts, and for a PDF furniture and print."""

    breaks: set[int] = field(default_factory=set)
    """rows that start a page (a form feed in their line)"""
    furniture: dict[int, str] = field(default_factory=dict)
    """rows the PDF shows as page numbers, running headers or footers, and why"""
    prominent: set[int] = field(default_factory=set)
    """rows printed larger (or bolder) than the body text"""
    plain: set[int] = field(default_factory=set)
    """rows printed in the body text's size and weight"""
    printed: bool = False
    """the source is a PDF: its reader found the furniture of its pages"""


def page_evidence(source: SourceText, rows: list[Row]) -> PageEvidence:
    """What the source's pages show about each row."""
    ev = PageEvidence()
    breaks = set(source.breaks)
    seen: set[int] = set()
    for i, row in enumerate(rows):
        if row.line in breaks and row.line not in seen:
            ev.breaks.add(i)
            seen.add(row.line)
    if not source.layout:
        return ev
    ev.printed = True
    body_bold = _body_bold(source)
    for i, row in enumerate(rows):
        lay = source.layout[row.line - 1]
        if lay.furniture:
            ev.furniture[i] = lay.furniture
        elif lay.table or row.runon:
            continue  # a piece of a run-on line has no print of its own: the line's is the paragraph's
        elif lay.size >= PROMINENT or (lay.bold and not body_bold and lay.size >= 1 - PLAIN):
            ev.prominent.add(i)
        elif abs(lay.size - 1) <= PLAIN and lay.bold == body_bold:
            ev.plain.add(i)
    return ev


def _body_bold(source: SourceText) -> bool:
    """Whether most of the body text is bold (then bold marks nothing)."""
    layout = source.layout or []
    body = [lay for lay in layout if abs(lay.size - 1) <= PLAIN and lay.printed and not lay.furniture and not lay.table]
    return sum(lay.bold for lay in body) * 2 > len(body)
