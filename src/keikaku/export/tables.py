"""The flat tables over all documents → CSV (escaped for spreadsheets, long cells cut) and Parquet
(typed columns), each format a :class:`TableWriter` found by name (:func:`get_writer`).

A new format is one writer class and its line in :data:`WRITERS` (and its member of
:class:`TableFormat`, which makes it a choice of ``--format``)."""

from __future__ import annotations

import csv
import io
from abc import ABC, abstractmethod
from enum import StrEnum
from pathlib import Path
from typing import Any, ClassVar, Iterable

from ..errors import UsageError
from ..model import records as R
from ..model.records import COLUMNS, column_types
from ..text.normalize import FORMULA_START
from .files import atomic_write


class TableFormat(StrEnum):
    """What ``--format`` offers: one writer, or ``both`` (CSV and Parquet)."""

    CSV = "csv"
    PARQUET = "parquet"
    BOTH = "both"


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


class TableWriter(ABC):
    """Writes one flat table (a name of :data:`~keikaku.model.records.COLUMNS` and its rows) to a
    file of its format, whole or not at all (:func:`~keikaku.export.files.atomic_write`)."""

    name: ClassVar[str]  # its --format name
    suffix: ClassVar[str]  # of its files: nodes.csv, nodes.parquet

    @abstractmethod
    def write(self, path: Path, table: str, rows: list[list[Any]], encoding: str) -> int:
        """Write ``table``'s ``rows`` to ``path``; ``encoding`` is the text encoding of a text
        format (a binary one ignores it).  Returns the number of cells cut to fit the format."""


class CsvWriter(TableWriter):
    """Text for spreadsheets: formulas escaped, cells cut to Excel's limit (:data:`CSV_CELL_LIMIT`)."""

    name = "csv"
    suffix = ".csv"

    def write(self, path: Path, table: str, rows: list[list[Any]], encoding: str) -> int:
        text, cut = csv_text(list(COLUMNS[table]), rows)
        atomic_write(path, text, encoding=encoding)
        return cut


class ParquetWriter(TableWriter):
    """Typed columns for DuckDB, Polars, Spark; every text whole."""

    name = "parquet"
    suffix = ".parquet"

    def write(self, path: Path, table: str, rows: list[list[Any]], encoding: str) -> int:
        atomic_write(path, parquet_bytes(table, rows))
        return 0


WRITERS: dict[str, type[TableWriter]] = {w.name: w for w in (CsvWriter, ParquetWriter)}
_BOTH = ("csv", "parquet")  # what --format both writes (every format is WRITERS; see run.outdir.table_files())


def get_writer(name: str) -> TableWriter:
    """The writer of the format ``name``; an unknown name is a :class:`UsageError` that lists the known ones."""
    writer = WRITERS.get(name)
    if writer is None:
        raise UsageError(f"unknown table format {name!r}: use one of {', '.join(WRITERS)}")
    return writer()


def writers_for(fmt: str) -> list[TableWriter]:
    """The writers of ``--format`` ``fmt`` (a :class:`TableFormat` or its value), in the order they write."""
    try:
        chosen = TableFormat(fmt)
    except ValueError:
        raise UsageError(f"unknown --format {fmt!r}: use one of {', '.join(TableFormat)}") from None
    return [get_writer(name) for name in (_BOTH if chosen is TableFormat.BOTH else (chosen.value,))]


def write_tables(out: Path, rows_by_doc: dict[str, dict[str, list[list[Any]]]], encoding: str,
                 fmt: str = TableFormat.CSV) -> tuple[list[Path], int]:
    """Write the flat tables over all documents, in doc_id order, in the formats of ``--format``
    ``fmt`` (CSV: ``encoding`` utf-8-sig suits Excel).  Returns the files and the number of CSV
    cells cut."""
    writers = writers_for(fmt)
    written = []
    cut = 0
    for name in COLUMNS:
        rows = [r for doc_id in sorted(rows_by_doc) for r in rows_by_doc[doc_id][name]]
        for writer in writers:
            path = out / f"{name}{writer.suffix}"
            cut += writer.write(path, name, rows, encoding)
            written.append(path)
    return written, cut
