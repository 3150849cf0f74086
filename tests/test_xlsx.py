"""--format xlsx: one workbook, a typed sheet per flat table holding the CSV's rows, the header
frozen and filtered, formula-looking texts kept as texts, Excel's limits (cell length, rows per
sheet) handled, rewritten whole on every run."""

from __future__ import annotations

import csv
import functools
import io
import math
import re
import shutil
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from conftest import RAW, keikaku_cli, manifest
from openpyxl.utils import get_column_letter

from keikaku.export import tables
from keikaku.export.tables import (
    CSV_CELL_LIMIT,
    WIDTH_CAP,
    WORKBOOK,
    ExcelWriter,
    csv_text,
    cut_marker,
    workbook_bytes,
)
from keikaku.model.records import COLUMNS, ROW_TYPES, column_types
from keikaku.text.normalize import FORMULA_START

keikaku = functools.partial(keikaku_cli, timeout=300)

# A plan with an indicator table (typed values: float, int, bool) and a table whose cells look
# like formulas to a spreadsheet.
KPI = ("基本目標1 安心して暮らせるまち\n成果指標\n指標名\t現状値（令和5年度）\t目標値（令和11年度）\n"
       "防災訓練の参加者数\t1,280人\t2,000人\n自主防災組織の結成率\t72.5％\t90.0％\n\n"
       "基本目標2 元気なまち\n連絡先の一覧\n項目\t内容\n=SUM(A1:A2)\t+81-42-000-0000\n-x\t@cmd\n")
FORMULAS = ["=SUM(A1:A2)", "+81-42-000-0000", "-x", "@cmd"]


def _row(table: str, **values: Any) -> list[Any]:
    """A row of ``table``: the given columns, None elsewhere."""
    return [values.get(c) for c in COLUMNS[table]]


def _tables(**rows: list[list[Any]]) -> dict[str, list[list[Any]]]:
    """Every flat table, empty unless given."""
    return {name: rows.get(name, []) for name in COLUMNS}


def _csv_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        header, *rows = list(csv.reader(fh))
    return header, rows


def _sheet_rows(ws: Any) -> tuple[list[Any], list[list[Any]]]:
    header, *rows = [list(r) for r in ws.iter_rows(values_only=True)]
    return header, rows


def _from_csv(text: str, kind: str, column: str) -> Any:
    """The value a CSV cell stands for, by the model's type of its column ("" is null)."""
    if text == "":
        return None
    if kind == "int":
        return int(text)
    if kind == "float":
        return float(text)
    if kind == "bool":
        return {"true": True, "false": False}[text]
    if column not in tables.KEY_COLUMNS and text.startswith("'") and text[1:].startswith(FORMULA_START):
        return text[1:]  # the CSV's escape of a formula-looking text
    return text


def _same(cell: Any, value: Any, kind: str) -> bool:
    """A workbook cell holds ``value``: typed as the column says (a float to Excel's 15-16 digits)."""
    if value is None or cell is None:
        return value in (None, "") and cell in (None, "")  # CSV cannot tell null from an empty text
    if kind == "float":
        return type(cell) in (int, float) and math.isclose(cell, value, rel_tol=1e-15)
    return type(cell) is {"int": int, "bool": bool, "str": str}[kind] and cell == value


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped plans and KPI as CSV and workbook by one run (--format all)."""
    inputs = tmp_path_factory.mktemp("in")
    for plan in RAW.glob("*.txt"):
        shutil.copy(plan, inputs)
    (inputs / "kpi.txt").write_text(KPI, encoding="utf-8")
    out = tmp_path_factory.mktemp("out")
    result = keikaku("run", str(inputs), "--out", str(out), "--nlp", "fast", "--format", "all", "-q")
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def book(out: Path) -> Any:
    return openpyxl.load_workbook(out / WORKBOOK)


def test_a_sheet_per_table_holds_the_csv_rows_typed(out: Path, book: Any) -> None:
    assert book.sheetnames == ["README", *COLUMNS]
    kinds_seen = set()
    for name in COLUMNS:
        types = column_types(ROW_TYPES[name])
        csv_header, csv_rows = _csv_rows(out / f"{name}.csv")
        header, rows = _sheet_rows(book[name])
        assert header == csv_header == list(COLUMNS[name])
        assert len(rows) == len(csv_rows), name
        for i, (cells, texts) in enumerate(zip(rows, csv_rows)):
            for column, cell, text in zip(header, cells, texts):
                value = _from_csv(text, types[column], column)
                assert _same(cell, value, types[column]), (name, i, column, cell, text)
                if cell is not None:
                    kinds_seen.add(types[column])
                assert cell != "None"
    assert kinds_seen == {"int", "float", "bool", "str"}  # every type was met, and read back as its type


def test_every_sheet_has_its_header_frozen_and_filtered_and_long_texts_wrapped(book: Any) -> None:
    for name in COLUMNS:
        ws = book[name]
        last = get_column_letter(len(COLUMNS[name]))
        assert ws.freeze_panes == "A2", name
        assert ws.auto_filter.ref == f"A1:{last}{ws.max_row}", name
        assert all(c.font.b for c in ws[1]), name
    nodes = book["nodes"]
    text = COLUMNS["nodes"].index("text") + 1
    letter = get_column_letter(text)
    assert WIDTH_CAP <= nodes.column_dimensions[letter].width <= WIDTH_CAP + 1
    assert all(nodes.cell(r, text).alignment.wrap_text for r in range(2, nodes.max_row + 1)
               if nodes.cell(r, text).value)
    doc_id = get_column_letter(COLUMNS["nodes"].index("doc_id") + 1)
    assert nodes.column_dimensions[doc_id].width < WIDTH_CAP  # as wide as its ids, no wider


def test_formula_looking_texts_stay_texts(out: Path, book: Any) -> None:
    cells = {c.value: c for row in book["tables"].iter_rows() for c in row}
    for text in FORMULAS:
        assert cells[text].data_type == "s", text
    with zipfile.ZipFile(out / WORKBOOK) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/")]
        assert sheets and not any("<f>" in z.read(n).decode("utf-8") for n in sheets)


def test_the_readme_sheet_lists_each_sheet_its_rows_and_columns(book: Any) -> None:
    readme = [r for r in book["README"].iter_rows(values_only=True)]
    listed = {r[0]: r for r in readme if r[0] in COLUMNS}
    assert list(listed) == list(COLUMNS)
    for name, (_, rows, contents, columns) in listed.items():
        assert rows == book[name].max_row - 1 and columns == ", ".join(COLUMNS[name]) and contents
    assert any("Cells cut to Excel's limit of 32,767 characters: 0" in str(r[0]) for r in readme)


@pytest.mark.parametrize("text, cut", [
    ("あ" * CSV_CELL_LIMIT, False),
    ("あ" * (CSV_CELL_LIMIT + 1), True),
    ("𠮷" * (CSV_CELL_LIMIT // 2) + "a", False),  # 32,767 UTF-16 units: Excel counts 𠮷 twice
    ("𠮷" * (CSV_CELL_LIMIT // 2 + 1), True),
])
def test_a_text_beyond_excels_cell_limit_is_cut_with_a_marker_and_counted(tmp_path: Path, text: str,
                                                                         cut: bool) -> None:
    rows = [_row("nodes", doc_id="d", node_id="n", depth=1, text=text)]
    path = tmp_path / "nodes.xlsx"
    assert ExcelWriter().write(path, "nodes", rows, "utf-8") == cut
    column = COLUMNS["nodes"].index("text")
    cell = openpyxl.load_workbook(path)["nodes"].cell(2, column + 1).value
    assert len(cell.encode("utf-16-le")) // 2 <= CSV_CELL_LIMIT
    assert (cell == text) is not cut and cell.endswith(cut_marker(len(text))) is cut
    csv_rows = list(csv.reader(io.StringIO(csv_text(list(COLUMNS["nodes"]), rows)[0])))
    assert csv_rows[1][column] == cell  # the CSV cuts the same text the same way


def test_a_plan_with_a_text_too_long_for_a_cell_is_cut_alike_in_csv_and_workbook(tmp_path: Path) -> None:
    long = "本文は長い。" * 7000  # 42,000 characters in one paragraph
    plan = tmp_path / "long.txt"
    plan.write_text(f"基本目標1 長いまち\n{long}\n", encoding="utf-8")
    out = tmp_path / "out"
    result = keikaku("run", str(plan), "--out", str(out), "--nlp", "none", "--format", "all")
    assert result.returncode == 0, result.stderr
    book = openpyxl.load_workbook(out / WORKBOOK)
    marker = cut_marker(len(long))
    cut = [c.value for ws in book.worksheets[1:] for row in ws.iter_rows() for c in row
           if isinstance(c.value, str) and c.value.endswith(marker)]
    assert cut and all(len(v) == CSV_CELL_LIMIT for v in cut)
    csv_cut = [t for name in COLUMNS for r in _csv_rows(out / f"{name}.csv")[1] for t in r if t.endswith(marker)]
    assert sorted(cut) == sorted(csv_cut)
    assert re.search(rf"note: {len(cut)} \w+ cell\(s\) longer than", result.stderr)  # said, not silent
    readme = [r[0] for r in book["README"].iter_rows(values_only=True)]
    assert f"Cells cut to Excel's limit of 32,767 characters: {len(cut)} " in readme[2]


def test_formula_looking_titles_are_written_as_texts(tmp_path: Path) -> None:
    texts = [*FORMULAS, "=1+1", "\tタブ", "'quoted"]
    rows = [_row("nodes", doc_id="d", node_id=f"n{i}", depth=1, title=t) for i, t in enumerate(texts)]
    path = tmp_path / "nodes.xlsx"
    ExcelWriter().write(path, "nodes", rows, "utf-8")
    ws = openpyxl.load_workbook(path)["nodes"]
    title = COLUMNS["nodes"].index("title") + 1
    cells = [ws.cell(r, title) for r in range(2, len(texts) + 2)]
    assert [c.value for c in cells] == texts and {c.data_type for c in cells} == {"s"}


def test_a_table_longer_than_a_sheet_goes_on_in_the_next_sheet(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tables, "SHEET_ROWS", 4)  # the header and three rows (Excel: 1,048,576)
    rows = [_row("nodes", doc_id="d", node_id=f"n{i}", depth=i) for i in range(7)]
    assert ExcelWriter().write_all(tmp_path, _tables(nodes=rows), "utf-8") == 0
    book = openpyxl.load_workbook(tmp_path / WORKBOOK)
    assert book.sheetnames == ["README", "nodes", "nodes (2)", "nodes (3)", *list(COLUMNS)[1:]]
    depths = []
    for name in ("nodes", "nodes (2)", "nodes (3)"):
        header, part = _sheet_rows(book[name])
        assert header == list(COLUMNS["nodes"]) and book[name].freeze_panes == "A2" and len(part) <= 3
        depths += [r[header.index("depth")] for r in part]
    assert depths == list(range(7))
    listed = {r[0]: r[1] for r in book["README"].iter_rows(values_only=True) if r[0] and r[0].startswith("nodes")}
    assert listed == {"nodes": 3, "nodes (2)": 3, "nodes (3)": 1}
    assert _sheet_rows(book["sections"]) == (list(COLUMNS["sections"]), [])  # an empty table: its header


def test_the_same_tables_give_the_same_bytes() -> None:
    rows = _tables(nodes=[_row("nodes", doc_id="d", node_id="n", depth=1, text="本文")])
    assert workbook_bytes(rows) == workbook_bytes(rows)


def test_a_failed_write_leaves_the_earlier_workbook_whole(tmp_path: Path) -> None:
    good = _tables(nodes=[_row("nodes", doc_id="d", node_id="n", depth=1)])
    ExcelWriter().write_all(tmp_path, good, "utf-8")
    before = (tmp_path / WORKBOOK).read_bytes()
    bad = _tables(nodes=[_row("nodes", doc_id="d", node_id="n", depth="one")])  # not a number
    with pytest.raises(TypeError):
        ExcelWriter().write_all(tmp_path, bad, "utf-8")
    assert (tmp_path / WORKBOOK).read_bytes() == before and [p.name for p in tmp_path.iterdir()] == [WORKBOOK]


def _doc_ids(out: Path) -> set[str]:
    ws = openpyxl.load_workbook(out / WORKBOOK)["nodes"]
    return {r[0] for r in ws.iter_rows(min_row=2, values_only=True)}


def test_each_run_rewrites_the_workbook_with_every_document_and_a_switch_removes_it(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "a.txt").write_text(KPI, encoding="utf-8")
    out = tmp_path / "out"
    assert keikaku("run", str(inputs), "--out", str(out), "--nlp", "none", "--format", "xlsx").returncode == 0
    assert _doc_ids(out) == {"a"} and not list(out.glob("*.csv"))
    (inputs / "b.txt").write_text("基本目標1 安全なまち\n防災を進めます。\n", encoding="utf-8")
    result = keikaku("run", str(inputs), "--out", str(out), "--nlp", "none", "--format", "xlsx")
    assert result.returncode == 0, result.stderr
    assert "1 unchanged" in result.stderr  # a was not redone, yet it is in the workbook
    assert _doc_ids(out) == {"a", "b"} and manifest(out)["tables"]["current"] is True
    result = keikaku("run", str(inputs), "--out", str(out), "--nlp", "none", "--format", "csv")
    assert result.returncode == 0 and not (out / WORKBOOK).exists() and ".xlsx" in result.stderr
    result = keikaku("run", str(inputs), "--out", str(out), "--nlp", "none", "--format", "xlsx")
    assert result.returncode == 0 and _doc_ids(out) == {"a", "b"} and not list(out.glob("*.csv"))
