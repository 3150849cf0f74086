"""Stage 3: fill each node's ``keywords`` and ``entities`` (documents in, the same documents out).

Every piece of a node's text (title, paragraphs, section paragraphs and items, items, reference
titles, table cells) is analysed separately, so texts stay paragraph-sized, which is what
GiNZA's batches are fastest on, and each entity can say exactly where it is: ``field`` is a
path into the node's JSON (``sections/1/items/0/text``) and ``start``/``end`` index that string.

The texts of the documents given go through the model together (:mod:`keikaku.run.batch` spreads
documents over processes or a Dask cluster).  Keyword weights are computed per document over
its units (see :mod:`keikaku.extract.keywords`), so a document's output depends on its input alone.
Contents nodes are skipped: they only repeat headings of the body.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass, replace
from typing import Iterator

from ..errors import SetupError, UsageError
from ..model.records import Entity
from ..model.tree import Document, Node, NodeKind, Paragraph, Span, Table
from .cache import NlpCache, PieceResult
from .entities import find_entities
from .keywords import Term, TermCounts, extract_terms, noun_idf, rank
from .nlp import INSTALL_HINT, NlpMode, get_analyzer


@dataclass(frozen=True)
class Piece:
    """One analysed string: where it lives in its node and whether it feeds the keywords."""

    node: Node
    field: str
    offset: int
    text: str
    narrative: bool
    breaks: tuple[int, ...] = ()  # where two source lines were joined: no keyword spans them

    @property
    def key(self) -> str:
        """What decides its analysis: the text and its line breaks (the cache's key)."""
        return self.text + ("\0" + ",".join(map(str, self.breaks)) if self.breaks else "")


def pieces(node: Node) -> Iterator[Piece]:
    """The strings of one node, each with its JSON path; the declared keyword list is not narrative."""
    for name in ("title", "subtitle", "label"):
        value = getattr(node, name)
        if value:
            yield Piece(node, name, 0, value, name != "label")
    yield from _paragraphs(node, "text", node.paragraphs, True)
    for si, s in enumerate(node.sections):
        # Headings are structure (施策の目標) but can hold a date: 令和14(2032)年のありたい姿.
        yield Piece(node, f"sections/{si}/heading", 0, s.heading, False)
        yield from _paragraphs(node, f"sections/{si}/text", s.paragraphs, not s.declares_keywords)
        for ii, it in enumerate(s.items):
            yield Piece(node, f"sections/{si}/items/{ii}/text", 0, it.text, not s.declares_keywords,
                        line_breaks(it.text, it.spans))
        yield from _table_cells(node, f"sections/{si}/tables", s.tables)
    for ii, it in enumerate(node.items):
        yield Piece(node, f"items/{ii}/text", 0, it.text, True, line_breaks(it.text, it.spans))
    for ri, r in enumerate(node.refs):
        yield Piece(node, f"refs/{ri}/title", 0, r.title, True)
    yield from _table_cells(node, "tables", node.tables)


def _table_cells(node: Node, field: str, tables: list[Table]) -> Iterator[Piece]:
    """The cells of tables found by segmentation; an indicator table read from text that
    segmentation kept as paragraphs (no spans) is not analysed twice."""
    for ti, t in enumerate(tables):
        if not t.spans:
            continue
        # A table's header (given, or its first row when none was recognised) is structure:
        # 指標名, 目標値 and 単位 name columns, not what the unit is about.
        for ci, cell in enumerate(t.header or []):
            yield Piece(node, f"{field}/{ti}/header/{ci}", 0, cell, False)
        for ri, row in enumerate(t.rows):
            for ci, cell in enumerate(row):
                yield Piece(node, f"{field}/{ti}/rows/{ri}/{ci}", 0, cell, ri > 0 or t.header is not None)


def _paragraphs(node: Node, field: str, paragraphs: list[Paragraph], narrative: bool) -> Iterator[Piece]:
    offset = 0
    for p in paragraphs:  # the field's string is the paragraphs joined by "\n"
        yield Piece(node, field, offset, p.text, narrative, line_breaks(p.text, p.spans))
        offset += len(p.text) + 1


def line_breaks(text: str, spans: list[Span]) -> tuple[int, ...]:
    """Offsets in ``text`` where one source line ends and the next begins (a paragraph or bullet
    wrapped by the PDF is joined without a space); () when the text does not follow its spans."""
    if len(spans) < 2:
        return ()
    breaks, pos = [], 0
    for k, span in enumerate(spans):
        if k:
            if span.line == spans[k - 1].line and text[pos:pos + 1] == " ":
                pos += 1  # pieces of one run-on line are joined by a space, which already parts them
            else:
                breaks.append(pos)
        pos += span.end - span.start
    return tuple(breaks) if pos == len(text) else ()


def analyse_texts(texts: list[str], mode: str, breaks: list[tuple[int, ...]] | None = None) -> list[PieceResult]:
    """Terms and entities of each text, with this process's model.

    Each chunk of a long text (see :func:`keikaku.extract.nlp.chunks`) is reduced to its terms and
    entities as soon as the model has read it, and equal terms share one object, so memory
    grows with what is kept, not with the morphemes of the longest text.  Morphemes inside a
    date (令和7(2025)年度) are not material for keywords: without this, 平成, 令和 and 年度 rank
    among 002's keywords.  ``breaks`` are each text's line breaks, which no term spans."""
    terms: list[list[Term]] = [[] for _ in texts]
    entities: list[list[Entity]] = [[] for _ in texts]
    interned: dict[Term, Term] = {}
    for i, off, chunk, a in get_analyzer(mode).iter_chunks(texts):
        found = find_entities(chunk, a.ents, a.morphs)
        dates = [(e.start, e.end) for e in found if e.label == "DATE"]
        morphs = a.morphs if not dates else \
            [m for m in a.morphs if not any(s < m.end and m.start < e for s, e in dates)]
        cut = frozenset(b - off for b in breaks[i] if off < b < off + len(chunk)) if breaks else frozenset()
        terms[i].extend(interned.setdefault(t, t) for t in extract_terms(morphs, breaks=cut))
        entities[i].extend(replace(e, start=e.start + off, end=e.end + off) if off else e for e in found)
    return [PieceResult(t, e) for t, e in zip(terms, entities)]


def check_mode(mode: str) -> NlpMode:
    """``mode`` (an :class:`NlpMode` or its value) as an :class:`NlpMode`; fail early, with the
    fix, when it is no mode or the models it needs are not installed."""
    try:
        checked = NlpMode(mode)
    except ValueError:
        raise UsageError(f"unknown --nlp mode {mode!r}: use one of {', '.join(NlpMode)}") from None
    needed = {NlpMode.FULL: ["spacy", "ginza", "ja_ginza", "sudachipy"], NlpMode.FAST: ["sudachipy", "sudachidict_core"]}
    for module in needed.get(checked, []):
        if importlib.util.find_spec(module) is None:
            raise SetupError(f"--nlp {mode} needs the Python package {module!r}, which is not installed: "
                               f"{INSTALL_HINT}")
    return checked


def analyse(docs: list[Document], mode: str = "full", cache: NlpCache | None = None) -> list[Document]:
    """Fill ``keywords`` and ``entities`` of every node of ``docs`` (in place; also returned).

    The texts of all ``docs`` go through the model together; ``cache`` (see
    :mod:`keikaku.extract.cache`) supplies results for texts analysed before.  Keyword weights are
    computed per document, so a document's output never depends on the other inputs of a run."""
    check_mode(mode)
    if mode == "none" or not docs:
        return docs
    units = [n for d in docs for n in d.root.walk() if n.kind is not NodeKind.CONTENTS]
    todo = [p for n in units for p in pieces(n) if p.text.strip()]
    keys = [p.key for p in todo]
    results: list[PieceResult | None] = cache.get_many(mode, keys) if cache else [None] * len(keys)
    missing = [i for i, r in enumerate(results) if r is None]
    fresh = analyse_texts([todo[i].text for i in missing], mode, [todo[i].breaks for i in missing]) \
        if missing else []  # no model load when all cached
    for i, r in zip(missing, fresh):
        results[i] = r
    if cache and missing:
        cache.put_many(mode, [keys[i] for i in missing], fresh)
    own: dict[int, TermCounts] = {id(n): TermCounts() for n in units}
    for n in units:
        n.entities = []
    for p, got in zip(todo, results):
        if got is None:
            raise RuntimeError(f"no analysis for {p.text[:30]!r}")  # cannot happen: every text was analysed above
        if p.narrative:
            own[id(p.node)].add_terms(got.terms)
        for e in got.entities:
            p.node.entities.append(replace(e, field=p.field, start=e.start + p.offset, end=e.end + p.offset))
    for d in docs:
        idf = noun_idf(own[id(n)] for n in d.root.walk() if n.kind is not NodeKind.CONTENTS)
        _rank_subtree(d.root, own, idf)
        d.finish()  # the document's keywords, front matter and counts follow the new fields
    return docs


def _rank_subtree(node: Node, own: dict[int, TermCounts], idf: dict[str, float]) -> TermCounts:
    """Keywords of ``node`` from its own text and its descendants' (bottom-up, each node once)."""
    total = TermCounts()
    if node.kind is NodeKind.CONTENTS:
        return total
    total.add(own[id(node)])
    for child in node.children:
        total.add(_rank_subtree(child, own, idf))
    node.keywords = rank(total, idf)
    return total
