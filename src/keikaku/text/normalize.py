"""Text normalisation for matching, with a map back to the source columns.

Patterns in profiles are written against the *matching form* of a line: NFKC per character
(full-width digits and letters to ASCII, ideographic space to a space, Ⅱ to II), every dash
variant to ``-``, and ``ー``/``—`` to ``-`` only between digits (``1ー2``), because elsewhere
they are the katakana long vowel or a real em dash.  Circled numbers (①) are kept: NFKC would
turn them into plain digits and lose the marker.  Every matching-form character remembers the
source column it came from, so a match can be cut out of the original line.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from dataclasses import dataclass
from typing import Sequence

# ① … ⑳, ㉑ … ㉟, ㊱ … ㊿ and circled letters: NFKC would erase the marker.  The parenthesised
# and dotted forms (⑴ ⒈ ⒜) are folded: NFKC spells them (1), 1. and (a), the styles they are.
_KEEP = set(range(0x2460, 0x2474)) | set(range(0x24B6, 0x2500)) | set(range(0x3251, 0x3260)) | set(range(0x32B1, 0x32C0))
_DASHES = set("\u2010\u2011\u2012\u2013\u2212\uff0d\ufe63")
_DIGIT_DASHES = set("\u30fc\u2014\u2015\uff70")  # ー — ― ｰ: a dash only between two digits
_JA = r"\u3005\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff01-\uff5e「」『』（）"


@dataclass(frozen=True, slots=True)
class Matchable:
    """The matching form of one line and, for each of its characters, the source column."""

    text: str
    cols: Sequence[int]  # len(text) + 1 entries (a range when nothing changed length); the last is len(source)

    def source_slice(self, start: int, end: int) -> tuple[int, int]:
        """Source columns covering matching-form characters ``start:end``."""
        if start >= end:
            return self.cols[start], self.cols[start]
        return self.cols[start], self.cols[end - 1] + 1


class _FoldTable(dict):
    """``str.translate`` table: code point → matching form, filled as characters are first seen
    (so folding a 50 MB line runs in C and makes no per-character Python objects)."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        if code in _KEEP:
            folded = ch
        elif ch in _DASHES:
            folded = "-"
        else:
            folded = unicodedata.normalize("NFKC", ch)
        self[code] = folded
        return folded


_FOLD = _FoldTable()
_DIGIT_DASH = re.compile("[" + "".join(sorted(_DIGIT_DASHES)) + "]")


def _fold(ch: str) -> str:
    return _FOLD[ord(ch)]


def matchable(line: str) -> Matchable:
    """Return the matching form of ``line`` with its column map.

    The map is a ``range`` when folding kept every length (the common case) and otherwise an
    ``array`` of 4-byte columns: memory stays a few bytes per character on any line."""
    text = line.translate(_FOLD)
    if text == line:
        text = line  # one string for both, not two equal copies
    cols: range | array
    if len(text) == len(line):
        cols = range(len(line) + 1)
    else:
        cols = array("i")
        changed = {ch for ch in set(line) if len(_fold(ch)) != 1}
        done = 0
        for m in re.finditer("|".join(map(re.escape, sorted(changed))), line):
            cols.extend(range(done, m.start()))
            cols.extend([m.start()] * len(_fold(m.group())))
            done = m.end()
        cols.extend(range(done, len(line) + 1))
    # ー — ― between digits are dashes in codes such as 1ー2ー3.
    dashes = [m.start() for m in _DIGIT_DASH.finditer(text)
              if 0 < m.start() < len(text) - 1 and text[m.start() - 1].isdigit() and text[m.start() + 1].isdigit()]
    if dashes:
        text = "".join(text[a + 1:b] + "-" for a, b in zip([-1] + dashes, dashes)) + text[dashes[-1] + 1:]
    return Matchable(text, cols)


_BROKEN_SPACE = re.compile(rf"(?<=[{_JA}])[ \u3000]+(?=[{_JA}])")


def join_broken(text: str) -> str:
    """Remove spaces that PDF extraction put between two Japanese characters (魅力 づくり)."""
    return _BROKEN_SPACE.sub("", text)


def compact_code(code: str) -> str:
    """A text without any whitespace: ``み 2-1-1`` → ``み2-1-1``, ``方　針`` → ``方針``."""
    return "".join(code.split())


_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50}
_KANJI = {"〇": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_KANJI_UNITS = {"十": 10, "百": 100, "千": 1000}
# The longest run of digits read as a number: Python refuses to read a longer one (its guard
# against quadratic conversion is 4,300 digits); a marker's number is never near it.
MAX_DIGITS = 4000


def read_int(digits: str) -> int | None:
    """``digits`` (decimal digits of any script, ２ and ٣ too) as an integer; None for anything
    else, or for a run of more than :data:`MAX_DIGITS` digits."""
    return int(digits) if digits.isdecimal() and len(digits) <= MAX_DIGITS else None


def numeral(text: str) -> int | None:
    """Read 3, III (from Ⅲ or Latin I), 三, 十二 or 百二十 as an integer; ``None`` if it is none of these."""
    t = text.strip().upper()
    if t.isdecimal():
        return read_int(t)
    if t and all(c in _ROMAN for c in t):
        total = 0
        for i, c in enumerate(t):
            v = _ROMAN[c]
            total += -v if i + 1 < len(t) and _ROMAN[t[i + 1]] > v else v
        return total
    if t and len(t) <= MAX_DIGITS and all(c in _KANJI or c in _KANJI_UNITS for c in t):
        total, current = 0, 0
        for c in t:
            if c in _KANJI_UNITS:
                total += (current or 1) * _KANJI_UNITS[c]
                current = 0
            else:
                current = current * 10 + _KANJI[c]
        return total + current
    return None


# A text cell starting with one of these is a formula to Excel and LibreOffice (CSV injection):
# the CSV writer escapes such cells, and ids (keys of the tables, never escaped) never start so.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
