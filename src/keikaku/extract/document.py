"""One plan text → its document: the tree (stage 2), then what is read from the text inside each
unit without a language model (its indicator tables), then the alignment guard over the result.

Keywords and entities, which need SudachiPy/GiNZA, are added afterwards by :mod:`.analyse`.
"""

from __future__ import annotations

from pathlib import Path

from ..ingest import ingest
from ..ingest.text import SourceText
from ..model.tree import Document, ProfileChoice
from ..segment import Inference, segment, segment_source
from ..segment.align import check_alignment
from ..segment.profile import Profile
from .indicators import attach_indicators, warn_unread_tables
from .tabletext import settle_tables


def _complete(doc: Document, source: SourceText) -> Document:
    """The tree's indicator tables read, tables shown as text settled, and every character of the
    source proved to be in exactly one place (after the last change to the tree); the values that
    the file holds and memory derives set (:meth:`Document.finish`)."""
    attach_indicators(doc, _without_furniture(source))
    settle_tables(doc, {line.no: line.text for line in source.lines})
    check_alignment(doc, source)
    warn_unread_tables(doc)
    return _paged(doc.finish(), source)


def _paged(doc: Document, source: SourceText) -> Document:
    """Each unit and indicator row given the page it is printed on, when the source has pages
    (a PDF, or a text with form feeds)."""
    if source.pages is None:
        return doc
    for node in doc.root.walk():  # the root's indicators are the front matter's (the root has no page)
        if node is not doc.root:
            node.pdf_page = source.page_of(node.lines[0]) if node.lines else None
        for ind in node.indicators:
            ind.pdf_page = source.page_of(ind.lines[0]) if ind.lines else None
    return doc


def _without_furniture(source: SourceText) -> list[tuple[int, str]]:
    """The source lines an indicator table is read from: for a PDF, without the lines its page
    bands show as furniture, nor the blank lines around them, so that a table cut by a page break
    (``- 12 -``, the running header) reads on as one table.  (A text's furniture is found by
    repetition, which short cells repeated down a table can also show: its lines stay.)"""
    furniture = {no for no, lay in enumerate(source.layout or [], start=1) if lay.furniture}
    skip = set(furniture)
    for no in furniture:
        for step in (-1, 1):
            k = no + step
            while 1 <= k <= len(source.lines) and (k in furniture or source.lines[k - 1].blank):
                skip.add(k)
                k += step
    return [(line.no, line.text) for line in source.lines if line.no not in skip]


def parse(source: SourceText, profile: Profile, doc_id: str, choice: ProfileChoice | None = None,
          inference: Inference | None = None) -> Document:
    """The document of ``source`` segmented with ``profile``."""
    return _complete(segment(source, profile, doc_id, choice, inference), source)


def parse_source(source: SourceText, doc_id: str, profile: Profile | None = None) -> Document:
    """The document of ``source`` with ``profile``, or with the profile chosen for it when None."""
    return _complete(segment_source(source, doc_id, profile), source)


def parse_file(path: str | Path, doc_id: str, profile: Profile | None, name: str | None = None) -> Document:
    """Ingest and parse one file (the profile is chosen automatically when ``profile`` is None);
    ``name`` is the path as shown to the user, when ``path`` spells it another way."""
    return parse_source(ingest(path, name=name), doc_id, profile)
