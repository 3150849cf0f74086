"""Never lose a document, the output side: the analysis cache, the flat tables and the manifest.

Each case runs as a user runs it (the command line in a subprocess, on real files) and checks the
output folder against its promises: a damaged cache costs time, never a document; a document
that fails keeps the JSON an earlier run wrote; every table file on disk describes the documents
the manifest lists (or the manifest says it does not); every character of a plan's text is in
some table."""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from conftest import RAW

from keikaku import load

SMALL = (RAW / "kiyose_4th_chokikeikaku_summary.txt").read_text(encoding="utf-8")
PLAIN = (RAW / "nishitokyo_2nd_kihonkeikaku_mi.txt").read_text(encoding="utf-8")


def keikaku(*args: str, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "keikaku", *args], capture_output=True, text=True, timeout=timeout)


def manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


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
import keikaku.export as ex, keikaku.outdir as od, keikaku.pipeline as pl
real = ex.atomic_write
def failing(path, data, encoding="utf-8"):
    if path.name == "plan.json":
        raise OSError(errno.ENOSPC, "No space left on device")
    return real(path, data, encoding)
ex.atomic_write = od.atomic_write = pl.atomic_write = failing
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
