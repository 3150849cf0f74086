"""The flat tables' writers: one interface, found by name, chosen by --format; CSV reports the
cells it cuts, Parquet keeps every text whole (the workbook of --format xlsx: tests/test_xlsx.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from keikaku.errors import UsageError
from keikaku.export import tables
from keikaku.export.tables import (
    CSV_CELL_LIMIT,
    WORKBOOK,
    WRITERS,
    CsvWriter,
    ExcelWriter,
    ParquetWriter,
    TableFormat,
    TableWriter,
    cut_marker,
    get_writer,
    write_tables,
    writers_for,
)
from keikaku.model.records import COLUMNS
from keikaku.run.outdir import table_files


def _row(table: str, **values: Any) -> list[Any]:
    """A row of ``table``: the given columns, None elsewhere."""
    return [values.get(c) for c in COLUMNS[table]]


def _empty() -> dict[str, list[list[Any]]]:
    return {name: [] for name in COLUMNS}


def test_get_writer_finds_each_format_by_name() -> None:
    assert isinstance(get_writer("csv"), CsvWriter) and get_writer("csv").suffix == ".csv"
    assert isinstance(get_writer("parquet"), ParquetWriter) and get_writer("parquet").suffix == ".parquet"
    assert isinstance(get_writer("xlsx"), ExcelWriter) and get_writer("xlsx").files() == [WORKBOOK]
    assert all(isinstance(get_writer(name), TableWriter) and get_writer(name).name == name for name in WRITERS)


def test_an_unknown_format_is_a_usage_error_that_lists_the_known_ones() -> None:
    with pytest.raises(UsageError, match=r"unknown table format 'ods': use one of csv, parquet, xlsx$"):
        get_writer("ods")
    with pytest.raises(UsageError, match=r"unknown --format 'ods': use one of csv, parquet, xlsx, both, all$"):
        writers_for("ods")
    with pytest.raises(UsageError):
        write_tables(Path("/nonexistent"), {}, "utf-8", "tsv")  # refused before anything is written


def test_every_writer_is_a_format_choice_and_every_choice_has_writers() -> None:
    # A new writer must also be a member of TableFormat, or --format cannot choose it.
    assert set(WRITERS) <= {f.value for f in TableFormat}
    assert [w.name for w in writers_for(TableFormat.BOTH)] == ["csv", "parquet"]
    assert [w.name for w in writers_for(TableFormat.ALL)] == list(WRITERS)
    for fmt in TableFormat:
        if fmt not in (TableFormat.BOTH, TableFormat.ALL):
            assert [w.name for w in writers_for(fmt)] == [fmt.value]
    assert writers_for("parquet")[0].name == "parquet"  # the plain string works as well as the member


@pytest.mark.parametrize("fmt", list(TableFormat))
def test_write_tables_writes_the_files_of_its_format_in_order(tmp_path: Path, fmt: TableFormat) -> None:
    written, cut = write_tables(tmp_path, {"a": _empty()}, "utf-8", fmt)
    assert [p.name for p in written] == table_files(fmt)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(table_files(fmt)) and cut == 0


def test_table_files_name_what_each_format_writes() -> None:
    assert table_files("csv") == [f"{name}.csv" for name in COLUMNS]
    assert table_files("xlsx") == [WORKBOOK]  # one workbook, a sheet per table
    assert table_files("both") == table_files("csv") + table_files("parquet")
    assert table_files("all") == table_files("both") + [WORKBOOK] == table_files()


def test_a_cell_cut_in_both_csv_and_workbook_is_counted_once(tmp_path: Path) -> None:
    rows = {"d": {**_empty(), "nodes": [_row("nodes", doc_id="d", node_id="n", depth=1, text="あ" * (CSV_CELL_LIMIT + 1))]}}
    assert write_tables(tmp_path, rows, "utf-8", "all")[1] == 1


def test_write_tables_hands_each_writer_every_table_in_doc_id_order(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, str, list[Any], str]] = []

    class Recording(TableWriter):
        name = "csv"
        suffix = ".rec"

        def write(self, path: Path, table: str, rows: list[list[Any]], encoding: str) -> int:
            calls.append((path.name, table, [r[0] for r in rows], encoding))
            return 2

    monkeypatch.setitem(tables.WRITERS, "csv", Recording)
    rows = {doc: {**_empty(), "nodes": [_row("nodes", doc_id=doc)]} for doc in ("b", "a")}
    written, cut = write_tables(tmp_path, rows, "utf-8-sig", "csv")
    assert calls[0] == ("nodes.rec", "nodes", ["a", "b"], "utf-8-sig")
    assert [c[1] for c in calls] == list(COLUMNS) and [p.name for p in written] == [c[0] for c in calls]
    assert cut == 2 * len(COLUMNS)  # what each writer reports is added up


def test_csv_writer_reports_the_cells_it_cuts(tmp_path: Path) -> None:
    long = "あ" * (CSV_CELL_LIMIT + 10)
    rows = [_row("nodes", doc_id="d", node_id="n1", text=long), _row("nodes", doc_id="d", node_id="n2", text="短い")]
    path = tmp_path / "nodes.csv"
    assert CsvWriter().write(path, "nodes", rows, "utf-8-sig") == 1
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # the encoding asked for: a BOM for Excel
    text = data.decode("utf-8-sig")
    assert cut_marker(len(long)) in text and long not in text and "短い" in text
    assert text.splitlines()[0].split(",") == list(COLUMNS["nodes"])


def test_parquet_writer_keeps_every_text_whole_and_reports_nothing_cut(tmp_path: Path) -> None:
    long = "い" * (CSV_CELL_LIMIT + 10)
    path = tmp_path / "nodes.parquet"
    assert ParquetWriter().write(path, "nodes", [_row("nodes", doc_id="d", node_id="n", text=long)], "utf-8") == 0
    table = pq.read_table(path)
    assert table.column_names == list(COLUMNS["nodes"]) and table.column("text").to_pylist() == [long]
