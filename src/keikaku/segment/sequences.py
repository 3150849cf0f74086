"""Segmentation, step 5: which marker rows are headings.  Sequences are the evidence.

A reading becomes a heading when it belongs to a run of its style (1, 2, 3 … in document order,
across page breaks and parents: 方針1 … 方針8 over four goals), or when its style has such a
run elsewhere and it is the first of its list (a lone ① under one measure), or when a level word
of the vocabulary names it (政策4 alone in an excerpt).  Before that, readings that cannot be
headings are set aside, each with its reason: a quantity (2 つの視点から), a title without words
(28 30 ― ―), a sentence, an inline list ((1)…、(2)…), a line that continues the sentence above.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from .candidates import Mark, Role
from .furniture import Furniture
from .layout import PageEvidence
from .profile import Profile
from .rows import Row
from .vocabulary import Marker, circled_number, has_letters

_SENTENCE_END = set("。．.！!？?」』)）]】:：")
# A number glued to one of these is part of a sentence (第1章で示した, 基本目標1の実現に向けて).
_PARTICLES = ("の", "で", "は", "を", "に", "が", "と", "も", "へ", "や", "から", "まで", "より")
MAX_TITLE = 80  # an inline title longer than this is a paragraph that starts with a number
CONTINUATION_MIN = 20  # a line this long without a sentence end continues on the next line
PARAGRAPH_ROW = 30  # a numbered row this long, run on by a long row right below it, is a paragraph
OPENS_WITHIN = 3  # rows (title, a line of text) between a lone first item and the list it opens
# Two figures or more at the end of a row, each after a space (12人 0人, 45.2% ― 60%): a table's row.
# Each a figure with its unit or a null, never a year (2025年度 2030年度, 2025 - 2034) and never a bare number
# (SDGs 3 4).
_ROW_FIGURES = re.compile(r"(?:\s+(?:[▲△]?(?!(?:19|20)\d\d(?:年|\s|$))\d[\d,]*(?:\.\d+)?(?:%|％|[^\s\d年\-ー―—]{1,4})|[―—]))"
                          r"{2,}$")
_MID_PHRASE = re.compile(r"[、,のにをはがでとへやもな]$")  # a title never ends so; a wrapped sentence does


@dataclass(frozen=True)
class Rejected:
    row: int
    marker: Marker
    reason: str


@dataclass
class Decisions:
    """Headings by row (the reading chosen) and every reading set aside, with its reason."""

    heads: dict[int, Marker] = field(default_factory=dict)
    rejected: list[Rejected] = field(default_factory=list)
    lone: set[int] = field(default_factory=set)  # headings no sequence supports, accepted by their form


def _next_marker_text(mk: Marker) -> re.Pattern[str] | None:
    """A pattern for the same style's next number inside a title: (1)…、(2) is an inline list."""
    following = {"(1)": f"({mk.number + 1})", "1)": f"{mk.number + 1})",
                 "①": circled_number(mk.number + 1) if mk.number < 50 else None}.get(mk.style)
    return re.compile(re.escape(following)) if following else None


def inline_list(mk: Marker) -> bool:
    """The next number of ``mk``'s style follows in its title: (1)…、(2)… is a list inside a sentence."""
    following = _next_marker_text(mk)
    return following is not None and bool(following.search(mk.title))


def unfinished(core: str) -> bool:
    """A row whose sentence goes on in the next row: it ends with 、, or it is long and ends
    without a sentence end."""
    return core[-1:] in ("、", ",") or len(core) >= CONTINUATION_MIN and core[-1:] not in _SENTENCE_END


def screen(mk: Marker, rows: list[Row], i: int, is_quantity: Callable[[str], bool] | None = None) -> str | None:
    """Why reading ``mk`` of row ``i`` cannot be a heading (None if it can)."""
    title = mk.title
    if mk.bulleted and not (mk.labelled or mk.compound):
        return "written after a list bullet: an entry of a list, not a heading"
    if mk.quantity and not title_like_text(mk.title):  # 3 人が集うまちづくり may be a heading (see doubt)
        return "a number followed by a counter: a quantity, not a heading"
    if not title and not mk.known and mk.code[-1:].isdigit() and is_quantity is not None \
            and (j := _next_row(rows, i)) is not None and is_quantity(rows[j].core) \
            and not title_like_text(rows[j].core):
        return "a number followed by a counter on the next piece: a quantity, not a heading"
    if title and not has_letters(title):
        return "the text after the number has no words (a table row or a figure)"
    if title and mk.title_start == mk.end and (mk.labelled or mk.code[-1:].isdigit()) and title.startswith(_PARTICLES):
        return "the marker is part of a sentence (第1章で示した …)"
    if len(title) > MAX_TITLE:
        return f"the text after the marker is {len(title)} characters long: a paragraph, not a title"
    if "。" in title:
        return "the text after the marker is a sentence (a heading does not end with 。)"
    if _ROW_FIGURES.search(title):
        return "the text after the marker ends with figures (待機児童数 12人 0人): a table row, not a title"
    if title.endswith(("、", ",")) and not mk.known:
        return "the text after the marker ends with 、: an item of a sentence, not a title"
    if not mk.known and inline_list(mk):
        return "an inline list: the next number follows on the same line"
    return None


def doubt(mk: Marker, rows: list[Row], marks: list[Mark], i: int, prev: int | None) -> str | None:
    """What makes reading ``mk`` of row ``i`` doubtful: the row looks like a numbered paragraph,
    or like the continuation of the sentence above.  A doubtful reading is a heading only when
    a sequence of its style supports it (…② ⏎ a caption ⏎ ③ 行政マネジメント is one)."""
    if mk.quantity:
        return "a number followed by a counter (3 人が…): a heading only when its sequence runs through it"
    if mk.known:
        return None
    title = mk.title
    nxt = i + 1
    # (… 見込まれ ⏎ ます。: a short row that ends the sentence is its tail, not a body)
    if title and len(rows[i].core) >= PARAGRAPH_ROW and not rows[i].runon and nxt < len(rows) \
            and marks[nxt].role is Role.TEXT and (len(rows[nxt].core) >= CONTINUATION_MIN
                                                  or rows[nxt].core.endswith("。") and "。" not in rows[nxt].core[:-1]):
        return "a numbered paragraph: its text runs on into the next line"
    if title and len(title) >= PARAGRAPH_ROW and _MID_PHRASE.search(title) and not rows[i].runon \
            and nxt < len(rows) and marks[nxt].role is Role.TEXT:
        return "a numbered paragraph: its sentence stops mid-phrase and goes on in the next line"
    if prev is not None and prev == i - 1 and not rows[i].runon and not rows[prev].runon \
            and marks[prev].role in (Role.TEXT, Role.BULLET) and len(rows[prev].core) >= CONTINUATION_MIN \
            and rows[prev].core[-1] not in _SENTENCE_END:
        return f"continues the unfinished sentence of line {rows[prev].line}"
    return None


def title_like_text(title: str) -> bool:
    """``人が集うまちづくり`` after ``3``: a counter-like first character in what reads as a short
    title (no sentence, no particle at its end), which a sequence 1, 2, 3 may make a heading."""
    return 0 < len(title) <= LONE_TITLE and "。" not in title and not _TITLE_END.search(title) \
        and title[1:2] in ("が", "の", "を", "と", "に", "は", "も", "で", "へ")


def _next_row(rows: list[Row], i: int) -> int | None:
    """The next row with text after ``i``."""
    j = i + 1
    while j < len(rows) and rows[j].blank:
        j += 1
    return j if j < len(rows) else None


def decide(rows: list[Row], marks: list[Mark], furniture: Furniture, skip: set[int],
           profile: Profile, is_quantity: Callable[[str], bool] | None = None,
           evidence: PageEvidence | None = None) -> Decisions:
    """Choose the headings among the marker rows (rows in ``skip`` belong to contents lists); a
    PDF's print weighs in (:func:`_by_print`)."""
    d = Decisions()
    outline = {lv.style for lv in profile.outline}
    readings: list[tuple[int, Marker]] = []
    doubts: list[str | None] = []
    prev: int | None = None
    for i, mark in enumerate(marks):
        if i in furniture or rows[i].blank:
            continue
        if mark.role is Role.MARKER and i not in skip:
            for mk in mark.markers:
                reason = screen(mk, rows, i, is_quantity)
                if reason is None and outline and mk.style not in outline:
                    reason = "its style is not in the outline of the profile"
                if reason is None:
                    readings.append((i, mk))
                    doubts.append(doubt(mk, rows, marks, i, prev))
                else:
                    d.rejected.append(Rejected(i, mk, reason))
        prev = i
    if outline:
        for (i, mk), why in zip(readings, doubts):
            if why is None:
                d.heads.setdefault(i, mk)
            else:
                d.rejected.append(Rejected(i, mk, why))
        return d
    run_of, supported = _runs(readings, doubts)
    established: dict[str, int] = {}
    restarts: dict[str, int] = {}
    for (_, mk), length in zip(readings, run_of):
        established[mk.style] = max(established.get(mk.style, 0), length)
        restarts[mk.style] = restarts.get(mk.style, 0) + (mk.number == 1)
    for style, n in restarts.items():  # (1) under one goal, (1) under the next: a list that restarts
        if n >= 2:
            established[style] = max(established[style], 2)
    unnumbered: dict[str, int] = {}  # 重点施策、title ⏎ … 重点施策、title: a level word that recurs without numbers
    for (_, mk), why in zip(readings, doubts):
        if mk.number == 0 and not mk.code and why is None:
            unnumbered[mk.style] = unnumbered.get(mk.style, 0) + 1
    accepted: dict[int, Marker] = {}
    verdicts: list[tuple[int, Marker, str | None]] = []
    for k, ((i, mk), length) in enumerate(zip(readings, run_of)):
        why = doubts[k]
        if mk.bulleted:  # ・施策3 title ⏎ text: a code after a bullet heads its own text, or is a list's entry
            verdicts.append((i, mk, None if why is None and lone_heading(mk, rows, marks, i, furniture) else
                             "written after a list bullet: an entry of a list (no text of its own after it)"))
        elif mk.number == 0 and not mk.code:
            verdicts.append((i, mk, None if why is None and unnumbered.get(mk.style, 0) >= 2 else
                             why or f"a level word without a number that occurs once ({mk.style})"))
        elif why is not None:  # doubtful: only a sequence of sure readings makes it a heading
            verdicts.append((i, mk, None if supported[k] else why))
        elif length >= 2 or mk.known:
            verdicts.append((i, mk, None))
        elif established.get(mk.style, 0) >= 2 and mk.number == 1:
            verdicts.append((i, mk, None))
        elif mk.compound:
            verdicts.append((i, mk, "compound"))  # decided below, by its prefix
        elif lone_heading(mk, rows, marks, i, furniture):
            verdicts.append((i, mk, None))
            d.lone.add(i)
        elif established.get(mk.style, 0) >= 2:
            verdicts.append((i, mk, f"out of sequence: no {mk.style} run reaches {mk.code} here"))
        else:
            verdicts.append((i, mk, f"alone: no other {mk.style} marker continues it (1, 2, 3 …), and"
                                    " it does not stand alone as a heading (own row, short title, text after it)"))
    # A lone first item right before another style's list opens that list (Ⅰ 基本的な考え方 ⏎
    # 1.はじめに ⏎ 2.…, in an excerpt that ends before Ⅱ).
    for k, (i, mk, why) in enumerate(verdicts):
        if why is None or doubts[k] is not None or mk.number != 1 or mk.compound or k + 1 >= len(verdicts):
            continue
        j, nxt, nwhy = verdicts[k + 1]
        if nwhy is None and nxt.style != mk.style and nxt.number == 1 and run_of[k + 1] >= 2 \
                and sum(1 for r in range(i + 1, j) if not rows[r].blank) <= OPENS_WITHIN:
            verdicts[k] = (i, mk, None)
    if evidence is not None and evidence.prominent:
        verdicts = _by_print(verdicts, evidence)
    prefixes = {mk.path for _, mk, why in verdicts if why is None}
    for i, mk, why in verdicts:
        if why == "compound":
            why = None if mk.path[:-1] in prefixes else \
                f"alone: no other {mk.style} code continues it and no unit {'-'.join(map(str, mk.path[:-1]))} is open"
        if why is None:
            best = accepted.get(i)
            if best is None or (established.get(mk.style, 0) > established.get(best.style, 0)):
                accepted[i] = mk
        else:
            d.rejected.append(Rejected(i, mk, why))
    d.heads = accepted
    # A row with two readings keeps one: the other is recorded as set aside.
    for i, mk, why in verdicts:
        if why is None and accepted.get(i) is not mk:
            d.rejected.append(Rejected(i, mk, f"another reading of the row was chosen ({accepted[i].style})"))
    d.rejected.sort(key=lambda r: r.row)
    return d


PRINTED_LARGER = 2  # headings of a style printed larger than the body: then one in body print is none


def _by_print(verdicts: list[tuple[int, Marker, str | None]], ev: PageEvidence
              ) -> list[tuple[int, Marker, str | None]]:
    """What the print says, where the PDF shows it: a marker at the start of a row printed larger
    or bolder than the body text is a heading even alone or out of sequence; one printed as the
    body text is not, when other headings of its style are printed larger (a line of a paragraph
    that starts with 2) or (1))."""
    larger: dict[str, int] = {}
    for i, mk, why in verdicts:
        if why is None and i in ev.prominent:
            larger[mk.style] = larger.get(mk.style, 0) + 1
    out: list[tuple[int, Marker, str | None]] = []
    for i, mk, why in verdicts:
        if why is not None and why != "compound" and i in ev.prominent and mk.start == 0 and not mk.bulleted \
                and not mk.quantity:
            why = None
        elif why is None and i in ev.plain and larger.get(mk.style, 0) >= PRINTED_LARGER:
            why = f"printed as the body text, while {larger[mk.style]} other {mk.style} headings are printed larger"
        out.append((i, mk, why))
    return out


LONE_TITLE = 40  # a heading that no sequence supports has a title at most this long
LONE_NUMBER = 20  # … and a number at most this high (a page may begin at 4. or Ⅲ, not at 37)
_TITLE_END = re.compile(r"(?:[、,のはがをでともへや]|から|まで|より)$")  # (…に ends titles: はじめに, …のために)


def lone_heading(mk: Marker, rows: list[Row], marks: list[Mark], i: int, furniture: Furniture) -> bool:
    """A marker that no sequence supports is still a heading when it is well formed: at the start
    of its row, a short title (on the row or the next one) that does not end mid-phrase, and
    text of its own after it (prose, bullets, a section).  Excerpts and separate pages hold lone
    markers: a page that begins at 4. or Ⅲ, one (1) under its heading."""
    if mk.start != 0 and not mk.bulleted or mk.number > LONE_NUMBER:
        return False
    if mk.style == "1" and mk.title and mk.title_start == mk.end:
        return False  # 2計画の期間: a number glued to its title stands only in its sequence
    if mk.style == "1" and mk.number != 1 and "、" not in rows[i].core[mk.end:mk.title_start] \
            and not _page_start(rows, i, furniture):
        return False  # a bare number (3 title) is the weakest marker: alone, only 1 or at the start of a page
    title, j = mk.title, i
    if not title:
        j = _next_row(rows, i) or i
        if j == i or marks[j].role is not Role.TEXT:
            return False
        title = rows[j].core
    if not has_letters(title) or len(title) > LONE_TITLE or "。" in title or _TITLE_END.search(title):
        return False
    k = _next_row(rows, j)
    while k is not None and (k in furniture or _page_between(rows, marks, k)):
        k = _next_row(rows, k)  # page furniture, and a page number printed beside the title (1 ⏎ 目的 ⏎ 5)
    if k is None:
        return False
    role, core = marks[k].role, rows[k].core
    if role in (Role.BULLET, Role.SECTION, Role.VALUE_SECTION, Role.TABLE):
        return True
    if role is Role.MARKER and any(o.style != mk.style and not o.quantity for o in marks[k].markers):
        return True  # a heading of another style right below it: 重点戦略4 ⏎ 3、プログラム ⏎ text
    return role is Role.TEXT and ("。" in core or len(core) >= CONTINUATION_MIN)


def _page_between(rows: list[Row], marks: list[Mark], k: int) -> bool:
    """Row ``k`` is a number alone with prose right after it: a page number, not a code."""
    if not (rows[k].core.isdigit() and len(rows[k].core) <= 3):
        return False
    after = _next_row(rows, k)
    return after is not None and marks[after].role is Role.TEXT \
        and ("。" in rows[after].core or len(rows[after].core) >= CONTINUATION_MIN)


def _page_start(rows: list[Row], i: int, furniture: Furniture) -> bool:
    """Row ``i`` begins the text, a page (after a page number) or a block (after a blank row)."""
    if i in furniture.page_tops:
        return True
    j = i - 1
    while j >= 0 and j in furniture:
        j -= 1
    return j < 0 or rows[j].blank or j + 1 < i  # furniture (a page number) between them


def _runs(readings: list[tuple[int, Marker]], doubts: list[str | None]) -> tuple[list[int], list[bool]]:
    """For each reading, the number of distinct numbers in its chain, and whether a sure reading
    (not doubtful) is in the chain besides it.  A chain links readings of one style (and, for
    codes, one prefix) in document order whose numbers go up by one: other numbers of the style
    between them (a year, a table cell) do not break it.  A group whose numbers are 1 … n each
    once in another order is one chain (extraction moved a block)."""
    groups: dict[tuple[str, tuple[int, ...]], list[int]] = {}
    for k, (_, mk) in enumerate(readings):
        groups.setdefault((mk.style, mk.path[:-1]), []).append(k)
    length = [1] * len(readings)
    supported = [False] * len(readings)
    for members in groups.values():
        numbers = [readings[k][1].number for k in members]
        if len(numbers) >= 3 and sorted(numbers) == list(range(1, len(numbers) + 1)):
            chains = [members]
        else:
            chains = []
            ends: dict[int, list[int]] = {}  # the last number of each open chain → chain indices
            for k in members:
                n = readings[k][1].number
                for want in (n - 1, n):  # the next number, or the same again (a repeated heading)
                    if ends.get(want):
                        c = ends[want].pop()
                        chains[c].append(k)
                        ends.setdefault(n, []).append(c)
                        break
                else:
                    chains.append([k])
                    ends.setdefault(n, []).append(len(chains) - 1)
        for chain in chains:
            distinct = len({readings[k][1].number for k in chain})
            sure = sum(1 for k in chain if doubts[k] is None)
            for k in chain:
                length[k] = distinct
                supported[k] = distinct >= 2 and sure - (doubts[k] is None) >= 1
    return length, supported
