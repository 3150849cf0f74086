"""Segmentation, step 4: contents lists read as a stream of tokens.

After text extraction a contents page is rarely one entry per line.  The page's lines may be run
into one line (``目 第1章 次 総合戦略の基本事項…… 1 1 策定の背景 …… 1 2 策定の目的``), or cut into
one token per line (``Ⅰ`` ⏎ ``基本的な事項`` ⏎ ``・・・`` ⏎ ``2``); the column of codes may come out
apart from the column of titles (``第1章 1 2 3 titleA…1 titleB…``), and page numbers look like
codes.  So a contents list is read here as what it is made of, **tokens** (:func:`tokenize`): a
code, a bare number (a page number or a code), an explicit page (``5ページ``), a leader, a bullet
and title text.  The reading of a list (:func:`read_entries`) is the best-scoring assignment of a
role to each ambiguous token, found by a beam search: codes in sequence, page numbers that go
up, titles with a code, nothing left over (the weights are data: ``[contents]`` of
``profiles/generic.toml``).  A run of codes before a run of titles is matched to those titles in
order.  The entries then nest by their styles (:func:`nest_entries`), the style seen first
outermost, as the body's headings do (:mod:`.levels`).

Lists are found (:func:`find_lists`) after a contents header (目次, also split around displaced
codes: ``目 第1 第2 第3 次``, or over two lines), as runs of rows with leaders and page numbers,
and as a run of numbers 1 … n followed by n titles (a summary table flattened by extraction).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from ..text.normalize import compact_code
from .candidates import Mark, Role
from .contents import Block, Entry, heading_key
from .furniture import Furniture
from .levels import _close_for
from .profile import ContentsWeights
from .rows import Row
from .vocabulary import DECORATIONS, Marker, Vocabulary, spaced_kanji

# A leader: two or more dots or middle dots (… is "..." in the matching form), spaces allowed between.
_LEADER = re.compile(r"(?:[.・·](?: ?[.・·])+)")
_PAGE_AFTER_LEADER = re.compile(r"\d{1,3}(?!\d)")  # …… 12 (…2016 is a date, not a page)
_PAGE_WORD = re.compile(r"(?:(?P<a>\d{1,3}) ?(?:ページ|頁)|(?:[pP]\.?|ページ) ?(?P<b>\d{1,3}))")
_TRAILING_NUMBER = re.compile(r"(?<=\S) (?P<n>\d{1,3})$")
_HEAD_OPEN = re.compile(r"^[(〔【<\[≪《]?目$")
_HEAD_CLOSE = re.compile(r"^次[)〕】>\]≫》]?$")
_HEAD_CLOSE_LEADS = re.compile(r"^次[)〕】>\]≫》]? (?=\S)")
_HEAD_LEADS = re.compile(r"^[(〔【<\[≪《]?目 ?次[)〕】>\]≫》]? (?=\S)")
_HEAD_WHOLE = re.compile(r"^[(〔【<\[≪《]?目 ?次[)〕】>\]≫》]?$")
_DECOR = re.compile(r"^[-‐―—─=_~〜*＊◇◆□■・]+$")  # a row of dashes or decoration alone
_BULLETS = DECORATIONS + "・"
_WRAP_END = re.compile(r"(?:の|と|や|を|、|,|・|な|による|における|に向けた|及び|および|並びに|ならびに|「)$")
_CJK_START = re.compile(r"[\u4e00-\u9fff\u3005]")
_SUBTITLE = re.compile(r"^[-―—~〜～].+[-―—~〜～]$")
PROSE = 60  # a text token this long (or with 。) is prose: the list has ended
DISPLACED_HEAD = 4  # rows between 目 and 次 that may hold codes displaced from the first entries
BEAM = 24  # readings kept at each token
MAX_QUEUE = 60  # the longest column of codes displaced before their titles
MAX_TITLE_TOKENS = 12  # pieces one title may join (a run-on title with spaces inside)
PART_NAME_MAX = 12  # a part's name above a list without header
PAGED_MIN = 3  # entries with page numbers that make a list without header or leaders
SCAN_GAP = 2  # blank rows that end a list of one entry per line
REPEAT_TITLES = 4  # titles of one code compared with a row that may repeat an entry (Ⅰ 序 / Ⅰ 序論)


class Tok(Enum):
    CODE = "code"  # a marker that is not a bare number: 第1章, (1), 基本目標2, 1-1, Ⅲ, ①
    NUMBER = "number"  # a bare number: a page number or a code, the reading decides
    PAGE = "page"  # 5ページ, P.5
    LEADER = "leader"  # ・・・・ / ……
    BULLET = "bullet"  # ● ■ … before a title
    TITLE = "title"
    HEADER = "header"  # 目次, or 目 / 次 around displaced codes
    DECOR = "decoration"  # a row of dashes (- 目 次 -): part of no entry


@dataclass(slots=True)
class Token:
    """One token of row ``row`` (on source line ``line``): matching-form columns ``start:end`` of
    the row's text."""

    kind: Tok
    row: int
    line: int
    start: int
    end: int
    text: str
    marker: Marker | None = None
    value: int | None = None  # of a NUMBER or PAGE
    alone: bool = True  # the only token of its row (a run-on piece, or a line of one token)
    leads: bool = False  # first of a row of several tokens, with a title after it on the row
    trails: bool = False  # last of a row of several tokens, after a title or a leader on the row


def tokenize(rows: list[Row], i: int, vocab: Vocabulary, list_prefix: re.Pattern[str] | None = None,
             skip: int = 0) -> list[Token]:
    """The tokens of row ``i`` (from matching column ``skip`` of its core); together they cover
    every character of its core.  ``list_prefix``: the list bullet of the text extraction
    (``- ``), read before a code as part of it."""
    row = rows[i]
    core, base = row.core[skip:], row.core_start + skip
    out: list[Token] = []

    def add(kind: Tok, a: int, b: int, marker: Marker | None = None, value: int | None = None) -> None:
        if kind is Tok.NUMBER and marker is None and value is not None:
            marker = _bare_marker(vocab, value)  # a number after a leader may be the next code
        piece = core[a:b]
        lead = len(piece) - len(piece.lstrip())
        piece = piece.strip()
        if piece:
            out.append(Token(kind, i, row.line, base + a + lead, base + a + lead + len(piece), piece, marker, value))

    def text(a: int, b: int) -> None:
        """Text between leaders: a title, perhaps ending in an explicit or a bare page number."""
        piece = core[a:b].rstrip()
        b = a + len(piece)
        if not piece.strip():
            return
        if _digits(piece.strip()) and len(piece.strip()) <= 3:  # (2016 is a year, not a page)
            add(Tok.NUMBER, a, b, value=int(piece))
            return
        m = _PAGE_WORD.search(piece)
        if m and m.end() == len(piece):
            add(Tok.TITLE, a, a + m.start())
            add(Tok.PAGE, a + m.start(), b, value=int(m.group("a") or m.group("b")))
            return
        m = _TRAILING_NUMBER.search(piece)
        if m and (out or a > 0):  # 総合戦略の概要 1 after its code: the page number
            add(Tok.TITLE, a, a + m.start())
            add(Tok.NUMBER, a + m.start(), b, value=int(m.group("n")))
            return
        add(Tok.TITLE, a, b)

    if not core:
        return out
    if _HEAD_WHOLE.match(core) or _HEAD_OPEN.match(core) or _HEAD_CLOSE.match(core) or core in ("頁", "ページ"):
        add(Tok.HEADER, 0, len(core))
        return out
    head = _HEAD_LEADS.match(core) or _HEAD_CLOSE_LEADS.match(core)
    if head:  # 目 次 第1章 基本的な考え方 ・・・ 1 (or 次 序 after 目 Ⅰ): the header, then the first entry
        add(Tok.HEADER, 0, head.end())
        rest = tokenize(rows, i, vocab, list_prefix, skip + head.end())
        return out + rest
    if _DECOR.match(core) and not (len(core) == 1 and core in _BULLETS) and not _LEADER.fullmatch(core):
        add(Tok.DECOR, 0, len(core))
        return out
    pos = 0
    readings = [mk for mk in vocab.read(core, list_prefix) if not mk.quantity
                and not (row.runon and spaced_kanji(mk, core))]
    prefix = list_prefix.match(core) if list_prefix is not None else None
    if readings:  # a marker at the start; a bare number is a page number or a code
        mk = readings[0]
        bare = mk.style == "1" and not mk.bulleted
        add(Tok.NUMBER if bare else Tok.CODE, 0, mk.title_start, mk, mk.number if bare else None)  # with its separator
        pos = mk.title_start
    elif prefix is not None or core[0] in _BULLETS and not _LEADER.match(core):
        pos = prefix.end() if prefix is not None else 1
        if pos < len(core) and core[pos] in _BULLETS:
            pos += 1
        add(Tok.BULLET, 0, pos)
    k = pos
    for m in _LEADER.finditer(core, pos):
        text(k, m.start())
        add(Tok.LEADER, m.start(), m.end())
        k = m.end()
        num = _PAGE_AFTER_LEADER.match(core, k + (core[k:k + 1] == " "))
        if num:
            add(Tok.NUMBER, k, num.end(), value=int(num.group()))
            k = num.end()
    text(k, len(core))
    if len(out) > 1:
        for t in out:
            t.alone = False
        if out[0].kind in (Tok.NUMBER, Tok.CODE, Tok.BULLET) and out[1].kind is Tok.TITLE:
            out[0].leads = True
        if out[-1].kind in (Tok.NUMBER, Tok.PAGE) and out[-2].kind in (Tok.TITLE, Tok.LEADER):
            out[-1].trails = True
    return out


def _digits(text: str) -> bool:
    """ASCII digits only (² and ３ are digits to str.isdigit, and int() refuses the first)."""
    return text.isascii() and text.isdigit()


def _bare_marker(vocab: Vocabulary, n: int) -> Marker | None:
    """The reading of a bare number ``n`` as a code of style ``1`` (None past 99: a page number)."""
    readings = [mk for mk in vocab.read(f"{n} x") if mk.style == "1"] if n < 100 else []
    return readings[0] if readings else None


# -- reading a list: the best assignment of roles to its tokens -------------------------------------
@dataclass(slots=True)
class Draft:
    """An entry as read: its code token (or bullet), title tokens, page token and other tokens
    (leaders), all indices into the list's tokens.  The indices are tuples: a fork shares them,
    and the garbage collector stops tracking a tuple of numbers (a beam over a list of thousands
    of entries keeps millions of drafts alive)."""

    code: int | None = None
    bullet: int | None = None
    title: tuple[int, ...] = ()
    page: int | None = None
    other: tuple[int, ...] = ()
    moved: bool = False  # its code was printed apart from its title (a run of codes, then titles)
    charged: bool = False  # the cost of never getting a title was counted when it opened

    def copy(self) -> "Draft":
        return Draft(*self.fields())

    def fields(self) -> tuple[int | None, int | None, tuple[int, ...], int | None, tuple[int, ...], bool, bool]:
        """The draft as a tuple of numbers: a finished entry is kept so (see :class:`_State`)."""
        return (self.code, self.bullet, self.title, self.page, self.other, self.moved, self.charged)

    @property
    def waiting(self) -> bool:
        """A code (or bullet) whose title has not come yet."""
        return not self.title and (self.code is not None or self.bullet is not None)


@dataclass(slots=True)
class _State:
    """One reading in progress: the entries so far, the displaced codes waiting for titles, the
    tokens taken by no entry, and what sequences the codes and page numbers have reached.  Its
    finished entries and left tokens are linked lists shared with the readings it forked from,
    so that a fork costs the same however long the list is.  A finished entry is kept as a tuple
    of numbers (:meth:`Draft.fields`), which the garbage collector stops tracking: the beam keeps
    the entries of every reading it holds, millions for a list of thousands of entries."""

    score: float
    done: tuple | None = None  # finished entries, newest first: (draft's fields, rest)
    cur: Draft | None = None  # the entry still being read
    count: int = 0  # entries, the current one included
    queue: tuple[int, ...] = ()
    noise: tuple | None = None  # tokens taken by no entry, newest first: (token, rest)
    n_noise: int = 0
    last_page: int | None = None
    last_bare: int | None = None
    seen: frozenset[str] = frozenset()  # styles of the codes so far
    outer: frozenset[str] = frozenset()  # styles seen before the bare codes began: above them
    outer_since_bare: bool = False  # a code of such a style came after the last bare code
    last_of: dict[str, tuple[tuple[int, ...], int]] = field(default_factory=dict)  # style → (prefix, number)
    column: bool = False  # the codes waiting are what is left of a column (第1 第2 第3 …)
    after_leader: bool = False
    prev: Tok | None = None
    fresh: bool = False  # nothing but leaders since the current entry's title: its page may come

    def fork(self) -> "_State":
        return _State(self.score, self.done, self.cur.copy() if self.cur is not None else None, self.count,
                      self.queue, self.noise, self.n_noise, self.last_page, self.last_bare, self.seen, self.outer,
                      self.outer_since_bare, dict(self.last_of), self.column, self.after_leader, self.prev, self.fresh)

    def push(self, draft: Draft) -> None:
        if self.cur is not None:
            self.done = (self.cur.fields(), self.done)
        self.cur, self.count = draft, self.count + 1

    def drop(self, *tokens: int) -> None:
        for k in tokens:
            self.noise = (k, self.noise)
        self.n_noise += len(tokens)

    def drafts(self) -> list[Draft]:
        out = [self.cur] if self.cur is not None else []
        link = self.done
        while link is not None:
            out.append(Draft(*link[0]))
            link = link[1]
        return out[::-1]

    def dropped(self) -> list[int]:
        out, link = [], self.noise
        while link is not None:
            out.append(link[0])
            link = link[1]
        return out


class _Reading:
    """The beam search over the readings of one list (see the module's docstring)."""

    def __init__(self, tokens: list[Token], w: ContentsWeights) -> None:
        self.tokens, self.w = tokens, w

    def best(self, queued: list[int]) -> tuple[list[Draft], list[int]]:
        beam = [_State(0.0, queue=tuple(queued), column=len(queued) >= 2)]
        for k in range(len(queued), len(self.tokens)):
            nxt = [s for st in beam for s in self.step(st, k) or [self.nothing(st, k)]]
            nxt.sort(key=lambda s: -s.score)  # stable: the option tried first wins a tie
            beam = nxt[:BEAM]
        for st in beam:
            self.close(st)
            st.score += self.w.left_in_queue * len(st.queue)
        best = max(beam, key=lambda s: s.score)
        drafts = [d for d in best.drafts() if d.title or d.code is not None]
        left = best.dropped() + list(best.queue)
        for d in best.drafts():  # a bullet that no title followed: its tokens belong to no entry
            if not d.title and d.code is None:
                left += [k for k in (d.bullet, d.page) if k is not None] + list(d.other)
        return drafts, sorted(left)

    def nothing(self, st: _State, k: int) -> _State:
        """A token no reading can take here (a code while codes wait, at the end of its row): it
        belongs to no entry, at the cost of a number taken by none."""
        s = st.fork()
        s.drop(k)
        s.score += self.w.noise
        s.prev, s.after_leader, s.fresh = self.tokens[k].kind, False, False
        return s

    # -- scores --------------------------------------------------------------------------------
    def close(self, st: _State) -> None:
        """The entry before a new one is complete: a code that never got a title costs."""
        if st.cur is not None and st.cur.waiting and not st.cur.charged:
            st.score += self.w.untitled

    def expire(self, st: _State) -> None:
        """Codes displaced before their titles wait only for the titles right after them: a
        title that another code took, or an entry with a code of its own, ends the wait, unless
        they are a column of codes (1 2 3, 第1 第2 第3, 第1章 1 2 3) whose titles follow among
        other entries."""
        if st.queue and not st.column and not self.column(st.queue):
            st.score += self.w.left_in_queue * len(st.queue)
            st.drop(*st.queue)
            st.queue = ()

    def new(self, st: _State, draft: Draft, queued: bool = False) -> None:
        """Start an entry (``queued``: with a displaced code)."""
        self.close(st)
        if not queued and (draft.code is not None or draft.bullet is not None):
            self.expire(st)
        st.push(draft)
        if draft.code is not None:
            st.score += self.sequence(st, draft.code)

    def column(self, queue: tuple[int, ...], prefix: bool = False) -> bool:
        """Two or more displaced codes of one column: bare numbers going up by one (after a code
        of another style: 第1章 1 2 3), or codes of one style going up by one.  ``prefix``: the
        start of such a column (第1章 1, as the codes come)."""
        toks = [self.tokens[k] for k in queue]
        if len(toks) < 2:
            return False
        heads = [k for k, t in enumerate(toks) if t.kind is not Tok.NUMBER]
        if len(heads) > 1 and heads[0] == 0 and all(b - a > 1 for a, b in zip(heads, heads[1:])):
            return self._columns(toks, heads)
        head, rest = (toks[0], toks[1:]) if toks[0].kind is not Tok.NUMBER else (None, toks)
        if rest and all(t.kind is Tok.NUMBER for t in rest):
            values = [t.value or 0 for t in rest]
            if values != list(range(values[0], values[0] + len(values))):
                return False
            if head is None:
                return True
            # 第1章 1 2 3 (a chapter, then its sections), or 重点プロジェクト1 2 3 (one column)
            starts = (1, 2) if head.marker is not None and head.marker.number == 1 else (1,)
            if prefix:  # (as the codes come, only sections numbered from 1: Ⅰ ⏎ 2 is a code and its page)
                return values[0] == 1
            return values[0] in starts and len(rest) >= 2
        styles = {t.marker.style for t in toks if t.marker is not None}
        numbers = [t.marker.number for t in toks if t.marker is not None]
        return len(styles) == 1 and len(numbers) == len(toks) and numbers == list(range(numbers[0], numbers[0] + len(numbers)))

    @staticmethod
    def _columns(toks: list[Token], heads: list[int]) -> bool:
        """第3章 1 2 3 第4章 1 2 第5章 …: chapters of one style going up by one, each followed
        by its sections numbered from 1 (two pages of codes printed before their titles)."""
        marks = [toks[h].marker for h in heads]
        if any(m is None for m in marks) or len({m.style for m in marks if m is not None}) != 1:
            return False
        numbers = [m.number for m in marks if m is not None]
        if numbers != list(range(numbers[0], numbers[0] + len(numbers))):
            return False
        for a, b in zip(heads, heads[1:] + [len(toks)]):
            values = [t.value or 0 for t in toks[a + 1:b]]
            if values != list(range(1, len(values) + 1)):
                return False
        return True

    def sequence(self, st: _State, k: int) -> float:
        """How well code token ``k`` continues the codes before it (the state moves on)."""
        t, w = self.tokens[k], self.w
        if t.kind is Tok.NUMBER:
            # Bare codes go on 1, 2, 3 across codes of styles below them ((1) (2) inside 2), and
            # start again at 1 after a code of a style above them (第2章 after 第1章's 1 2 3).
            n, last, above = t.value or 0, st.last_bare, st.outer_since_bare
            st.last_bare, st.outer_since_bare = n, False
            if n == 1:
                st.outer = st.seen
                return w.bare_first if last is None else (w.bare_restart if above else w.bare_repeat)
            if last is not None and n == last + 1 and not above:
                return w.bare_next
            return w.bare_gap
        mk = t.marker
        if mk is None:
            return 0.0
        st.seen = st.seen | {mk.style}
        if mk.style in st.outer:
            st.outer_since_bare = True
        before = st.last_of.get(mk.style)
        st.last_of[mk.style] = (mk.path[:-1], mk.number)  # (the state's own copy: fork copies this small map)
        follows = before is None or mk.number == 1 or before[0] == mk.path[:-1] and mk.number == before[1] + 1 \
            or before[0] != mk.path[:-1] and len(mk.path) > 1
        return self.w.code_next if follows else self.w.code_gap

    def page(self, st: _State, k: int) -> float:
        t, w = self.tokens[k], self.w
        value = t.value or 0
        score = w.page_after_leader if st.after_leader else 0.0
        score += w.page_ends_row if t.trails else 0.0
        if st.last_page is not None and value < st.last_page:
            return score + w.page_back
        st.last_page = value
        return score + w.page_next

    # -- one token -----------------------------------------------------------------------------
    def step(self, st: _State, k: int) -> list[_State]:
        t = self.tokens[k]
        if t.kind is Tok.TITLE:
            out = self.title(st, k)
        elif t.kind is Tok.LEADER:
            s = st.fork()
            if s.cur is not None:
                s.cur.other += (k,)
            else:
                s.drop(k)
            out = [s]
        elif t.kind is Tok.PAGE:
            s = st.fork()
            if s.cur is not None and s.cur.title and s.cur.page is None and st.fresh:
                s.cur.page = k
                s.score += self.page(s, k)
            else:
                s.drop(k)
            out = [s]
        elif t.kind in (Tok.HEADER, Tok.DECOR):
            s = st.fork()
            s.drop(k)
            out = [s]
        else:
            out = self.code(st, k)
        for s in out:
            s.prev = Tok.TITLE if s.cur is not None and s.cur.title and s.cur.title[-1] == k else t.kind
            s.after_leader = t.kind is Tok.LEADER
            s.fresh = t.kind is Tok.TITLE or (t.kind is Tok.LEADER and st.fresh)
        return out

    def code(self, st: _State, k: int) -> list[_State]:
        """A code, a bare number or a bullet: a page number of the entry before, a new entry,
        a code displaced before its title (queued), or a number that belongs to nothing."""
        t, cur, w = self.tokens[k], st.cur, self.w
        out: list[_State] = []
        if cur is not None and cur.waiting and t.kind is Tok.CODE and t.leads and t.marker is not None \
                and t.marker.title_start == t.marker.end and _CJK_START.match(t.marker.title):
            s = st.fork()  # (5) ⏎ 政策5原則+…: a title that starts like a code, glued to its words
            s.cur.title += (k,)  # type: ignore[union-attr]
            s.score += w.titled
            out.append(s)
        if t.kind is Tok.NUMBER and cur is not None and cur.title and cur.page is None and not t.leads and st.fresh:
            s = st.fork()
            s.cur.page = k  # type: ignore[union-attr]
            s.score += self.page(s, k)
            if st.last_bare is not None and t.value == st.last_bare + 1 and not st.outer_since_bare \
                    and k + 1 < len(self.tokens) and self.tokens[k + 1].kind is Tok.TITLE:
                s.score += w.page_like_code  # … 1 title ・・・ 2 title: the next code, more likely than a page
            out.append(s)
        codable = t.kind is not Tok.NUMBER or t.marker is not None
        # Codes are taken in the order they are printed: while displaced codes wait for titles, a
        # code opens an entry of its own only when its title follows it.
        in_order = not st.queue or (k + 1 < len(self.tokens) and self.tokens[k + 1].kind is Tok.TITLE)
        if not t.trails and codable and in_order:
            s = st.fork()
            self.new(s, Draft(bullet=k) if t.kind is Tok.BULLET else Draft(code=k))
            if t.kind is Tok.NUMBER and st.after_leader:
                s.score += w.code_after_leader
            if k + 1 < len(self.tokens) and self.tokens[k + 1].kind is Tok.TITLE:
                s.score += w.code_before_title
            elif k + 1 < len(self.tokens) and self._no_title_after(k) and s.cur is not None:
                # Another code comes next: this one will never get a title.  Counted now, so that
                # readings that queue a column of codes are not cut from the beam before their titles come.
                s.cur.charged = True
                s.score += w.untitled
            out.append(s)
        if t.alone and codable and len(st.queue) < MAX_QUEUE and (not st.queue or self.column(st.queue + (k,), prefix=True)):
            s = st.fork()  # a code displaced before its title: alone, or one of a column of codes
            s.queue += (k,)
            s.column = len(s.queue) >= 2
            out.append(s)
        if t.kind is Tok.NUMBER and not t.leads:
            s = st.fork()
            s.drop(k)
            before = self.tokens[k - 1] if k > 0 else None
            # Page numbers printed together apart from their entries (… 計画期間 1 1 2 ・・・): a
            # number after a number not lower than it costs less than a number alone.
            in_run = before is not None and before.kind is Tok.NUMBER and (before.value or 0) <= (t.value or 0) \
                and (st.noise is not None and st.noise[0] == k - 1 or st.cur is not None and st.cur.page == k - 1)
            s.score += w.noise_in_run if in_run else w.noise
            out.append(s)
        return out

    def _no_title_after(self, k: int) -> bool:
        """Token ``k + 1`` is a code that cannot be the title of code ``k``."""
        t = self.tokens[k + 1]
        if t.kind is Tok.NUMBER:
            return True
        glued = t.leads and t.marker is not None and t.marker.title_start == t.marker.end \
            and bool(_CJK_START.match(t.marker.title))  # (5) ⏎ 政策5原則+…: a title after all
        return t.kind is Tok.CODE and not glued

    def title(self, st: _State, k: int) -> list[_State]:
        """A title: of the code waiting for one, more of the title before it (wrapped, or a space
        inside it), of the next displaced code, or of an entry without a code."""
        t, cur, w = self.tokens[k], st.cur, self.w
        if cur is not None and cur.waiting:
            s = st.fork()
            s.cur.title += (k,)  # type: ignore[union-attr]
            s.score += w.titled
            if s.cur.charged:  # type: ignore[union-attr]
                s.cur.charged = False  # type: ignore[union-attr]
                s.score -= w.untitled  # it got a title after all (the code after it was displaced)
            self.expire(s)
            return [s]
        out: list[_State] = []
        if cur is not None and cur.title and cur.page is None and st.prev is Tok.TITLE and len(cur.title) < MAX_TITLE_TOKENS:
            s = st.fork()
            before = self.tokens[cur.title[-1]]
            score = w.join_same_line if _same_line(before, t) else w.join_next_line
            score += w.join_wrap_end if _WRAP_END.search(before.text) else 0.0
            score += w.join_subtitle if _SUBTITLE.match(t.text) else 0.0
            s.cur.title += (k,)  # type: ignore[union-attr]
            s.score += score
            out.append(s)
        if st.queue:
            s = st.fork()
            code, s.queue = s.queue[0], s.queue[1:]
            s.column = s.column and bool(s.queue)
            self.new(s, Draft(bullet=code, title=(k,), moved=True) if self.tokens[code].kind is Tok.BULLET
                     else Draft(code=code, title=(k,), moved=True), queued=True)
            s.score += w.titled
            out.append(s)
        s = st.fork()
        self.new(s, Draft(title=(k,)))
        s.score += w.uncoded
        self.expire(s)
        out.append(s)
        return out


def _same_line(a: Token, b: Token) -> bool:
    return a.line == b.line


def read_entries(tokens: list[Token], queued: list[int], w: ContentsWeights) -> tuple[list[Draft], list[int]]:
    """The best reading of a list's tokens: its entries, and the tokens that no entry took (page
    numbers out of place, leaders before the first entry).  ``queued``: codes displaced before
    the first title (``目 第1章 次 総合戦略の基本事項``)."""
    return _Reading(tokens, w).best(queued)


# -- nesting the entries ------------------------------------------------------------------------------
@dataclass(slots=True)
class _OpenEntry:
    index: int
    style: str
    path: tuple[int, ...]
    minor: bool
    labelled: bool


def nest_entries(entries: list[Entry], leaves: Any = None) -> None:
    """Set each entry's parent.  A style already open closes what is inside it, a new style opens
    inside the innermost open entry, a compound code nests under its prefix (:mod:`.levels`'s
    rules).  An entry without a code is a part above the coded entries when it has a bullet (●
    前期基本計画) or when the numbering restarts after it (基本構想 ⏎ 第1章 … 基本計画 ⏎ 第1章);
    otherwise it is a leaf beside the entry before it (はじめに, 計画の見方)."""
    parts = _parts(entries, leaves)
    stack: list[_OpenEntry] = []
    previous: int | None = None
    for k, e in enumerate(entries):
        if e.marker is None and k not in parts:
            if _listed(e):  # - 人口の変化 under 1. 変貌し発展する武蔵野: an item of the entry above
                e.parent = stack[-1].index if stack else None
            else:
                e.parent = entries[previous].parent if previous is not None else None
            continue
        path: tuple[int, ...]
        if e.marker is None:
            style, path, minor, labelled = "•" + (e.decoration or ""), (k,), False, True
            if not any(o.style == style for o in stack):
                stack.clear()  # a part is outermost
        else:
            mk = e.marker
            style, path, minor, labelled = mk.style, mk.path, mk.minor, mk.labelled
        _close_for(stack, style, path, labelled)  # type: ignore[arg-type]
        e.parent = stack[-1].index if stack else None
        stack.append(_OpenEntry(k, style, path, minor, labelled))
        previous = k


def _parts(entries: list[Entry], leaves: Any = None) -> set[int]:
    """Entries without a code that head the coded entries after them: with a bullet (●), above
    a numbering that starts again after them, or the name of a part above the list's first
    numbered entry (塩谷町人口ビジョン ⏎ 第1章 …) — never a word that opens or closes a plan
    (はじめに, 資料編, 計画の見方: ``contents_leaves`` of the vocabulary)."""
    def leaf(e: Entry) -> bool:
        return leaves is not None and bool(leaves.match(compact_code(e.title)))

    parts = {k for k, e in enumerate(entries) if e.marker is None and e.decoration and not _listed(e)}
    first = next((k for k, e in enumerate(entries) if e.marker is not None), len(entries))
    for k in range(first):
        e, below = entries[k], entries[k + 1] if k + 1 < len(entries) else None
        if e.marker is None and not e.decoration and not leaf(e) and below is not None and below.marker is not None \
                and below.marker.number == 1:
            parts.add(k)
    restarting: set[str] = set()
    seen: set[str] = set()
    for k, e in enumerate(entries):
        if e.marker is not None:
            seen.add(e.marker.style)
        elif k + 1 < len(entries) and (nxt := entries[k + 1].marker) is not None and nxt.number == 1 \
                and nxt.style in seen:
            restarting.add(nxt.style)
    for k, e in enumerate(entries):
        nxt = entries[k + 1].marker if k + 1 < len(entries) else None
        if e.marker is None and nxt is not None and nxt.number == 1 and nxt.style in restarting:
            parts.add(k)
    return parts


def _listed(e: Entry) -> bool:
    """An entry written after the list bullet of the text extraction (``- ``)."""
    return bool(e.decoration) and e.decoration.startswith("-")  # type: ignore[union-attr]


# -- finding the lists ----------------------------------------------------------------------------------
@dataclass
class _Scan:
    rows: list[int]
    stop: str  # why the list ended: "prose", "end", "blank", "page", "repeat", "table", "section"
    stop_row: int | None


class ListFinder:
    """Finds the contents lists of a document and reads them (:func:`find_lists`)."""

    def __init__(self, rows: list[Row], marks: list[Mark], furniture: Furniture, vocab: Vocabulary,
                 list_prefix: re.Pattern[str] | None) -> None:
        self.rows, self.marks, self.f, self.vocab = rows, marks, furniture, vocab
        self.w, self.list_prefix = vocab.contents_weights, list_prefix
        self._tokens: dict[int, list[Token]] = {}
        self._keyed: dict[tuple[str, str], list[int]] | None = None

    def tokens(self, i: int) -> list[Token]:
        if i not in self._tokens:
            self._tokens[i] = tokenize(self.rows, i, self.vocab, self.list_prefix)
        return self._tokens[i]

    def keyed_rows(self) -> dict[tuple[str, str], list[int]]:
        """The rows of the text by the (code, title) they name (a code alone on its row with
        the title on the next names it too), computed once."""
        if self._keyed is None:
            self._keyed = {}
            for j in range(len(self.rows)):
                if self.rows[j].blank or self.marks[j].role is not Role.MARKER:
                    continue
                toks = self.tokens(j)
                if any(t.kind in (Tok.LEADER, Tok.PAGE) or t.trails for t in toks):
                    continue  # an entry of another list, not a heading of the body
                key = self._key(toks)
                if key is None and self.code_alone(j) and j + 1 < len(self.rows):
                    key = self._key(toks + self.tokens(j + 1))  # 資-1 ⏎ 計画策定の体制: one heading
                if key is not None:
                    self._keyed.setdefault(heading_key(*key), []).append(j)
        return self._keyed

    def next_rows(self, i: int, n: int) -> list[int]:
        """The next ``n`` rows with text after ``i`` (blank rows and pattern furniture skipped)."""
        out: list[int] = []
        j = i + 1
        while j < len(self.rows) and len(out) < n:
            if not self.rows[j].blank and (self.marks[j].role is not Role.FURNITURE or self._bullet_alone(j)):
                out.append(j)
            j += 1
        return out

    def _bullet_alone(self, j: int) -> bool:
        """A bullet alone on its row (or run-on piece), or a row of leader dots (・・・・): part of
        a list, not a decoration row, inside it."""
        core = self.rows[j].core
        return len(core) == 1 and core in _BULLETS or bool(_LEADER.fullmatch(core))

    # -- where a list starts -----------------------------------------------------------------------
    def header(self, i: int) -> tuple[list[int], list[int], int] | None:
        """(header rows, rows of codes displaced between 目 and 次, first row of the list); a row
        that begins with 目次 and goes on with the first entry is a header row of its own list."""
        core = self.rows[i].core
        if self.marks[i].role is Role.CONTENTS_HEADER or _HEAD_WHOLE.match(core):
            return [i], [], i + 1
        if _HEAD_LEADS.match(core):
            return [], [], i
        if not _HEAD_OPEN.match(core):
            return None
        ahead = self.next_rows(i, DISPLACED_HEAD + 1)
        for k, j in enumerate(ahead):
            close = self.rows[j].core
            if _HEAD_CLOSE.match(close) or _HEAD_CLOSE_LEADS.match(close):
                between = ahead[:k]
                if not all(self.code_alone(r) for r in between):
                    return None
                if _HEAD_CLOSE.match(close):
                    return [i, j], between, j + 1
                return [i], between, j  # 次 序: the list begins on the row that closes the header
        if ahead and self.code_alone(ahead[0]):  # 目 (次 lost) ⏎ 第1章 ⏎ 1 ⏎ …
            return [i], [], i + 1
        return None

    def code_alone(self, j: int) -> bool:
        toks = self.tokens(j)
        return len(toks) == 1 and toks[0].kind in (Tok.CODE, Tok.NUMBER, Tok.BULLET)

    # -- where it ends -----------------------------------------------------------------------------
    def scan(self, first: int, taken: set[int], also: set[int] = frozenset()) -> _Scan:  # type: ignore[assignment]
        """The rows of a list that starts at row ``first``: until prose, a table, a section name,
        two blank rows, a page break, or a line that repeats an entry (the body begins)."""
        kept: list[int] = []
        keys: set[tuple[str, str]] = set()
        titles: dict[str, list[str]] = {}  # code → the first titles listed with it
        blanks = 0
        j = first
        while j < len(self.rows):
            row, mark = self.rows[j], self.marks[j]
            if j in taken or j in also:
                return _Scan(kept, "taken", j)
            if row.blank:
                blanks += 1
                if blanks >= SCAN_GAP and kept:
                    return _Scan(kept, "blank", j)
                j += 1
                continue
            blanks = 0
            if j in self.f and (mark.role is Role.FURNITURE and not self._bullet_alone(j) or j in self.f.page_marks
                                and self.f.reasons[j] != "page number"):
                if kept and j in self.f.page_marks:
                    return _Scan(kept, "page", j)
                j += 1  # a running header inside a list stays furniture
                continue
            if j in self.f and j not in self.f.page_marks and not self._bullet_alone(j) \
                    and not (kept and self.code_alone(kept[-1]) and mark.role is Role.TEXT):
                j += 1  # (a line repeated beside page numbers right after a code alone is its title)
                continue
            if mark.role is Role.TABLE:
                return _Scan(kept, "table", j)
            if kept and (mark.role is Role.CONTENTS_HEADER or _HEAD_WHOLE.match(row.core)) \
                    and not self.code_alone(kept[-1]) and not self._entry_follows(j):
                return _Scan(kept, "header", j)  # another list begins (not an entry titled 戦略の体系)
            toks = self.tokens(j)
            if any(t.kind is Tok.TITLE and ("。" in t.text or len(t.text) > PROSE) for t in toks):
                return _Scan(kept, "prose", j)
            if mark.role in (Role.SECTION, Role.VALUE_SECTION) and not self._entry_follows(j):
                return _Scan(kept, "section", j)
            key = self._key(toks)
            if key is not None and (key in keys or key[0] and any(key[1].startswith(t) for t in titles.get(key[0], ()))) \
                    and not self._entry_follows(j):
                if kept and self.code_alone(kept[-1]) and not self._key(toks)[0]:  # type: ignore[index]
                    return _Scan(kept[:-1], "repeat", kept[-1])  # 1 ⏎ 計画の趣旨: the code goes with its title
                return _Scan(kept, "repeat", j)  # the body begins: 1.計画の趣旨 again (or Ⅰ 序 as Ⅰ 序論)
            if key is not None and key not in keys:
                keys.add(key)
                if key[0] and len(titles.setdefault(key[0], [])) < REPEAT_TITLES:
                    titles[key[0]].append(key[1])
            kept.append(j)
            if j in self.f.page_marks and (j + 1 >= len(self.rows) or self.rows[j + 1].blank):
                # a page number, then a blank row (or the end): the page ends
                return _Scan(kept, "page", j + 1 if j + 1 < len(self.rows) else None)
            j += 1
        return _Scan(kept, "end", None)

    def _entry_follows(self, j: int) -> bool:
        """Row ``j`` is an entry: it has a leader or page number, or the next row starts with one."""
        if any(t.kind in (Tok.LEADER, Tok.PAGE) for t in self.tokens(j)):
            return True
        nxt = j + 1
        while nxt < len(self.rows) and self.rows[nxt].blank:
            nxt += 1
        if nxt >= len(self.rows) or self.marks[nxt].role is Role.FURNITURE and not self._bullet_alone(nxt):
            return False  # a page break after it: the body's heading at the foot of a page
        toks = self.tokens(nxt)
        return bool(toks) and toks[0].kind in (Tok.LEADER, Tok.NUMBER, Tok.PAGE)

    @staticmethod
    def _key(toks: list[Token]) -> tuple[str, str] | None:
        """What a row names, to see the body repeat the list: (code, title), the code empty for a
        title alone (of four characters or more)."""
        code = compact_code(toks[0].text) if toks and toks[0].kind in (Tok.CODE, Tok.NUMBER) else ""
        title = compact_code("".join(t.text for t in toks if t.kind is Tok.TITLE))
        if not title or not code and len(title) < 4:
            return None
        return code, title

    # -- reading one list --------------------------------------------------------------------------
    def read(self, header: list[int], displaced: list[int], scan: _Scan, why: str) -> Block | None:
        """The block of a list: its entries read from the tokens, nested."""
        rows = scan.rows
        block = self._read(header, displaced, rows, why)
        if block is None:
            return None
        # A list that ran into the body: its last entry, right above the prose and without the
        # page number the others have, is the body's first heading.
        if scan.stop in ("prose", "page") and scan.stop_row is not None and len(block.entries) >= 3:
            last = block.entries[-1]
            with_pages = sum(1 for e in block.entries if e.page is not None)
            last_rows = {s.line for s in last.spans}
            if last.page is None and 2 * with_pages >= len(block.entries) \
                    and self.rows[scan.stop_row].line in last_rows | {max(last_rows) + 1}:
                keep = [r for r in rows if r < last.row]
                shorter = self._read(header, displaced, keep, why)
                if shorter is not None:
                    return shorter
        return block

    def _read(self, header: list[int], displaced: list[int], rows: list[int], why: str) -> Block | None:
        tokens: list[Token] = [t for r in displaced for t in self.tokens(r)]
        queued = list(range(len(tokens)))
        tokens += [t for r in rows for t in self.tokens(r)]
        _quantities(tokens, self.vocab)
        drafts, left = read_entries(tokens, queued, self.w)
        titled = [d for d in drafts if d.title]
        if len(titled) < 2:
            return None
        block = Block(rows=sorted(set(header) | set(displaced) | set(rows)), header=header[0] if header else None)
        for h in header:
            block.header_spans.append(self.rows[h].span())
        block.header_text = "".join(self.rows[h].source() for h in header)
        for n, d in enumerate(drafts, start=1):
            block.entries.append(self._entry(tokens, d))
            said: dict[int | None, str] = {
                d.code: "code (printed apart from its title)" if d.moved else "code", d.bullet: "bullet",
                d.page: "page number", **{k: "title" for k in d.title}, **{k: "leader" for k in d.other}}
            for k, what in said.items():
                if k is not None:
                    block.roles.setdefault(tokens[k].row, []).append(f"entry {n} {what}: {tokens[k].text[:20]}")
        for k in left:
            t = tokens[k]
            if t.kind is Tok.HEADER and t.row not in header:  # 目 次 第1章 …: the header on the entry's row
                block.header_spans.append(self.rows[t.row].span(t.start, t.end))
                block.header_text += self.rows[t.row].source(t.start, t.end)
                block.roles.setdefault(t.row, []).append(f"contents header: {t.text}")
                continue
            block.left.append((self.rows[t.row].span(t.start, t.end), self.rows[t.row].source(t.start, t.end)))
            block.roles.setdefault(t.row, []).append(f"no entry ({t.kind.value}): {t.text[:20]}")
        nest_entries(block.entries, self.vocab.contents_leaves)
        moved = sum(1 for e in block.entries if e.moved)
        first, last = self.rows[block.rows[0]].line, self.rows[block.rows[-1]].line
        block.reasons.append(f"lines {first}-{last}, {why}: {len(block.entries)} entries"
                             + (f", {moved} with a code printed apart from its title" if moved else "")
                             + (f", {len(block.left)} numbers or leaders no entry took" if block.left else ""))
        return block

    def _entry(self, tokens: list[Token], d: Draft) -> Entry:
        order = sorted([k for k in (d.code, d.bullet, d.page) if k is not None] + list(d.title) + list(d.other),
                       key=lambda k: (tokens[k].row, tokens[k].start))
        spans = [self.rows[tokens[k].row].span(tokens[k].start, tokens[k].end) for k in order]
        text = _joined(self.rows, tokens, order)
        title_text = _joined(self.rows, tokens, list(d.title))
        title = compact_code("".join(tokens[k].text for k in d.title))
        code_tok = tokens[d.code] if d.code is not None else None
        marker = code_tok.marker if code_tok is not None else None
        page = tokens[d.page].value if d.page is not None else None
        deco = tokens[d.bullet].text if d.bullet is not None else None
        key = heading_key(marker.code if marker is not None else "", title)
        first = min(tokens[k].row for k in order)
        return Entry(first, marker, page, key, title, True, spans, text, title_text, None, deco, d.moved)


def _quantities(tokens: list[Token], vocab: Vocabulary) -> None:
    """A number followed on its line by a counter (戦略推進における 5 つの視点) is part of a title."""
    for a, b in zip(tokens, tokens[1:]):
        if a.kind is Tok.NUMBER and b.kind is Tok.TITLE and a.line == b.line and vocab.is_quantity(b.text):
            a.kind, a.marker, a.value = Tok.TITLE, None, None


def _joined(rows: list[Row], tokens: list[Token], order: list[int]) -> str:
    """The source text of tokens ``order``: a space between tokens of one line, nothing between
    lines; a code after a list bullet without the bullet (the item says it is bulleted)."""
    out = ""
    prev: Token | None = None
    for k in order:
        t = tokens[k]
        start = t.start + t.marker.start if t.kind is Tok.CODE and t.marker is not None and t.marker.bulleted else t.start
        piece = rows[t.row].source(start, t.end)
        if prev is not None and prev.line == t.line:
            out += " "
        out += piece
        prev = t
    return out


def find_lists(rows: list[Row], marks: list[Mark], furniture: Furniture, vocab: Vocabulary,
               list_prefix: re.Pattern[str] | None = None, taken: set[int] | None = None) -> list[Block]:
    """The contents lists of a document: after a contents header, runs of rows with leaders and
    page numbers, and numbers 1 … n followed by n titles.  Rows of a list that PDF layout made
    page numbers are the list's again (its tokens)."""
    finder = ListFinder(rows, marks, furniture, vocab, list_prefix)
    taken = set(taken or ())
    blocks: list[Block] = []

    tried: set[int] = set()  # rows of lists that were read and failed: not looked at again

    def accept(block: Block | None, scanned: list[int]) -> None:
        if block is None:
            tried.update(scanned)
            return
        blocks.append(block)
        taken.update(block.rows)

    for i in range(len(rows)):
        if i in taken or rows[i].blank or i in furniture:
            continue
        head = finder.header(i)
        if head is not None and not (rows[i].runon and i > 0 and rows[i - 1].line == rows[i].line
                                     and finder.code_alone(i - 1)):  # 2 施策の体系: an entry's title
            header, displaced, first = head
            scan = finder.scan(first, taken, set(header) | set(displaced))
            accept(finder.read(header, displaced, scan, "after a contents header"), scan.rows)
    for i in range(len(rows)):
        if i in taken or i in tried or rows[i].blank or i in furniture or not _LEADER.search(rows[i].core):
            continue
        if _leader_page(finder.tokens(i)):
            start = _back_to_entry(finder, i, taken)
            scan = finder.scan(start, taken)
            pages = sum(1 for r in scan.rows if _leader_page(finder.tokens(r)))
            accept(finder.read([], [], scan, "rows with leaders and page numbers") if pages >= 2 else None, scan.rows)
    for i in range(len(rows)):
        if i not in tried and marks[i].role is Role.MARKER and any(mk.number == 1 and not mk.title
                                                                   for mk in marks[i].markers):
            run = _number_run(finder, i, taken)  # starts at a 1 alone on its row
            if run:
                accept(finder.read([], [], _Scan(run, "end", None), "numbers 1 … n, then n titles"), run)
    for i in range(len(rows)):
        if i in taken or i in tried or rows[i].blank or i in furniture or not _paged_entry(finder, i):
            continue
        scan = finder.scan(_part_name_above(finder, i, taken), taken)
        block = finder.read([], [], scan, "codes, titles and page numbers")
        accept(block if block is not None and _paged(block) and _front_or_repeated(finder, block) else None,
               scan.rows)
    for b in blocks:
        for r in b.rows:
            furniture.reasons.pop(r, None)
            furniture.page_marks.pop(r, None)
    return sorted(blocks, key=lambda b: b.rows[0])


def _leader_page(toks: list[Token]) -> bool:
    return any(a.kind is Tok.LEADER and b.kind in (Tok.NUMBER, Tok.PAGE) for a, b in zip(toks, toks[1:]))


def _paged_entry(finder: ListFinder, i: int) -> bool:
    """Row ``i`` begins an entry printed as a code, a title and a page number, without leaders
    (資-1 計画策定の体制と経緯 156), on its row or over the next run-on pieces."""
    toks = finder.tokens(i)
    if not toks or toks[0].kind is not Tok.CODE:
        return False
    ahead = list(toks)
    for j in finder.next_rows(i, 2) if finder.rows[i].runon and len(toks) < 3 else ():
        if not finder.rows[j].runon:
            break
        ahead += finder.tokens(j)
    return len(ahead) >= 3 and ahead[1].kind is Tok.TITLE and ahead[2].kind is Tok.NUMBER \
        and (len(ahead) == 3 or ahead[3].kind is Tok.CODE or ahead[3].row != ahead[2].row)


def _part_name_above(finder: ListFinder, i: int, taken: set[int]) -> int:
    """Row ``i - 1`` when it is a short name alone (資料編, 第2部 基本計画) right above a list
    found without a header: the name of the part the list covers, read with it."""
    j = i - 1
    if j < 0 or j in taken or finder.rows[j].blank or j in finder.f or finder.rows[j].line != finder.rows[i].line \
            and finder.rows[i].runon:
        return i
    toks = finder.tokens(j)
    if len(toks) == 1 and toks[0].kind is Tok.TITLE and len(compact_code(toks[0].text)) <= PART_NAME_MAX \
            and "。" not in toks[0].text:
        return j
    return i


def _paged(block: Block) -> bool:
    """A list found by its page numbers alone: at least three entries, most with a page number,
    the numbers never going down (a table of codes, names and counts goes up and down)."""
    pages = [e.page for e in block.entries if e.page is not None]
    return len(pages) >= PAGED_MIN and 2 * len(pages) > len(block.entries) and pages == sorted(pages) \
        and pages[-1] > pages[0]


def _front_or_repeated(finder: ListFinder, block: Block) -> bool:
    """A list found by its page numbers alone is a contents list when nothing but short lines
    without a marker comes before it (the front of the text, an excerpt that begins with it) or
    when the text after it repeats one of its entries as a heading (not as an entry of another
    such list); a list under a heading (施設の数 12, 15, 20) is data."""
    first = block.rows[0]
    front = all(finder.rows[j].blank or j in finder.f or "。" not in finder.rows[j].core
                and len(finder.rows[j].core) <= PROSE and finder.marks[j].role is not Role.MARKER
                for j in range(first))
    if front:
        return True
    where = finder.keyed_rows()
    last = block.rows[-1]
    return any(r > last for e in block.entries if e.key is not None and e.marker is not None
               for r in where.get(e.key, ()))


def _back_to_entry(finder: ListFinder, i: int, taken: set[int]) -> int:
    """The first row of the entry whose leader is on row ``i``: its code and title may be on the
    rows (or run-on pieces) just before."""
    start = i
    for _ in range(2):
        j = start - 1
        if j < 0 or j in taken or finder.rows[j].blank or j in finder.f:
            break
        toks = finder.tokens(j)
        if not toks or any(t.kind in (Tok.LEADER, Tok.PAGE) for t in toks) or finder.rows[j].runon != finder.rows[i].runon:
            break
        if any(t.kind is Tok.TITLE and ("。" in t.text or len(t.text) > PROSE) for t in toks):
            break
        start = j
        if toks[0].kind in (Tok.CODE, Tok.NUMBER, Tok.BULLET):
            break
    return start


def _number_run(finder: ListFinder, i: int, taken: set[int]) -> list[int]:
    """Rows 1, 2, … n (n ≥ 3, each a number alone) followed by n titles: an overview table whose
    columns extraction put one after the other (the codes, then the titles)."""
    if i in taken or finder.rows[i].blank or i in finder.f:
        return []
    numbers: list[int] = []
    j, want = i, 1
    while j < len(finder.rows) and j not in taken:
        toks = finder.tokens(j)
        first = want == 1 and len(toks) == 1 and toks[0].kind is Tok.CODE and toks[0].marker is not None \
            and toks[0].marker.number == 1 and not toks[0].marker.compound  # 重点プロジェクト1 2 3 …
        if first or len(toks) == 1 and toks[0].kind is Tok.NUMBER and toks[0].value == want:
            numbers.append(j)
            want += 1
            j += 1
            continue
        break
    n = len(numbers)
    if n < 3:
        return []
    titles: list[int] = []
    while j < len(finder.rows) and j not in taken and len(titles) < n:
        toks = finder.tokens(j)
        if len(toks) != 1 or toks[0].kind is not Tok.TITLE or "。" in toks[0].text or len(toks[0].text) > 40 \
                or finder.marks[j].role in (Role.SECTION, Role.VALUE_SECTION):
            break
        titles.append(j)
        j += 1
    return numbers + titles if len(titles) >= n - 1 else []
