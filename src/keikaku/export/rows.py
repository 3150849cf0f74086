"""One finished document → the rows of every flat table (nodes, sections, items, refs, keywords,
entities, indicators, tables)."""

from __future__ import annotations

from typing import Any

from ..model import records as R
from ..model.records import COLUMNS, Indicator, IndicatorValue, Keyword, row_values
from ..model.tree import Document, Item, Node
from ..text.normalize import FORMULA_START

_NOT_FORMULA = "".join(FORMULA_START)


def _span(lines: list[int]) -> tuple[int | None, int | None]:
    return (lines[0], lines[-1]) if lines else (None, None)


class _Rows:
    """The rows of one document, table by table, each made as its record and listed in column order."""

    def __init__(self, doc_id: str) -> None:
        self.doc_id = doc_id
        self.out: dict[str, list[list[Any]]] = {name: [] for name in COLUMNS}

    def add(self, name: str, row: Any) -> None:
        self.out[name].append(row_values(row))

    def content(self, node_id: str, node: Node) -> None:
        """What a node holds besides its sub-units (the root's: the front matter)."""
        doc_id = self.doc_id
        for e in node.entities:
            self.add("entities", R.EntityRow(doc_id, node_id, *(getattr(e, f) for f in R.field_names(type(e)))))
        for si, s in enumerate(node.sections, start=1):
            first, last = _span(s.lines)
            self.add("sections", R.SectionRow(doc_id=doc_id, node_id=node_id, section_index=si, name=s.name,
                                              heading=s.heading, text=s.text, n_items=len(s.items),
                                              n_units=len(s.units), line_first=first, line_last=last))
            for ii, it in enumerate(s.items, start=1):
                self.item(node_id, si, s.name, ii, it)
        for ii, it in enumerate(node.items, start=1):
            self.item(node_id, None, None, ii, it)
        for ri, r in enumerate(node.refs, start=1):
            self.add("refs", R.RefRow(doc_id=doc_id, node_id=node_id, ref_index=ri, code=r.code, title=r.title,
                                      page=r.page, page_inferred=r.page_inferred, line=r.line))
        self.tables(node_id, node)
        for n, ind in enumerate(node.indicators, start=1):
            self.indicator(node_id, n, ind)

    def item(self, node_id: str, si: int | None, section: str | None, ii: int, it: Item) -> None:
        first, last = _span(it.lines)
        self.add("items", R.ItemRow(doc_id=self.doc_id, node_id=node_id, section_index=si, section=section,
                                    item_index=ii, marker=it.marker, code=it.code, target=it.target, text=it.text,
                                    line_first=first, line_last=last))

    def tables(self, node_id: str, node: Node) -> None:
        for ti, t in enumerate(node.tables_in_order(), start=1):
            first, last = _span(t.lines)
            grid = ([t.header] if t.header else [[]]) + t.rows
            for ri, cells in enumerate(grid):
                for ci, text in enumerate(cells, start=1):
                    self.add("tables", R.TableCellRow(doc_id=self.doc_id, node_id=node_id, table=ti, name=t.name,
                                                      rule=t.rule, layout=t.layout, row=ri, col=ci, text=text,
                                                      line_first=first, line_last=last))

    def indicator(self, node_id: str, n: int, ind: Indicator) -> None:
        first, last = _span(ind.lines)
        values: list[tuple[str | None, IndicatorValue | None]] = [("baseline", ind.baseline)] if ind.baseline else []
        values += [("target", v) for v in ind.targets]
        values += [("actual", v) for v in ind.actuals]
        for kind, v in values or [(None, None)]:
            self.add("indicators", R.IndicatorRow(
                doc_id=self.doc_id, node_id=node_id, indicator=n, name=ind.name, unit=ind.unit, kind=kind,
                label=v.label if v else None, value=v.value if v else None, text=v.text if v else None, year=v.year if v else None,
                fiscal=v.fiscal if v else None, qualifier=v.qualifier if v else None, upper=v.upper if v else None, role=v.role if v else None,
                bound=v.bound if v else None, period=v.period if v else None, year_from=v.year_from if v else None,
                direction=ind.direction, grade=ind.grade, section=ind.section, table=ind.table, row=ind.row,
                notes="\n".join(ind.notes) or None, line_first=first, line_last=last,
                pdf_page=ind.pdf_page))

    def keywords(self, node_id: str, kws: list[Keyword]) -> None:
        for rank, k in enumerate(kws, start=1):
            self.add("keywords", R.KeywordRow(self.doc_id, node_id, rank, k.term, k.normalized, k.score, k.count))

    def visit(self, node: Node, parent_id: str, depth: int, path: list[str], under: dict[str, int]) -> None:
        # A path segment never starts like a spreadsheet formula (a title "=…"): keys are not escaped.
        kind = node.kind.value
        here = path + [(node.code or node.title or kind).lstrip(_NOT_FORMULA) or kind]
        first, last = _span(node.lines)
        self.add("nodes", R.NodeRow(
            doc_id=self.doc_id, node_id=node.id, parent_id=parent_id, depth=depth, path=" > ".join(here),
            kind=kind, level=node.level, code=node.code, title=node.title, subtitle=node.subtitle,
            label=node.label, section_index=under.get(node.id), section=node.section, text=node.text,
            n_sections=len(node.sections), n_items=len(node.items) + sum(len(s.items) for s in node.sections),
            n_refs=len(node.refs), n_children=len(node.children), line_first=first, line_last=last,
            pdf_page=node.pdf_page))
        self.content(node.id, node)
        self.keywords(node.id, node.keywords)
        for child in node.children:
            self.visit(child, node.id, depth + 1, here, _units_of(node))


def _units_of(node: Node) -> dict[str, int]:
    """Each sub-unit printed under a section's label → that section's index (from 1)."""
    return {u: si for si, s in enumerate(node.sections, start=1) for u in s.units}


def table_rows(doc: Document) -> dict[str, list[list[Any]]]:
    """The flat rows of one finished document (one just made, or one read from its file by
    :func:`keikaku.read_document`), for every table of :data:`keikaku.model.records.ROW_TYPES`."""
    doc.finish()
    rows = _Rows(doc.doc_id)
    root = doc.root
    # node_id "" is the document's root: its row in nodes holds the front matter's text (all of a
    # plan without headings), its sections, items … are the front matter's, its keywords the whole
    # document's; its lines, as every node's, span its descendants too.
    lines = doc.front_matter.lines + [n for c in root.children for n in c.lines]
    rows.add("nodes", R.NodeRow(
        doc_id=doc.doc_id, node_id="", parent_id="", depth=0, path="", kind="document", level=None, code=None,
        title=doc.title, subtitle=None, label=None, section_index=None, section=None, text=root.text,
        n_sections=len(root.sections), n_items=len(root.items) + sum(len(s.items) for s in root.sections),
        n_refs=len(root.refs), n_children=len(root.children), line_first=min(lines, default=None),
        line_last=max(lines, default=None), pdf_page=1 if doc.source.pages and lines else None))
    rows.content("", root)
    rows.keywords("", root.keywords)
    for child in root.children:
        rows.visit(child, "", 1, [], _units_of(root))
    return rows.out
