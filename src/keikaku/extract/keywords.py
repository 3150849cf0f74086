"""Keywords: noun-phrase terms from Sudachi morphemes, chosen to cover what a unit is about.

Terms.  A term is a maximal run of adjacent nouns, noun prefixes and noun suffixes in split
mode C (地域 + コミュニティ + 活動 → 地域コミュニティ活動), continued across の and ・ between
nouns (公共施設の適正配置, ボランティア・市民活動): plans name their policies as such phrases.
Its identity is the Sudachi normalised form, so spelling variants merge; the most frequent
surface is shown.  Administrative boilerplate (``data/stopterms.txt``) never stands alone as a
term and is cut where a phrase ends in it after の (…のまちづくりの推進 → …のまちづくり), but
stays inside compounds (人材育成 is a policy term, 育成 alone is not).  What is never a keyword
(structure words, fragments, generic words alone) is data: ``data/keyword_rules.toml``.  No term
spans a line break of the source (``breaks``): a heading glued to the next line is two things.

Scores.  Each noun of a node's narrative (its own text and its descendants') is weighted
TF-IDF: (1 + log count in the node) × IDF over the units of its document, so words that every
unit of the plan uses sink (per document, so that a plan's keywords do not change when other
plans join a run, and a re-run can skip unchanged plans exactly).  Terms are then picked greedily by the summed weight of their nouns,
divided by √(number of nouns); once a noun is covered its weight drops to a fifth, so the list
moves on to other topics instead of repeating one (男女平等参画社会, 男女平等参画 …).  The score
of a term is its weight when it was picked.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Iterable, Iterator, Sequence

from ..errors import RulesError
from ..model.records import Keyword
from .indicators.vocabulary import NAME_WORDS, ROLE_WORDS
from .nlp import Morph

STOPTERMS_FILE = "data/stopterms.txt"
RULES_FILE = "data/keyword_rules.toml"
TOP_K = 20  # keywords kept per node
COUNTERS = frozenset({"年度", "年", "月", "日", "年代", "世紀", "次"})  # counters Sudachi tags otherwise
MAX_TERM_CHARS = 40  # longer runs are lists or broken text (a table flattened into one line), not terms
GLUE = frozenset({"の", "・"})  # joins two noun runs into one phrase
COVERED_WEIGHT = 0.2  # weight left to a noun once a picked term covers it
LENGTH_EXPONENT = 0.5  # a term's weight is divided by (number of nouns) ** this


@dataclass(frozen=True, slots=True)
class Term:
    key: str  # normalised form: the identity of the term
    surface: str  # as written
    nouns: tuple[str, ...]  # normalised forms of its nouns, for scoring


@cache
def stopterms() -> frozenset[str]:
    """The shipped stop-term list, read and checked once."""
    text = resources.files("keikaku").joinpath(STOPTERMS_FILE).read_text(encoding="utf-8")
    terms = set()
    for no, line in enumerate(text.splitlines(), start=1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        if any(c.isspace() for c in line):
            raise RulesError(STOPTERMS_FILE, f"line {no}", f"one term per line, got {line!r}")
        terms.add(line)
    return frozenset(terms)


@dataclass(frozen=True)
class KeywordRules:
    """What is never a keyword (``data/keyword_rules.toml``): structure words, the shapes of
    fragments, departments and time words are never terms; time words and possessives (本市の) are
    cut from the start of a term; words that say nothing alone are counted but never shown alone."""

    structure: frozenset[str]
    alone: frozenset[str]
    hiragana_max: int
    endings: tuple[str, ...]
    leading: frozenset[str]
    organisations: tuple[str, ...] = ()
    not_organisations: tuple[str, ...] = ()
    time: frozenset[str] = frozenset()
    possessives: frozenset[str] = frozenset()

    def rejects(self, surface: str) -> bool:
        """Whether a term, as written, is structure, a fragment, a department or a time word
        (never a term at all)."""
        return (surface in self.structure or surface.endswith(self.endings) or surface in self.time
                or self.is_organisation(surface)
                or (len(surface) <= self.hiragana_max and all("ぁ" <= c <= "ゖ" for c in surface)))

    def is_organisation(self, surface: str) -> bool:
        """A department's name (健康福祉課), not a word that only ends like one (料理教室, 人間関係)."""
        return surface.endswith(self.organisations) and not surface.endswith(self.not_organisations)

    def qualifier_prefix(self, run: list[Morph]) -> int:
        """How many morphemes at the start of ``run`` say when or whose (時点の, 年度末, 本市の,
        健康福祉課の), not what, with the の after them."""
        for i, m in enumerate(run[1:-1], start=1):  # 防災危機管理課の職員 → 職員
            if m.surface == "の":
                if self.is_organisation("".join(x.surface for x in run[:i])):
                    return i + 1
                break
        k = 0
        while k < len(run):
            if run[k].surface in self.time:
                k += 1
                continue
            two = run[k].surface + run[k + 1].surface if k + 1 < len(run) else ""
            if two in self.possessives and run[k].pos.startswith("接頭辞"):  # 本 + 県: with or without の
                k += 2
            elif run[k].surface in self.possessives and k + 1 < len(run) and run[k + 1].surface == "の":
                k += 1
            else:
                break
            if k < len(run) and run[k].surface == "の":
                k += 1
        return k

    def structure_prefix(self, run: list[Morph]) -> int:
        """How many morphemes at the start of ``run`` spell a structure word (0 if none)."""
        text = ""
        for k, m in enumerate(run[:-1], start=1):
            text += m.surface
            if text in self.structure:
                return k
        return 0


@cache
def keyword_rules() -> KeywordRules:
    """The shipped rules, read and checked once."""
    return parse_keyword_rules(resources.files("keikaku").joinpath(RULES_FILE).read_text(encoding="utf-8"))


def parse_keyword_rules(text: str, source: str = RULES_FILE) -> KeywordRules:
    """Rules from the text of a rules file; an error names the file and the key."""
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RulesError(source, "file", f"not valid TOML: {exc}") from None

    def words(table: str, key: str) -> list[str]:
        value = data.get(table, {}).get(key)
        if not isinstance(value, list) or not all(isinstance(w, str) and w and not w.isspace() for w in value):
            raise RulesError(source, f"{table}.{key}", "must be a list of words")
        return value

    hiragana_max = data.get("fragments", {}).get("hiragana_max")
    if not isinstance(hiragana_max, int) or isinstance(hiragana_max, bool) or hiragana_max < 0:
        raise RulesError(source, "fragments.hiragana_max", "must be a whole number")
    columns = {w for w in NAME_WORDS} | {w for ws in ROLE_WORDS.values() for w in ws}
    return KeywordRules(frozenset(words("structure", "words")) | columns, frozenset(words("alone", "words")),
                        hiragana_max, tuple(words("fragments", "endings")), frozenset(words("fragments", "leading")),
                        tuple(words("organisations", "endings")), tuple(words("organisations", "not")),
                        frozenset(words("time", "words")), frozenset(words("possessives", "words")))


def _is_noun(m: Morph) -> bool:
    # 数詞 would glue years and counts onto terms (2024年度目標); 副詞可能 nouns (ため, 今後) never
    # name a topic.  Pronouns are their own part of speech in Sudachi.
    return m.pos.startswith("名詞") and not m.pos.startswith(("名詞-数詞", "名詞-普通名詞-副詞可能"))


def _continues(m: Morph) -> bool:
    # 形状詞 join when a noun follows (適正配置, 有効活用); a trailing one is trimmed.
    return _is_noun(m) or m.pos.startswith(("接尾辞-名詞的", "形状詞"))


def _runs(morphs: Sequence[Morph], breaks: frozenset[int] = frozenset()) -> Iterator[list[Morph]]:
    """Maximal noun phrases: adjacent nouns/affixes, bridged by one glue morpheme between nouns;
    never across a line break (``breaks``: a title glued to the next line is two things)."""
    run: list[Morph] = []
    glue: Morph | None = None
    previous: Morph | None = None
    for m in morphs:
        # A counter after a number (3年間, 10か所, 2024年度, 第 3 次: PDF text may hold a space).
        after_number = previous is not None and m.start - previous.end <= 1 and previous.pos.startswith("名詞-数詞")
        previous = m
        if after_number and (m.pos.startswith(("名詞-普通名詞-助数詞可能", "接尾辞")) or m.surface in COUNTERS):
            m = Morph(m.surface, "助数詞", m.norm, m.start, m.end)  # 3年間, 10か所: a counter, not a topic
        last = glue or (run[-1] if run else None)
        if m.start in breaks:
            last = glue = None
        elif breaks and any(m.start < b < m.end for b in breaks):
            # The tokenizer read across the break (受講者数 | 人 → 受講者 + 数人): the phrase ends before it.
            if run:
                yield run
            run, glue, previous = [], None, None
            continue
        if last is not None and last.end == m.start and _continues(m) and (glue is None or _is_noun(m) or m.pos.startswith("形状詞")):
            if glue is not None:
                run.append(glue)
                glue = None
            run.append(m)
            continue
        if run and glue is None and m.surface in GLUE and run[-1].end == m.start and m.start not in breaks:
            glue = m
            continue
        glue = None
        if run:
            yield run
        run = [m] if (_is_noun(m) or m.pos.startswith(("接頭辞", "形状詞"))) else []
    if run:
        yield run


def _trim(run: list[Morph], stop: frozenset[str]) -> list[Morph]:
    def is_stop(m: Morph) -> bool:
        return m.surface in stop or m.norm in stop

    while run and (run[0].pos.startswith("接尾辞") or run[0].surface in GLUE):
        run = run[1:]
    while run and (run[-1].pos.startswith(("接頭辞", "形状詞")) or run[-1].surface in GLUE):
        run = run[:-1]
    # Cut boilerplate heads of phrases: "…のまちづくりの推進" → "…のまちづくり".
    while len(run) > 2 and run[-2].surface in GLUE and is_stop(run[-1]):
        run = run[:-2]
    while len(run) > 2 and run[1].surface in GLUE and is_stop(run[0]):
        run = run[2:]
    return run


def extract_terms(morphs: Sequence[Morph], stop: frozenset[str] | None = None,
                  breaks: frozenset[int] = frozenset()) -> list[Term]:
    """The terms of one text in order of appearance (with repeats, for counting); ``breaks``
    are the offsets where source lines were joined."""
    stop = stopterms() if stop is None else stop
    rules = keyword_rules()
    found = []
    for run in _runs(morphs, breaks):
        while run and run[0].surface in rules.leading:  # よう工夫: a fragment's formal noun
            run = run[1:]
        k = rules.structure_prefix(run)  # 施策概要漁港施設: a label glued to the text after it
        if k:
            run = run[k:]
        run = run[rules.qualifier_prefix(run):]  # 時点の人口, 本市の人口 → 人口
        run = _trim(run, stop)
        nouns = [m for m in run if m.surface not in GLUE]
        if not nouns or all(m.surface in stop or m.norm in stop or not _is_noun(m) for m in nouns):
            continue
        surface = "".join(m.surface for m in run)
        if not 2 <= len(surface) <= MAX_TERM_CHARS or (surface.isascii() and not surface.isalpha()) \
                or rules.rejects(surface):
            continue
        found.append(Term("".join(m.norm for m in run), surface, tuple(m.norm for m in nouns)))
    return found


@dataclass
class TermCounts:
    """Term occurrences in one unit (or a subtree), with the surface forms seen for each key."""

    counts: Counter[str] = field(default_factory=Counter)
    surfaces: dict[str, Counter[str]] = field(default_factory=dict)
    nouns: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def of(cls, terms: Iterable[Term]) -> "TermCounts":
        tc = cls()
        tc.add_terms(terms)
        return tc

    def add_terms(self, terms: Iterable[Term]) -> None:
        for t in terms:
            self.counts[t.key] += 1
            self.surfaces.setdefault(t.key, Counter())[t.surface] += 1
            self.nouns[t.key] = t.nouns

    def add(self, other: "TermCounts") -> None:
        self.counts.update(other.counts)
        for key, sf in other.surfaces.items():
            self.surfaces.setdefault(key, Counter()).update(sf)
        self.nouns.update(other.nouns)

    def noun_counts(self) -> Counter[str]:
        nc: Counter[str] = Counter()
        for key, count in self.counts.items():
            for noun in self.nouns[key]:
                nc[noun] += count
        return nc


def noun_idf(units: Iterable[TermCounts]) -> dict[str, float]:
    """Smoothed IDF of each noun over the units (the nodes of one document)."""
    df: Counter[str] = Counter()
    n = 0
    for tc in units:
        n += 1
        df.update({noun for nouns in tc.nouns.values() for noun in nouns})
    return {noun: math.log((n + 1) / (d + 1)) + 1.0 for noun, d in df.items()}


def rank(tc: TermCounts, idf: dict[str, float], top_k: int = TOP_K) -> list[Keyword]:
    """A node's keywords, best first (see the module doc).

    Greedy selection with lazy re-scoring: a term's score only falls as its nouns get covered,
    so a stale score is an upper bound and only the best candidate needs re-scoring.
    """
    alone = keyword_rules().alone
    default_idf = max(idf.values(), default=1.0)
    weight = {noun: (1 + math.log(c)) * idf.get(noun, default_idf) for noun, c in tc.noun_counts().items()}
    nouns_of = {key: tuple(dict.fromkeys(nouns)) for key, nouns in tc.nouns.items()}
    covered: Counter[str] = Counter()

    def score(key: str) -> float:
        nouns = nouns_of[key]
        return sum(weight[n] * COVERED_WEIGHT ** covered[n] for n in nouns) / len(nouns) ** LENGTH_EXPONENT

    heap = [(-score(key), key) for key in nouns_of]
    heapq.heapify(heap)  # ties break on the key: the same order every run
    picked: list[Keyword] = []
    while heap and len(picked) < top_k:
        stale, key = heapq.heappop(heap)
        fresh = score(key)
        if heap and -fresh > heap[0][0]:  # another candidate may now be better: re-queue
            heapq.heappush(heap, (-fresh, key))
            continue
        surfaces = tc.surfaces[key]
        surface = max(sorted(surfaces), key=lambda s: surfaces[s])
        if surface in alone:  # counted (its nouns weigh on the others' scores) but never shown alone
            continue
        picked.append(Keyword(term=surface, normalized=key, score=round(fresh, 4), count=tc.counts[key]))
        covered.update(nouns_of[key])
    return picked
