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

from .model import Document, Item, Node, NodeKind, Ref, Section, Span, Table

SCHEMA_VERSION = "1.2"

NODE_COLUMNS = ["doc_id", "node_id", "parent_id", "depth", "path", "kind", "level", "code", "title", "subtitle",
                "label", "text", "n_sections", "n_items", "n_refs", "n_children", "line_first", "line_last"]
SECTION_COLUMNS = ["doc_id", "node_id", "section_index", "name", "heading", "text", "n_items", "line_first", "line_last"]
ITEM_COLUMNS = ["doc_id", "node_id", "section_index", "section", "item_index", "marker", "code", "target", "text",
                "line_first", "line_last"]
REF_COLUMNS = ["doc_id", "node_id", "ref_index", "code", "title", "page", "page_inferred", "line"]
KEYWORD_COLUMNS = ["doc_id", "node_id", "rank", "term", "normalized", "score", "count"]
ENTITY_COLUMNS = ["doc_id", "node_id", "field", "start", "end", "text", "label", "fine_label", "source", "year",
                  "year_end", "month", "day", "fiscal", "era"]
COLUMNS = {"nodes": NODE_COLUMNS, "sections": SECTION_COLUMNS, "items": ITEM_COLUMNS, "refs": REF_COLUMNS,
           "keywords": KEYWORD_COLUMNS, "entities": ENTITY_COLUMNS}
# The type of every column, the same in Parquet files and in keikaku.load's DataFrames (all
# nullable), so that a corpus read by DuckDB, Polars or Spark has one schema; the rest are strings.
INT_COLUMNS = frozenset({"depth", "n_sections", "n_items", "n_refs", "n_children", "line_first", "line_last",
                         "section_index", "item_index", "ref_index", "page", "line", "rank", "count", "start", "end",
                         "year", "year_end", "month", "day"})
FLOAT_COLUMNS = frozenset({"score"})
BOOL_COLUMNS = frozenset({"page_inferred", "fiscal"})
FORMATS = ("csv", "parquet", "both")


def _lines(spans: Iterable[Span]) -> list[int]:
    nos = [s.line for s in spans]
    return [min(nos), max(nos)] if nos else []


def _item_json(item: Item) -> dict[str, Any]:
    return {"text": item.text, "marker": item.marker, "code": item.code, "target": item.target, "page": item.page,
            "lines": _lines(item.spans)}


def _section_spans(s: Section) -> list[Span]:
    return [*s.spans, *(sp for p in s.paragraphs for sp in p.spans), *(sp for it in s.items for sp in it.spans),
            *(sp for t in s.tables for sp in t.spans)]


def _section_json(s: Section) -> dict[str, Any]:
    return {"name": s.name, "heading": s.heading, "text": s.text, "items": [_item_json(i) for i in s.items],
            "tables": [_table_json(t) for t in s.tables], "lines": _lines(_section_spans(s)),
            "declares_keywords": s.declares_keywords}


def _table_json(t: Table) -> dict[str, Any]:
    return {"name": t.name, "rule": t.rule, "header": t.header, "rows": t.rows, "lines": _lines(t.spans)}


def _ref_json(r: Ref) -> dict[str, Any]:
    return {"code": r.code, "title": r.title, "page": r.page, "page_inferred": r.page_inferred,
            "line": r.spans[0].line}


def node_json(node: Node) -> dict[str, Any]:
    rng = node.line_range()
    return {
        "id": node.id, "kind": node.kind.value, "level": node.level, "code": node.code, "title": node.title,
        "subtitle": node.subtitle, "label": node.label, "page": node.page, "from_contents": node.from_contents,
        "text": node.text,
        "sections": [_section_json(s) for s in node.sections],
        "items": [_item_json(i) for i in node.items],
        "refs": [_ref_json(r) for r in node.refs],
        "tables": [_table_json(t) for t in node.tables],
        "lines": list(rng) if rng else [],
        "declared_keywords": node.declared_keywords, "keywords": node.keywords, "entities": node.entities,
        "children": [node_json(c) for c in node.children],
    }


def document_json(doc: Document, version: str, analysis: dict[str, Any] | None = None,
                  fingerprint: str | None = None) -> dict[str, Any]:
    """The document as JSON; ``analysis`` says how keywords and entities were made (mode, versions);
    ``fingerprint`` is what a re-run compares to decide whether to redo it (near the top, so that
    it can be read without parsing the whole file)."""
    root = doc.root
    front_spans = list(root.own_spans())
    return {
        "schema_version": SCHEMA_VERSION,
        "keikaku_version": version,
        "doc_id": doc.doc_id,
        "fingerprint": fingerprint,
        "title": doc.title,
        "source": {"path": doc.source.path, "sha256": doc.source.sha256, "encoding": doc.source.encoding,
                   "bytes": doc.source.size, "lines": doc.source.lines},
        "profile": {"name": doc.profile.name, "path": doc.profile.path, "reason": doc.profile.reason,
                    "scores": doc.profile.scores},
        "analysis": analysis or {"mode": "none", "versions": {}},
        "keywords": root.keywords,
        "front_matter": {"text": root.text, "entities": root.entities, "sections": [_section_json(s) for s in root.sections],
                         "items": [_item_json(i) for i in root.items],
                         "refs": [_ref_json(r) for r in root.refs],
                         "tables": [_table_json(t) for t in root.tables],
                         "lines": _lines(front_spans)},
        "furniture": [{"text": p.text, "line": p.spans[0].line} for p in doc.furniture],
        "structure": doc.structure,
        "warnings": doc.warnings,
        "counts": counts(doc),
        "children": [node_json(c) for c in root.children],
    }


def counts(doc: Document) -> dict[str, int]:
    return {
        "nodes": sum(1 for n in doc.nodes() if n.kind is not NodeKind.CONTENTS),
        "contents": sum(1 for n in doc.nodes() if n.kind is NodeKind.CONTENTS),
        "sections": sum(len(n.sections) for n in doc.root.walk()),
        "items": sum(len(n.items) + sum(len(s.items) for s in n.sections) for n in doc.root.walk()),
        "refs": sum(len(n.refs) for n in doc.root.walk()),
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
    # The pid in the name tells a later run whether the writer is gone (keikaku.outdir).
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
    """The flat rows of one document JSON for nodes.csv, sections.csv, items.csv and refs.csv.

    Built from the JSON (not the tree) so that the tables of a whole output folder can be
    rebuilt from its document files, including documents written by earlier runs.
    """
    doc_id = doc["doc_id"]
    rows: dict[str, list[list[Any]]] = {name: [] for name in COLUMNS}

    def content(node_id: str, node: dict[str, Any]) -> None:
        for e in node.get("entities", []):
            rows["entities"].append([doc_id, node_id, e["field"], e["start"], e["end"], e["text"], e["label"],
                                     e["fine_label"], e["source"], e.get("year"), e.get("year_end"), e.get("month"),
                                     e.get("day"), e.get("fiscal"), e.get("era")])
        for si, s in enumerate(node["sections"], start=1):
            ls = s["lines"] or [None, None]
            rows["sections"].append([doc_id, node_id, si, s["name"], s["heading"], s["text"], len(s["items"]),
                                     ls[0], ls[-1]])
            for ii, it in enumerate(s["items"], start=1):
                li = it["lines"] or [None, None]
                rows["items"].append([doc_id, node_id, si, s["name"], ii, it["marker"], it["code"], it["target"],
                                      it["text"], li[0], li[-1]])
        for ii, it in enumerate(node["items"], start=1):
            li = it["lines"] or [None, None]
            rows["items"].append([doc_id, node_id, None, None, ii, it["marker"], it["code"], it["target"], it["text"],
                                  li[0], li[-1]])
        for ri, r in enumerate(node.get("refs", []), start=1):
            rows["refs"].append([doc_id, node_id, ri, r["code"], r["title"], r["page"], r["page_inferred"], r["line"]])

    def visit(node: dict[str, Any], parent_id: str, depth: int, path: list[str]) -> None:
        # A path segment never starts like a spreadsheet formula (a title "=…"): keys are not escaped.
        here = path + [(node["code"] or node["title"] or node["kind"]).lstrip("".join(FORMULA_START)) or node["kind"]]
        n_items = len(node["items"]) + sum(len(s["items"]) for s in node["sections"])
        ln = node["lines"] or [None, None]
        rows["nodes"].append([doc_id, node["id"], parent_id, depth, " > ".join(here), node["kind"], node["level"],
                              node["code"], node["title"], node["subtitle"], node["label"], node["text"],
                              len(node["sections"]), n_items, len(node["refs"]), len(node["children"]), ln[0], ln[-1]])
        content(node["id"], node)
        keywords(node["id"], node.get("keywords", []))
        for child in node["children"]:
            visit(child, node["id"], depth + 1, here)

    def keywords(node_id: str, kws: list[dict[str, Any]]) -> None:
        for rank, k in enumerate(kws, start=1):
            rows["keywords"].append([doc_id, node_id, rank, k["term"], k["normalized"], k["score"], k["count"]])

    content("", doc["front_matter"])  # node_id "" is the front matter (and, for keywords, the whole document)
    keywords("", doc.get("keywords", []))
    for child in doc["children"]:
        visit(child, "", 1, [])
    return rows


# A text cell starting with one of these is a formula to Excel and LibreOffice (CSV injection):
# it is written with a leading apostrophe, which spreadsheets show as plain text.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


# Keys are never altered by the escaping (a join on doc_id must work in every table); they are
# made safe where they are made (keikaku.pipeline.safe_name, keikaku.segment.assign_ids).
KEY_COLUMNS = frozenset({"doc_id", "node_id", "parent_id", "path", "target"})


# Excel holds at most 32,767 characters in a cell (and Python's csv module reads at most 131,072
# by default).  A longer text (a plan extracted as one 50 MB line) is cut in the CSV only, with a
# marker that says how long it was and where the whole text is: the JSON and the Parquet tables.
CSV_CELL_LIMIT = 32_767
_IDS = frozenset({"doc_id", "node_id", "parent_id"})  # short by construction (keikaku.outdir.fit_id)


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

    def kind(column: str) -> pa.DataType:
        if column in INT_COLUMNS:
            return pa.int64()
        if column in FLOAT_COLUMNS:
            return pa.float64()
        if column in BOOL_COLUMNS:
            return pa.bool_()
        return pa.string()

    columns = COLUMNS[name]
    schema = pa.schema([(c, kind(c)) for c in columns])
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
            text, n = csv_text(columns, rows)
            atomic_write(path, text, encoding=encoding)
            written.append(path)
            cut += n
        if fmt in ("parquet", "both"):
            path = out / f"{name}.parquet"
            atomic_write(path, parquet_bytes(name, rows))
            written.append(path)
    return written, cut
