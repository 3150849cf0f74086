"""The words of indicator tables (column words and their roles, table words, null words, direction
words, units …), read once from the shipped ``data/indicators.toml`` and checked when read.

The words are data so that a plan's new column word is a line in that file, not a change of the
readers; a malformed file stops with a :class:`~keikaku.errors.RulesError` naming the file and the
list.  The readers use the constants at the end of this module; keywords reuse the column words.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

from ...errors import RulesError
from ...text.normalize import compact_code

VOCABULARY_FILE = "data/indicators.toml"
# The roles of a header's columns besides the name column, in the order the file lists them.
ROLES = ("unit", "baseline", "target", "actual", "grade", "direction", "note")
VALUE_ROLES = ("baseline", "target", "actual")
# What a value is (IndicatorValue.role): a value role, or what its column's label says it is.
KINDS = ("baseline", "current", "actual", "interim", "plan", "target")
BOUNDS_OF = ("min", "max")


@dataclass(frozen=True)
class Vocabulary:
    """The lists of the vocabulary file, each as the readers use it."""

    name_words: tuple[str, ...]
    role_words: Mapping[str, tuple[str, ...]]  # role → its column words, in the file's order
    under_year: frozenset[str]
    strong_words: frozenset[str]
    roles_inside: tuple[tuple[str, str], ...]  # (word, role), the first match wins
    other_heads: tuple[str, ...]
    other_tables: tuple[str, ...]
    name_ends: tuple[str, ...]
    nulls: frozenset[str]
    before: tuple[str, ...]
    after: tuple[str, ...]
    units: tuple[str, ...]
    rates: tuple[str, ...]
    kinds: tuple[tuple[str, str], ...]  # (word, kind), the first match wins
    bounds: Mapping[str, str]  # qualifier → min or max
    directions: Mapping[str, str]  # word or arrow → 増加, 減少 or 維持
    arrows: tuple[str, ...]

    @property
    def table_words(self) -> tuple[str, ...]:
        """Words above a table that say it holds indicators: the name words and the strong value words."""
        return (*self.name_words, *sorted(self.strong_words))


class _Reader:
    """Lists out of the parsed file; each error names the file and the list (``columns.names``)."""

    def __init__(self, data: dict[str, Any], source: str) -> None:
        self.data, self.source = data, source

    def fail(self, rule: str, problem: str) -> RulesError:
        return RulesError(self.source, rule, problem)

    def value(self, rule: str) -> Any:
        here: Any = self.data
        for key in rule.split("."):
            if not isinstance(here, dict) or key not in here:
                raise self.fail(rule, "missing")
            here = here[key]
        return here

    def table(self, rule: str) -> dict[str, Any]:
        value = self.value(rule)
        if not isinstance(value, dict):
            raise self.fail(rule, "must be a table")
        return value

    def words(self, rule: str, value: Any = None) -> tuple[str, ...]:
        value = self.value(rule) if value is None else value
        if not isinstance(value, list) or not value or \
                not all(isinstance(w, str) and w and not w.isspace() for w in value):
            raise self.fail(rule, "must be a list of words (not empty, no blank word)")
        if len(set(value)) != len(value):
            twice = next(w for w in value if value.count(w) > 1)
            raise self.fail(rule, f"'{twice}' is listed twice")
        return tuple(value)

    def pairs(self, rule: str, allowed: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
        value = self.value(rule)
        if not isinstance(value, list) or not value or not all(
                isinstance(p, list) and len(p) == 2 and all(isinstance(x, str) and x.strip() for x in p) for p in value):
            raise self.fail(rule, "must be a list of [word, kind] pairs")
        wrong = next((p[1] for p in value if p[1] not in allowed), None)
        if wrong is not None:
            raise self.fail(rule, f"unknown kind '{wrong}' (one of {', '.join(allowed)})")
        return tuple((p[0], p[1]) for p in value)

    def groups(self, rule: str, keys: tuple[str, ...] | None = None) -> dict[str, tuple[str, ...]]:
        """A table of lists (key → words), a word in one list only; ``keys``: exactly these keys."""
        table = self.table(rule)
        if keys is not None:
            missing = [k for k in keys if k not in table]
            unknown = [k for k in table if k not in keys]
            if missing or unknown:
                raise self.fail(rule, f"must list {', '.join(keys)}" + (f"; unknown: {', '.join(unknown)}" if unknown else "")
                                + (f"; missing: {', '.join(missing)}" if missing else ""))
        out = {key: self.words(f"{rule}.{key}", words) for key, words in table.items()}
        seen: dict[str, str] = {}
        for key, words in out.items():
            for w in words:
                if w in seen:
                    raise self.fail(f"{rule}.{key}", f"'{w}' is already in {rule}.{seen[w]}")
                seen[w] = key
        return out


def parse_vocabulary(text: str, source: str = VOCABULARY_FILE) -> Vocabulary:
    """The vocabulary in the text of a vocabulary file; a :class:`RulesError` names the file and the list."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RulesError(source, "file", f"not valid TOML: {exc}") from None
    r = _Reader(data, source)
    names = r.words("columns.names")
    roles = r.groups("columns.roles", ROLES)
    # A header's word is matched without its spaces: two roles for one word would leave its role unknown.
    role_of = {compact_code(w): "name" for w in names}
    for role, words in roles.items():
        for w in words:
            if compact_code(w) in role_of:
                raise r.fail(f"columns.roles.{role}", f"'{w}' is already a column word of {role_of[compact_code(w)]}")
            role_of[compact_code(w)] = role
    value_words = {compact_code(w) for role in VALUE_ROLES for w in roles[role]}
    under_year, strong = r.words("headers.under_year"), r.words("headers.strong")
    for rule, words in (("headers.under_year", under_year), ("headers.strong", strong)):
        stray = next((w for w in words if w not in value_words), None)
        if stray is not None:
            raise r.fail(rule, f"'{stray}' is no word of a value column (columns.roles: {', '.join(VALUE_ROLES)})")
    after = r.words("values.after")
    bounds = r.groups("values.bounds", BOUNDS_OF)
    stray = next((w for ws in bounds.values() for w in ws if w not in after), None)
    if stray is not None:
        raise r.fail("values.bounds", f"'{stray}' is not among the qualifiers after a figure (values.after)")
    return Vocabulary(
        name_words=names, role_words=MappingProxyType(roles), under_year=frozenset(under_year),
        strong_words=frozenset(strong), roles_inside=r.pairs("headers.inside", ROLES),
        other_heads=r.words("headers.other"),
        other_tables=r.words("tables.other"), name_ends=r.words("names.ends"),
        nulls=frozenset(r.words("values.nulls")), before=r.words("values.before"), after=after,
        units=r.words("values.units"), rates=r.words("values.rates"), kinds=r.pairs("values.kinds", KINDS),
        bounds=MappingProxyType({w: bound for bound, ws in bounds.items() for w in ws}),
        directions=MappingProxyType({w: d for d, ws in r.groups("directions").items() for w in ws}),
        arrows=r.words("arrows.marks"))


def load_vocabulary(path: Path) -> Vocabulary:
    """The vocabulary of the file at ``path`` (the shipped one is :func:`vocabulary`)."""
    return parse_vocabulary(path.read_text(encoding="utf-8"), str(path))


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    """The shipped vocabulary, read and checked once."""
    return parse_vocabulary(resources.files("keikaku").joinpath(VOCABULARY_FILE).read_text(encoding="utf-8"))


# --- the shipped vocabulary as the readers use it --------------------------------------------------
_SHIPPED = vocabulary()
NAME_WORDS = _SHIPPED.name_words
ROLE_WORDS = _SHIPPED.role_words
PLAN_WORDS = _SHIPPED.under_year
STRONG_WORDS = _SHIPPED.strong_words
ROLE_INSIDE = _SHIPPED.roles_inside
OTHER_HEADS = _SHIPPED.other_heads
TABLE_WORDS = _SHIPPED.table_words  # one list for every reader that asks whether a table is near
OTHER_TABLES = _SHIPPED.other_tables
NAME_ENDS = _SHIPPED.name_ends
NULLS = _SHIPPED.nulls
QUALIFIERS_BEFORE = _SHIPPED.before
QUALIFIERS_AFTER = _SHIPPED.after
UNIT_WORDS = _SHIPPED.units
RATE_WORDS = _SHIPPED.rates
VALUE_KINDS = _SHIPPED.kinds
BOUNDS = _SHIPPED.bounds
DIRECTIONS = _SHIPPED.directions
ARROW_MARKS = _SHIPPED.arrows
