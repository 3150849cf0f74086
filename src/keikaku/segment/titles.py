"""Segmentation, step 6 (layout): each heading's title, wherever extraction put it.

The title follows the marker on its row, or sits on the next row (``【基本目標１】`` ⏎ title,
``施策`` ⏎ ``４－１０`` ⏎ title), and may be wrapped onto one more row when the first part ends
mid-phrase (…地域包括ケアシステムの ⏎ 深化).  A bracketed word right above a code on its own row
is the heading's label (【分野】 ⏎ み1 ⏎ title).  A heading of a weak style with no title at all
is not a heading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from .candidates import Mark, Role
from .contents import next_text
from .furniture import Furniture
from .rows import Row
from .sequences import Rejected, title_like_text
from .vocabulary import Marker

MAX_NEXT_TITLE = 60  # a title on the row after its code is at most this long
MAX_WRAP = 30  # the wrapped second row of a title is short
# A title row that ends like this continues on the next row.
_WRAPS = re.compile(r"(?:の|と|や|を|、|,|・|による|における|に向けた|及び|および|並びに|ならびに|「)$")
_LABEL = re.compile(r"^【(?P<label>[^】]{1,10})】$")
# The end of a piece of a run-on line that is not the end of a title: a quoted keyword, a Latin
# word, a year at the start, a comma.
_GOES_ON = re.compile(r"(?:^[“「『\"].{1,15}[”」』\"]|^[A-Za-z][A-Za-z.&]*|^\d{4}年?(?:度)?|[、,])$")
# A subtitle between dashes (~健康福祉~) on the piece after a title is part of it.
_SUBTITLE = re.compile(r"^[-―—~〜～]{1,2}[^-―—~〜～]{1,30}[-―—~〜～]{1,2}$")  # (not a rule ―――― of dashes)
_ONE_KANA = re.compile(r"^[ぁ-ゖァ-ヺー]$")  # one kana alone on its row: vertical text, not a title
RUNON_PIECES = 3  # pieces of a run-on line one title may take


@dataclass(slots=True)
class Heading:
    """An accepted heading: its row, reading, the rows of its title and of its label."""

    row: int
    marker: Marker
    title_rows: list[int] = field(default_factory=list)
    label_rows: list[int] = field(default_factory=list)
    label: str | None = None

    @property
    def rows(self) -> list[int]:
        return sorted([self.row, *self.title_rows, *self.label_rows])


def _title_like(rows: list[Row], marks: list[Mark], j: int, limit: int, section_ok: bool = False) -> bool:
    """A row that can be (part of) a title; a code alone on its row may take a plain section name
    as its title ((2) ⏎ 施策の展開)."""
    core = rows[j].core
    # (a contents header that starts no list is a title too: 2 ⏎ 施策の体系)
    role_ok = marks[j].role is Role.TEXT or (section_ok and marks[j].role in (Role.SECTION, Role.CONTENTS_HEADER)
                                             and core[:1] not in "【■◆●○◇□")
    return role_ok and len(core) <= limit and not core.endswith("。")


def assemble(rows: list[Row], marks: list[Mark], furniture: Furniture, heads: dict[int, Marker],
             taken: set[int], is_quantity: Callable[[str], bool]) -> tuple[dict[int, Heading], list[Rejected]]:
    """The headings with their title and label rows; weak markers without any title, or whose
    title row is a quantity's counter (平成 13 ⏎ 年度に…), are rejected.  A row is part of one
    heading at most, and never of one when ``taken`` (rows of contents lists) holds it: the
    level word above a code (施策 ⏎ 1-1) is that code's, not the title of the heading before."""
    out: dict[int, Heading] = {}
    rejected: list[Rejected] = []
    claimed = set(taken) | set(heads) | set(furniture.reasons)
    labels = {r for i in heads for r in marks[i].label_rows}

    def free(j: int) -> bool:
        return j not in claimed and j not in labels

    for i in sorted(heads):
        mk = heads[i]
        h = Heading(i, mk, label_rows=[r for r in marks[i].label_rows if r not in claimed])
        last = i
        if not mk.title:
            j = next_text(rows, marks, i, furniture, sections=True)
            if j is not None and not mk.known and mk.code[-1:].isdigit() and is_quantity(rows[j].core) \
                    and not title_like_text(rows[j].core):
                rejected.append(Rejected(i, mk, "a number followed by a counter: a quantity, not a heading"))
                continue
            one_letter = j is not None and mk.minor and bool(_ONE_KANA.match(rows[j].core))  # ア ⏎ イ ⏎ デ: vertical text
            if j is not None and free(j) and _title_like(rows, marks, j, MAX_NEXT_TITLE, section_ok=True) \
                    and (rows[j].runon == rows[i].runon) and not one_letter:
                h.title_rows.append(j)
                last = j
            elif not mk.known:
                rejected.append(Rejected(i, mk, "a marker alone on its row with no title after it"))
                continue
        title = rows[last].core if last != i else mk.title
        if not rows[last].runon and _WRAPS.search(title):
            k = last + 1
            if k < len(rows) and free(k) and _title_like(rows, marks, k, MAX_WRAP):
                h.title_rows.append(k)
        elif rows[last].runon:
            # A run-on line cut a title at its spaces: a quoted keyword, a Latin word, a leading
            # year or a comma is not where a title ends (基本目標1 “つながる” 誰もが支え合うまち).
            k = last + 1
            while len(h.title_rows) < RUNON_PIECES and k < len(rows) and free(k) \
                    and (_GOES_ON.search(title) or _SUBTITLE.match(rows[k].core)) \
                    and rows[k].line == rows[last].line and _title_like(rows, marks, k, MAX_WRAP):
                h.title_rows.append(k)
                title, k = rows[k].core, k + 1
        if not mk.title and i > 0 and not h.label_rows and free(i - 1):
            m = _LABEL.match(rows[i - 1].core)
            if m and marks[i - 1].role is Role.SECTION:
                h.label_rows.append(i - 1)
                h.label = rows[i - 1].source()[1:-1].strip()
        claimed.update(h.title_rows, h.label_rows)
        out[i] = h
    return out, rejected
