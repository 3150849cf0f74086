"""The marker vocabulary, compiled once per profile: what a marker at the start of a row can be.

:func:`Vocabulary.read` turns the start of a row into its possible readings as a :class:`Marker`
(a row such as ``i 子育て`` has two: lower-case Roman one and the letter i).  Whether a reading
is a heading is decided later, from the sequences the document makes (:mod:`.sequences`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..model.tree import NodeKind
from ..text.normalize import compact_code, numeral, read_int
from .profile import AnyOf, ConfidenceWeights, ContentsWeights, GuardedPattern, Label, Profile, Style, builtin_profiles

_CIRCLED = {chr(0x2460 + i): i + 1 for i in range(20)}
_CIRCLED.update({chr(0x3251 + i): 21 + i for i in range(15)})
_CIRCLED.update({chr(0x32B1 + i): 36 + i for i in range(15)})
_CIRCLED.update({chr(0x2780 + i): i + 1 for i in range(10)})  # ➀
_CIRCLED.update({chr(0x2776 + i): i + 1 for i in range(10)})  # ❶
_CIRCLED.update({chr(0x278A + i): i + 1 for i in range(10)})  # ➊
_AIUEO = "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲ"
_IROHA = "イロハニホヘトチリヌルヲワカヨタレソツネナラムウヰノオクヤマケフコエテアサキユメミシヱヒモセス"
_ROMAN_UPPER = "ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩⅪⅫ"
_ROMAN_LOWER = "ⅰⅱⅲⅳⅴⅵⅶⅷⅸⅹⅺⅻ"

DECORATIONS = "■□◆◇●○◎▶▷►★☆"
_OPEN_CLOSE = {"【": "】", "<": ">", "[": "]", "〈": "〉", "《": "》", "≪": "≫", "〔": "〕", "(": ")"}
_CLOSERS = re.escape("】>]〉》≫〕)")  # inside a character class
# Numbers of any width: 施策2-100 follows 施策2-99 (a sequence decides what is a heading).
CIRCLED_CLASS = "①-⑳㉑-㉟㊱-㊿"  # ① … ㊿ (inside a character class)
_KANJI_NUM = "〇一二三四五六七八九十百千"
_LABEL_NUM = rf"\d+|[IVX]{{1,5}}(?![A-Za-z])|[{_KANJI_NUM}]+|[{CIRCLED_CLASS}]"
_COMPOUND = r"\d+(?:-\d+){1,3}"
# A compound code whose last part is circled (1-①, 2-3-②): the measures of a numbered goal.
_COMPOUND_CIRCLED = rf"\d+(?:-\d+){{0,2}}-[{CIRCLED_CLASS}]"
_KANA = "ぁ-ゖァ-ヺ"
_SEP = re.compile(r"[ \t]*(?:[:.、・…‥]+[ \t]*)?")  # プロジェクト①……title: leaders are separators too
# A word the vocabulary does not know, then a number or a code (視点2, 方向性1, 施策方針 1-1-1, 対策1).
_UNKNOWN = re.compile(rf"(?P<label>[\u4e00-\u9fff\u3005{_KANA}ー]{{1,8}}?)(?P<dash>-)?[ ]?"
                      rf"(?P<num>{_COMPOUND}|\d+|[IVX]{{1,4}}|[{CIRCLED_CLASS}])(?=[ \t:.、{_CLOSERS}]|$)")
_CODE = re.compile(rf"(?:(?P<prefix>[{_KANA}])[ ]?)?(?P<code>{_COMPOUND_CIRCLED}|{_COMPOUND})(?![\d-])")
_KANA_NUM = re.compile(rf"(?P<prefix>[{_KANA}])[ ]?(?P<num>\d+)$")
_DAI = re.compile(rf"第[ ]?(?P<num>\d+|[{_KANJI_NUM}]+)[ ]?(?P<word>[^\s\d])")
# The chapters before the first and after the last (序章 計画の概要, 終章): a chapter without a number.
_PROLOGUE = re.compile(rf"(?P<word>序章|終章)(?=[ \t:、{_CLOSERS}]|$)")
# An ordinal without a counter word (第1 施策評価の概要, 第2): a chapter of plans that number so.
_DAI_BARE = re.compile(rf"第[ ]?(?P<num>\d+|[{_KANJI_NUM}]+)(?=[ \t:、{_CLOSERS}]|$)")
_JA_LETTER = re.compile(rf"[\u4e00-\u9fff\u3005{_KANA}ーA-Za-z]")
_KANJI = re.compile(r"[\u4e00-\u9fff\u3005]")
_CJK = re.compile(rf"[\u4e00-\u9fff\u3005{_KANA}]")
_PAGE_WORDS = ("ページ", "頁")
_KANJI_DIGITS = "一二三四五六七八九十"
LETTER_SPACED_HEAD = 15  # a word this short before single spaced characters may begin the spaced word


@dataclass(frozen=True, slots=True)
class Marker:
    """One reading of the marker at the start of a row.

    ``style`` is the key that sequences and levels are computed on (``(1)``, ``基本目標#``,
    ``第#章``, ``#-#-#``, ``み#-#``); ``path`` the numbers of a compound code ((2, 1) for 2-1),
    ``number`` its last part.  ``start``/``end`` are columns of the row's core: the marker spans
    ``start:end``, the title starts at ``title_start``."""

    style: str
    number: int
    path: tuple[int, ...]
    code: str
    kind: NodeKind
    start: int
    end: int
    title_start: int
    labelled: bool  # a level word names the level (基本目標1, 第2章): may stand alone
    known: bool  # the level word is in the vocabulary
    minor: bool
    order: int
    bulleted: bool  # written after a list bullet ("- 1 基本構想の体系"): a contents entry
    quantity: bool  # the number is followed by a counter (2 つの視点, 52 人まで)
    title: str  # matching form of the inline title (may be empty)

    @property
    def compound(self) -> bool:
        return len(self.path) > 1


def _read_number(token: str, kind: str) -> int | None:
    token = token.strip()
    if kind == "arabic":
        return read_int(token)
    if kind in ("roman", "kanji"):
        return numeral(token)
    if kind == "roman_lower":
        return numeral(token.upper())
    if kind == "circled":
        return _CIRCLED.get(token)
    if kind == "kana":
        return _AIUEO.index(token) + 1 if len(token) == 1 and token in _AIUEO else None
    if kind == "iroha":
        return _IROHA.index(token) + 1 if len(token) == 1 and token in _IROHA else None
    if kind == "latin":
        return ord(token) - ord("a") + 1 if len(token) == 1 and "a" <= token <= "z" else None
    if kind == "LATIN":
        return ord(token) - ord("A") + 1 if len(token) == 1 and "A" <= token <= "Z" else None
    if kind == "roman_cp932":  # Ⅰ … Ⅶ are 0x8754 … 0x875A in CP932: a PDF font that keeps the low byte prints T … Z
        return ord(token) - ord("T") + 1 if len(token) == 1 and "T" <= token <= "Z" else None
    return None


def circled_number(n: int) -> str:
    """The circled form of ``n`` (1 … 50: ① … ㊿); other numbers as digits."""
    if 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    if 21 <= n <= 35:
        return chr(0x3251 + n - 21)
    if 36 <= n <= 50:
        return chr(0x32B1 + n - 36)
    return str(n)


def _any_number(token: str) -> int | None:
    """A label's number: arabic, Roman, kanji or circled."""
    return _CIRCLED.get(token) if token in _CIRCLED else numeral(token)


def display_number(n: int, kind: str, token: str) -> str:
    """How a style's number is written in a code: Roman numerals as Ⅱ/ⅱ, everything else as read."""
    if kind == "roman" and 1 <= n <= 12:
        return _ROMAN_UPPER[n - 1]
    if kind == "roman_lower" and 1 <= n <= 12:
        return _ROMAN_LOWER[n - 1]
    return token


def _one_of(patterns: tuple[Any, ...]) -> Any:
    """One pattern that matches where any of ``patterns`` does; the patterns of a user's file are
    tried one by one, each with its limit and its rule (:class:`~keikaku.segment.profile.AnyOf`)."""
    if any(isinstance(p, GuardedPattern) for p in patterns):
        return AnyOf(patterns)
    return re.compile("|".join(f"(?:{_unnamed(p.pattern)})" for p in patterns) or "(?!)")


def _unnamed(pattern: str) -> str:
    """``pattern`` with its named groups made plain, to be joined with others into one pattern."""
    return re.sub(r"\(\?P<\w+>", "(?:", pattern)


def style_code(prefix: str, path: tuple[int, ...], circled: bool = False) -> tuple[str, str]:
    """A marker's style and code: (基本目標, (2,)) → (基本目標#, 基本目標2); ("", (1, 2)) → (#-#, 1-2);
    with ``circled`` the last part is written circled: ("", (1, 2)) → (#-①, 1-②)."""
    if circled:
        head = "".join(f"{p}-" for p in path[:-1])
        return prefix + "#-" * (len(path) - 1) + "①", prefix + head + circled_number(path[-1])
    return prefix + "-".join("#" for _ in path), prefix + "-".join(str(p) for p in path)


def _path(code: str) -> tuple[int, ...] | None:
    """The numbers of a compound code: 2-1 → (2, 1); 1-② → (1, 2); None when a part is too long
    to read (:data:`~keikaku.text.normalize.MAX_DIGITS`)."""
    parts = [_CIRCLED.get(p) or read_int(p) for p in code.split("-")]
    return None if None in parts else tuple(p for p in parts if p is not None)


def _spaced(word: str) -> str:
    """A regex for ``word`` that also matches it letter-spaced (基 本 目 標, 施　策)."""
    return "[ ]?".join(re.escape(ch) for ch in word)


class Vocabulary:
    """A profile's markers, compiled: styles, level words, counters and section names."""

    def __init__(self, profile: Profile) -> None:
        generic = builtin_profiles().get("generic", profile)
        base = profile if profile.styles or profile.labels else generic
        self.styles: tuple[Style, ...] = base.styles
        self.labels: tuple[Label, ...] = base.labels
        self.counters = tuple(sorted(base.counters or generic.counters, key=len, reverse=True))
        # A profile's own weights, else the vocabulary's (generic.toml ships them).
        self.contents_weights = profile.contents or base.contents or generic.contents or ContentsWeights()
        self.confidence_weights = profile.confidence or base.confidence or generic.confidence or ConfidenceWeights()
        self.section_names = frozenset(_squash(n) for n in (profile.section_names or generic.section_names))
        self.value_sections = tuple(sorted((_squash(n) for n in (profile.value_sections or generic.value_sections)),
                                           key=len, reverse=True))
        prefix = sorted((lb for lb in self.labels if lb.form == "prefix"), key=lambda lb: -len(lb.word))
        self._prefix = [(lb, re.compile(rf"(?P<label>{_spaced(lb.word)})[ ]?(?P<num>"
                                        + (rf"{_COMPOUND}|" if lb.compound else "") + _LABEL_NUM + ")"))
                        for lb in prefix]
        self._dai = {lb.word: lb for lb in self.labels if lb.form == "dai"}
        self._known_words = {lb.word for lb in self.labels}
        # Compiled once: one pattern for all level words and one for all styles, so that the
        # common row (text that starts with no marker) costs one match each, not one per rule.
        self._any_label = _one_of(tuple(rx for _, rx in self._prefix))
        words = "|".join(_spaced(lb.word) for lb, _ in self._prefix)
        self._unnumbered_rx = re.compile(rf"(?P<label>{words})[ ]?[、:][ ]?") if words else None
        self._any_style = _one_of(tuple(st.pattern for st in self.styles))
        self.furniture = _one_of(profile.furniture)
        self.contents_headers = _one_of(profile.contents_headers)
        self.contents_leaves = _one_of(profile.contents_leaves or generic.contents_leaves)
        self.part_names = _one_of(profile.part_names or generic.part_names)
        self._values = re.compile("(?:" + "|".join(_spaced(n) for n in self.value_sections) + r")[ \t:]+") \
            if self.value_sections else None

    # -- reading a row -------------------------------------------------------------------------
    def read(self, core: str, list_prefix: re.Pattern[str] | None = None) -> list[Marker]:
        """Every reading of a marker at the start of ``core`` (a row's matching form, stripped)."""
        pos, bulleted = 0, False
        if list_prefix is not None:
            m = list_prefix.match(core)
            if m:
                pos, bulleted = m.end(), True
        if pos < len(core) and core[pos] in DECORATIONS:
            pos += 1
            while pos < len(core) and core[pos] == " ":
                pos += 1
        if core[pos:pos + 1] == "・" and not bulleted:  # ・施策3 title, ・2-3 title: a code after a bullet
            after = pos + 1 + (core[pos + 1:pos + 2] == " ")
            return self._labelled(core, after, True) or [mk for mk in self._compound(core, after, True)
                                                         if len(mk.path) > 1 and not mk.style[:1].isalpha()]
        found: list[Marker] = []
        close = _OPEN_CLOSE.get(core[pos]) if pos < len(core) else None
        if close is not None and core[pos] != "(":
            inner = pos + 1 + (1 if core[pos + 1:pos + 2] == " " else 0)
            for mk in self._labelled(core, inner, bulleted) or self._unknown(core, inner, bulleted):
                end = mk.end
                while end < len(core) and core[end] == " ":
                    end += 1
                if core[end:end + 1] == close:
                    found.append(self._finish(core, mk, pos, end + 1))
            if found:
                return found
        found.extend(self._labelled(core, pos, bulleted))
        if found:
            return found
        found.extend(self._compound(core, pos, bulleted))
        if found:
            return found
        m = _KANA_NUM.match(core, pos)
        if m and (kana := read_int(m.group("num"))) is not None:
            found.append(self._make(core, m.group("prefix") + "#", (kana,), m.group("prefix") + str(kana), NodeKind.FIELD,
                                    pos, m.end(), False, False, False, 20, bulleted, arabic=True))
            return found
        for st in self.styles if self._any_style.match(core, pos) else ():
            m = st.pattern.match(core, pos)
            if not m:
                continue
            read = _read_number(m.group("num"), st.number)
            if read is None or read < 1:
                continue
            token = m.group(0)
            num = m.group("num")
            code = token.replace(num, display_number(read, st.number, num), 1).rstrip(" ")
            found.append(self._make(core, st.name, (read,), code, NodeKind.POINT if st.minor else NodeKind.CHAPTER,
                                    pos, m.end(), False, False, st.minor, st.order, bulleted,
                                    arabic=st.number == "arabic" and not st.minor,
                                    wide=st.number == "arabic" and len(num) >= 3))
        if found:
            return found
        return self._unknown(core, pos, bulleted) or self._unnumbered(core, pos, bulleted)

    def _compound(self, core: str, pos: int, bulleted: bool) -> list[Marker]:
        """A compound code (2-1, 4-10-1, み2-1, 1-①) at ``pos``."""
        m = _CODE.match(core, pos)
        if not m:
            return []
        prefix = m.group("prefix") or ""
        path = _path(m.group("code"))
        if path is None:
            return []
        style, code = style_code(prefix, path, circled=m.group("code")[-1] in _CIRCLED)
        kind = {2: NodeKind.MEASURE, 3: NodeKind.DIRECTION}.get(len(path), NodeKind.POINT)
        return [self._make(core, style, path, code, kind, pos, m.end(), False, False, False, 50, bulleted, arabic=True)]

    def _unnumbered(self, core: str, pos: int, bulleted: bool) -> list[Marker]:
        """A level word with no number, then 、 or : and a title (重点施策、子どもを見守る地域づくり):
        plans read aloud or typeset without numbers.  A marker only when it recurs (:mod:`.sequences`)."""
        m = self._unnumbered_rx.match(core, pos) if self._unnumbered_rx is not None else None
        if not m or m.end() >= len(core):
            return []
        lb = next(lb for lb in self.labels if lb.word == compact_code(m.group("label")))
        return [self._make(core, lb.word + "、", (0,), "", lb.kind, pos, m.end("label"), True, False, False, lb.order,
                           bulleted, arabic=False)]

    def _unknown(self, core: str, pos: int, bulleted: bool) -> list[Marker]:
        """A word the vocabulary does not know before a number or a code (視点2, 方向性1,
        施策方針 1-1-1): a marker when the document numbers it in sequence."""
        m = _UNKNOWN.match(core, pos)
        if not m or m.group("label") in self._known_words or m.group("label").startswith("第"):
            return []
        token, label = m.group("num"), m.group("label")
        if "-" in token:
            path = _path(token)
            if path is None:
                return []
            style, code = style_code(label, path)
            kind = {2: NodeKind.MEASURE, 3: NodeKind.DIRECTION}.get(len(path), NodeKind.POINT)
            return [self._make(core, style, path, code, kind, pos, m.end(), True, False, False, 45, bulleted,
                               arabic=True)]
        n = _any_number(token)
        if not n:
            return []
        dash = "-" if m.group("dash") else ""  # 資-1, 参考-2: the code as printed
        return [self._make(core, label + dash + "#", (n,), f"{label}{dash}{n}", NodeKind.POINT, pos, m.end(), True,
                           False, False, 45, bulleted, arabic=token.isdigit())]

    def _labelled(self, core: str, pos: int, bulleted: bool) -> list[Marker]:
        m = _PROLOGUE.match(core, pos)
        if m:  # 序章 is chapter 0 of 第#章; 終章 a style of its own
            first = m.group("word") == "序章"
            return [self._make(core, "第#章" if first else "終章", (0 if first else 1,), m.group("word"), NodeKind.CHAPTER,
                               pos, m.end(), True, True, False, 1, bulleted, arabic=False)]
        m = _DAI.match(core, pos)
        if m and m.group("word") in self._dai:
            lb = self._dai[m.group("word")]
            n = numeral(m.group("num"))
            if n:
                return [self._make(core, f"第#{lb.word}", (n,), f"第{n}{lb.word}", lb.kind, pos, m.end(), True, True,
                                   False, lb.order, bulleted, arabic=False)]
        m = _DAI_BARE.match(core, pos)
        if m:
            n = numeral(m.group("num"))
            if n:
                return [self._make(core, "第#", (n,), f"第{n}", NodeKind.CHAPTER, pos, m.end(), True, True, False, 1,
                                   bulleted, arabic=False)]
        for lb, rx in self._prefix if self._any_label.match(core, pos) else ():
            m = rx.match(core, pos)
            if not m:
                continue
            token = m.group("num")
            end = m.end()
            if token[0].isdigit() and end < len(core) and (core[end].isdigit() or core[end] == "-"):
                continue  # 施策10 of 施策10-1 under a label that takes no compound code
            if "-" in token:
                read = _path(token)
                if read is None:
                    continue
                path = read
            else:
                n = _any_number(token)
                if not n:
                    continue
                path = (n,)
            style, code = style_code(lb.word, path)
            return [self._make(core, style, path, code, lb.kind, pos, end, True, True, False, lb.order, bulleted,
                               arabic=token[0].isdigit())]
        return []

    def _make(self, core: str, style: str, path: tuple[int, ...], code: str, kind: NodeKind, start: int, end: int,
              labelled: bool, known: bool, minor: bool, order: int, bulleted: bool, *, arabic: bool,
              wide: bool = False) -> Marker:
        sep = _SEP.match(core, end)
        title_start = sep.end() if sep else end
        title = core[title_start:]
        # 52 人まで is a quantity; 基本方針1 人を育む and 1)人を育む are headings; 基本方針 24ページ
        # names a page.  A number of three digits or more in brackets before a counter is one too
        # (令和6 (2024) 年度): (100) 人づくり is a heading only when its sequence runs through it.
        quantity = (arabic and core[end - 1:end].isdigit() or wide) and not known and self.is_quantity(title) \
            or title.startswith(_PAGE_WORDS)
        return Marker(style, path[-1], path, code, kind, start, end, title_start, labelled, known, minor, order,
                      bulleted, quantity, title)

    def _finish(self, core: str, mk: Marker, start: int, end: int, bulleted: bool | None = None) -> Marker:
        """A labelled marker read inside brackets (or after a bullet): the marker spans them."""
        sep = _SEP.match(core, end)
        title_start = sep.end() if sep else end
        return Marker(mk.style, mk.number, mk.path, mk.code, mk.kind, start, end, title_start, mk.labelled, mk.known,
                      mk.minor, mk.order, mk.bulleted if bulleted is None else bulleted, False, core[title_start:])

    def is_quantity(self, title: str) -> bool:
        """True when ``title`` begins with a counter: the number before it was a quantity."""
        for word in self.counters:
            if title.startswith(word):
                nxt = title[len(word):len(word) + 1]
                return len(word) > 1 or not nxt or not _KANJI.match(nxt)
        return False

    def piece_structure(self, piece: str, following: str) -> str | None:
        """For run-on detection: "marker" when ``piece`` (with the piece after it as its title, if it
        has none) starts a heading that is not a quantity, "section" when it names a section."""
        piece = piece.strip()
        if self.section_name(piece) is not None:
            return "section"
        for mk in self.read(piece if not following else piece + " " + following):
            title = mk.title
            starts_like_a_title = bool(title) and (bool(_JA_LETTER.match(title)) or title[0] in "「『【<")
            if not mk.quantity and mk.start == 0 and (mk.known or starts_like_a_title):
                return "marker"
        return None

    def holds_together(self, left: str, right: str, after: str = "", group: str = "", ahead: str = "",
                       before: str = "") -> bool:
        """True when the space between two pieces of a run-on line (``after`` follows ``right``) is
        inside a marker (第 1章, 基本目標 1, 施策 5-3) or inside a letter-spaced word (目 次,
        まちづくりの基 本 理 念, 【趣 旨】), not a former line break.  ``group``: the pieces
        already joined to ``left`` (short groups only), for a marker spaced twice (第 3 部)."""
        left, right, group = left.strip(), right.strip(), group.strip()
        if not left or not right:
            return False
        if group and group != left and any(mk.start == 0 and mk.end == len(group) + 1 + len(right) and mk.known
                                           for mk in self.read(group + " " + right)):
            return True  # 第 3 ⏎ 部: the last part of a marker spaced twice
        readings = self.read(left + " " + right)
        if right in (".", ")") and any(mk.end == len(left) + 2 for mk in readings):
            return True  # 1 . は じ め に: a letter-spaced marker
        spaced = len(right) == 1 and len(after) == 1 and bool(_CJK.match(right + after))
        if any(mk.end == len(left) for mk in readings) and not (spaced and left in _KANJI_DIGITS):
            return False  # "ア" ⏎ title, "Ⅰ" ⏎ title: the marker ends at the space (三 郷 町 is a word)
        column = _next_number(right, after)  # … 1 2 3: a column of numbers
        # 5 重点プロジェクト 6 分野別計画: the number after a title goes on the numbering before it
        column = column or _next_number(before, right)
        if any(mk.end > len(left) + 1 and mk.known and not mk.quantity for mk in readings) and not self.read(left) \
                and not column:
            return True
        if len(left) <= 6 and any(mk.end > len(left) + 1 and mk.labelled and mk.compound for mk in readings) \
                and not self.read(left):
            return True  # 施策方針 1-1-1: a word the vocabulary does not know before a compound code
        if self.known_label(left + right) is not None:
            return True  # 基本 施策: a level word split by a space
        if after and any(mk.end > len(right) + 1 and mk.known for mk in self.read(right + " " + after)):
            return False  # "第" starts 第 1章: it goes with what follows
        inner = right.rstrip("】>])〉》")
        single = len(inner) == 1 and bool(_CJK.match(inner))
        # Letter spacing: single characters join each other, and a short word ending in a
        # character (まちづくりの基) takes the single characters that complete it.
        last = left.rsplit(" ", 1)[-1].lstrip("【<[(〈《")
        in_run = len(last) == 1 and bool(_CJK.match(last))  # 目 次 / 基 本 理 念: the run goes on
        # (目 次 after a word is the contents header on its own, not the end of that word)
        starts_run = len(last) <= LETTER_SPACED_HEAD and bool(_CJK.match(last[-1])) and len(after) == 1 \
            and bool(_CJK.match(after)) and not (len(last) > 1 and self.contents_headers.match(right + after))
        # A contents header spaced out after a spaced word starts a piece of its own (三 郷 町 も く じ).
        header = any(self.contents_headers.match(right + ahead[:n]) for n in range(1, 4))
        return single and (in_run or starts_run) and not header

    # -- other row roles -----------------------------------------------------------------------
    def section_name(self, core: str) -> str | None:
        """The section a row names (``◆成果指標`` → 成果指標), or None."""
        squashed = _squash(core)
        if squashed in self.section_names:
            return squashed
        return None

    def value_section(self, core: str) -> tuple[str, int] | None:
        """(name, matching column where the value starts) for ``主担当課　農政課``."""
        if self._values is None:
            return None
        stripped = core.lstrip(DECORATIONS + " ")
        lead = len(core) - len(stripped)
        m = self._values.match(stripped)
        if m is None or m.end() >= len(stripped):
            return None
        return compact_code(m.group()).rstrip(":"), lead + m.end()

    def known_label(self, text: str) -> Label | None:
        """The level word that ``text`` is, letter spacing ignored (a label row split from its code)."""
        word = compact_code(text)
        return next((lb for lb in self.labels if lb.form == "prefix" and lb.word == word), None)


def _next_number(a: str, b: str) -> bool:
    """``a`` and ``b`` are ASCII numbers and ``b`` is the next one."""
    x = read_int(a) if a.isascii() else None
    y = read_int(b) if b.isascii() else None
    return x is not None and y is not None and y == x + 1


def _squash(text: str) -> str:
    """A section name as compared: no spaces, no leading decoration, no brackets or trailing colon."""
    t = compact_code(text).lstrip(DECORATIONS)
    if t[:1] in "【<[〈《" and t[-1:] in "】>]〉》":
        t = t[1:-1]
    return t.rstrip(":")


def spaced_kanji(mk: Marker, core: str) -> bool:
    """A kanji numeral read as a marker before single characters spaced out (三 郷 町 人 口): on
    a run-on page, where letter spacing is everywhere, a word spaced out that begins with a
    kanji numeral, not a heading (on a line of its own, 一 計 画 の 目 的 is one)."""
    rest = core[mk.title_start:]
    return mk.code in _KANJI_DIGITS and len(rest) >= 3 and all(c == " " for c in rest[1::2]) \
        and " " not in rest[0::2]


def has_letters(text: str) -> bool:
    return bool(_JA_LETTER.search(text))


@lru_cache(maxsize=64)  # bounded: a user profile per run adds one; a long batch of them must not grow it
def vocabulary(profile: Profile) -> Vocabulary:
    """The compiled vocabulary of ``profile`` (profiles are immutable: compiled once each)."""
    return Vocabulary(profile)
