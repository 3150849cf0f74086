"""Lines of indicators written ``name:baseline → target`` (婚姻率:5.5‰(平成25年)→5.9‰(平成31年)): the
KPI lines under each measure and the summaries of 数値目標, with no header.

The first value is the baseline, the last the target, any between them interim targets; items of
consecutive lines with as many values make one list, and an item a PDF wrapped over two lines is
read from both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .header import Column
from .rows import NAME_MAX, Found, Row, cell_text, context_above, is_name
from .values import NUMBER_MARK, UNITS, YEAR_LED, parse_value
from .vocabulary import ARROW_MARKS, OTHER_TABLES

_ARROW = re.compile(r"\s*(?:" + "|".join(re.escape(a) for a in ARROW_MARKS) + r")\s*")
# The value after an arrow: a null mark or a figure, its unit (with a space before it or not) and
# a year in brackets; it ends at a space before what is no unit, or at the next marker.
_AFTER = re.compile(rf"(?:{YEAR_LED})?"  # ⇒ H31 330人: its year first
                    r"(?:[―—\-ー－]|\d[\d,]*(?:\.\d+)?(?:\s?億\s?[\d,]+(?:\.\d+)?\s?万)?)"
                    # its unit, glued or, after a space, a unit of the vocabulary (not the next name)
                    r"(?:[^\s\d→⇒(（:：①-⑳■●◆・]{1,8}|\s(?:百万|千|万|億)?" + UNITS.pattern.strip("^$") + r"(?![^\s(（]))?"
                    r"(?:\s?[(（][^)）]{1,16}[)）])?")
_COLON = re.compile(r"[:：=＝]")  # 指標名:値 → 値, ●指標名=値→値
# Where a name begins inside a run of text: after a list marker (①, (1), 1., ・ …); a ・ between two
# words is part of the name (全国学力・学習状況調査の…).
_NAME_START = re.compile(rf"(?:{NUMBER_MARK}|[■●◆◇○]|(?<![^\s、。:：])・)\s*")


@dataclass
class _ArrowItem:
    start: int
    end: int
    name: str
    values: list[str]


def _arrow_items(text: str) -> list[_ArrowItem]:
    """The ``name:value → value [→ value]`` items of one line, in order."""
    items: list[_ArrowItem] = []
    boundary = 0
    pos = 0
    while True:
        arrow = _ARROW.search(text, pos)
        if arrow is None:
            return items
        pos = arrow.end()
        if items and arrow.start() == items[-1].end:  # a → b → c: a chain goes on
            after = _AFTER.match(text, arrow.end())
            if after and parse_value(after.group()) is not None:
                items[-1].values.append(after.group())
                items[-1].end = boundary = pos = after.end()
            continue
        colons = [m for m in _COLON.finditer(text, boundary, arrow.start())]
        after = _AFTER.match(text, arrow.end())
        if after is None:
            continue
        if colons:
            name_end, first = colons[-1].start(), text[colons[-1].end():arrow.start()].strip()
            name_start = boundary
            for m in _NAME_START.finditer(text, boundary, name_end):
                name_start = m.end()  # the last list marker before the name
            name = text[name_start:name_end].strip()
            if "。" in name:
                name = name.rsplit("。", 1)[1].strip()  # the sentence before the name
            if len(name) > NAME_MAX and " " in name:
                name = name.rsplit(" ", 1)[1]  # prose before the name on a run-on line
        else:
            # 社会移動の差の減少 H26 ▲229人 ⇒ H31 0人, 河川整備率 45.2%(H23)→74.0%(H26): no colon; the
            # baseline carries its year and the name is the word before it
            words = list(re.finditer(r"\S+", text[boundary:arrow.start()]))
            n = next((k for k in (1, 2) if len(words) > k and _dated(" ".join(w.group() for w in words[-k:]))), 0)
            if not n:
                continue
            first = " ".join(w.group() for w in words[-n:])
            name_start, name = boundary + words[-n - 1].start(), words[-n - 1].group()
            if name[-1] in "はがをにでともへや":
                continue  # 人口は R2 38,000人 ⇒ …: a sentence's subject, not an indicator's name
        second = after.group()
        if parse_value(first) is None or parse_value(second) is None:
            continue
        if not name or len(name) > NAME_MAX or not is_name(name):
            continue
        items.append(_ArrowItem(name_start, after.end(), name, [first, second]))
        boundary = pos = after.end()


def _dated(cell: str) -> bool:
    """A figure with its year (45.2%(H23), H26 ▲229人)."""
    v = parse_value(cell)
    return v is not None and v.value is not None and v.year is not None


def _arrow_text(text: str) -> str:
    """A line as arrow items are read from it: without the pipes a table export leaves around a
    cell (`●名=70.1%→72.3% |`)."""
    return cell_text(text) if "|" in text else text


def _has_arrow(text: str) -> bool:
    return any(a in text for a in ARROW_MARKS)


def find_arrows(lines: list[tuple[int, str]]) -> list[Found]:
    """Lists of indicators written ``name:baseline → target`` (KPI lines under each measure, a
    summary of 数値目標), with no header: the first value is the baseline, the last the target,
    any between them interim targets.  Items of consecutive lines with the same number of values make one
    list; a line without items (a measure's heading) ends it.  An item that a PDF wrapped over two
    lines (the name on one, ``=値→値`` on the next) is read from both."""
    found: list[Found] = []
    current: Found | None = None
    last_line = -1
    texts = [_arrow_text(text) for _, text in lines]
    read: dict[int, list[_ArrowItem]] = {}  # a line's items, read once (also asked of the line before it)

    def items_at(k: int) -> list[_ArrowItem]:
        if k not in read:
            read[k] = _arrow_items(texts[k]) if _has_arrow(texts[k]) else []
        return read[k]

    k = 0
    while k < len(lines):
        no, text = lines[k][0], texts[k]
        items = items_at(k)
        span = [no, no]
        if not items and k + 1 < len(lines):
            nxt = texts[k + 1]
            if _has_arrow(text + nxt) and not items_at(k + 1):
                items = [i for i in _arrow_items(text.rstrip() + nxt.strip()) if i.end > len(text.rstrip())]
                if items:
                    span = [no, lines[k + 1][0]]
        if items and any(w in context_above(lines, k, text[:items[0].start]) for w in OTHER_TABLES):
            items = []  # 職員数の推移 ⏎ 職員数:520人(H27)→498人(R5): a trend told, not a target
        for item in items:
            n = len(item.values)
            if current is None or k != last_line and k != last_line + 1 or len(current.columns) != n + 1:
                columns = [Column("name", None), Column("baseline", None)] + \
                    [Column("target", None, kind="interim") for _ in range(n - 2)] + [Column("target", None)]
                current = Found(no, item.start, "arrow", [c.label or "" for c in columns], columns)
                found.append(current)
            current.rows.append(Row([item.name, *item.values], list(span)))
            last_line = k if span[0] == span[1] else k + 1
        if not items and text.strip():
            current = None
        k += 2 if span[0] != span[1] else 1
    return found
