"""Entities: rules for what plans are full of, GiNZA's NER mapped to coarse labels, dates.

Three sources, merged per text with the more trustworthy first when spans overlap:

1. ``dates``: 和暦/西暦 dates normalised by :mod:`keikaku.text.dates` (label DATE, with the year).
2. ``rule:<id>``: the patterns of ``data/entity_rules.jsonl`` (laws, plans, centres, councils,
   named events), regular expressions over the matching form of the text, like spaCy's
   EntityRuler patterns file.  ``{NAME}`` stands for a run of kanji, katakana, Latin letters,
   digits and ・, the characters names are made of, and of the hiragana that names contain
   (``data/name_kana.txt``: 子ども, 子育て, こども …; municipalities such as みどり野市);
   ``{PLACE}`` for a municipality written partly in hiragana.
3. ``ginza``: GiNZA's entities, fine ENE label kept, coarse label from ``data/ginza_labels.toml``.

Plan codes (み1-2, 2-3), bare ordinals and page numbers are never entities.
"""

from __future__ import annotations

import bisect
import json
import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Sequence

from ..errors import RulesError
from ..model.records import Entity
from ..segment.profile import nested_repeat
from ..text.dates import find_dates
from ..text.normalize import matchable
from .nlp import Morph, NerSpan

RULES_FILE = "data/entity_rules.jsonl"
LABELS_FILE = "data/ginza_labels.toml"
COARSE_LABELS = ("ORG", "FACILITY", "LOCATION", "LAW", "PLAN", "EVENT", "DATE", "PERSON", "PRODUCT", "QUANTITY",
                 "CONTACT", "MISC")
_EDGE = " \u3000、。・,.()（）「」『』【】[]［］"  # brackets and punctuation GiNZA leaves on span edges
NAME_KANA_FILE = "data/name_kana.txt"
_NAME_CHAR = r"[\u4e00-\u9fff\u3005\u3006\u30a1-\u30fa\u30fc\u30fbA-Za-z0-9]"
# A proper name written partly in hiragana (みどり野市, さいたま市, さくら台町, ひがし浦漁業協同組合): a
# run of hiragana that starts where a name can start (the start of the text, after punctuation,
# a space, a bracket, a particle, a verb (施行したひがし浦市) or the 期/次 of 第3期みどり野市…:
# 本市はみどり野市…, not した市),
# neither starts nor ends with a particle or a verb's ending (a name that starts with a particle's
# kana, にかほ市, is matched from its second kana and then widened to its word: word_start)…
_PARTICLES = "はがをにでとのもへや"
_KANA_START = rf"(?:(?<![\u3041-\u3096\u4e00-\u9fff\u3005\u30a1-\u30fa\u30fcA-Za-z0-9])|(?<=[{_PARTICLES}期次たるく]))"
# …and is followed by a kanji that place names end in (野, 台, 浦, 丘 …; 市, 町, 村 …), so that
# そのため行財政改革大綱 does not become a name.
_PLACE_KANJI = "野台浦丘原川山谷島沢里田浜崎岡坂見平森池瀬宮江根郷東西南北市町村区"
_VERB_ENDS = "てたるくいけ"  # において市, おける市, した市, なく市: the end of a verb, not of a name
_KANA_STEM = (rf"{_KANA_START}(?![{_PARTICLES}])[\u3041-\u3096]{{2,6}}(?<![{_PARTICLES}{_VERB_ENDS}])"
              rf"(?=[{_PLACE_KANJI}])")
_PLACE = rf"{_KANA_STEM}[\u4e00-\u9fff\u3005]{{0,3}}[市町村区]"  # such a stem ending in 市/町/村/区
_RULE_KEYS = {"id", "label", "pattern", "note", "min_length", "exclude"}
# A code, an ordinal or a page number: no letters of any script, or a short code like み1-2.
_NOT_A_NAME = re.compile(r"[\W\d_]*|(?:[^\W\d_]{1,2}\.?)?\s*\d+(?:\s*[-‐.]\s*\d+)*\s*[^\W\d_]?")


@dataclass(frozen=True)
class EntityRule:
    id: str
    label: str
    pattern: re.Pattern[str]
    min_length: int
    exclude: frozenset[str]


def _package_text(name: str) -> str:
    return resources.files("keikaku").joinpath(name).read_text(encoding="utf-8")


def parse_rules(text: str, source: str) -> tuple[EntityRule, ...]:
    """Validate and compile entity rules (JSON lines); errors name the file and the rule."""
    rules, seen = [], set()
    for no, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        where = f"line {no}"
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            raise RulesError(source, where, f"not valid JSON: {exc.msg}") from None
        if not isinstance(raw, dict):
            raise RulesError(source, where, "each line must be a JSON object")
        rid = raw.get("id")
        where = f"{where} ({rid})" if isinstance(rid, str) else where
        unknown = set(raw) - _RULE_KEYS
        if unknown:
            raise RulesError(source, where, f"unknown key(s) {', '.join(sorted(unknown))}")
        for key in ("id", "label", "pattern"):
            if not isinstance(raw.get(key), str) or not raw[key]:
                raise RulesError(source, where, f"needs a non-empty string {key!r}")
        if rid in seen:
            raise RulesError(source, where, "duplicate rule id")
        seen.add(rid)
        if raw["label"] not in COARSE_LABELS:
            raise RulesError(source, where, f"label must be one of {', '.join(COARSE_LABELS)}")
        try:
            pattern = re.compile(raw["pattern"].replace("{NAME}", name_pattern()).replace("{PLACE}", _PLACE))
        except re.error as exc:
            raise RulesError(source, where, f"bad pattern: {exc}") from None
        if nested_repeat(pattern.pattern):
            raise RulesError(source, where, "the pattern has a repetition inside another, which can take forever"
                                            " on some texts; make the inner one possessive (a++) or atomic ((?>…))")
        min_length = raw.get("min_length", 2)
        exclude = raw.get("exclude", [])
        if not isinstance(min_length, int) or not (isinstance(exclude, list) and all(isinstance(x, str) for x in exclude)):
            raise RulesError(source, where, "min_length must be an integer and exclude a list of strings")
        rules.append(EntityRule(str(rid), raw["label"], pattern, min_length, frozenset(exclude)))
    return tuple(rules)


def parse_label_map(text: str, source: str) -> tuple[dict[str, str], frozenset[str]]:
    """GiNZA fine label → coarse label, and the fine labels that are dropped."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RulesError(source, "file", f"not valid TOML: {exc}") from None
    mapping: dict[str, str] = {}
    for coarse, fines in data.get("coarse", {}).items():
        if coarse not in COARSE_LABELS:
            raise RulesError(source, f"coarse.{coarse}", f"must be one of {', '.join(COARSE_LABELS)}")
        for fine in fines:
            if fine in mapping:
                raise RulesError(source, f"coarse.{coarse}", f"{fine} is already mapped to {mapping[fine]}")
            mapping[fine] = coarse
    drop = frozenset(data.get("drop", []))
    both = drop & set(mapping)
    if both:
        raise RulesError(source, "drop", f"labels both dropped and mapped: {', '.join(sorted(both))}")
    return mapping, drop


@cache
def shipped_rules() -> tuple[EntityRule, ...]:
    return parse_rules(_package_text(RULES_FILE), RULES_FILE)


@cache
def name_pattern() -> str:
    """What ``{NAME}`` stands for: 2 to 40 name characters (kanji, katakana, Latin letters, digits,
    ・), hiragana words of ``data/name_kana.txt`` and hiragana stems of proper names (みどり野)."""
    words = []
    for line in _package_text(NAME_KANA_FILE).splitlines():
        word = line.split("#", 1)[0].strip()
        if word:
            words.append(re.escape(word))
    kana = "|".join(sorted(words, key=len, reverse=True))
    return rf"(?:{_KANA_STEM}|{kana}|{_NAME_CHAR}){{2,40}}" if kana else rf"(?:{_KANA_STEM}|{_NAME_CHAR}){{2,40}}"


@cache
def shipped_label_map() -> tuple[dict[str, str], frozenset[str]]:
    return parse_label_map(_package_text(LABELS_FILE), LABELS_FILE)


def is_name(text: str) -> bool:
    """False for plan codes, bare ordinals and page numbers (み1-2, 2-3, 1, ⑤)."""
    return not _NOT_A_NAME.fullmatch(unicodedata.normalize("NFKC", text).strip())  # NFKC: ⑤ → 5


# GiNZA's spans that are not names whatever their label: a verb or adjective form (学びあう as
# LOCATION) and a count or rate (不登校児童・生徒数 as ORG).
_NOT_NAME_POS = ("動詞", "助動詞", "形容詞")
_GRAMMAR_POS = ("助詞", "助動詞")  # particles and auxiliaries: words a name never starts inside
MEASURE_ENDINGS = ("数", "率", "割合")
# Where a plan says "here" or "outside": GiNZA tags them as places.
NOT_NAMES = frozenset({"本市", "本町", "本村", "当市", "県外", "市外", "町外", "村外", "県内", "市内", "町内", "村内",
                       "国内", "海外", "圏外", "域外"})


def word_start(text: str, start: int, morphs: Sequence[Morph], morph_ends: list[int]) -> int:
    """Where a rule's span that starts with hiragana really starts: a name begins with a word.
    A hiragana stem may not begin with the kana of a particle (の of 本市のみどり野市), so a name
    that does (にかほ市, ときがわ町, のぞみ市) is matched from its second kana; when that kana is
    inside a word of the tokenizer that is not a particle or an auxiliary, the name starts where
    the word does.  ``morph_ends`` are the ends of ``morphs``, for bisecting."""
    if not morphs or not "\u3041" <= text[start] <= "\u3096":
        return start
    i = bisect.bisect_right(morph_ends, start)  # the morpheme that holds text[start]
    if i == len(morphs) or morphs[i].start >= start or morphs[i].pos.startswith(_GRAMMAR_POS):
        return start
    head = text[morphs[i].start:start]
    return morphs[i].start if all("\u3041" <= c <= "\u3096" for c in head) else start


def find_entities(text: str, ner: list[NerSpan], morphs: Sequence[Morph] = ()) -> list[Entity]:
    """Entities of one text, in order, without overlaps; offsets index ``text`` (``field`` is
    left empty: the caller knows where the text is).  ``morphs`` (the
    text's morphemes) let GiNZA's verb forms be told from names."""
    candidates: list[tuple[int, Entity]] = []  # (priority, entity); lower wins
    m_text = matchable(text)
    for d in find_dates(text, m_text):
        candidates.append((0, Entity(field="", start=d.start, end=d.end, text=d.text, label="DATE", fine_label=None,
                                     source="dates", year=d.year, year_end=d.year_end, month=d.month, day=d.day,
                                     fiscal=d.fiscal, era=d.era, approximate=d.approximate)))
    morph_ends = [m.end for m in morphs]
    for rule in shipped_rules():
        for m in rule.pattern.finditer(m_text.text):
            a, b = m_text.source_slice(*m.span())
            a = word_start(text, a, morphs, morph_ends)
            surface = text[a:b]
            if len(m.group(0)) < rule.min_length or m.group(0) in rule.exclude:
                continue
            candidates.append((1, Entity(field="", start=a, end=b, text=surface, label=rule.label, fine_label=None,
                                         source=f"rule:{rule.id}")))
    mapping, drop = shipped_label_map()
    for e in ner:
        start, end = e.start, e.end
        while start < end and text[start] in _EDGE:
            start += 1
        while end > start and text[end - 1] in _EDGE:
            end -= 1
        surface = text[start:end]
        if e.label in drop or start == end or surface.endswith(MEASURE_ENDINGS) or surface in NOT_NAMES:
            continue
        if all("\u3041" <= c <= "\u3096" for c in surface):
            continue  # hiragana alone (くらし, みどり): a word, or a piece of a name GiNZA cut
        if start and "\u3041" <= text[start - 1] <= "\u3096" and text[start - 1] not in _PARTICLES \
                and surface[0] in _PLACE_KANJI[:-8]:
            continue  # starts inside a name written partly in hiragana: ひがし|浦市 read as a person
        last = bisect.bisect_left(morph_ends, end)  # the morpheme the span ends in
        if last < len(morphs) and morphs[last].start < end and morphs[last].pos.startswith(_NOT_NAME_POS):
            continue
        candidates.append((2, Entity(field="", start=start, end=end, text=text[start:end],
                                     label=mapping.get(e.label, "MISC"), fine_label=e.label, source="ginza")))
    chosen: list[Entity] = []
    starts: list[int] = []  # the chosen spans, which never overlap, sorted by start
    ends: list[int] = []
    for _, ent in sorted(candidates, key=lambda pe: (pe[0], -(pe[1].end - pe[1].start), pe[1].start)):
        if not is_name(ent.text) and ent.label != "DATE":
            continue
        i = bisect.bisect_left(starts, ent.start)
        if (i > 0 and ends[i - 1] > ent.start) or (i < len(starts) and starts[i] < ent.end):
            continue  # overlaps a span already chosen
        starts.insert(i, ent.start)
        ends.insert(i, ent.end)
        chosen.append(ent)
    return sorted(chosen, key=lambda e: (e.start, e.end))
