"""A table glued into one line without spaces, as e-book text layers leave it: a glued header of
value columns each with its year (策定時の値(2015年度)中間目標(2019年度)目標値(2023年度)), then rows
written name, explanation, values (…の割合自分の健康に…。70.7%(2012年度)73%75%).

The name is what comes before the explanation: it ends with a word such as 割合, 率 or 数 (the
vocabulary's name endings), after the page reference (P35) that precedes it.
"""

from __future__ import annotations

import re

from ...text.normalize import compact_code
from .header import COLUMN, ROLE_OF, Column, column_of, word_of
from .rows import Found, Row, is_name
from .values import UNITS, YEAR, parse_value
from .vocabulary import NAME_ENDS, VALUE_ROLES

# 策定時の値(2015年度)中間目標(2019年度)目標値(2023年度)健康P35…の割合自分の…。70.7%(2012年度)73%75%…
_GLUED_YEAR = re.compile(rf"[(（]\s*{YEAR}\s*[)）]")
_NAME_END = re.compile(r"(?:" + "|".join(NAME_ENDS) + r")(?:\s?[(（][^()（）]{1,12}[)）])*")
_PAGE_REF = re.compile(r"P\.?\s?\d{1,3}(?!\d)")


def _glued_header(text: str) -> tuple[list[Column], int, int] | None:
    """Two value columns or more glued together, each with its year in brackets
    (策定時の値(2015年度)中間目標(2019年度)目標値(2023年度)): (columns, start, end)."""
    run: list[re.Match[str]] = []
    for m in COLUMN.finditer(text):
        word = word_of(m)
        good = word is not None and (m.group("post") or m.group("post_b")) and ROLE_OF.get(compact_code(word)) in VALUE_ROLES
        if good and run and m.start() == run[-1].end():
            run.append(m)
            continue
        if len(run) >= 2:
            break
        run = [m] if good else []
    if len(run) < 2:
        return None
    return [column_of(m) for m in run], run[0].start(), run[-1].end()


def _glued_value(text: str, pos: int) -> int | None:
    """The end of one value glued to what follows (73%, 87,672人(2014年度), ―), or None."""
    m = re.compile(r"[―—]|\d[\d,]{0,24}(?:\.\d{1,8})?").match(text, pos)  # a figure has 25 digits at most
    if m is None:
        return None
    end = m.end()
    mult = re.compile(r"百万|千|万|億").match(text, end)  # 227万人: a multiple of the unit
    if mult and m.group()[0].isdigit():
        end = mult.end()
    for n in range(6, 0, -1):  # the longest unit the vocabulary knows (人, kWh, 箇所 …)
        if UNITS.match(text[end:end + n]):
            end += n
            break
    y = _GLUED_YEAR.match(text, end)
    return y.end() if y else end


def find_glued(no: int, text: str) -> list[Found]:
    """A table glued into one line (an e-book's text layer): a glued header of n value columns,
    then rows written name, explanation, n values glued (…の割合自分の健康に…。70.7%(2012年度)73%75%).
    The name is what comes before the explanation: it ends with a word such as 割合, 率, 数 or
    量 (and its brackets); a page reference (P35) and field words before it are dropped."""
    head = _glued_header(text)
    if head is None:
        return []
    columns, start, end = head
    n = len(columns)
    # Page references of one table have as many digits (P35, P37 …): P391人 is P39 before 1人.
    lengths = [len(re.sub(r"\D", "", m.group())) for m in _PAGE_REF.finditer(text, end)]
    digits = max(set(lengths), key=lengths.count) if lengths else 3
    table = Found(no, start, "glued", ["指標", *[f"{c.label}" for c in columns]], [Column("name", None), *columns])
    row_start, pos = end, end
    while pos < len(text):
        values, at = [], pos
        for _ in range(n):
            nxt = _glued_value(text, at)
            if nxt is None or nxt == at:
                break
            values.append(text[at:nxt])
            at = nxt
        if len(values) < n or not all(parse_value(v) is not None for v in values) \
                or at < len(text) and text[at].isdigit() and values[-1][-1:].isdigit():
            pos += 1
            continue
        name = _glued_name(text[row_start:pos], digits)
        if name is not None:
            table.rows.append(Row([name, *values], [no, no]))
            row_start = pos = at
        else:
            pos += 1
    return [table] if table.rows else []


def _glued_name(segment: str, digits: int = 3) -> str | None:
    """The indicator's name in what precedes its values: after the last page reference (of
    ``digits`` digits), up to the end of its name word when an explanation (a sentence) follows."""
    refs = list(re.finditer(rf"P\.?\s?\d{{1,{digits}}}", segment))
    if refs:
        segment = segment[refs[-1].end():]
    segment = segment.strip()
    if not segment:
        return None
    if segment.endswith("。"):
        for m in _NAME_END.finditer(segment):
            if m.end() < len(segment) - 1:
                segment = segment[:m.end()]
                break
        else:
            return None  # a sentence without a name before it
    return segment if is_name(segment) else None
