"""The alignment guard: every non-space character of the source is in exactly one place.

Like spaCy's E194 ("tokens do not match the text"), a failure here is a bug in a profile or in
keikaku, never something to paper over: the message names the line and shows what was lost or
counted twice.
"""

from __future__ import annotations

from ..errors import AlignmentError
from ..ingest.text import SourceText
from ..model.tree import Document, Span


def document_spans(doc: Document) -> list[Span]:
    spans = [s for node in doc.root.walk() for s in node.own_spans()]
    spans.extend(s for p in doc.furniture for s in p.spans)
    return spans


def check_alignment(doc: Document, source: SourceText) -> None:
    """Raise :class:`AlignmentError` if a character is missing from the tree or placed twice.

    Spans are sorted per line and walked once, so the cost is linear in the text even when one
    50 MB line is cut into a million spans (a count per character was quadratic there)."""
    texts = {line.no: line.text for line in source.lines}
    by_line: dict[int, list[tuple[int, int]]] = {}
    for span in document_spans(doc):
        text = texts.get(span.line)
        if text is None or not 0 <= span.start <= span.end <= len(text):
            raise AlignmentError(f"{doc.source.path}: span {span} lies outside the source")
        if span.start < span.end:
            by_line.setdefault(span.line, []).append((span.start, span.end))
    for no, text in texts.items():
        spans = sorted(by_line.get(no, ()))
        covered = 0  # text[:covered] is accounted for
        for start, end in spans:
            if start > covered:
                _whitespace_only(doc, no, text, covered, start, spans, "lost")
            elif start < covered:
                _whitespace_only(doc, no, text, start, min(covered, end), spans, "twice")
            covered = max(covered, end)
        _whitespace_only(doc, no, text, covered, len(text), spans, "lost")


def _whitespace_only(doc: Document, no: int, text: str, lo: int, hi: int, spans: list[tuple[int, int]],
                     problem: str) -> None:
    """Fail if ``text[lo:hi]`` (lost, or covered more than once) holds anything but spaces."""
    piece = text[lo:hi]
    if not piece or piece.isspace():
        return
    k = lo + (len(piece) - len(piece.lstrip()))
    if problem == "lost":
        raise AlignmentError(f"{doc.source.path}:{no}: text lost by segmentation at column {k}: {text[k:k + 20]!r}")
    times = sum(1 for start, end in spans if start <= k < end)
    raise AlignmentError(f"{doc.source.path}:{no}: text placed {times} times at column {k}: {text[k:k + 20]!r}")
