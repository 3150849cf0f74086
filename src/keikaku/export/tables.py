"""The flat tables over all documents → CSV (escaped for spreadsheets, long cells cut), Parquet
(typed columns) and one Excel workbook (a typed sheet per table), each format a :class:`TableWriter`
found by name (:func:`get_writer`).

A new format is one writer class and its line in :data:`WRITERS` (and its member of
:class:`TableFormat`, which makes it a choice of ``--format``)."""

from __future__ import annotations

import csv
import io
import unicodedata
from abc import ABC, abstractmethod
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, ClassVar, Iterable

from ..errors import UsageError
from ..model import records as R
from ..model.records import COLUMNS, column_types
from ..text.normalize import FORMULA_START
from .files import atomic_write


class TableFormat(StrEnum):
    """What ``--format`` offers: one writer, ``both`` (CSV and Parquet) or ``all`` (every writer)."""

    CSV = "csv"
    PARQUET = "parquet"
    XLSX = "xlsx"
    BOTH = "both"
    ALL = "all"


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


# Excel holds at most 32,767 characters in a cell, counted in UTF-16 units (a character beyond
# U+FFFF such as 𠮷 counts twice), and Python's csv module reads at most 131,072 by default.  A
# longer text (a plan extracted as one 50 MB line) is cut in the CSV and the workbook alike, with a
# marker that says how long it was and where the whole text is: the JSON and the Parquet tables.
CSV_CELL_LIMIT = 32_767
_IDS = frozenset({"doc_id", "node_id", "parent_id"})  # short by construction (keikaku.run.outdir.fit_id)


def cut_marker(length: int) -> str:
    return f" …[cut: {length:,} characters in all; the whole text is in the JSON and Parquet output]"


def _excel_length(text: str) -> int:
    """The length of ``text`` as Excel counts it: in UTF-16 units."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _fit(value: Any) -> tuple[Any, bool]:
    """``value`` cut to :data:`CSV_CELL_LIMIT` with a marker when it is a longer text; and whether it was."""
    if not isinstance(value, str) or len(value) <= CSV_CELL_LIMIT // 2 or _excel_length(value) <= CSV_CELL_LIMIT:
        return value, False
    marker = cut_marker(len(value))
    keep = CSV_CELL_LIMIT - len(marker)
    head = value[:keep]
    head = head[:keep - (_excel_length(head) - len(head))]  # less one character per character counted twice
    return head + marker, True


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
    """Writes the flat tables (the names of :data:`~keikaku.model.records.COLUMNS` and their rows)
    to files of its format, each whole or not at all (:func:`~keikaku.export.files.atomic_write`):
    one file per table unless the format says otherwise (:meth:`files`, :meth:`write_all`)."""

    name: ClassVar[str]  # its --format name
    suffix: ClassVar[str]  # of its files: nodes.csv, nodes.parquet

    def files(self) -> list[str]:
        """The names of the files it writes into the output folder, in the order it writes them."""
        return [f"{table}{self.suffix}" for table in COLUMNS]

    def write_all(self, out: Path, tables: dict[str, list[list[Any]]], encoding: str) -> int:
        """Write every table of ``tables`` (in :data:`COLUMNS` order) into the folder ``out`` under
        :meth:`files`' names.  Returns the number of cells cut to fit the format."""
        return sum(self.write(out / f"{table}{self.suffix}", table, rows, encoding) for table, rows in tables.items())

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


# --- the Excel workbook ----------------------------------------------------------------------------

WORKBOOK = "tables.xlsx"  # --format xlsx: every table in this one file
SHEET_ROWS = 1_048_576  # Excel's rows per sheet, the header included; a longer table goes on to "nodes (2)" …
WIDTH_CAP = 60  # a column's width in characters; a longer text (or one with line breaks) wraps
# The workbook's date: fixed, so that the same tables give the same bytes (as every output does).
_CREATED = datetime(2000, 1, 1)

# What each table holds, for the README sheet (English and Japanese).
_CONTENTS = {
    "nodes": "one row per unit (chapter, goal, measure …); node_id empty: the document's root (front matter)"
             " / 単位（章・目標・施策など）ごとに1行。node_id が空の行は文書全体（前文）",
    "sections": "the labelled sections of each unit (現状と課題, 主な取組 …) / 単位の中の見出し付きの部分",
    "items": "the listed items of sections and units / 箇条書きの項目",
    "refs": "the entries of contents lists (title, page) / 目次の項目（見出しとページ）",
    "keywords": "each unit's keywords, ranked from 1 (node_id empty: the whole document) / 単位ごとのキーワード（順位つき）",
    "entities": "one row per mention of a law, plan, organisation, place, date … / 固有表現（法令・計画・組織・日付など）の出現ごとに1行",
    "indicators": "one row per indicator and value (baseline, target, actual) / 成果指標：指標と値（基準値・目標値・実績値）ごとに1行",
    "tables": "one row per cell of every table in the plans (row 0 is the header) / 表のセルごとに1行（行0は見出し）",
}


def _display_width(text: str) -> int:
    """The width of ``text``'s longest line in Excel's character units (a full-width character
    counts two), at most :data:`WIDTH_CAP`."""
    widest = 0
    for line in text.split("\n") if "\n" in text else (text,):
        if len(line) >= WIDTH_CAP:
            return WIDTH_CAP
        widest = max(widest, sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line))
    return min(widest, WIDTH_CAP)


def _layout(table: str, rows: list[list[Any]]) -> list[tuple[int, bool]]:
    """Each column's width and whether its texts wrap: as wide as its widest cell or header (a
    filter button beside the header), at most :data:`WIDTH_CAP`; texts wrap in a column where one
    is wider or has a line break."""
    types = column_types(R.ROW_TYPES[table])
    layout = []
    for c, column in enumerate(COLUMNS[table]):
        kind = types[column]
        values = [row[c] for row in rows if row[c] is not None]
        width, wrap = _display_width(column) + 3, False
        if kind == "bool":
            width = max(width, len("FALSE"))
        elif kind != "str" and values:  # Excel shows about 11 digits of a number
            width = max(width, *(min(len(str(v)), 12) for v in (min(values), max(values))))
        elif kind == "str":
            for value in values:
                wrap = wrap or "\n" in value
                if 2 * len(value) > width:  # a character is at most two units wide
                    width = max(width, _display_width(value))
                    wrap = wrap or width >= WIDTH_CAP
                if wrap and width >= WIDTH_CAP:
                    break
        layout.append((min(width, WIDTH_CAP), wrap))
    return layout


def workbook_bytes(tables: dict[str, list[list[Any]]]) -> tuple[bytes, int]:
    """One Excel workbook of ``tables`` and the number of cells cut to Excel's limit
    (:data:`CSV_CELL_LIMIT`, cut as in the CSV).

    A README sheet comes first (each sheet, its rows and columns), then a sheet per table in
    order, named as the CSV files: the header row frozen and filtered, numbers and booleans typed,
    null an empty cell, every text a text (never a formula, whatever it starts with).  A table of
    more rows than a sheet holds (:data:`SHEET_ROWS`) goes on in ``nodes (2)``, ``nodes (3)`` ….
    XlsxWriter's constant_memory mode writes each row as it comes."""
    import xlsxwriter

    buf = io.BytesIO()
    # Cells are written by type (write_string, never write), so these are a second guard.
    book = xlsxwriter.Workbook(buf, {"constant_memory": True, "strings_to_formulas": False,
                                     "strings_to_numbers": False, "strings_to_urls": False,
                                     "nan_inf_to_errors": True})
    book.set_properties({"title": "keikaku tables", "created": _CREATED})
    header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "bottom": 1, "valign": "top"})
    plain = book.add_format({"valign": "top"})
    wrapped = book.add_format({"valign": "top", "text_wrap": True})
    readme = book.add_worksheet("README")
    per_sheet = SHEET_ROWS - 1
    sheets: list[tuple[str, str, int]] = []  # sheet, table, rows
    cut = 0
    for table, rows in tables.items():
        layout = _layout(table, rows)
        for part, start in enumerate(range(0, max(len(rows), 1), per_sheet), start=1):
            sheet = table if part == 1 else f"{table} ({part})"
            chunk = rows[start:start + per_sheet]
            cut += _write_sheet(book.add_worksheet(sheet), table, chunk, layout, (header, plain, wrapped))
            sheets.append((sheet, table, len(chunk)))
    _write_readme(readme, sheets, cut, header, wrapped)
    book.close()
    return buf.getvalue(), cut


def _write_sheet(ws: Any, table: str, rows: list[list[Any]], layout: list[tuple[int, bool]],
                 formats: tuple[Any, Any, Any]) -> int:
    """One table's rows on the sheet ``ws``, typed by the model's columns; returns the cells cut."""
    header, plain, wrapped = formats
    types = column_types(R.ROW_TYPES[table])
    writes = []  # each column's write method, cell format, and whether its texts are cut to fit
    for c, (column, (width, wrap)) in enumerate(zip(COLUMNS[table], layout)):
        ws.set_column(c, c, width)
        ws.write_string(0, c, column, header)
        kind = types[column]
        if kind == "str":
            writes.append((ws.write_string, wrapped if wrap else plain, column not in _IDS))
        else:
            writes.append((ws.write_boolean if kind == "bool" else ws.write_number, plain, False))
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, len(rows), len(writes) - 1)
    cut = 0
    for r, row in enumerate(rows, start=1):
        for c, (value, (write, fmt, fit)) in enumerate(zip(row, writes)):
            if value is None:
                continue  # null: an empty cell
            if fit:
                value, was_cut = _fit(value)
                cut += was_cut
            write(r, c, value, fmt)
    return cut


def _write_readme(ws: Any, sheets: list[tuple[str, str, int]], cut: int, bold: Any, wrapped: Any) -> None:
    """The first sheet: what the workbook holds, each sheet (a link to it), its rows and columns."""
    ws.set_column(0, 0, 16)
    ws.set_column(1, 1, 10)
    ws.set_column(2, 2, WIDTH_CAP)
    ws.set_column(3, 3, WIDTH_CAP)
    ws.write_string(0, 0, "keikaku: the flat tables of this output folder / 計画の構造データ（表）", bold)
    ws.write_string(1, 0, "One sheet per table, the same rows as the CSV files (--format csv); an empty cell is null."
                          " / 表ごとに1シート。CSV（--format csv）と同じ行です。空のセルは値なしです。")
    ws.write_string(2, 0, f"Cells cut to Excel's limit of {CSV_CELL_LIMIT:,} characters: {cut:,} (each ends with"
                          " “…[cut: N characters in all; …]”; the whole text is in the JSON and Parquet output)."
                          f" / Excel の上限（{CSV_CELL_LIMIT:,} 文字）で切ったセル: {cut:,}")
    ws.write_row(4, 0, ["sheet / シート", "rows / 行数", "contents / 内容", "columns / 列"], bold)
    for r, (sheet, table, n) in enumerate(sheets, start=5):
        ws.write_url(r, 0, f"internal:'{sheet}'!A1", string=sheet)
        ws.write_number(r, 1, n)
        contents = _CONTENTS[table] if sheet == table else f"{table}, continued / {table} の続き"
        ws.write_string(r, 2, contents, wrapped)
        ws.write_string(r, 3, ", ".join(COLUMNS[table]), wrapped)


class ExcelWriter(TableWriter):
    """One workbook for Excel, :data:`WORKBOOK`, with a typed sheet per table (:func:`workbook_bytes`)."""

    name = "xlsx"
    suffix = ".xlsx"

    def files(self) -> list[str]:
        return [WORKBOOK]

    def write_all(self, out: Path, tables: dict[str, list[list[Any]]], encoding: str) -> int:
        data, cut = workbook_bytes(tables)
        atomic_write(out / WORKBOOK, data)
        return cut

    def write(self, path: Path, table: str, rows: list[list[Any]], encoding: str) -> int:
        """A workbook of one table."""
        data, cut = workbook_bytes({table: rows})
        atomic_write(path, data)
        return cut


WRITERS: dict[str, type[TableWriter]] = {w.name: w for w in (CsvWriter, ParquetWriter, ExcelWriter)}
_BOTH = ("csv", "parquet")  # what --format both writes (--format all: every format of WRITERS)


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
    names = {TableFormat.BOTH: _BOTH, TableFormat.ALL: tuple(WRITERS)}.get(chosen, (chosen.value,))
    return [get_writer(name) for name in names]


def write_tables(out: Path, rows_by_doc: dict[str, dict[str, list[list[Any]]]], encoding: str,
                 fmt: str = TableFormat.CSV) -> tuple[list[Path], int]:
    """Write the flat tables over all documents, in doc_id order, in the formats of ``--format``
    ``fmt`` (CSV: ``encoding`` utf-8-sig suits Excel).  Returns the files and the number of cells
    cut to Excel's limit (the same cells in every format that cuts, so counted once)."""
    writers = writers_for(fmt)
    tables = {name: [r for doc_id in sorted(rows_by_doc) for r in rows_by_doc[doc_id][name]] for name in COLUMNS}
    written: list[Path] = []
    cut = 0
    for writer in writers:
        cut = max(cut, writer.write_all(out, tables, encoding))
        written.extend(out / name for name in writer.files())
    return written, cut
