"""The flat tables over all documents → CSV (escaped for spreadsheets, long cells cut) and Parquet
(typed columns)."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any, Iterable

from ..model import records as R
from ..model.records import COLUMNS, column_types
from ..text.normalize import FORMULA_START
from .files import atomic_write

FORMATS = ("csv", "parquet", "both")


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
