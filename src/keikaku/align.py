"""The alignment guard: every non-space character of the source is in exactly one place.

Like spaCy's E194 ("tokens do not match the text"), a failure here is a bug in a profile or in
keikaku, never something to paper over: the message names the line and shows what was lost or
counted twice.
"""

from __future__ import annotations

from .errors import AlignmentError
from .ingest import SourceText
from .model import Document, Span


def document_spans(doc: Document) -> list[Span]:
    spans = [s for node in doc.root.walk() for s in node.own_spans()]
    spans.extend(s for p in doc.furniture for s in p.spans)
    return spans


def check_alignment(doc: Document, source: SourceText) -> None:
    """Raise :class:`AlignmentError` if a character is missing from the tree or placed twice."""
    texts = {line.no: line.text for line in source.lines}
    cover: dict[int, list[int]] = {}
    for span in document_spans(doc):
        text = texts.get(span.line)
        if text is None or not 0 <= span.start <= span.end <= len(text):
            raise AlignmentError(f"{doc.source.path}: span {span} lies outside the source")
        counts = cover.setdefault(span.line, [0] * len(text))
        for k in range(span.start, span.end):
            counts[k] += 1
    for no, text in texts.items():
        counts = cover.get(no, [0] * len(text))
        for k, ch in enumerate(text):
            if ch.isspace():
                continue
            if counts[k] == 0:
                raise AlignmentError(f"{doc.source.path}:{no}: text lost by segmentation at column {k}: {text[k:k + 20]!r}")
            if counts[k] > 1:
                raise AlignmentError(f"{doc.source.path}:{no}: text placed {counts[k]} times at column {k}: {text[k:k + 20]!r}")
