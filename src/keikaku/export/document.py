"""Stage 4: document trees → per-document JSON, flat CSV tables and the run manifest.

Output is deterministic (the same input gives byte-identical files) and every file is written
to a temporary name and renamed into place, so an interrupted run leaves each file either old
or new, never half-written.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any, Iterable

from ..model import records as R
from ..model.records import COLUMNS, SCHEMA_VERSION, column_types, plain, row_values
from ..model.tree import Document, Item, Node, NodeKind, Ref, Section, Span, Table
from ..text.normalize import FORMULA_START

FORMATS = ("csv", "parquet", "both")


def _lines(spans: Iterable[Span]) -> list[int]:
    nos = [s.line for s in spans]
    return [min(nos), max(nos)] if nos else []


def _item(item: Item) -> R.Item:
    return R.Item(text=item.text, marker=item.marker, code=item.code, target=item.target, page=item.page,
                  lines=_lines(item.spans))


def _section(s: Section, owner: Node) -> R.Section:
    return R.Section(name=s.name, heading=s.heading, text=s.text, items=[_item(i) for i in s.items],
                     tables=[_table(t) for t in s.tables], units=[c.id for c in owner.children if c.under() is s],
                     lines=_lines(s.own_spans()), declares_keywords=s.declares_keywords)


def _table(t: Table) -> R.Table:
    return R.Table(name=t.name, rule=t.rule, layout=t.layout, header=t.header, rows=t.rows,
                   lines=_lines(t.spans) if t.spans else list(t.lines))


def _ref(r: Ref) -> R.Ref:
    return R.Ref(code=r.code, title=r.title, page=r.page, page_inferred=r.page_inferred, line=r.spans[0].line)


def _keywords(kws: list[dict[str, Any]]) -> list[R.Keyword]:
    return [R.Keyword(**k) for k in kws]  # a key the declaration lacks is a TypeError here, not a silent field


def _entities(ents: list[dict[str, Any]]) -> list[R.Entity]:
    return [R.Entity(**e) for e in ents]


def node_record(node: Node) -> R.Node:
    rng = node.line_range()
    under = node.under()
    return R.Node(
        id=node.id, kind=node.kind.value, level=node.level, code=node.code, title=node.title,  # type: ignore[arg-type]
        subtitle=node.subtitle, label=node.label, section=under.name if under is not None else None, page=node.page,
        from_contents=node.from_contents, text=node.text,
        sections=[_section(s, node) for s in node.sections], items=[_item(i) for i in node.items],
        refs=[_ref(r) for r in node.refs], tables=[_table(t) for t in node.tables], indicators=list(node.indicators),
        lines=list(rng) if rng else [], declared_keywords=node.declared_keywords,
        keywords=_keywords(node.keywords), entities=_entities(node.entities),
        children=[node_record(c) for c in node.children])


def document_record(doc: Document, version: str, analysis: dict[str, Any] | None = None,
                    fingerprint: str | None = None) -> R.Document:
    """The document as its output record; ``analysis`` says how keywords and entities were made
    (mode, versions); ``fingerprint`` is what a re-run compares to decide whether to redo it
    (near the top, so that it can be read without parsing the whole file)."""
    root = doc.root
    analysis = analysis or {"mode": "none", "versions": {}}
    return R.Document(
        schema_version=SCHEMA_VERSION, keikaku_version=version, doc_id=doc.doc_id,  # type: ignore[arg-type]
        fingerprint=fingerprint, title=doc.title,
        source=R.Source(path=doc.source.path, sha256=doc.source.sha256, encoding=doc.source.encoding,
                        bytes=doc.source.size, lines=doc.source.lines),
        profile=R.ProfileUsed(name=doc.profile.name, path=doc.profile.path, reason=doc.profile.reason,
                              scores=doc.profile.scores),
        analysis=R.Analysis(mode=analysis["mode"], versions=analysis["versions"]),
        keywords=_keywords(root.keywords),
        front_matter=R.FrontMatter(text=root.text, entities=_entities(root.entities),
                                   sections=[_section(s, root) for s in root.sections], items=[_item(i) for i in root.items],
                                   refs=[_ref(r) for r in root.refs], tables=[_table(t) for t in root.tables],
                                   indicators=list(root.indicators), lines=_lines(root.own_spans())),
        furniture=[R.Furniture(text=p.text, line=p.spans[0].line) for p in doc.furniture],
        structure=doc.structure, warnings=doc.warnings, counts=counts(doc),
        children=[node_record(c) for c in root.children])


def document_json(doc: Document, version: str, analysis: dict[str, Any] | None = None,
                  fingerprint: str | None = None) -> dict[str, Any]:
    """The document as JSON-ready data (see :func:`document_record`)."""
    return plain(document_record(doc, version, analysis, fingerprint))


def counts(doc: Document) -> dict[str, Any]:
    return {
        "nodes": sum(1 for n in doc.nodes() if n.kind is not NodeKind.CONTENTS),
        "contents": sum(1 for n in doc.nodes() if n.kind is NodeKind.CONTENTS),
        "sections": sum(len(n.sections) for n in doc.root.walk()),
        "items": sum(len(n.items) + sum(len(s.items) for s in n.sections) for n in doc.root.walk()),
        "refs": sum(len(n.refs) for n in doc.root.walk()),
        "tables": sum(len(n.tables) + sum(len(s.tables) for s in n.sections) for n in doc.root.walk()),
        "indicators": sum(len(n.indicators) for n in doc.root.walk()),
        "entities": sum(len(n.entities) for n in doc.root.walk()),
        "entities_by_label": dict(sorted(Counter(e["label"] for n in doc.root.walk() for e in n.entities).items())),
    }


def dumps(data: Any, pretty: bool = False) -> str:
    """Document JSON is compact: indenting falls back to json's pure-Python encoder, several
    times slower on a corpus (``python -m json.tool`` pretty-prints a file).  The manifest,
    small and read by people, is indented."""
    if pretty:
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _current_umask()


def atomic_write(path: Path, data: str | bytes, encoding: str = "utf-8") -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # The pid in the name tells a later run whether the writer is gone (keikaku.run.outdir).
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_UMASK)  # mkstemp makes 0600 files; outputs get the usual permissions
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode(encoding) if isinstance(data, str) else data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


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


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


# Keys are never altered by the escaping (a join on doc_id must work in every table); they are
# made safe where they are made (keikaku.run.pipeline.safe_name, keikaku.segment.assign_ids).
KEY_COLUMNS = frozenset({"doc_id", "node_id", "parent_id", "path", "target"})


# Excel holds at most 32,767 characters in a cell (and Python's csv module reads at most 131,072
# by default).  A longer text (a plan extracted as one 50 MB line) is cut in the CSV only, with a
# marker that says how long it was and where the whole text is: the JSON and the Parquet tables.
CSV_CELL_LIMIT = 32_767
_IDS = frozenset({"doc_id", "node_id", "parent_id"})  # short by construction (keikaku.run.outdir.fit_id)


def cut_marker(length: int) -> str:
    return f" …[cut: {length:,} characters in all; the whole text is in the JSON and Parquet output]"


def _fit(value: Any) -> tuple[Any, bool]:
    if not isinstance(value, str) or len(value) <= CSV_CELL_LIMIT:
        return value, False
    marker = cut_marker(len(value))
    return value[:CSV_CELL_LIMIT - len(marker)] + marker, True


def csv_text(columns: list[str], rows: Iterable[list[Any]]) -> tuple[str, int]:
    """The CSV text of one table and the number of cells cut to :data:`CSV_CELL_LIMIT`."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(columns)
    keys = [c in KEY_COLUMNS for c in columns]
    ids = [c in _IDS for c in columns]
    cut = 0
    for row in rows:
        cells = []
        for v, key, is_id in zip(row, keys, ids):
            v = "" if v is None else v if key else _cell(v)
            if not is_id:
                v, was_cut = _fit(v)
                cut += was_cut
            cells.append(v)
        writer.writerow(cells)
    return buf.getvalue(), cut


def parquet_bytes(name: str, rows: list[list[Any]]) -> bytes:
    """One flat table as a Parquet file with the published column types."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    arrow = {"int": pa.int64(), "float": pa.float64(), "bool": pa.bool_(), "str": pa.string()}
    types = column_types(R.ROW_TYPES[name])
    columns = COLUMNS[name]
    schema = pa.schema([(c, arrow[types[c]]) for c in columns])
    table = pa.table({c: pa.array([row[i] for row in rows], type=schema.field(c).type)
                      for i, c in enumerate(columns)}, schema=schema)
    buf = io.BytesIO()
    pq.write_table(table, buf, compression="zstd")
    return buf.getvalue()


def write_tables(out: Path, rows_by_doc: dict[str, dict[str, list[list[Any]]]], encoding: str,
                 fmt: str = "csv") -> tuple[list[Path], int]:
    """Write the flat tables over all documents, in doc_id order: CSV (``encoding`` utf-8-sig
    suits Excel), Parquet, or both.  Returns the files and the number of CSV cells cut."""
    written = []
    cut = 0
    for name, columns in COLUMNS.items():
        rows = [r for doc_id in sorted(rows_by_doc) for r in rows_by_doc[doc_id][name]]
        if fmt in ("csv", "both"):
            path = out / f"{name}.csv"
            text, n = csv_text(list(columns), rows)
            atomic_write(path, text, encoding=encoding)
            written.append(path)
            cut += n
        if fmt in ("parquet", "both"):
            path = out / f"{name}.parquet"
            atomic_write(path, parquet_bytes(name, rows))
            written.append(path)
    return written, cut
