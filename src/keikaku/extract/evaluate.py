"""How well extracted keywords match the keywords a plan's authors declared for the same unit.

001's authors list keywords for each 施策 (◆ items under 施策推進のためのキーワード).  For each
unit with such a list: take the content words of the declared keywords (Sudachi split mode A
nouns and 形状詞, without numerals and 副詞可能 nouns such as ため), count how many occur in
one of the unit's top-10 extracted keywords, divide by the number of content words, and
average over the units.  The same figure is computed for a baseline, plain TF-IDF of single
Sudachi nouns over the same units' narratives, so the two can be compared in one run.
The declared lists are never input to either extractor.
"""

from __future__ import annotations

import csv
import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from ..model.tree import Document, Node
from .analyse import pieces
from .nlp import get_analyzer, short_units

TOP = 10


@dataclass(frozen=True)
class UnitScore:
    code: str
    coverage: float
    missed: tuple[str, ...]
    top: tuple[str, ...]


def content_words(text: str) -> set[str]:
    """Content words of a declared keyword: split mode A nouns and 形状詞 (see the module doc)."""
    words = set()
    for m in short_units(text):  # split mode A: 人材育成 gives 人材 and 育成
        pos = m.pos.split("-") + ["", ""]
        if pos[0] in ("名詞", "形状詞") and pos[1] != "数詞" and pos[2] != "副詞可能":
            words.add(m.surface)
    return words


def units_with_declared(docs: Iterable[Document]) -> list[Node]:
    return [n for d in docs for n in d.nodes() if n.declared_keywords]


def coverage(unit: Node, top_terms: list[str]) -> UnitScore:
    words = set().union(*(content_words(k) for k in unit.declared_keywords))
    hit = {w for w in words if any(w in t for t in top_terms[:TOP])}
    return UnitScore(unit.code or unit.id, len(hit) / len(words) if words else 0.0,
                     tuple(sorted(words - hit)), tuple(top_terms[:TOP]))


def keyword_scores(units: list[Node]) -> list[UnitScore]:
    """Coverage of each unit's declared keywords by its extracted keywords (``node.keywords``)."""
    return [coverage(u, [k.term for k in u.keywords]) for u in units]


def baseline_scores(units: list[Node]) -> list[UnitScore]:
    """The same measure for TF-IDF of single Sudachi nouns over the units' narratives."""
    texts = [[p.text for n in u.walk() for p in pieces(n) if p.narrative and p.text.strip()] for u in units]
    flat = [t for ts in texts for t in ts]
    analyses = iter(get_analyzer("fast").analyse(flat))
    tfs = []
    for ts in texts:
        tf: Counter[str] = Counter()
        for _ in ts:
            tf.update(m.surface for m in next(analyses).morphs if m.pos.startswith("名詞"))
        tfs.append(tf)
    df: Counter[str] = Counter(w for tf in tfs for w in tf)
    scores = []
    for u, tf in zip(units, tfs):
        ranked = sorted(tf, key=lambda w: (-tf[w] * math.log(len(units) / df[w]), w))
        scores.append(coverage(u, ranked))
    return scores


def mean(scores: list[UnitScore]) -> float:
    return sum(s.coverage for s in scores) / len(scores) if scores else 0.0


# --- junk among the top keywords -----------------------------------------------------------------
# A keyword is junk when a reader of the unit would strike it out.  Each kind is decided here from
# the document itself or from a short list of its own, not from the rules that make the keywords
# (data/keyword_rules.toml), so that the measure can catch what those rules miss.
GENERIC_ALONE = frozenset({"連携", "中心", "共通", "体制", "推進", "策定", "本市", "市民", "本町", "町民", "本村",
                           "村民", "本県", "県民", "取組", "取組み", "取り組み", "充実", "事業", "施策"})
FRAGMENT_START = re.compile(r"^(?:よう|こと|もの)(?![ぁ-ゖ])")  # よう工夫, not ものづくり
# A department of the administration (健康福祉課, 企業誘致推進室, 議会事務局, 庶務係), less the words
# that only end like one: rooms (料理教室), relations (人間関係), shops and offices (薬局, 郵便局).
ORGANISATION = re.compile(r"(?:課|室|係|局)$")
NOT_ORGANISATION = re.compile(r"(?:教室|会議室|保健室|図書室|和室|温室|関係|日課|薬局|郵便局)$")
# A date or a time word alone or leading a term (初年度, 期間内, 令和, 2024年度, 時点の人口, 年度末の実績).
TIME = re.compile(r"\d+\s*(?:年|月|日)|^(?:令和|平成|昭和)|時点"
                  r"|^(?:初|次|翌|前|今|本|当該)?(?:年度|期間)(?:末|内|中|当初)?(?:の|$)|^(?:終期|始期|通年|年間)$")
POSSESSIVE = re.compile(r"^(?:本|当)(?:市|町|村|県|区)の")  # 本市の人口: the term is 人口


@dataclass(frozen=True)
class Junk:
    doc_id: str
    node_id: str
    term: str
    kind: str  # structure, hiragana, fragment, generic, organisation, time, possessive, glued


def _squashed(text: str) -> str:
    return "".join(text.split())


def structure_names(doc: Document) -> set[str]:
    """The names a document gives its own structure: section names and headings, table headers
    (a table's first row when no header was recognised) and indicator columns."""
    names: set[str] = set()
    for node in doc.root.walk():
        for s in node.sections:
            names.update({_squashed(s.name), _squashed(s.heading)})
        for t in node.tables_in_order():
            names.update(_squashed(c) for c in (t.header or (t.rows[0] if t.rows else [])))
    return names - {""}


def keyword_junk(doc: Document, source_lines: list[str], top: int = TOP) -> tuple[int, list[Junk]]:
    """The number of top-``top`` keywords over the document's units and those that are junk:
    ``structure`` (a section name or table header of this document), ``hiragana`` (hiragana only,
    at most 2 characters: とも, まち), ``fragment`` (ends in 的, or starts with よう/こと/もの: the
    noun it belongs to is missing), ``generic`` (one of GENERIC_ALONE on its own), ``organisation``
    (a department: ORGANISATION), ``time`` (a date or time word: TIME), ``possessive`` (starts with
    本市の …) or ``glued`` (not written on any one source line: it spans a line break or a boundary)."""
    structure = structure_names(doc)
    lines = [_squashed(line) for line in source_lines]
    total, junk = 0, []
    for node in doc.nodes():
        for k in node.keywords[:top]:
            total += 1
            kind = junk_kind(k.term, structure, lines)
            if kind:
                junk.append(Junk(doc.doc_id, node.id, k.term, kind))
    return total, junk


def junk_kind(term: str, structure: set[str], lines: list[str]) -> str | None:
    """The kind of junk a keyword is (see keyword_junk), or None; ``structure`` and ``lines``
    are the document's structure names and source lines without white space."""
    term = _squashed(term)
    return ("structure" if term in structure
            else "hiragana" if len(term) <= 2 and all("ぁ" <= c <= "ゖ" for c in term)
            else "fragment" if term.endswith("的") or FRAGMENT_START.match(term)
            else "generic" if term in GENERIC_ALONE
            else "organisation" if ORGANISATION.search(term) and not NOT_ORGANISATION.search(term)
            else "time" if TIME.search(term)
            else "possessive" if POSSESSIVE.match(term)
            else "glued" if not any(term in line for line in lines)
            else None)


# --- entities against a hand-checked list ---------------------------------------------------------

@dataclass(frozen=True)
class LabelScore:
    label: str
    expected: int  # distinct (text, label) pairs in the hand-checked list
    found: int  # distinct pairs keikaku found with this label
    correct: int

    @property
    def precision(self) -> float:
        return self.correct / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.correct / self.expected if self.expected else 1.0


NOT_SCORED = frozenset({"MISC", "QUANTITY", "CONTACT"})  # kinds, amounts and addresses, not names


def entity_scores(doc: Document, expected: set[tuple[str, str]]) -> list[LabelScore]:
    """Precision and recall per label of the document's distinct (text, label) entities against a
    hand-checked list of every entity of the text (labels in NOT_SCORED left out)."""
    found = {(e.text, e.label) for n in doc.root.walk() for e in n.entities if e.label not in NOT_SCORED}
    labels = sorted({label for _, label in found | expected} - NOT_SCORED)
    return [LabelScore(label, sum(1 for _, la in expected if la == label), sum(1 for _, la in found if la == label),
                       sum(1 for pair in found & expected if pair[1] == label)) for label in labels]


# --- indicators against a hand-checked fixture (tests/fixtures/indicators/gold.tsv) -------------------

def _squeeze(text: str | None) -> str:
    return unicodedata.normalize("NFKC", text or "").replace(" ", "")


IndicatorKey = tuple[str, str, str, str, float | None, int | None, str]


def indicator_keys(doc: Document, file: str) -> set[IndicatorKey]:
    """Every value of ``doc``'s indicators as (file, name, kind, label, value, year, unit), names,
    labels and units compared without width or spacing differences."""
    got: set[IndicatorKey] = set()
    for node in doc.root.walk():
        for ind in node.indicators:
            values = ([("baseline", ind.baseline)] if ind.baseline else []) \
                + [("target", v) for v in ind.targets] + [("actual", v) for v in ind.actuals]
            for kind, v in values:
                got.add((file, _squeeze(ind.name), kind, _squeeze(v.label), v.value, v.year, _squeeze(ind.unit)))
    return got


def indicator_gold(tsv: Path) -> set[IndicatorKey]:
    """The fixture's gold values (one row per value: file, name, kind, label, value, year, unit …)."""
    with tsv.open(encoding="utf-8") as fh:
        return {(r["file"], _squeeze(r["name"]), r["kind"], _squeeze(r["label"]),
                 float(r["value"]) if r["value"] else None, int(r["year"]) if r["year"] else None, _squeeze(r["unit"]))
                for r in csv.DictReader(fh, delimiter="\t")}
