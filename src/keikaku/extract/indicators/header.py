"""One header of an indicator table: its column words (指標名, 現状値（令和5年度）, 目標値 …) → the
role of each column (name, unit, baseline, target, actual, grade, direction, note) and its year.

Every reader that starts from a header reads it here: the column words come from the vocabulary
(letter-spaced too: 指 標 名), a year before or after a word is its column's, a year alone is a
column of results, and a year over 計画 / 実績 heads them.  ``value_role`` says what a value
column's values are (current, interim, plan …) from the words of its label.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from ...text.normalize import compact_code
from .values import ERA_N, YEAR, parse_year
from .vocabulary import NAME_WORDS, PLAN_WORDS, ROLE_WORDS, VALUE_KINDS, VALUE_ROLES


def _spaced(word: str) -> str:
    return r"\s?".join(re.escape(ch) for ch in word)


def _word_pattern() -> re.Pattern[str]:
    words = [(w, "name") for w in NAME_WORDS] + [(w, role) for role, ws in ROLE_WORDS.items() for w in ws]
    words.sort(key=lambda wr: -len(wr[0]))
    alternatives = "|".join(_spaced(w) for w, _ in words)
    # a column: an optional year before (R4計画, 令和4年度 計画), the word, an optional year after
    # (現状値（令和5年度）, 現状値 令和5年度); or a year alone (an evaluation sheet's 令和4年度).
    # (平成 25 (基準値): the year, then the word in brackets; a year after a word that has one
    # before it is the next column's: 平成 25 (基準値) 平成 27 平成 28 (現状値))
    return re.compile(
        rf"(?P<pre>{YEAR})\s?(?P<open>[(（]\s?)?(?P<word>{alternatives})(?(open)\s?[)）])"
        rf"(?:\s?[(（]\s?(?P<post>{YEAR})\s?[)）])?"
        rf"|(?P<word2>{alternatives})(?:\s?[(（]\s?(?P<post_b>{YEAR})\s?[)）]|\s(?P<post2>{YEAR})(?=\s|$))?"
        rf"|(?P<alone>{ERA_N}(?:\s*年度?)?|(?:19|20)\d{{2}}\s*年度?)")


def word_of(m: re.Match[str]) -> str | None:
    """The column word of a header match (either spelling of the pattern), or None for a year alone."""
    return m.group("word") or m.group("word2")


COLUMN = _word_pattern()
ROLE_OF = {compact_code(w): role for role, ws in ROLE_WORDS.items() for w in ws} | {w: "name" for w in NAME_WORDS}


@dataclass
class Column:
    role: str  # name, unit, baseline, target, actual, grade, direction, note
    label: str | None
    year: int | None = None
    fiscal: bool | None = None
    kind: str | None = None  # what its values are when no label says it (an arrow chain's middle: interim)


def column_of(m: re.Match[str]) -> Column:
    if m.group("alone"):
        year, fiscal = parse_year(m.group("alone"))
        return Column("actual", None, year, fiscal)
    word = compact_code(word_of(m) or "")
    role = ROLE_OF[word]
    when = m.group("pre") or m.group("post") or m.group("post_b") or m.group("post2")
    year, fiscal = parse_year(when) if when else (None, None)
    return Column(role, word, year, fiscal)


_SEP = re.compile(r"[\s|]*")
HEADER_MAX = 16  # columns of one header at most (a run of years in prose is no header)


def read_header(text: str, pos: int = 0) -> tuple[list[Column], int] | None:
    """The columns of a header starting at ``pos`` (column words separated by spaces, tabs or
    pipes) and where it ends; None unless it has a value column."""
    columns: list[Column] = []
    end = pos
    while True:
        at = _SEP.match(text, end).end()  # type: ignore[union-attr]
        if columns and at == end:
            break  # words glued together (指標名目標値) are a title, not a header
        m = COLUMN.match(text, at)
        if not m:
            break
        following = text[m.end():m.end() + 1]
        if following and not following.isspace() and following not in "|\t":
            break  # the word starts a longer word: 目標を…, 計画的に
        column = column_of(m)
        if column.role == "name" and m.group("word2") and (m.group("post2") or m.group("post_b")):
            m_end = m.end("word2")  # 指標名 令和5年度 令和11年度: the year heads the next column
        else:
            m_end = m.end()
        if column.role == "name" and columns and columns[-1].role == "name":
            columns.pop()  # 重要業績評価指標(KPI) 指標名: the section's name, then the column's
        columns.append(column)
        end = m_end
        if len(columns) >= HEADER_MAX:
            break
    if not any(c.role in VALUE_ROLES for c in columns):
        return None
    return _years_over_words(columns), end


def _years_over_words(columns: list[Column]) -> list[Column]:
    """令和4年度 計画 実績 令和5年度 計画 実績: a year followed by such words heads them (gives
    them its year) and is not a column of its own."""
    out: list[Column] = []
    heading: Column | None = None
    for k, c in enumerate(columns):
        if c.label is None and c.role == "actual":
            nxt = columns[k + 1] if k + 1 < len(columns) else None
            heading = c if nxt is not None and nxt.label in PLAN_WORDS and nxt.year is None else None
            if heading is None:
                out.append(c)
            continue
        if heading is not None and c.year is None and c.label in PLAN_WORDS:
            c.year, c.fiscal = heading.year, heading.fiscal
        else:
            heading = None
        out.append(c)
    return out


_BOUNDARY = frozenset(" \t|　■□●○◆◇▶▷・【〔[(（:：")


@functools.lru_cache(maxsize=64)  # asked again for each table of a long run-on line
def header_starts(text: str) -> list[int]:
    """Places where a header may start: column words at the start of the line or after a space,
    a bullet or a bracket (not 計画 inside 基本計画)."""
    return sorted({m.start() for m in COLUMN.finditer(text)
                   if (word_of(m) or m.group("alone")) and (m.start() == 0 or text[m.start() - 1] in _BOUNDARY)})


def value_role(column: Column) -> str:
    """baseline, current, actual, interim, plan or target: the label's words decide (中間目標 is
    interim, 見込 a plan, 現状値 current), a column without a label keeps its role."""
    label = column.label or ""
    return next((kind for word, kind in VALUE_KINDS if word in label), column.kind or column.role)
