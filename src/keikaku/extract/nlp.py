"""The one boundary to SudachiPy and GiNZA: texts in, plain tuples out.

Everything past this module sees :class:`Morph` and :class:`NerSpan`, never a Sudachi morpheme
or a spaCy token, so the rest of the analysis is the same whether the tokens came from GiNZA
(``full``) or from SudachiPy alone (``fast``).  Models are loaded once per process
(:func:`get_analyzer`); run several processes, never threads, because a Sudachi tokenizer must
not be shared across threads.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Any, Iterable, Iterator, TypeVar

from ..errors import SetupError, UsageError


class NlpMode(StrEnum):
    """What ``--nlp`` analyses (a str: ``NlpMode.FAST == "fast"``, and it prints as ``fast``)."""

    FULL = "full"  # GiNZA: tokens, NER entities, keywords
    FAST = "fast"  # SudachiPy alone: tokens and keywords; rule and date entities only
    NONE = "none"  # no analysis: structure only


# SudachiPy refuses input over 49,149 bytes, and ja_ginza's tok2vec and NER take about 65 KB of
# temporary memory per token of the texts in one batch (a 5,000-token text: +326 MB): long texts
# are cut at sentence or line ends into chunks of at most this many characters, well under
# Sudachi's limit; a sentence is rarely longer, so the cut seldom falls inside one.
MAX_CHUNK_CHARS = 2000
# ja_ginza's config says nlp.batch_size = 1000; batches of 16–32 paragraph-sized texts are
# 1.3–1.5 times faster (bench/bench_analysis.py).
BATCH_SIZE = 32
# …and at most this many characters (so at most about 8,000 tokens, +0.5 GB, even where every
# character is a token, as in a plan of 3,000 nested codes 1-1-1-…; batches of 32 chunks of
# 5,000 such characters took GiNZA near 2 GB).  32 ordinary paragraphs are shorter than this.
BATCH_CHARS = 8_000
# Components of ja_ginza the analysis does not read: the dependency parser and what builds on
# it.  Tokens, tags and normalised forms come from the Sudachi tokenizer, entities from "ner".
GINZA_EXCLUDE = ["parser", "morphologizer", "compound_splitter", "bunsetu_recognizer"]
INSTALL_HINT = "install keikaku's pinned analysis stack with `pip install -e .` (see README), or use --nlp none"


@dataclass(frozen=True, slots=True)
class Morph:
    """A Sudachi morpheme (split mode C): ``pos`` like ``名詞-普通名詞-一般``, ``norm`` its normalised form."""

    surface: str
    pos: str
    norm: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class NerSpan:
    """An entity GiNZA found, with its fine ENE label (``Plan``, ``Government``, ``Date`` …)."""

    text: str
    label: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class TextAnalysis:
    morphs: list[Morph]
    ents: list[NerSpan]


_Span = TypeVar("_Span", Morph, NerSpan)


def shifted(span: _Span, offset: int) -> _Span:
    """``span`` moved ``offset`` characters on (a later chunk of a long text)."""
    if not offset:
        return span
    return dataclasses.replace(span, start=span.start + offset, end=span.end + offset)


_BREAK = re.compile(r"[。！？!?\n]")


def chunks(text: str, limit: int = MAX_CHUNK_CHARS) -> Iterator[tuple[int, str]]:
    """Cut ``text`` into ``(offset, chunk)`` pieces of at most ``limit`` characters.

    Cuts after the last sentence or line end inside the window, or hard at the limit when a
    window has none (a table flattened into one line); the chunks rebuild the text exactly.
    """
    start, n = 0, len(text)
    while n - start > limit:
        window = text[start:start + limit]
        ends = [m.end() for m in _BREAK.finditer(window)]
        cut = start + (ends[-1] if ends else limit)
        yield start, text[start:cut]
        start = cut
    if start < n or n == 0:
        yield start, text[start:]


def batches(texts: Iterable[str], size: int = BATCH_SIZE, chars: int = BATCH_CHARS) -> Iterator[list[str]]:
    """``texts`` in order, in lists of at most ``size`` texts and ``chars`` characters (a longer
    text makes a batch of its own)."""
    batch: list[str] = []
    total = 0
    for text in texts:
        if batch and (len(batch) == size or total + len(text) > chars):
            yield batch
            batch, total = [], 0
        batch.append(text)
        total += len(text)
    if batch:
        yield batch


def _share_morph_analyses() -> None:
    """Stop the memory leak of spaCy's Japanese tokenizer (explosion/spaCy#13684, open for spaCy
    3.7 and 3.8): it makes a new ``MorphAnalysis`` for every token, and none is ever freed, about
    115 bytes per character analysed, for the life of the process (30 GB for a worker that reads
    a national corpus).  The features are only ever an inflection and a reading, so one object
    per distinct pair serves every token that has it; the tokens and their features are
    unchanged (``tests/test_analysis.py`` checks both)."""
    import spacy.lang.ja as ja

    make = ja.MorphAnalysis
    if getattr(make, "keikaku_shared", False):
        return
    shared: dict[tuple[int, tuple[tuple[str, str], ...]], Any] = {}

    def shared_morph(vocab: Any, features: dict[str, str]) -> Any:
        key = (id(vocab), tuple(sorted(features.items())))
        morph = shared.get(key)
        if morph is None:
            morph = shared[key] = make(vocab, features)
        return morph

    shared_morph.keikaku_shared = True  # type: ignore[attr-defined]
    shared_morph.shared = shared  # type: ignore[attr-defined]
    setattr(ja, "MorphAnalysis", shared_morph)  # noqa: B010 - a patch of spaCy's module, on purpose


def _tag(pos: Iterable[str]) -> str:
    return "-".join(p for p in list(pos)[:4] if p != "*")


class Analyzer:
    """Tokenises (and in ``full`` mode runs GiNZA's NER on) batches of texts."""

    def __init__(self, mode: str) -> None:
        if mode not in (NlpMode.FULL, NlpMode.FAST):
            raise UsageError(f"unknown analysis mode {mode!r}: use one of {', '.join(NlpMode)}")
        self.mode = mode
        self._nlp = None
        self._sudachi = None
        self._tags: dict[int, str] = {}  # Sudachi part-of-speech id → tag string, as GiNZA writes it
        try:
            if mode == NlpMode.FULL:
                import spacy

                _share_morph_analyses()
                self._nlp = spacy.load("ja_ginza", exclude=GINZA_EXCLUDE)
                self._nlp.batch_size = BATCH_SIZE
            else:
                from sudachipy import Dictionary, SplitMode

                self._sudachi = Dictionary(dict="core").create(SplitMode.C)
        except (ImportError, OSError) as exc:
            raise SetupError(f"cannot load the {'GiNZA model ja_ginza' if mode == NlpMode.FULL else 'Sudachi dictionary'}"
                               f" ({exc}): {INSTALL_HINT}") from exc

    def analyse(self, texts: list[str]) -> list[TextAnalysis]:
        """One :class:`TextAnalysis` per text, offsets into that text; long texts are chunked."""
        morphs: list[list[Morph]] = [[] for _ in texts]
        ents: list[list[NerSpan]] = [[] for _ in texts]
        for i, off, _, a in self.iter_chunks(texts):
            morphs[i].extend(shifted(m, off) for m in a.morphs)
            ents[i].extend(shifted(e, off) for e in a.ents)
        return [TextAnalysis(m, e) for m, e in zip(morphs, ents)]

    def iter_chunks(self, texts: Iterable[str]) -> Iterator[tuple[int, int, str, TextAnalysis]]:
        """``(text index, offset, chunk, analysis of the chunk)`` in order, chunk by chunk: the
        caller keeps what it needs of each and lets the rest go, so memory follows the chunk
        size, not the size of the longest text (a 50 MB one-line plan is one text)."""
        pieces = ((i, off, chunk) for i, text in enumerate(texts) for off, chunk in chunks(text))
        first, second = itertools.tee(pieces)
        for (i, off, chunk), (ms, es) in zip(first, self._run(c for _, _, c in second)):
            yield i, off, chunk, TextAnalysis(ms, es)

    def _run(self, texts: Iterable[str]) -> Iterator[tuple[list[Morph], list[NerSpan]]]:
        if self._nlp is not None:
            for batch in batches(texts):
                for doc in self._nlp.pipe(batch, batch_size=len(batch)):
                    yield ([Morph(t.text, t.tag_, t.norm_, t.idx, t.idx + len(t.text)) for t in doc if not t.is_space],
                           [NerSpan(e.text, e.label_, e.start_char, e.end_char) for e in doc.ents])
        else:
            assert self._sudachi is not None  # set in __init__ for the fast mode
            tags = self._tags
            for text in texts:
                morphs = []
                for m in self._sudachi.tokenize(text):
                    surface = m.surface()
                    if surface.isspace():
                        continue
                    pos_id = m.part_of_speech_id()
                    tag = tags.get(pos_id)
                    if tag is None:
                        tag = tags[pos_id] = _tag(m.part_of_speech())
                    morphs.append(Morph(surface, tag, m.normalized_form(), m.begin(), m.end()))
                yield morphs, []


def short_units(text: str) -> list[Morph]:
    """Sudachi's shortest units (split mode A: 人材育成 → 人材, 育成), to compare words; tags as
    GiNZA writes them.  Used to measure keywords (:mod:`keikaku.extract.evaluate`), not to make them."""
    return [Morph(m.surface(), _tag(m.part_of_speech()), m.normalized_form(), m.begin(), m.end())
            for m in _short_tokenizer().tokenize(text)]


@cache
def _short_tokenizer() -> Any:
    try:
        from sudachipy import Dictionary, SplitMode
    except ImportError as exc:
        raise SetupError(f"the keyword measure needs SudachiPy ({exc}): {INSTALL_HINT}") from exc
    return Dictionary(dict="core").create(SplitMode.A)


_PACKAGES = {NlpMode.FULL: ["spacy", "ginza", "ja-ginza", "SudachiPy", "SudachiDict-core"],
             NlpMode.FAST: ["SudachiPy", "SudachiDict-core"], NlpMode.NONE: []}


def versions(mode: str) -> dict[str, str]:
    """Installed versions of the packages a mode's results depend on (recorded in each output)."""
    return dict(_versions(mode))  # a copy: callers put it in their documents


@cache
def _versions(mode: str) -> tuple[tuple[str, str], ...]:
    # Read once per process: the metadata lookups cost milliseconds, and every document asks.
    from importlib.metadata import PackageNotFoundError, version

    found = []
    for name in _PACKAGES[NlpMode(mode)]:
        try:
            found.append((name, version(name)))
        except PackageNotFoundError:
            found.append((name, "not installed"))
    return tuple(found)


@cache
def get_analyzer(mode: str) -> Analyzer:
    """The process's analyzer for ``mode``, loaded on first use (once per process; a load that
    fails is tried again on the next call)."""
    return Analyzer(mode)
