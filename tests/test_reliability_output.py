"""Never lose a document, the output side: the analysis cache, the flat tables and the manifest.

Each case runs as a user runs it (the command line in a subprocess, on real files) and checks the
output folder against its promises: a damaged cache costs time, never a document; a document
that fails keeps the JSON an earlier run wrote; every table file on disk describes the documents
the manifest lists (or the manifest says it does not); every character of a plan's text is in
some table."""

from __future__ import annotations

import csv
import functools
import io
import json
import os
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from conftest import RAW, keikaku_cli, manifest

from keikaku import load

SMALL = (RAW / "kiyose_4th_chokikeikaku_summary.txt").read_text(encoding="utf-8")
PLAIN = (RAW / "nishitokyo_2nd_kihonkeikaku_mi.txt").read_text(encoding="utf-8")


keikaku = functools.partial(keikaku_cli, timeout=300)


def entries(out: Path) -> dict[str, dict]:
    return {e["doc_id"]: e for e in manifest(out)["documents"]}


def csv_rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))


def no_python_noise(stderr: str) -> None:
    assert "Traceback" not in stderr and "UserWarning" not in stderr and "warnings.warn" not in stderr, stderr


def cache_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if "analysis cache" in line]


def tables_describe_the_manifest(out: Path) -> None:
    """Every table file on disk lists exactly the documents of the manifest, unless the manifest
    marks the tables stale."""
    m = manifest(out)
    if not m["tables"]["current"]:
        return
    listed = {e["doc_id"] for e in m["documents"] if e.get("output")}
    for path in out.glob("nodes.csv"):
        assert {r["doc_id"] for r in csv_rows(path)} == listed, path.name
    for path in out.glob("nodes.parquet"):
        import pyarrow.parquet as pq

        assert set(pq.read_table(path).column("doc_id").to_pylist()) == listed, path.name


# -- 1: a damaged analysis cache costs time, never a document -------------------------------------------------
def test_a_damaged_cache_row_is_a_miss_not_a_failed_document(tmp_path: Path) -> None:
    plan = tmp_path / "plan.txt"
    plan.write_text(SMALL, encoding="utf-8")
    out = tmp_path / "out"
    assert keikaku("run", str(plan), "--out", str(out), "--nlp", "fast").returncode == 0
    first = (out / "plan.json").read_bytes()
    db = sqlite3.connect(out / ".cache" / "nlp.sqlite")
    with db:
        db.execute("""UPDATE results SET value = '{"terms": [' WHERE rowid IN (SELECT rowid FROM results LIMIT 3)""")
    db.close()
    again = keikaku("run", str(plan), "--out", str(out), "--nlp", "fast", "--force")
    assert again.returncode == 0, again.stderr
    no_python_noise(again.stderr)
    assert entries(out)["plan"]["status"] == "ok" and (out / "plan.json").read_bytes() == first
    (line,) = cache_lines(again.stderr)
    assert line.startswith("warning:") and "3 " in line and "recomputed" in line
    healed = keikaku("run", str(plan), "--out", str(out), "--nlp", "fast", "--force")  # rewritten: no warning
    assert healed.returncode == 0 and not cache_lines(healed.stderr), healed.stderr


def test_a_cache_file_with_damaged_pages_is_moved_aside_once(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert keikaku("run", str(RAW), "--out", str(out), "--nlp", "fast").returncode == 0
    before = {p.name: p.read_bytes() for p in out.glob("*.json") if p.name != "manifest.json"}
    cache = out / ".cache" / "nlp.sqlite"
    pages = cache.stat().st_size // 4096
    with cache.open("r+b") as fh:  # garbage over three pages in the middle of the file
        fh.seek(pages // 2 * 4096)
        fh.write(os.urandom(3 * 4096))
    again = keikaku("run", str(RAW), "--out", str(out), "--nlp", "fast", "--force")
    assert again.returncode == 0, again.stderr
    no_python_noise(again.stderr)
    (line,) = cache_lines(again.stderr)
    assert line.startswith("warning:") and "moved aside" in line
    assert (cache.parent / "nlp.sqlite.damaged").exists()
    assert before == {p.name: p.read_bytes() for p in out.glob("*.json") if p.name != "manifest.json"}
    later = keikaku("run", str(RAW), "--out", str(out), "--nlp", "fast", "--force")
    assert later.returncode == 0 and not cache_lines(later.stderr), later.stderr  # once, not on every run


# -- a document that fails keeps the JSON of an earlier run ---------------------------------------------------
def test_a_document_that_fails_keeps_its_earlier_json(tmp_path: Path) -> None:
    plan = tmp_path / "plan.txt"
    plan.write_text(SMALL, encoding="utf-8")
    out = tmp_path / "out"
    assert keikaku("run", str(plan), "--out", str(out), "--nlp", "none").returncode == 0
    good = (out / "plan.json").read_bytes()
    plan.write_bytes(b"")  # now it fails: contains no text
    failed = keikaku("run", str(plan), "--out", str(out), "--nlp", "none")
    assert failed.returncode == 1 and "Traceback" not in failed.stderr
    entry = entries(out)["plan"]
    assert entry["status"] == "failed" and entry["output"] == "plan.json"
    assert any("earlier run" in e for e in entry["errors"]), entry["errors"]
    assert (out / "plan.json").read_bytes() == good
    tables_describe_the_manifest(out)
    plan.write_text(SMALL + "\n追記です。\n", encoding="utf-8")  # fixed: processed again, the failure gone
    fixed = keikaku("run", str(plan), "--out", str(out), "--nlp", "none")
    assert fixed.returncode == 0 and entries(out)["plan"]["status"] != "failed"
    assert entries(out)["plan"]["errors"] == [] and (out / "plan.json").read_bytes() != good


FAILING_WRITE = """
import errno, sys
import keikaku.export.files as ex, keikaku.export.tables as et, keikaku.run.outdir as od, keikaku.run.pipeline as pl
real = ex.atomic_write
def failing(path, data, encoding="utf-8"):
    if path.name == "plan.json":
        raise OSError(errno.ENOSPC, "No space left on device")
    return real(path, data, encoding)
ex.atomic_write = et.atomic_write = od.atomic_write = pl.atomic_write = failing
from keikaku.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_a_document_whose_write_fails_keeps_its_earlier_json(tmp_path: Path) -> None:
    plan = tmp_path / "plan.txt"
    plan.write_text(SMALL, encoding="utf-8")
    out = tmp_path / "out"
    assert keikaku("run", str(plan), "--out", str(out), "--nlp", "none").returncode == 0
    good = (out / "plan.json").read_bytes()
    plan.write_text(SMALL + "\n追記です。\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-c", FAILING_WRITE, "run", str(plan), "--out", str(out), "--nlp", "none"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 1 and "No space left on device" in result.stderr and "Traceback" not in result.stderr
    assert (out / "plan.json").read_bytes() == good
    assert entries(out)["plan"]["output"] == "plan.json" and entries(out)["plan"]["status"] == "failed"


# -- 2: a format switch leaves no stale table ---------------------------------------------------------------
@pytest.mark.parametrize("first, second", [("csv", "parquet"), ("parquet", "csv"), ("both", "csv")])
def test_switching_the_format_leaves_no_stale_table(tmp_path: Path, first: str, second: str) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "a.txt").write_text(SMALL, encoding="utf-8")
    out = tmp_path / "out"
    assert keikaku("run", str(inputs), "--out", str(out), "--nlp", "none", "--format", first).returncode == 0
    (inputs / "b.txt").write_text(PLAIN, encoding="utf-8")
    result = keikaku("run", str(inputs), "--out", str(out), "--nlp", "none", "--format", second)
    assert result.returncode == 0, result.stderr
    assert manifest(out)["tables"]["current"] is True
    tables_describe_the_manifest(out)
    other = {"csv": "parquet", "parquet": "csv"}[second]
    assert not list(out.glob(f"*.{other}")) and len(list(out.glob(f"*.{second}"))) == 8
    assert f".{other}" in result.stderr  # said, not silent


# -- 4: text outside any heading is in the tables -------------------------------------------------------------
FRONT = "はじめに\nこの計画は市の将来像を示します。\n\n基本目標1 安全なまち\n防災を進めます。\n\n基本目標2 元気なまち\n産業を育てます。\n"
FLAT = "見出しのない計画です。\n\n本文だけが続きます。\n\n最後の段落です。\n"


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_front_matter_and_a_plan_without_headings_are_in_the_tables(tmp_path: Path, fmt: str) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "front.txt").write_text(FRONT, encoding="utf-8")
    (inputs / "flat.txt").write_text(FLAT, encoding="utf-8")
    out = tmp_path / "out"
    result = keikaku("run", str(inputs), "--out", str(out), "--nlp", "none", "--format", fmt)
    assert result.returncode == 0, result.stderr
    if fmt == "csv":
        rows = csv_rows(out / "nodes.csv")
    else:
        import pyarrow.parquet as pq

        rows = pq.read_table(out / "nodes.parquet").to_pylist()
    root = {r["doc_id"]: r for r in rows if r["node_id"] == ""}
    assert "この計画は市の将来像を示します。" in root["front"]["text"]
    assert all(s in root["flat"]["text"] for s in ("見出しのない計画です。", "本文だけが続きます。", "最後の段落です。"))
    assert root["front"]["kind"] == "document" and str(root["front"]["depth"]) == "0"
    t = load(out)
    front = t.nodes[(t.nodes["doc_id"] == "flat") & (t.nodes["node_id"] == "")]
    assert len(front) == 1 and "最後の段落です。" in front["text"].iloc[0]
    assert set(t.subtree("front", "")["node_id"]) == set(t.nodes.loc[t.nodes["doc_id"] == "front", "node_id"])
    assert list(t.ancestors("front", t.nodes.loc[t.nodes["doc_id"] == "front", "node_id"].iloc[-1])["node_id"]) == []


TEXT_COLUMNS = {"nodes": ("code", "title", "subtitle", "label", "text"), "sections": ("heading", "text"),
                "items": ("marker", "text"), "refs": ("code", "title"), "tables": ("text",)}


def json_text(doc: dict) -> Counter[str]:
    """The non-blank characters of a document JSON's text fields (the furniture left out)."""
    found: Counter[str] = Counter()

    def add(*values: str | None) -> None:
        found.update(c for v in values if v for c in v if not c.isspace())

    def content(part: dict) -> None:
        add(part["text"])
        for s in part["sections"]:
            add(s["heading"], s["text"], *(i["marker"] for i in s["items"]), *(i["text"] for i in s["items"]))
            for t in s["tables"]:
                add(*(t["header"] or []), *(c for row in t["rows"] for c in row))
        add(*(i["marker"] for i in part["items"]), *(i["text"] for i in part["items"]))
        add(*(r["code"] for r in part["refs"]), *(r["title"] for r in part["refs"]))
        for t in part["tables"]:
            add(*(t["header"] or []), *(c for row in t["rows"] for c in row))

    content(doc["front_matter"])
    stack = list(doc["children"])
    while stack:
        node = stack.pop()
        add(node["code"], node["title"], node["subtitle"], node["label"])
        content(node)
        stack.extend(node["children"])
    return found


def test_every_character_of_a_plan_is_in_some_table(tmp_path: Path) -> None:
    """Every non-blank character of each document's text (its JSON outside the furniture: the
    front matter, a plan without headings, every unit) is in a text column of some table."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "front.txt").write_text(FRONT, encoding="utf-8")
    (inputs / "flat.txt").write_text(FLAT, encoding="utf-8")
    out = tmp_path / "out"
    result = keikaku("run", str(RAW), str(inputs), "--out", str(out), "--nlp", "none", "--format", "parquet")
    assert result.returncode == 0, result.stderr
    t = load(out)
    assert len(t.documents) == len(list(RAW.glob("*.txt"))) + 2
    for doc_id in t.documents["doc_id"]:
        wanted = json_text(json.loads((out / f"{doc_id}.json").read_text(encoding="utf-8")))
        found: Counter[str] = Counter()
        for name, columns in TEXT_COLUMNS.items():
            frame = getattr(t, name)
            for column in columns:
                found.update(c for v in frame.loc[frame["doc_id"] == doc_id, column].dropna() for c in v
                             if not c.isspace())
        missing = wanted - found
        assert not missing, (doc_id, "".join(sorted(missing.elements()))[:80])


# -- 13: failed entries of deleted inputs go ------------------------------------------------------------------
def test_a_failed_entry_goes_when_its_input_is_deleted(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "good.txt").write_text(SMALL, encoding="utf-8")
    (inputs / "empty.txt").write_bytes(b"")
    (inputs / "blank.txt").write_text("\n \n", encoding="utf-8")
    out = tmp_path / "out"
    assert keikaku("run", str(inputs), "--out", str(out), "--nlp", "none").returncode == 1
    assert {k for k, e in entries(out).items() if e["status"] == "failed"} == {"empty", "blank"}
    (inputs / "empty.txt").unlink()
    # A run of another input: the failure of a deleted input goes, that of an existing one stays.
    again = keikaku("run", str(inputs / "good.txt"), "--out", str(out), "--nlp", "none")
    assert again.returncode == 0, again.stderr
    assert set(entries(out)) == {"good", "blank"}
    (inputs / "blank.txt").unlink()
    assert keikaku("run", str(inputs), "--out", str(out), "--nlp", "none").returncode == 0
    assert set(entries(out)) == {"good"}


# -- 14: cache problems are one-line keikaku warnings ---------------------------------------------------------
def test_cache_problems_are_one_line_warnings(tmp_path: Path) -> None:
    plan = tmp_path / "plan.txt"
    plan.write_text(SMALL, encoding="utf-8")
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "nlp.sqlite").write_bytes(b"this is not an SQLite database" * 200)
    damaged = keikaku("run", str(plan), "--out", str(tmp_path / "out"), "--nlp", "fast", "--cache", str(cache))
    assert damaged.returncode == 0, damaged.stderr
    no_python_noise(damaged.stderr)
    (line,) = cache_lines(damaged.stderr)
    assert line.startswith("warning: analysis cache") and "moved aside" in line
    assert (cache / "nlp.sqlite.damaged").exists()
    blocked = tmp_path / "afile"
    blocked.write_text("x", encoding="utf-8")
    unusable = keikaku("run", str(plan), "--out", str(tmp_path / "out2"), "--nlp", "fast", "--cache", str(blocked))
    assert unusable.returncode == 0, unusable.stderr
    no_python_noise(unusable.stderr)
    (line,) = cache_lines(unusable.stderr)
    assert line.startswith("warning: analysis cache") and "going on without it" in line


# -- a hostile pass on the output side ------------------------------------------------------------------------
GOING_READ_ONLY = """
import errno, pathlib, sys
import keikaku.export.files as ex, keikaku.export.tables as et, keikaku.run.outdir as od, keikaku.run.pipeline as pl
real, real_unlink = ex.atomic_write, pathlib.Path.unlink
state = {"n": 0, "ro": False}
def failing(path, data, encoding="utf-8"):
    state["n"] += 1
    if state["n"] > 3:
        state["ro"] = True
        raise OSError(errno.EROFS, "Read-only file system")
    return real(path, data, encoding)
def unlink(self, missing_ok=False):
    if state["ro"]:
        raise OSError(errno.EROFS, "Read-only file system")
    return real_unlink(self, missing_ok=missing_ok)
ex.atomic_write = et.atomic_write = od.atomic_write = pl.atomic_write = failing
pathlib.Path.unlink = unlink
from keikaku.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_a_folder_that_goes_read_only_during_a_run_is_one_error_and_the_next_run_repairs_it(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    for i in range(8):
        (inputs / f"plan{i}.txt").write_text(SMALL + f"\n番号{i}。\n", encoding="utf-8")
    out = tmp_path / "out"
    result = subprocess.run([sys.executable, "-c", GOING_READ_ONLY, "run", str(inputs), "--out", str(out), "--nlp", "none"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "Read-only file system" in errors[0] and "run the same command again" in errors[0]
    repaired = keikaku("run", str(inputs), "--out", str(out), "--nlp", "none")
    assert repaired.returncode == 0, repaired.stderr
    assert len(entries(out)) == 8 and manifest(out)["tables"] == {"current": True}
    assert {p.name for p in out.glob("*.json")} == {"manifest.json", *(f"plan{i}.json" for i in range(8))}
    tables_describe_the_manifest(out)


READ_ONLY_REPORT = """
import errno, sys
import keikaku.views.report as rp
def failing(path, data, encoding="utf-8"):
    raise OSError(errno.EROFS, "Read-only file system")
rp.atomic_write = failing
from keikaku.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_a_report_that_cannot_be_written_is_one_line(tmp_path: Path) -> None:
    plan = tmp_path / "plan.txt"
    plan.write_text(SMALL, encoding="utf-8")
    out = tmp_path / "out"
    assert keikaku("run", str(plan), "--out", str(out), "--nlp", "none").returncode == 0
    result = subprocess.run([sys.executable, "-c", READ_ONLY_REPORT, "report", str(out)], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("error:") and "report.html: cannot be written (Read-only file system)" in line


def test_manifest_entries_that_name_other_files_are_left_out(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "a.txt").write_text(SMALL, encoding="utf-8")
    out = tmp_path / "out"
    assert keikaku("run", str(inputs), "--out", str(out), "--nlp", "none").returncode == 0
    m = manifest(out)
    entry = m["documents"][0]
    m["documents"] += [{**entry, "doc_id": "zz", "output": "nodes.csv", "status": "failed", "source": "/nowhere/zz.txt"},
                       {**entry, "doc_id": "old", "output": "manifest.json", "source": str(inputs / "a.txt")},
                       {**entry, "doc_id": "../../x", "output": "../../x.json"},
                       {"doc_id": "q", "status": 5, "output": 7, "source": None}]
    (out / "manifest.json").write_text(json.dumps(m), encoding="utf-8")
    (inputs / "b.txt").write_text(PLAIN, encoding="utf-8")
    result = keikaku("run", str(inputs), "--out", str(out), "--nlp", "none")
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert "4 entries not understood, left out" in result.stderr
    assert set(entries(out)) == {"a", "b"} and manifest(out)["tables"] == {"current": True}
    tables_describe_the_manifest(out)
    assert "not a keikaku document" not in result.stderr  # nodes.csv was not read as one
    assert set(load(out).documents["doc_id"]) == {"a", "b"}


def test_two_runs_sharing_a_damaged_cache_move_it_aside_once(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = keikaku("run", str(RAW), "--out", str(tmp_path / "o1"), "--nlp", "fast", "--cache", str(cache))
    assert first.returncode == 0, first.stderr
    db = cache / "nlp.sqlite"
    with db.open("r+b") as fh:  # every other page after the first
        for page in range(1, db.stat().st_size // 4096, 2):
            fh.seek(page * 4096)
            fh.write(os.urandom(4096))
    runs = [subprocess.Popen([sys.executable, "-m", "keikaku", "run", str(RAW), "--out", str(tmp_path / out), "--nlp",
                              "fast", "--cache", str(cache), "--workers", "2"], stderr=subprocess.PIPE, text=True)
            for out in ("o2", "o3")]
    said = []
    for run in runs:
        _, err = run.communicate(timeout=600)
        assert run.returncode == 0, err
        no_python_noise(err)
        said += cache_lines(err)
    assert len(said) == 1 and "moved aside" in said[0], said
    written = {p.name: p.read_bytes() for p in (tmp_path / "o1").glob("*.json") if p.name != "manifest.json"}
    for out in ("o2", "o3"):
        assert written == {p.name: p.read_bytes() for p in (tmp_path / out).glob("*.json") if p.name != "manifest.json"}
