"""Found tables → Indicators given to the units that hold them, and the warnings about what was not
read: rows with too few figures, cells that are no value, tables no header explains.

Each table becomes an indicator :class:`~keikaku.model.tree.Table` of the unit (or section) that
holds its header line, and each row an :class:`~keikaku.model.records.Indicator` with its baseline,
targets and actuals in the row's unit.
"""

from __future__ import annotations

import re
from typing import Callable

from ...errors import Warnings
from ...model.records import Indicator, IndicatorValue
from ...model.tree import Document, Node, Span, Table
from ...text.normalize import compact_code
from .find import find_tables
from .header import value_role
from .rows import Found, Row
from .values import GRADE, RELATIVE, UNITS, Value, direction_of, in_unit, nfkc, parse_value, qualitative
from .vocabulary import BOUNDS, NULLS, VALUE_ROLES

_UNIT_IN_NAME = re.compile(r"[(（]\s*(?P<unit>[^()（）\d]{1,4})\s*[)）]$")


def indicator_of(table: Found, row: Row, number: int, section: str | None, table_no: int,
                 unread: list[str] | None = None) -> Indicator:
    """The Indicator of one row; a value cell that is neither a figure, a null nor a short word
    (策定, 設置) is left out and named in ``unread``.  A bullet before the name (・待機児童数) is
    the list's, not the name's."""
    name = compact_code(re.sub(r"^[・●○◆◇■□▪]\s*", "", row.cells[0].strip()))
    unit = None
    baseline: IndicatorValue | None = None
    targets: list[IndicatorValue] = []
    actuals: list[IndicatorValue] = []
    direction = grade = None
    notes = list(table.notes)
    for col, cell in zip(table.columns[1:], row.cells[1:]):
        text = cell.strip()
        if col.role == "unit" and text and text not in NULLS:
            unit = nfkc(text)
        elif col.role == "direction" and (said := direction_of(text)) is not None:
            direction = said
        elif col.role == "grade":
            g = GRADE.match(nfkc(text))
            grade = g.group("grade") if g else None
        elif col.role == "note" and text and text not in NULLS:
            notes.append(text)
        elif col.role in VALUE_ROLES and text:
            v = parse_value(text)
            if v is None and (qualitative(text) or RELATIVE.match(nfkc(text).replace(" ", ""))):
                v = Value(None, None, None, None, None, None)  # 策定, 2割増: a target that is no level
            if v is None:
                if unread is not None:
                    unread.append(f"{col.label or value_role(col)}: {text}")
                continue
            value = IndicatorValue(label=col.label, value=v.value, text=text,
                                   year=v.year if v.year is not None else col.year,
                                   fiscal=v.fiscal if v.year is not None else col.fiscal,
                                   qualifier=v.qualifier, upper=v.upper, role=value_role(col),  # type: ignore[arg-type]
                                   bound=BOUNDS.get(v.qualifier or ""),  # type: ignore[arg-type]
                                   period=v.period, year_from=v.year_from)
            if v.unit and unit is None:
                unit = v.unit
            elif v.unit and unit and v.unit != unit and value.value is not None:
                converted = in_unit(value.value, v.unit, unit)  # 3億512万円 → 5億円: in the row's unit
                if converted == value.value and v.unit.lstrip("百千万億") != unit.lstrip("百千万億"):
                    value.value = None  # 1.2倍 in a row of 人: another quantity, kept as its text
                    if unread is not None:
                        unread.append(f"{col.label or value_role(col)}: {text} (in {v.unit}, not {unit})")
                else:
                    value.value = converted
            if col.role == "baseline" and baseline is None:
                baseline = value
            elif col.role in ("actual", "baseline"):  # 策定時の値, then 現状値: an observed value
                actuals.append(value)
            else:
                targets.append(value)
    if unit is None:
        m = _UNIT_IN_NAME.search(nfkc(name))
        if m and UNITS.match(m.group("unit")):
            unit = m.group("unit")
    return Indicator(name=name, unit=unit, baseline=baseline, targets=targets, actuals=actuals,
                     direction=direction, grade=grade, notes=notes, section=section, table=table_no,
                     row=number, cells=list(row.cells), lines=[row.lines[0], row.lines[-1]])


def attach_indicators(doc: Document, lines: list[tuple[int, str]]) -> None:
    """Find the indicator tables of ``doc``'s source ``lines`` and give each to the unit that
    holds its header: a Table (unless segmentation already made it one) and its Indicators."""
    tables = find_tables(lines)
    if not tables:
        return
    owner_at = _owners(doc)
    for found in tables:
        for row in found.short:
            doc.warnings.append(Warnings.W301(line=row.lines[0], name=row.cells[0], n=len(row.cells) - 1,
                                              columns=sum(c.role in VALUE_ROLES for c in found.columns),
                                              header=" | ".join(found.header)))
        if not found.rows:
            continue
        node, section = owner_at(found.line, found.col)
        listed = node.tables_in_order()
        number = next((k for k, t in enumerate(listed, start=1) if t.spans and t.spans[0].line == found.line), None)
        if number is None:
            table = Table(name=section, header=found.header if any(found.header) else None, rows=[r.cells for r in found.rows], rule="indicators",
                          layout=found.layout, lines=[found.line, found.rows[-1].lines[-1]])
            holder = next((s for s in node.sections if s.name == section), None)
            (holder.tables if holder is not None else node.tables).append(table)
            number = next(k for k, t in enumerate(node.tables_in_order(), start=1) if t is table)
        for r, row in enumerate(found.rows, start=1):
            unread: list[str] = []
            node.indicators.append(indicator_of(found, row, r, section, number, unread))
            if unread:
                doc.warnings.append(Warnings.W302(line=row.lines[0], name=row.cells[0], cells="; ".join(unread)))


def _owners(doc: Document) -> Callable[[int, int], tuple[Node, str | None]]:
    """A function (line, column) → (node, section name) over every span of the tree."""
    spans: dict[int, list[tuple[int, int, Node, str | None]]] = {}
    for node in doc.root.walk():
        in_sections: set[Span] = set()
        for s in node.sections:
            for sp in s.own_spans():
                spans.setdefault(sp.line, []).append((sp.start, sp.end, node, s.name))
                in_sections.add(sp)
        for sp in node.own_spans():
            if sp not in in_sections:
                spans.setdefault(sp.line, []).append((sp.start, sp.end, node, None))
    for v in spans.values():
        v.sort(key=lambda t: t[0])

    def owner(line: int, col: int) -> tuple[Node, str | None]:
        here = spans.get(line, [])
        best = None
        for start, end, node, section in here:
            if start <= col:
                best = (node, section)
            if start <= col < end:
                return node, section
        if best:
            return best
        return (here[0][2], here[0][3]) if here else (doc.root, None)

    return owner


def warn_unread_tables(doc: Document) -> None:
    """A warning for each table that no rule and no indicator header explains: its cells are kept
    (the flat ``tables`` table), but the user should know that nothing was read from them."""
    for node in doc.root.walk():
        listed = node.tables_in_order()
        used = {ind.table for ind in node.indicators}
        for k, t in enumerate(listed, start=1):
            if t.rule is None and k not in used and t.spans:
                first, last = min(s.line for s in t.spans), max(s.line for s in t.spans)
                head = " | ".join(t.rows[0]) if t.rows else ""
                doc.warnings.append(Warnings.W303(first=first, last=last, head=head[:60]))
