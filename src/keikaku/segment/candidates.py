"""Segmentation, step 2: what each row could be, read with the vocabulary alone.

A row is blank, furniture by pattern (``- 12 -``, ``■ ■ ■``), a table row (tabs), a contents
header (目次), a section name (現状と課題), a value section (主担当課　農政課), a *marker row*
(one or more :class:`~.vocabulary.Marker` readings: heading candidates, not headings yet), a
bullet, or text.  Nothing here looks at other rows, except to join a level word that PDF
extraction split from its code (``施策`` ⏎ ``４－９``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import Enum

from ..text.normalize import compact_code
from .profile import Profile
from .rows import Row
from .vocabulary import DECORATIONS, Marker, Vocabulary, spaced_kanji, style_code


class Role(Enum):
    BLANK = "blank"
    FURNITURE = "furniture"  # matches a furniture pattern of the profile
    TABLE = "table"
    CONTENTS_HEADER = "contents header"
    SECTION = "section"
    VALUE_SECTION = "value section"
    MARKER = "marker"
    BULLET = "bullet"
    TEXT = "text"


@dataclass(frozen=True, slots=True)
class Mark:
    """What one row could be.  ``markers``: readings of a marker row; ``section``: the section
    name; ``value_at``: column where a value section's value starts; ``bullet``/``body``: a
    bullet's marker and the column of its text; ``label_rows``: rows holding the level word of a
    code written on its own row."""

    role: Role
    markers: tuple[Marker, ...] = ()
    section: str | None = None
    value_at: int = 0
    bullet: str | None = None
    body: int = 0
    label_rows: tuple[int, ...] = field(default=())


def read_row(row: Row, vocab: Vocabulary, profile: Profile) -> Mark:
    """The role of one row, by itself."""
    core = row.core
    if not core:
        return Mark(Role.BLANK)
    if vocab.furniture.match(core):
        return Mark(Role.FURNITURE)
    if "\t" in core:
        return Mark(Role.TABLE)
    if vocab.contents_headers.match(core):
        return Mark(Role.CONTENTS_HEADER)
    name = vocab.section_name(core)
    if name is not None:
        return Mark(Role.SECTION, section=name)
    value = vocab.value_section(core)
    if value is not None:
        return Mark(Role.VALUE_SECTION, section=value[0], value_at=row.core_start + value[1])
    markers = vocab.read(core, profile.list_prefix)
    if markers and not all(mk.quantity for mk in markers):
        return Mark(Role.MARKER, markers=tuple(markers))
    for rule in profile.sections:  # (12年間の取組の視点 names a section: its number is a quantity)
        m = rule.pattern.match(core)
        if m:
            named = m.group("name") if "name" in rule.pattern.groupindex and m.group("name") else rule.name
            return Mark(Role.SECTION, section=compact_code(named))
    if markers:
        return Mark(Role.MARKER, markers=tuple(markers))
    prefix = profile.list_prefix.match(core)
    body = prefix.end() if prefix else 0
    if body < len(core) and core[body] in profile.bullet_markers:
        marker = core[body]
        body += 1
        while body < len(core) and core[body].isspace():
            body += 1
        return Mark(Role.BULLET, bullet=marker, body=row.core_start + body)
    if prefix:
        return Mark(Role.BULLET, bullet="-", body=row.core_start + body)
    return Mark(Role.TEXT)


def read_rows(rows: list[Row], vocab: Vocabulary, profile: Profile) -> list[Mark]:
    """The :class:`Mark` of every row, with split level words joined to their codes."""
    marks = [read_row(r, vocab, profile) for r in rows]
    for i, mark in enumerate(marks):
        if rows[i].runon and mark.markers and all(spaced_kanji(mk, rows[i].core) for mk in mark.markers):
            marks[i] = Mark(Role.TEXT)
    for i, mark in enumerate(marks):
        if mark.role is Role.MARKER and i > 0:
            joined = _join_label(rows, marks, i, vocab)
            if joined is not None:
                marks[i] = joined
    return marks


def _numbered_before(marks: list[Mark], k: int, mk: "Marker") -> bool:
    """Row ``k - 1`` is a bare number one below ``mk``'s, alone on its row: the row after it is
    that number's title, and ``mk`` its next sibling."""
    if k < 1 or marks[k - 1].role is not Role.MARKER or len(mk.path) > 1:
        return False
    return any(not o.labelled and not o.title and len(o.path) == 1 and o.number + 1 == mk.number
               for o in marks[k - 1].markers)


def _join_label(rows: list[Row], marks: list[Mark], i: int, vocab: Vocabulary) -> Mark | None:
    """``施策`` ⏎ ``４－９`` (or ``基本`` ⏎ ``施策`` ⏎ ``4-1``): the code row takes the level word of the
    text row(s) right above it (鶴見台市's 基本計画 prints 施策 / number / title on three rows)."""
    bare = [mk for mk in marks[i].markers if not mk.labelled and not mk.minor and mk.start == 0]
    if not bare:
        return None
    for n in (2, 1):
        above = list(range(i - n, i))
        if above[0] < 0 or any(marks[k].role is not Role.TEXT for k in above):
            continue
        label = vocab.known_label("".join(rows[k].core.lstrip(DECORATIONS) for k in above))
        if label is None or (len(bare[0].path) > 1 and not label.compound):
            continue
        if _numbered_before(marks, above[0], bare[0]):
            continue  # 5 ⏎ 重点プロジェクト ⏎ 6: the word is the title of 5, and 6 comes after 5
        mk = bare[0]
        style, code = style_code(label.word, mk.path)
        return Mark(Role.MARKER, markers=(replace(mk, style=style, code=code, kind=label.kind, labelled=True,
                                                  known=True, order=label.order),),
                    label_rows=tuple(above))
    return None
