"""Never lose or corrupt a document: what a hostile trial broke, each case run as a user runs it
(in a subprocess) and checked against the output folder's one promise: its manifest describes
exactly what is on disk, and the next run repairs whatever a failed one left."""

from __future__ import annotations

import csv
import functools
import http.server
import io
import json
import os
import signal
import socket
import socketserver
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import RAW, keikaku_cli, manifest

from keikaku import load
from keikaku.run.batch import Job, fingerprint, process

PLAIN = (RAW / "nishitokyo_2nd_kihonkeikaku_mi.txt").read_text(encoding="utf-8")
SMALL = (RAW / "kiyose_4th_chokikeikaku_summary.txt").read_text(encoding="utf-8")


keikaku = functools.partial(keikaku_cli, timeout=300)


def described(out: Path) -> None:
    """The manifest lists exactly the document files on disk, and each is whole."""
    listed = {e["output"] for e in manifest(out)["documents"] if e.get("output")}
    on_disk = {p.name for p in out.glob("*.json") if p.name != "manifest.json"}
    assert listed == on_disk, (listed ^ on_disk)
    for name in on_disk:
        json.loads((out / name).read_text(encoding="utf-8"))
    assert not list(out.glob(".*.tmp"))


def folder_of(tmp_path: Path, n: int, text: str = PLAIN) -> Path:
    inputs = tmp_path / "in"
    inputs.mkdir()
    for i in range(n):
        (inputs / f"plan{i:02d}.txt").write_text(text, encoding="utf-8")
    return inputs


# -- silent loss or corruption ------------------------------------------------------------------------------
def test_an_input_named_like_an_output_gets_another_id(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    for name in ("manifest", "nodes", "report", "good"):
        (inputs / f"{name}.txt").write_text(SMALL, encoding="utf-8")
    out = tmp_path / "out"
    result = keikaku("run", str(inputs), "--out", str(out), "--nlp", "none")
    assert result.returncode == 0, result.stderr
    entries = {e["doc_id"]: e for e in manifest(out)["documents"]}
    assert set(entries) == {"manifest_doc", "nodes_doc", "report_doc", "good"}
    assert "keikaku's own manifest output" in entries["manifest_doc"]["doc_id_note"]
    nodes = list(csv.DictReader(io.StringIO((out / "nodes.csv").read_bytes().decode("utf-8-sig"))))
    assert {r["doc_id"] for r in nodes} == set(entries)
    described(out)
    again = keikaku("run", str(inputs), "--out", str(out), "--nlp", "none")
    assert "4 unchanged" in again.stderr and "0 ok" in again.stderr  # not reprocessed on every run


def test_a_file_replaced_during_a_run_is_read_once(tmp_path: Path) -> None:
    path = tmp_path / "plan.txt"
    path.write_text("基本目標1 古い計画\n本文です。\n", encoding="utf-8")
    seen = fingerprint(path.read_bytes(), "settings")  # what the client read when it planned the job
    path.write_text("基本目標1 新しい計画\n本文です。\n", encoding="utf-8")  # replaced before the worker reads it
    outcome = process(Job(str(path), "plan", None, "none", None, "settings", 0, str(path), None, seen))
    doc = json.loads(outcome.json_text)
    assert doc["children"][0]["title"] == "新しい計画"
    assert doc["fingerprint"] == outcome.entry.fingerprint == fingerprint(path.read_bytes(), "settings") != seen
    import hashlib
    assert doc["source"]["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()


FULL_DISK = """
import errno, sys
import keikaku.export.files as ex, keikaku.export.tables as et, keikaku.run.outdir as od, keikaku.run.pipeline as pl
real = ex.atomic_write
count = {{"n": 0}}
def failing(path, data, encoding="utf-8"):
    count["n"] += 1
    if {condition}:
        raise OSError(errno.ENOSPC, "No space left on device")
    return real(path, data, encoding)
ex.atomic_write = et.atomic_write = od.atomic_write = pl.atomic_write = failing
from keikaku.cli import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.parametrize("condition, tables_left", [
    ('count["n"] > 5', False),  # the disk fills: documents, then the manifest itself cannot be written
    ('path.suffix == ".csv"', True),  # only the tables cannot be written: the manifest marks them stale
])
def test_a_full_disk_leaves_a_folder_its_manifest_describes(tmp_path: Path, condition: str, tables_left: bool) -> None:
    inputs = folder_of(tmp_path, 12, SMALL)
    out = tmp_path / "out"
    assert keikaku("run", str(inputs / "plan00.txt"), "--out", str(out), "--nlp", "none").returncode == 0
    result = subprocess.run([sys.executable, "-c", FULL_DISK.format(condition=condition), "run", str(inputs),
                             "--out", str(out), "--nlp", "none"], capture_output=True, text=True, timeout=300)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "No space left on device" in errors[0] and "run the same command again" in errors[0]
    described(out)
    if tables_left:
        assert manifest(out)["tables"]["current"] is False and "a write failed" in manifest(out)["tables"]["note"]
    repaired = keikaku("run", str(inputs), "--out", str(out), "--nlp", "none")
    assert repaired.returncode == 0, repaired.stderr
    described(out)
    assert len(manifest(out)["documents"]) == 12 and manifest(out)["tables"] == {"current": True}
    nodes = list(csv.DictReader(io.StringIO((out / "nodes.csv").read_bytes().decode("utf-8-sig"))))
    assert len({r["doc_id"] for r in nodes}) == 12


def test_two_runs_into_one_folder_the_second_refuses(tmp_path: Path) -> None:
    inputs = folder_of(tmp_path, 40)
    out = tmp_path / "out"
    first = subprocess.Popen([sys.executable, "-m", "keikaku", "run", str(inputs), "--out", str(out), "--nlp", "none",
                              "-q"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not ((out / ".keikaku.lock").exists()
                                               and (out / ".keikaku.lock").read_text().strip()):
        time.sleep(0.01)
    second = keikaku("run", str(inputs), "--out", str(out), "--nlp", "none")
    _, first_err = first.communicate(timeout=300)
    assert second.returncode == 2 and f"another keikaku run is writing into it (pid {first.pid})" in second.stderr
    assert first.returncode == 0, first_err
    described(out)


def test_only_temporary_files_of_dead_runs_are_cleared(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = out / f".nodes.csv.{dead.stdout.strip()}.ab12cd.tmp"
    live = out / f".nodes.csv.{os.getpid()}.ef34gh.tmp"  # this test process is alive
    stale.write_text("x", encoding="utf-8")
    live.write_text("x", encoding="utf-8")
    assert keikaku("run", str(RAW / "kodaira_kihonkoso.txt"), "--out", str(out), "--nlp", "none").returncode == 0
    assert not stale.exists() and live.exists()


def test_key_columns_are_never_escaped(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    for name in ("-x", "@y", "+z"):
        (inputs / f"{name}.txt").write_text("=基本目標1 @数式のような題名\n本文です。\n", encoding="utf-8")
    out = tmp_path / "out"
    assert keikaku("run", str(inputs), "--out", str(out), "--nlp", "none").returncode == 0
    ids = {e["doc_id"] for e in manifest(out)["documents"]}
    assert ids == {"x", "y", "z"}
    for table in ("nodes", "sections", "items", "keywords", "entities"):
        rows = list(csv.DictReader(io.StringIO((out / f"{table}.csv").read_bytes().decode("utf-8-sig"))))
        assert {r["doc_id"] for r in rows} <= ids
    nodes = list(csv.DictReader(io.StringIO((out / "nodes.csv").read_bytes().decode("utf-8-sig"))))
    assert all(not r[k].startswith(("=", "+", "-", "@", "'")) for r in nodes for k in ("doc_id", "node_id", "path"))


# -- tracebacks, hangs and exit codes ------------------------------------------------------------------------
def test_a_very_long_japanese_file_name(tmp_path: Path) -> None:
    name = "第二次総合計画" * 11 + "基本計画の本文です"  # 86 characters, 258 bytes: fits as an input, not as
    name = name[:81]  # 81 characters (243 bytes): a legal file name whose temporary output name is not
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / f"{name}.txt").write_text(SMALL, encoding="utf-8")
    out = tmp_path / "out"
    result = keikaku("run", str(inputs), "--out", str(out), "--nlp", "none")
    assert result.returncode == 0, result.stderr
    (entry,) = manifest(out)["documents"]
    assert len(entry["doc_id"].encode()) <= 120 and "cut to its length limit" in entry["doc_id_note"]
    described(out)


@pytest.mark.parametrize("pattern", [r"^(?>(a+)+$)", r"^(?:(a+)+$)++", r"^(x)?(?(1)(a+)+|(a+)+)$", r"^(a|aa)+$"])
def test_no_user_pattern_can_hang_a_run(tmp_path: Path, pattern: str) -> None:
    profile = tmp_path / "slow.toml"
    profile.write_text(f"name = 'slow'\n[[levels]]\nname = 'x'\nkind = 'goal'\nrank = 0\npattern = '''{pattern}'''\n",
                       encoding="utf-8")
    (tmp_path / "plan.txt").write_text("a" * 60 + "b\n本文です。\n", encoding="utf-8")
    started = time.monotonic()
    result = keikaku("run", str(tmp_path / "plan.txt"), "--out", str(tmp_path / "out"), "--profile", str(profile),
                     timeout=120)
    # It never hangs: the run ends within the time limit of its matches, either because the
    # pattern is fast in the regex engine, or with the error that names the rule.
    assert time.monotonic() - started < 60 and "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 0 or (result.returncode == 2 and "slow.toml: levels[0] (x).pattern" in result.stderr)


class _Http(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


class _Garbage(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        self.request.sendall(os.urandom(64) * 64)
        time.sleep(5)


@pytest.mark.parametrize("server", ["http", "garbage", "silent"])
def test_a_scheduler_that_is_not_dask_is_a_clear_error(tmp_path: Path, server: str) -> None:
    if server == "http":
        srv: socketserver.TCPServer = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Http)
    elif server == "garbage":
        srv = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Garbage)
    else:
        srv = socketserver.TCPServer(("127.0.0.1", 0), socketserver.BaseRequestHandler, bind_and_activate=True)
        srv.request_queue_size = 1  # accepts nothing: the connection hangs in the backlog
    threading.Thread(target=srv.serve_forever if server != "silent" else (lambda: None), daemon=True).start()
    port = srv.server_address[1]
    out = tmp_path / "new_folder"
    started = time.monotonic()
    try:
        result = keikaku("run", str(RAW / "kodaira_kihonkoso.txt"), "--out", str(out), "--scheduler",
                         f"tcp://127.0.0.1:{port}", timeout=120)
    finally:
        srv.server_close()
    assert result.returncode == 2 and time.monotonic() - started < 60, result.stderr
    assert f"cannot reach the Dask scheduler at tcp://127.0.0.1:{port}" in result.stderr
    assert "dask scheduler" in result.stderr and "Traceback" not in result.stderr
    assert not out.exists()  # nothing was written, not even an empty manifest


def _unwritable(folder: Path) -> bool:
    """Make ``folder`` unwritable (chmod, or chattr +i as root); False when this machine cannot."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        return True
    return subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode == 0


def test_an_unwritable_output_folder_is_one_line_and_exit_2(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    if not _unwritable(out):
        pytest.skip("this machine can make no folder unwritable (root without chattr)")
    try:
        result = keikaku("run", str(RAW / "kodaira_kihonkoso.txt"), "--out", str(out), "--nlp", "none")
    finally:
        subprocess.run(["chattr", "-i", str(out)], capture_output=True)
        out.chmod(0o755)
    assert result.returncode == 2 and "cannot be written" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_report_of_a_folder_with_damaged_documents(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert keikaku("run", str(RAW), "--out", str(out), "--nlp", "none").returncode == 0
    text = (out / "kodaira_kihonkoso.json").read_bytes()
    (out / "kodaira_kihonkoso.json").write_bytes(text[:len(text) // 2] + "\u3042".encode()[:2])  # cut mid-character
    (out / "nishitokyo_3rd_kihonkoso_goals.json").write_text("[1, 2]", encoding="utf-8")  # a list at top level
    (out / "kiyose_4th_chokikeikaku_summary.json").write_text('{"doc_id": "kiyose', encoding="utf-8")  # cut JSON
    result = keikaku("report", str(out))
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    page = (out / "report.html").read_text(encoding="utf-8")
    for damaged in ("kodaira_kihonkoso", "nishitokyo_3rd_kihonkoso_goals", "kiyose_4th_chokikeikaku_summary"):
        assert f"{damaged}.json cannot be read" in page
    assert "基本計画（各論）" in page  # a whole document's title is shown
    with pytest.warns(UserWarning, match="kodaira_kihonkoso.json: damaged") as caught:
        tables = load(out)
    assert len(caught) == 3
    damaged = {"kodaira_kihonkoso", "nishitokyo_3rd_kihonkoso_goals", "kiyose_4th_chokikeikaku_summary"}
    assert set(tables.nodes["doc_id"]) == {p.stem for p in RAW.glob("*.txt")} - damaged


def _children(pid: int) -> set[int]:
    found = set()
    for task in Path("/proc").iterdir():
        if task.name.isdigit():
            try:
                fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.add(int(task.name))
    return found


@pytest.mark.skipif(not Path("/proc").exists(), reason="reads the process tree from /proc")
def test_workers_exit_when_their_parent_is_killed(tmp_path: Path) -> None:
    inputs = folder_of(tmp_path, 30)
    parent = subprocess.Popen([sys.executable, "-m", "keikaku", "run", str(inputs), "--out", str(tmp_path / "out"),
                               "--nlp", "fast", "--workers", "2", "-q"], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    workers: set[int] = set()
    while time.monotonic() < deadline and len(workers) < 2:
        workers = {c for c in _children(parent.pid) if "spawn_main" in Path(f"/proc/{c}/cmdline").read_bytes().decode(
            errors="replace")} if parent.poll() is None else set()
        time.sleep(0.1)
    assert len(workers) >= 2, "the run must have started its workers"
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(Path(f"/proc/{w}").exists() for w in workers):
        time.sleep(0.1)
    alive = []
    for w in workers:
        try:
            state = Path(f"/proc/{w}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            alive.append(w)
    assert not alive, f"workers {alive} outlived their parent"


def test_ctrl_c_stops_cleanly_and_the_next_run_resumes(tmp_path: Path) -> None:
    inputs = folder_of(tmp_path, 60)
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "keikaku", "run", str(inputs), "--out", str(out), "--nlp", "none"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list(out.glob("plan*.json"))) < 5:
        time.sleep(0.01)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    assert "interrupted" in err and "run the same command again to resume" in err
    described(out)
    assert manifest(out)["tables"]["current"] is False
    done = len(manifest(out)["documents"])
    resumed = keikaku("run", str(inputs), "--out", str(out), "--nlp", "none")
    assert resumed.returncode == 0 and f"{done} unchanged" in resumed.stderr
    described(out)
    assert len(manifest(out)["documents"]) == 60 and manifest(out)["tables"] == {"current": True}


def test_a_port_nobody_listens_on_leaves_no_folder(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    out = tmp_path / "never"
    result = keikaku("run", str(RAW / "kodaira_kihonkoso.txt"), "--out", str(out), "--scheduler",
                     f"tcp://127.0.0.1:{port}", timeout=120)
    assert result.returncode == 2 and not out.exists()


# -- cost that grows with the work ------------------------------------------------------------------------------
def test_a_text_longer_than_a_spreadsheet_cell_is_cut_visibly_in_csv_only(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    long_paragraph = "市民と行政が協働してまちづくりを進めます。" * 2500  # 52,500 characters, one line
    (inputs / "long.txt").write_text(f"基本目標1 協働のまち\n{long_paragraph}\n基本目標2 安全なまち\n本文です。\n",
                                     encoding="utf-8")
    out = tmp_path / "out"
    result = keikaku("run", str(inputs), "--out", str(out), "--nlp", "none", "--format", "both")
    assert result.returncode == 0, result.stderr
    assert "1 table cell(s) longer than 32,767 characters" in result.stderr
    assert "were cut" in manifest(out)["tables"]["note"] and manifest(out)["tables"]["current"] is True
    rows = list(csv.DictReader(io.StringIO((out / "nodes.csv").read_bytes().decode("utf-8-sig"))))
    cell = next(r["text"] for r in rows if r["title"] == "協働のまち")
    assert len(cell) <= 32_767 and cell.endswith("the whole text is in the JSON and Parquet output]")
    assert "52,500 characters in all" in cell and long_paragraph.startswith(cell.split(" …[cut")[0])
    doc = json.loads((out / "long.json").read_text(encoding="utf-8"))
    assert doc["children"][0]["text"] == long_paragraph
    import pyarrow.parquet as pq

    texts = pq.read_table(out / "nodes.parquet").column("text").to_pylist()
    assert long_paragraph in texts


def test_a_manifest_written_by_an_older_version_is_read_and_rewritten(tmp_path: Path) -> None:
    # schema 1.1 entries had no "structure" and no "doc_id_note": the next run fills them in.
    from keikaku.run.pipeline import RunOptions, run

    out = tmp_path / "out"
    out.mkdir()
    old = {"doc_id": "gone", "source": str(tmp_path / "gone.txt"), "status": "failed", "profile": None,
           "encoding": None, "nlp": "none", "schema_version": None, "fingerprint": None, "counts": {},
           "warnings": [], "errors": ["gone.txt: cannot be read"], "output": None}
    (out / "manifest.json").write_text(json.dumps({"keikaku_version": "0.1.0", "schema_version": "1.1",
                                                   "documents": [old], "skipped": []}), encoding="utf-8")
    (tmp_path / "gone.txt").write_bytes(b"")  # still there: a failure of an input that is gone is forgotten
    plan = tmp_path / "plan.txt"
    plan.write_text(SMALL, encoding="utf-8")
    run([str(plan)], out, RunOptions(nlp="none"), log=lambda m: None)
    entries = {e["doc_id"]: e for e in json.loads((out / "manifest.json").read_text(encoding="utf-8"))["documents"]}
    assert entries["gone"]["structure"] == {} and entries["gone"]["doc_id_note"] is None
    assert entries["gone"]["errors"] == ["gone.txt: cannot be read"] and entries["plan"]["status"] in ("ok", "warning")


def test_a_document_file_that_is_not_a_document_is_left_out_of_a_run_with_a_warning(tmp_path: Path) -> None:
    # A list at the top of a listed document's JSON: the run, keikaku.load and the report each
    # leave it out with a message instead of stopping.
    from keikaku.run.pipeline import RunOptions, run
    from keikaku.views.report import render_report

    plan = tmp_path / "plan.txt"
    plan.write_text(SMALL, encoding="utf-8")
    out = tmp_path / "out"
    run([str(plan)], out, RunOptions(nlp="none"), log=lambda m: None)
    (out / "plan.json").write_text("[1, 2]", encoding="utf-8")
    other = tmp_path / "other.txt"
    other.write_text(SMALL, encoding="utf-8")
    said: list[str] = []
    run([str(other)], out, RunOptions(nlp="none"), log=said.append)
    assert any("plan.json" in m and "not a keikaku document" in m for m in said)
    with pytest.warns(UserWarning, match="plan.json: damaged"):
        assert set(load(out).nodes["doc_id"]) == {"other"}
    assert "plan.json cannot be read: a list at the top" in render_report(out)
