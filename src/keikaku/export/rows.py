"""One document's JSON → the rows of every flat table (nodes, sections, items, refs, keywords,
entities, indicators, tables)."""

from __future__ import annotations

from typing import Any

from ..model import records as R
from ..model.records import COLUMNS, row_values
from ..text.normalize import FORMULA_START


def table_rows(doc: dict[str, Any]) -> dict[str, list[list[Any]]]:
    """The flat rows of one document JSON, for every table of :data:`keikaku.model.records.ROW_TYPES`.

    Built from the JSON (not the tree) so that the tables of a whole output folder can be
    rebuilt from its document files, including documents written by earlier runs.  Each row is
    made as its record (by field name), then listed in column order.
    """
    doc_id = doc["doc_id"]
    out: dict[str, list[Any]] = {name: [] for name in COLUMNS}

    def add(name: str, row: Any) -> None:
        out[name].append(row_values(row))

    def span(lines: list[int]) -> tuple[int | None, int | None]:
        return (lines[0], lines[-1]) if lines else (None, None)

    def tables(node_id: str, node: dict[str, Any]) -> None:
        listed = [t for s in node["sections"] for t in s["tables"]] + node["tables"]
        for ti, t in enumerate(listed, start=1):
            first, last = span(t["lines"])
            grid = ([t["header"]] if t["header"] else [[]]) + t["rows"]
            for ri, cells in enumerate(grid):
                for ci, text in enumerate(cells, start=1):
                    add("tables", R.TableCellRow(doc_id=doc_id, node_id=node_id, table=ti, name=t["name"],
                                                 rule=t["rule"], layout=t["layout"], row=ri, col=ci, text=text,
                                                 line_first=first, line_last=last))

    def indicators(node_id: str, node: dict[str, Any]) -> None:
        for n, ind in enumerate(node.get("indicators", []), start=1):
            first, last = span(ind["lines"])
            values: list[tuple[str | None, dict[str, Any] | None]] = \
                ([("baseline", ind["baseline"])] if ind["baseline"] else []) \
                + [("target", v) for v in ind["targets"]] + [("actual", v) for v in ind["actuals"]]
            for kind, v in values or [(None, None)]:
                v = v or {}
                add("indicators", R.IndicatorRow(
                    doc_id=doc_id, node_id=node_id, indicator=n, name=ind["name"], unit=ind["unit"], kind=kind,
                    label=v.get("label"), value=v.get("value"), text=v.get("text"), year=v.get("year"),
                    fiscal=v.get("fiscal"), qualifier=v.get("qualifier"), upper=v.get("upper"),
                    role=v.get("role"), bound=v.get("bound"), period=v.get("period"), year_from=v.get("year_from"),
                    direction=ind["direction"], grade=ind["grade"], section=ind["section"], table=ind["table"],
                    row=ind["row"], notes="\n".join(ind["notes"]) or None, line_first=first, line_last=last))

    def content(node_id: str, node: dict[str, Any]) -> None:
        for e in node.get("entities", []):
            add("entities", R.EntityRow(doc_id=doc_id, node_id=node_id, **e))
        for si, s in enumerate(node["sections"], start=1):
            first, last = span(s["lines"])
            add("sections", R.SectionRow(doc_id=doc_id, node_id=node_id, section_index=si, name=s["name"],
                                         heading=s["heading"], text=s["text"], n_items=len(s["items"]),
                                         n_units=len(s.get("units", [])), line_first=first, line_last=last))
            for ii, it in enumerate(s["items"], start=1):
                item(node_id, si, s["name"], ii, it)
        for ii, it in enumerate(node["items"], start=1):
            item(node_id, None, None, ii, it)
        for ri, r in enumerate(node.get("refs", []), start=1):
            add("refs", R.RefRow(doc_id=doc_id, node_id=node_id, ref_index=ri, code=r["code"], title=r["title"],
                                 page=r["page"], page_inferred=r["page_inferred"], line=r["line"]))
        tables(node_id, node)
        indicators(node_id, node)

    def item(node_id: str, si: int | None, section: str | None, ii: int, it: dict[str, Any]) -> None:
        first, last = span(it["lines"])
        add("items", R.ItemRow(doc_id=doc_id, node_id=node_id, section_index=si, section=section, item_index=ii,
                               marker=it["marker"], code=it["code"], target=it["target"], text=it["text"],
                               line_first=first, line_last=last))

    def keywords(node_id: str, kws: list[dict[str, Any]]) -> None:
        for rank, k in enumerate(kws, start=1):
            add("keywords", R.KeywordRow(doc_id=doc_id, node_id=node_id, rank=rank, **k))

    def visit(node: dict[str, Any], parent_id: str, depth: int, path: list[str], under: dict[str, int]) -> None:
        # A path segment never starts like a spreadsheet formula (a title "=…"): keys are not escaped.
        here = path + [(node["code"] or node["title"] or node["kind"]).lstrip("".join(FORMULA_START)) or node["kind"]]
        first, last = span(node["lines"])
        si = under.get(node["id"])
        add("nodes", R.NodeRow(
            doc_id=doc_id, node_id=node["id"], parent_id=parent_id, depth=depth, path=" > ".join(here),
            kind=node["kind"], level=node["level"], code=node["code"], title=node["title"], subtitle=node["subtitle"],
            label=node["label"], section_index=si, section=node.get("section"), text=node["text"],
            n_sections=len(node["sections"]),
            n_items=len(node["items"]) + sum(len(s["items"]) for s in node["sections"]), n_refs=len(node["refs"]),
            n_children=len(node["children"]), line_first=first, line_last=last))
        content(node["id"], node)
        keywords(node["id"], node.get("keywords", []))
        for child in node["children"]:
            visit(child, node["id"], depth + 1, here, units_of(node))

    def units_of(node: dict[str, Any]) -> dict[str, int]:
        """Each sub-unit printed under a section's label → that section's index (JSON written
        before sections listed their units has none)."""
        return {u: si for si, s in enumerate(node["sections"], start=1) for u in s.get("units", [])}

    # node_id "" is the document's root: its row in nodes holds the front matter's text (all of a
    # plan without headings), its sections, items … are the front matter's, its keywords the whole
    # document's; its lines, as every node's, span its descendants too.
    front = doc["front_matter"]
    lines = [n for n in front["lines"]] + [n for c in doc["children"] for n in c["lines"]]
    add("nodes", R.NodeRow(
        doc_id=doc_id, node_id="", parent_id="", depth=0, path="", kind="document", level=None, code=None,
        title=doc["title"], subtitle=None, label=None, section_index=None, section=None, text=front["text"],
        n_sections=len(front["sections"]), n_items=len(front["items"]) + sum(len(s["items"]) for s in front["sections"]),
        n_refs=len(front["refs"]), n_children=len(doc["children"]), line_first=min(lines, default=None),
        line_last=max(lines, default=None)))
    content("", front)
    keywords("", doc.get("keywords", []))
    for child in doc["children"]:
        visit(child, "", 1, [], units_of(doc["front_matter"]))
    return out
