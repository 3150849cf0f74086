"""Profiles: a plan format's markers as data (TOML), validated and compiled once at load.

A profile is one of three things:

* a **vocabulary** (``generic.toml``): numbering *styles* (1, (1), ①, ア …), level *labels*
  (第N章, 基本目標N, 施策N-N …), section names, counters, furniture; the outline of each document
  is inferred from which of these markers it uses and in what order (:mod:`keikaku.segment`);
* an **outline** (``[[outline]]``, what ``keikaku profile infer`` writes): the generic vocabulary
  with the order of levels pinned, for a known format;
* a **pinned format** (``[[levels]]``, the shipped city profiles): a regular expression, a kind
  and a rank per level, matched line by line.

All of them may name *sections*, *bullet* markers, *contents* headers, page *furniture* and
*table* rules.  Patterns are matched against the matching form of each line (see
:mod:`keikaku.text.normalize`).  Every error names the file and the rule.  The shipped profiles live
in ``keikaku/profiles/``; ``keikaku profiles`` lists them.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import PatternLimitError, ProfileError
from ..model.tree import NodeKind

_GROUPS = {"code", "num", "title", "subtitle", "label", "text"}
_NUMBERS = {"arabic", "roman", "roman_lower", "kanji", "circled", "kana", "iroha", "latin", "LATIN", "roman_cp932"}
_LABEL_FORMS = {"prefix", "dai"}
_TITLE_MODES = {"inline", "next", "inline-or-next"}
_TABLE_MODES = {"refs", "tree"}


@dataclass(frozen=True)
class Level:
    name: str
    kind: NodeKind
    rank: int
    pattern: re.Pattern[str]
    code: str | None  # format string over the groups, e.g. "み{num}"; None: the compacted `code` group
    title: str
    title_pattern: re.Pattern[str] | None
    label_line: re.Pattern[str] | None
    table_only: bool
    max_title: int


@dataclass(frozen=True)
class Style:
    """A numbering style: a marker that is a number alone, ``(1)`` or ``ア.``; ``pattern`` matches
    it at the start of a line (group ``num``), ``number`` says how to read the number."""

    name: str
    pattern: re.Pattern[str]
    number: str
    minor: bool
    order: int


@dataclass(frozen=True)
class Label:
    """A level word: before a number (``form="prefix"``: 基本目標1, 施策2-1) or after 第N
    (``form="dai"``: 第2章)."""

    word: str
    form: str
    kind: NodeKind
    order: int
    compound: bool


@dataclass(frozen=True)
class OutlineLevel:
    """One pinned level of an outline profile: a style key as ``keikaku inspect`` prints it
    (``基本目標#``, ``(1)``, ``#-#-#``), its kind, and its depth (1 = outermost)."""

    style: str
    kind: NodeKind
    depth: int


@dataclass(frozen=True)
class SectionRule:
    name: str
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class TableRule:
    name: str
    header: re.Pattern[str]
    mode: str
    node_level: Level
    child_level: Level | None
    child_split: str | None
    ref_pattern: re.Pattern[str] | None
    page_pattern: re.Pattern[str] | None


@dataclass(frozen=True)
class ContentsWeights:
    """How a contents list is read (:mod:`keikaku.segment.toc`): the score of each thing a reading
    can make of a token.  The reading with the highest total wins.  Shipped in ``[contents]`` of
    ``profiles/generic.toml``; these defaults are the same numbers."""

    titled: float = 3.0  # a title with a code (written before it, or displaced in a run of codes)
    uncoded: float = -0.5  # a title without a code
    untitled: float = -2.0  # a code that never gets a title
    bare_next: float = 2.0  # a bare number as a code, one more than the bare code before
    bare_first: float = 1.5  # the first bare code, 1
    bare_restart: float = 1.0  # 1 again after other codes (a new chapter's sections)
    bare_repeat: float = -1.0  # 1 again with no other code between
    bare_gap: float = -3.0  # a bare code out of sequence
    code_next: float = 1.0  # a code that continues its style's sequence (or starts it)
    code_gap: float = -1.0  # a code out of sequence (an excerpt may skip)
    code_after_leader: float = -1.0  # a number after a leader read as the next entry's code
    code_before_title: float = 0.5  # a code read with the title right after it (not a displaced one)
    page_next: float = 1.0  # a page number not lower than the one before
    page_back: float = -2.0  # a page number lower than the one before
    page_after_leader: float = 1.0  # a page number after a leader
    page_ends_row: float = 2.0  # a page number at the end of a row that holds its title
    page_like_code: float = -2.0  # a page number that would be the next bare code, before a title
    noise: float = -1.5  # a number that is neither a page number nor a code
    noise_in_run: float = -0.5  # … right after another such number not higher (page numbers printed together)
    left_in_queue: float = -2.0  # a displaced code that no title took
    join_same_line: float = 1.0  # a space inside a title on one line (run-on text)
    join_next_line: float = -1.0  # a title continued on the next line
    join_wrap_end: float = 2.0  # … when the part before ends mid-phrase (…の, …、)
    join_subtitle: float = 3.0  # … when the part after is a subtitle between dashes (-…-)


@dataclass(frozen=True)
class ConfidenceWeights:
    """How an outline's confidence is reckoned (:func:`keikaku.segment.structure.confidence`):
    each factor multiplies a confidence of 1.  Shipped in ``[confidence]`` of
    ``profiles/generic.toml``; these defaults are the same numbers."""

    text_floor: float = 0.4  # confidence with none of the text under a heading (all of it: 1)
    marker_floor: float = 0.5  # … with none of the markers explained (all of them: 1)
    contents_only: float = 0.9  # the outline comes from a contents list alone
    moved_codes: float = 0.93  # codes printed apart from their titles were matched to them
    lone: float = 0.97  # per heading that no sequence supports (accepted by its form)
    lone_floor: float = 0.8
    gap: float = 0.93  # per gap in a numbering
    gap_floor: float = 0.7
    part_names: float = 0.95  # part names without a code were found above restarted numberings
    loose: float = 0.95  # per short line standing alone before text, like a heading, not in the outline …
    loose_floor: float = 0.7  # … down to this
    unclosed: float = 0.9  # per unit title with a bracket it does not close (「くらし), cut by extraction …
    unclosed_floor: float = 0.6  # … down to this
    min_text: int = 500  # characters of text below which the share under a heading is not weighed


@dataclass(frozen=True)
class Profile:
    name: str
    description: str
    source: str
    detect: tuple[re.Pattern[str], ...]
    levels: tuple[Level, ...]
    sections: tuple[SectionRule, ...]
    contents_headers: tuple[re.Pattern[str], ...]
    bullet_markers: str
    list_prefix: re.Pattern[str]
    furniture: tuple[re.Pattern[str], ...]
    tables: tuple[TableRule, ...]
    line_levels: tuple[Level, ...] = field(default=())  # levels matched on plain lines
    # Section names whose items are the plan's own keywords (001's 施策推進のためのキーワード):
    # kept as declared_keywords and never used as input for extracted keywords.
    declared_keywords: tuple[re.Pattern[str], ...] = field(default=())
    # The vocabulary of inference (generic.toml); other profiles borrow the generic one.
    styles: tuple[Style, ...] = field(default=())
    labels: tuple[Label, ...] = field(default=())
    counters: tuple[str, ...] = field(default=())
    section_names: frozenset[str] = field(default=frozenset())
    value_sections: frozenset[str] = field(default=frozenset())
    outline: tuple[OutlineLevel, ...] = field(default=())
    # How contents lists are read and the outline's confidence reckoned (None: the generic
    # vocabulary's); contents entries without a code that never head others (はじめに, 資料編).
    contents: ContentsWeights | None = None
    contents_leaves: tuple[re.Pattern[str], ...] = field(default=())
    # Lines that name a part by their own word (基本構想編, <計画編>): parts without a code.
    part_names: tuple[re.Pattern[str], ...] = field(default=())
    confidence: ConfidenceWeights | None = None

    @property
    def pinned(self) -> bool:
        """True for a profile whose levels are regular expressions matched line by line."""
        return bool(self.line_levels)

    def level(self, name: str) -> Level:
        for lv in self.levels:
            if lv.name == name:
                return lv
        raise KeyError(name)


class _Reader:
    """Reads one TOML table, remembering which keys were used so that typos are reported."""

    def __init__(self, source: str, rule: str, data: Any, guarded: bool = False) -> None:
        if not isinstance(data, dict):
            raise ProfileError(source, rule, "must be a table")
        self.source, self.rule, self.data = source, rule, data
        self.used: set[str] = set()
        self.guarded = guarded

    def get(self, key: str, kind: type | tuple[type, ...], default: Any = ..., rule: str | None = None) -> Any:
        self.used.add(key)
        if key not in self.data:
            if default is ...:
                raise ProfileError(self.source, rule or self.rule, f"missing key {key!r}")
            return default
        value = self.data[key]
        numeric = kind is int or isinstance(kind, tuple) and int in kind
        if not isinstance(value, kind) or (numeric and isinstance(value, bool)):
            raise ProfileError(self.source, f"{self.rule}.{key}", f"must be of type {_typename(kind)}")
        return value

    def regex(self, key: str, default: Any = ..., groups: set[str] | None = None) -> re.Pattern[str] | None:
        text = self.get(key, str, default)
        if text is None:
            return None
        return compile_pattern(self.source, f"{self.rule}.{key}", text, groups, self.guarded)

    def required_regex(self, key: str, default: Any = ..., groups: set[str] | None = None) -> re.Pattern[str]:
        """A pattern that must be there (or has a default pattern)."""
        return compile_pattern(self.source, f"{self.rule}.{key}", self.get(key, str, default), groups, self.guarded)

    def regexes(self, key: str) -> tuple[re.Pattern[str], ...]:
        texts = self.get(key, list, [])
        return tuple(compile_pattern(self.source, f"{self.rule}.{key}[{i}]", _str(self.source, f"{self.rule}.{key}[{i}]", t),
                                     None, self.guarded)
                     for i, t in enumerate(texts))

    def finish(self) -> None:
        unknown = sorted(set(self.data) - self.used)
        if unknown:
            raise ProfileError(self.source, self.rule, f"unknown key(s) {', '.join(unknown)}")


def _typename(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join({str: "string", int: "integer", bool: "boolean", list: "array", dict: "table"}.get(k, k.__name__)
                       for k in kinds)


def _str(source: str, rule: str, value: Any) -> str:
    if not isinstance(value, str):
        raise ProfileError(source, rule, "must be a string")
    return value


PATTERN_SECONDS = 1.0  # the most CPU time one match of a user's pattern may take on one text


class GuardedPattern:
    """A pattern from a user's profile file, matched with a limit (the ``regex`` package's per-call
    timeout, which counts the CPU time of this process, not the time on the clock: a loaded
    machine does not make a match fail) so that no profile can hang a run, whatever backtracking
    the check at load (:func:`nested_repeat`) cannot see: back-references to repetitions
    (``^(\\d*)(\\d*)\\2\\1-$``), or repetitions side by side.  A match over the limit raises
    :class:`~keikaku.errors.PatternLimitError`; segmentation adds the input's file and line, and
    only that input fails.  It answers like a compiled ``re`` pattern."""

    def __init__(self, source: str, rule: str, text: str) -> None:
        import regex

        self.source, self.rule, self.pattern = source, rule, text
        self._rx = regex.compile(text, regex.VERSION0)
        self.groupindex = self._rx.groupindex
        self.flags = self._rx.flags

    def _over(self, string: str) -> PatternLimitError:
        return PatternLimitError(self.source, self.rule, self.pattern, string, PATTERN_SECONDS)

    def match(self, string: str, pos: int = 0) -> Any:
        try:
            return self._rx.match(string, pos, timeout=PATTERN_SECONDS)
        except TimeoutError:
            raise self._over(string) from None

    def search(self, string: str, pos: int = 0) -> Any:
        try:
            return self._rx.search(string, pos, timeout=PATTERN_SECONDS)
        except TimeoutError:
            raise self._over(string) from None

    def fullmatch(self, string: str, pos: int = 0) -> Any:
        try:
            return self._rx.fullmatch(string, pos, timeout=PATTERN_SECONDS)
        except TimeoutError:
            raise self._over(string) from None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, GuardedPattern) and other.pattern == self.pattern

    def __hash__(self) -> int:
        return hash(("guarded", self.pattern))

    def __repr__(self) -> str:
        return f"GuardedPattern({self.pattern!r})"


class AnyOf:
    """Several patterns of a user's profile (``furniture = [...]``) matched one after the other:
    the first that matches answers, as their alternation would, and a pattern over its limit is
    named by its own rule.  They are not joined into one pattern: group numbers would shift under
    a back-reference (``\\1`` of the second pattern would name the first one's group)."""

    def __init__(self, patterns: tuple[Any, ...]) -> None:
        self.patterns = patterns
        self.pattern = "|".join(f"(?:{p.pattern})" for p in patterns)

    def match(self, string: str, pos: int = 0) -> Any:
        for p in self.patterns:
            m = p.match(string, pos)
            if m:
                return m
        return None

    def fullmatch(self, string: str, pos: int = 0) -> Any:
        for p in self.patterns:
            m = p.fullmatch(string, pos)
            if m:
                return m
        return None

    def search(self, string: str, pos: int = 0) -> Any:
        found = [m for p in self.patterns if (m := p.search(string, pos))]
        return min(found, key=lambda m: m.start()) if found else None


def compile_pattern(source: str, rule: str, text: str, groups: set[str] | None = None,
                    guarded: bool = False) -> Any:
    """Compile a profile regex; errors name the file and the rule.  ``guarded``: a user's file,
    matched with a time limit (:class:`GuardedPattern`)."""
    try:
        pattern: Any = re.compile(text)
    except re.error as exc:
        raise ProfileError(source, rule, f"invalid regular expression {text!r}: {exc}") from exc
    nested = nested_repeat(text)
    if nested:
        raise ProfileError(source, rule, f"pattern {text!r} has {nested}: on some lines it can take forever"
                                         " (catastrophic backtracking); make the inner repetition possessive"
                                         " (a++, [^、]*+) or atomic ((?>…)), or write it without nesting")
    if groups is not None:
        extra = set(pattern.groupindex) - groups
        if extra:
            raise ProfileError(source, rule, f"unknown named group(s) {', '.join(sorted(extra))};"
                                             f" use {', '.join(sorted(groups))}")
    return GuardedPattern(source, rule, text) if guarded else pattern


def nested_repeat(text: str) -> str | None:
    """The shape behind catastrophic backtracking, read from Python's own regex parser, or None:
    a repetition inside a repetition, one of them unbounded, as (a+)+, (a{1,20})+ or (a+){1,20};
    or, under an unbounded repetition, alternatives that can match the same text, so that a text
    splits into repetitions in exponentially many ways: (a|aa)+, (あ|あ)+, (?:第|第一)+.
    Possessive (a++) and atomic ((?>a+)) forms cannot backtrack and pass.  It cannot see every
    slow pattern: back-references to repetitions (^(\\d*)(\\d*)\\2\\1$) and long chains of
    repetitions side by side still pass, and run under the limit of :class:`GuardedPattern`."""
    import re._parser as parser  # the parser behind re.compile; private but stable across 3.11+

    unbounded = parser.MAXREPEAT

    def repeats(items: Any, outer: int, follow: _Starts | None) -> str | None:
        """``outer``: the largest count of the repetitions around ``items`` (1: none);
        ``follow``: what may start right after ``items`` inside the innermost unbounded one."""
        for k, (op, av) in enumerate(items):
            found = None
            if op in (parser.MAX_REPEAT, parser.MIN_REPEAT):
                lo, hi, sub = av
                # Both bounded ({0,2} around {2,40}) costs at most their product: allowed.
                if hi > 1 and outer > 1 and unbounded in (hi, outer):
                    return "a repetition inside another"
                # inside an unbounded repetition, the next round may follow the body
                found = repeats(sub, max(outer, hi), _first(sub)[0] if hi == unbounded else None)
            elif op is parser.SUBPATTERN:
                found = repeats(av[-1], outer, _after(items[k + 1:], follow))
            elif op is parser.BRANCH:
                if outer == unbounded and _ambiguous(av[1], _after(items[k + 1:], follow)):
                    return "alternatives that can match the same text under a repetition"
                found = next((f for branch in av[1] if (f := repeats(branch, outer, None))), None)
            elif op in (parser.ASSERT, parser.ASSERT_NOT):
                found = repeats(av[1], outer, None)
            if found:  # POSSESSIVE_REPEAT and ATOMIC_GROUP never backtrack: not searched
                return found
        return None

    return repeats(parser.parse(text), 1, None)


# Characters tried when two alternatives' first characters are compared (besides those the
# alternatives name): one of each kind a plan's text and a pattern's classes are made of.
_PROBES = " \t\u30000159aAzZ_-.,:;()[]【】・、。あいアイ亜第章①■一"


def _after(items: Any, follow: _Starts | None) -> _Starts | None:
    """What may start right after a position: ``items``, and ``follow`` when they can match nothing."""
    first, empty = _first(items)
    if not empty:
        return first
    return _union([first, follow]) if follow is not None else (first if items else None)


def _ambiguous(branches: list[Any], following: _Starts | None) -> bool:
    """Alternatives under an unbounded repetition that can match the same text: two that may
    start with the same character, or two that may match nothing, or one that may match nothing
    while another starts with what follows (the factored a(?:|a) of (a|aa))."""
    firsts = [_first(b) for b in branches]
    empty = [f for f in firsts if f[1]]
    if len(empty) >= 2:
        return True
    tests = [f[0] for f in firsts]
    if empty and following is not None:
        tests.append(following)
    probes = set(_PROBES)
    for t in tests:
        probes |= t.chars
    return any(sum(1 for t in tests if t(ch)) >= 2 for ch in probes)


class _Starts:
    """What the first character of a match can be: a test on one character, and the characters
    the pattern names (probes for comparing two of them)."""

    def __init__(self, test: Any, chars: set[str]) -> None:
        self.test, self.chars = test, chars

    def __call__(self, ch: str) -> bool:
        return bool(self.test(ch))


def _first(items: Any) -> tuple[_Starts, bool]:
    """The first characters of ``items`` (parsed pattern items) and whether they can match
    nothing.  Anything this does not model may start with any character (the safe side)."""
    import re._parser as parser

    tests: list[_Starts] = []
    for op, av in items:
        if op is parser.AT or op in (parser.ASSERT, parser.ASSERT_NOT):
            continue  # zero width
        if op is parser.LITERAL:
            tests.append(_Starts(_equal(chr(av)), {chr(av)}))
            return _union(tests), False
        if op is parser.NOT_LITERAL:
            tests.append(_Starts(_unequal(chr(av)), {chr(av)}))
            return _union(tests), False
        if op is parser.IN:
            tests.append(_in_class(av))
            return _union(tests), False
        if op in (parser.SUBPATTERN, parser.ATOMIC_GROUP):
            sub, empty = _first(av[-1] if op is parser.SUBPATTERN else av)
        elif op is parser.BRANCH:
            parts = [_first(b) for b in av[1]]
            sub, empty = _union([p[0] for p in parts]), any(p[1] for p in parts)
        elif op in (parser.MAX_REPEAT, parser.MIN_REPEAT, parser.POSSESSIVE_REPEAT):
            sub, empty = _first(av[2])
            empty = empty or av[0] == 0
        else:  # ANY, a back-reference, a conditional …
            tests.append(_Starts(lambda ch: True, set()))
            return _union(tests), False
        tests.append(sub)
        if not empty:
            return _union(tests), False
    return _union(tests), True


def _equal(c: str) -> Any:
    return lambda ch: ch == c


def _unequal(c: str) -> Any:
    return lambda ch: ch != c


def _union(tests: list[_Starts]) -> _Starts:
    return _Starts(lambda ch: any(t(ch) for t in tests), set().union(*(t.chars for t in tests)) if tests else set())


_CATEGORIES: dict[str, Any] = {
    "DIGIT": str.isdecimal, "SPACE": str.isspace, "WORD": lambda ch: ch.isalnum() or ch == "_",
    "LINEBREAK": lambda ch: ch == "\n",
}


def _in_class(items: Any) -> _Starts:
    """The test of a character class ([…], \\d, \\s, \\w) as parsed."""
    import re._parser as parser

    negate = bool(items) and items[0][0] is parser.NEGATE
    chars: set[str] = set()
    parts: list[Any] = []
    for op, av in items[1:] if negate else items:
        if op is parser.LITERAL:
            chars.add(chr(av))
            parts.append(_equal(chr(av)))
        elif op is parser.RANGE:
            chars.update((chr(av[0]), chr(av[1])))
            parts.append(lambda ch, lo=av[0], hi=av[1]: lo <= ord(ch) <= hi)
        elif op is parser.CATEGORY:
            name = str(av).replace("CATEGORY_", "").replace("UNI_", "").replace("LOC_", "")
            inverted = name.startswith("NOT_")
            base = _CATEGORIES.get(name.removeprefix("NOT_"))
            if base is None:
                parts.append(lambda ch: True)
            else:
                parts.append(lambda ch, f=base, inv=inverted: f(ch) != inv)
        else:
            parts.append(lambda ch: True)
    return _Starts(lambda ch: any(p(ch) for p in parts) != negate, chars)


def _level_ref(r: _Reader, by_name: dict[str, Level], key: str, required: bool) -> Level | None:
    """The level a table rule names under ``key``; an unknown name is an error."""
    lname = r.get(key, str, ... if required else None)
    if lname is None:
        return None
    if lname not in by_name:
        raise ProfileError(r.source, f"{r.rule}.{key}", f"no level named {lname!r}")
    return by_name[lname]


def parse_profile(data: dict[str, Any], source: str, guarded: bool = False) -> Profile:
    """Validate and compile a profile already read from TOML; ``guarded``: a user's file, whose
    patterns are matched with a time limit."""
    top = _Reader(source, "profile", data, guarded)
    name = top.get("name", str)
    description = top.get("description", str, "")
    detect = top.regexes("detect")
    levels: list[Level] = []
    for i, raw in enumerate(top.get("levels", list, [])):
        r = _Reader(source, f"levels[{i}]", raw, guarded)
        lname = r.get("name", str)
        r.rule = f"levels[{i}] ({lname})"
        kind = _kind(r)
        pattern = r.required_regex("pattern", groups=_GROUPS)
        title = r.get("title", str, "inline-or-next")
        if title not in _TITLE_MODES:
            raise ProfileError(source, f"{r.rule}.title", f"must be one of {', '.join(sorted(_TITLE_MODES))}")
        code = r.get("code", str, None)
        if code is not None:
            try:
                code.format(**{g: "0" for g in pattern.groupindex})
            except (KeyError, IndexError, ValueError) as exc:
                raise ProfileError(source, f"{r.rule}.code", f"format {code!r} uses a group the pattern lacks: {exc}") from None
        levels.append(Level(name=lname, kind=kind, rank=r.get("rank", int), pattern=pattern, code=code, title=title,
                            title_pattern=r.regex("title_pattern", None, {"title", "subtitle", "label"}),
                            label_line=r.regex("label_line", None, {"label"}),
                            table_only=r.get("table_only", bool, False), max_title=r.get("max_title", int, 60)))
        r.finish()
    names = [lv.name for lv in levels]
    if len(set(names)) != len(names):
        raise ProfileError(source, "levels", "level names must be unique")
    sections = []
    for i, raw in enumerate(top.get("sections", list, [])):
        r = _Reader(source, f"sections[{i}]", raw, guarded)
        sections.append(SectionRule(name=r.get("name", str), pattern=r.required_regex("pattern", groups={"name"})))
        r.finish()
    bullets = _Reader(source, "bullets", top.get("bullets", dict, {}), guarded)
    markers = bullets.get("markers", str, "◆◇▶▷・●○◎□■☆★※")
    list_prefix = bullets.required_regex("list_prefix", r"^-\s+")
    bullets.finish()
    tables = []
    by_name = {lv.name: lv for lv in levels}
    for i, raw in enumerate(top.get("tables", list, [])):
        r = _Reader(source, f"tables[{i}]", raw, guarded)
        tname = r.get("name", str)
        r.rule = f"tables[{i}] ({tname})"
        mode = r.get("mode", str)
        if mode not in _TABLE_MODES:
            raise ProfileError(source, f"{r.rule}.mode", f"must be one of {', '.join(sorted(_TABLE_MODES))}")
        rule = TableRule(name=tname, header=r.required_regex("header"), mode=mode,
                         node_level=_level_ref(r, by_name, "node_level", True),  # type: ignore[arg-type]
                         child_level=_level_ref(r, by_name, "child_level", mode == "tree"),
                         child_split=r.get("child_split", str, None),
                         ref_pattern=r.regex("ref_pattern", None if mode == "tree" else ..., {"code", "title"}),
                         page_pattern=r.regex("page_pattern", None, {"page"}))
        if rule.page_pattern is not None and "page" not in rule.page_pattern.groupindex:
            raise ProfileError(source, f"{r.rule}.page_pattern", "needs a named group 'page'")
        r.finish()
        tables.append(rule)
    styles = tuple(_style(source, i, raw, guarded) for i, raw in enumerate(top.get("styles", list, [])))
    labels = tuple(_label(source, i, raw) for i, raw in enumerate(top.get("labels", list, [])))
    outline = tuple(_outline(source, i, raw) for i, raw in enumerate(top.get("outline", list, [])))
    line_levels = tuple(lv for lv in levels if not lv.table_only)
    if outline and line_levels:
        raise ProfileError(source, "outline", "a profile pins its levels either as [[levels]] patterns or as an"
                                              " [[outline]] of styles, not both")
    profile = Profile(name=name, description=description, source=source, detect=detect, levels=tuple(levels),
                      sections=tuple(sections), contents_headers=top.regexes("contents_headers"),
                      bullet_markers=markers, list_prefix=list_prefix, furniture=top.regexes("furniture"),
                      tables=tuple(tables), line_levels=line_levels,
                      declared_keywords=top.regexes("declared_keywords"), styles=styles, labels=labels,
                      counters=tuple(_strings(source, "counters", top.get("counters", list, []))),
                      section_names=frozenset(_strings(source, "section_names", top.get("section_names", list, []))),
                      value_sections=frozenset(_strings(source, "value_sections", top.get("value_sections", list, []))),
                      outline=outline, contents_leaves=top.regexes("contents_leaves"),
                      part_names=top.regexes("part_names"),
                      contents=_weights(ContentsWeights, source, "contents", top.get("contents", dict, None)),
                      confidence=_weights(ConfidenceWeights, source, "confidence", top.get("confidence", dict, None)))
    top.finish()
    return profile


def _weights(cls: Any, source: str, rule: str, raw: dict[str, Any] | None) -> Any:
    """A table of numbers (``[contents]``, ``[confidence]``): every key a field of ``cls``, the
    others at their defaults; None when the profile has no such table."""
    if raw is None:
        return None
    r = _Reader(source, rule, raw)
    values = {f.name: type(f.default)(r.get(f.name, (int, float), f.default))  # type: ignore[misc]
              for f in dataclasses.fields(cls)}
    r.finish()
    return cls(**values)


def _strings(source: str, rule: str, values: list[Any]) -> list[str]:
    return [_str(source, f"{rule}[{i}]", v) for i, v in enumerate(values)]


def _style(source: str, i: int, raw: Any, guarded: bool = False) -> Style:
    r = _Reader(source, f"styles[{i}]", raw, guarded)
    sname = r.get("name", str)
    r.rule = f"styles[{i}] ({sname})"
    pattern = r.required_regex("pattern", groups={"num"})
    if "num" not in pattern.groupindex:
        raise ProfileError(source, f"{r.rule}.pattern", "needs a named group 'num' for the number")
    number = r.get("number", str)
    if number not in _NUMBERS:
        raise ProfileError(source, f"{r.rule}.number", f"must be one of {', '.join(sorted(_NUMBERS))}")
    style = Style(name=sname, pattern=pattern, number=number, minor=r.get("minor", bool, False),
                  order=r.get("order", int, 50))
    r.finish()
    return style


def _kind(r: _Reader, key: str = "kind") -> NodeKind:
    kind_text = r.get(key, str)
    try:
        kind = NodeKind(kind_text)
    except ValueError:
        raise ProfileError(r.source, f"{r.rule}.{key}", f"unknown kind {kind_text!r}; use one of "
                           + ", ".join(k.value for k in NodeKind if k not in (NodeKind.DOCUMENT, NodeKind.CONTENTS))) from None
    if kind in (NodeKind.DOCUMENT, NodeKind.CONTENTS):
        raise ProfileError(r.source, f"{r.rule}.{key}", f"{kind.value!r} is reserved")
    return kind


def _label(source: str, i: int, raw: Any) -> Label:
    r = _Reader(source, f"labels[{i}]", raw)
    word = r.get("word", str)
    r.rule = f"labels[{i}] ({word})"
    if not word.strip() or any(ch.isspace() or ch.isdigit() for ch in word):
        raise ProfileError(source, f"{r.rule}.word", "must be a word without spaces or digits")
    form = r.get("form", str, "prefix")
    if form not in _LABEL_FORMS:
        raise ProfileError(source, f"{r.rule}.form", f"must be one of {', '.join(sorted(_LABEL_FORMS))}")
    label = Label(word=word, form=form, kind=_kind(r), order=r.get("order", int, 5),
                  compound=r.get("compound", bool, False))
    r.finish()
    return label


def _outline(source: str, i: int, raw: Any) -> OutlineLevel:
    r = _Reader(source, f"outline[{i}]", raw)
    style = r.get("style", str)
    r.rule = f"outline[{i}] ({style})"
    depth = r.get("depth", int, i + 1)
    if depth < 1:
        raise ProfileError(source, f"{r.rule}.depth", "must be 1 (outermost) or more")
    level = OutlineLevel(style=style, kind=_kind(r), depth=depth)
    r.finish()
    return level


def with_generic(profile: Profile) -> Profile:
    """A profile for inference that is not a vocabulary itself (an outline profile, or one that
    ``keikaku profile infer`` wrote with no heading found) borrows from the generic one what it
    does not define: sections, furniture, contents headers, tables, declared keywords and the
    vocabulary (bullets have defaults of their own)."""
    if profile.pinned or profile.styles or profile.labels or profile.name == "generic":
        return profile
    generic = builtin_profiles()["generic"]
    return dataclasses.replace(
        profile, sections=profile.sections or generic.sections,
        contents_headers=profile.contents_headers or generic.contents_headers,
        furniture=profile.furniture or generic.furniture, tables=profile.tables or generic.tables,
        levels=profile.levels or generic.levels, declared_keywords=profile.declared_keywords or generic.declared_keywords)


def load_profile_file(path: str | Path) -> Profile:
    """Load a user's profile file (``--profile PATH``)."""
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ProfileError(str(p), "file", f"cannot be read ({exc.strerror or exc})") from exc
    except UnicodeDecodeError as exc:
        raise ProfileError(str(p), "file", f"is not UTF-8 ({exc})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(str(p), "file", f"is not valid TOML: {exc}") from exc
    return with_generic(parse_profile(data, str(p), guarded=True))


@cache
def _shipped() -> dict[str, Profile]:
    profiles = {}
    for entry in sorted(resources.files("keikaku.profiles").iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            profile = parse_profile(tomllib.loads(entry.read_text(encoding="utf-8")), f"keikaku/profiles/{entry.name}")
            profiles[profile.name] = profile
    return profiles


def builtin_profiles() -> dict[str, Profile]:
    """The profiles shipped in the package, by name (loaded and compiled once per process; the
    dict is a copy the caller may change)."""
    return dict(_shipped())


def get_profile(name_or_path: str) -> Profile:
    """A shipped profile by name, or a profile file by path."""
    profiles = builtin_profiles()
    if name_or_path in profiles:
        return profiles[name_or_path]
    if name_or_path.endswith(".toml") or Path(name_or_path).exists():
        return load_profile_file(name_or_path)
    raise ProfileError(name_or_path, "name", "no such profile; `keikaku profiles` lists the shipped ones,"
                                             " or give the path of a .toml file")
