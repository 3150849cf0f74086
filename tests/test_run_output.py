"""What `keikaku run` says while it runs and how it schedules: a line per document naming its
warnings, the warnings counted by kind at the end, an ETA only once it means something, the
number of worker processes chosen from the input, scripts without the ``__main__`` guard, and
paths given as ``str`` or ``Path`` to the Python API."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import RAW, keikaku_cli, manifest

from keikaku.cli import warnings_text
from keikaku.errors import CodedWarning
from keikaku.run import batch, pipeline
from keikaku.run.batch import auto_workers
from keikaku.run.pipeline import RunOptions, _Eta

# Two tables whose headers keikaku does not know (W303 twice) under chapters.
TABLES = ("第1章　総論\n計画の趣旨を述べます。\n第2章　まちづくり\n本文です。\n\n区分\t令和７年度\t担当課\n"
          "事業A\t実施\t企画課\n事業B\t検討\t福祉課\n\n第3章　財政\n本文です。\n\n品目\t数量\t備考\nりんご\t3\tなし\n"
          "みかん\t5\tなし\n")
FLAT = "市のまちづくりについて述べます。\n\n地域とともに進めます。\n"  # no heading: W201
PLANS = len(list(RAW.glob("*.txt")))  # the plans of raw/


@pytest.fixture(scope="module")
def plans(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with a plan without warnings, two with warnings and one that fails."""
    folder = tmp_path_factory.mktemp("plans")
    (folder / "plain.txt").write_bytes((RAW / "kiyose_4th_chokikeikaku_summary.txt").read_bytes())
    (folder / "kpi.txt").write_text(TABLES, encoding="utf-8")
    (folder / "flat.txt").write_text(FLAT, encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    return folder


@pytest.mark.parametrize("warnings, expected", [
    ([("W201", "no heading found")], "W201 no heading found"),
    ([("W205", "gaps"), ("W303", "a"), ("W301", "b")], "W205 gaps (2 more: W301, W303)"),
    ([("W303", "a"), ("W303", "b"), ("W303", "c"), ("W206", "d")], "W303 a (3 more: W206, W303 ×2)"),
    ([("W303", "表" * 100)], "W303 " + "表" * 79 + "…"),  # cut short; the manifest holds it whole
])
def test_a_documents_warnings_in_a_few_words(warnings: list[tuple[str, str]], expected: str) -> None:
    assert warnings_text([CodedWarning(code, message) for code, message in warnings]) == expected


def test_each_document_with_warnings_has_one_line_naming_them(plans: Path, tmp_path: Path) -> None:
    result = keikaku_cli("run", str(plans), "--out", str(tmp_path / "out"), "--nlp", "none")
    assert result.returncode == 1  # empty.txt fails
    lines = result.stderr.splitlines()
    entries = {e["doc_id"]: e for e in manifest(tmp_path / "out")["documents"]}
    assert [e["warnings"] != [] for e in (entries["kpi"], entries["flat"], entries["plain"])] == [True, True, False]
    for doc_id, shown in [("kpi", ": W303 lines 6-8: a table whose header keikaku does not recognise (区分 |"),
                          ("flat", ": W201 no heading found: the document is one flat unit"),
                          ("plain", "")]:
        mine = [line for line in lines if f"] {doc_id}: " in line]
        assert len(mine) == 1, mine
        assert shown in mine[0] and (" W" in mine[0]) == bool(shown), mine[0]
    assert next(line for line in lines if "] kpi: " in line).endswith(" (1 more: W303)")
    assert [line for line in lines if line.startswith("error:")] == [f"error: {plans / 'empty.txt'}: is empty (no text at all)"]
    assert "warnings: W201 ×1, W303 ×2 (each document's in manifest.json;" in result.stderr


def test_quiet_prints_errors_only(plans: Path, tmp_path: Path) -> None:
    result = keikaku_cli("run", str(plans), "--out", str(tmp_path / "out"), "--nlp", "none", "-q")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [f"error: {plans / 'empty.txt'}: is empty (no text at all)"]


def _on_a_terminal(*args: str) -> tuple[int, str]:
    """``keikaku ARGS`` with its stderr on a terminal (a pty): the exit status and what it showed."""
    main, child = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "keikaku", *args], stderr=child, stdout=subprocess.DEVNULL)
    os.close(child)
    shown = b""
    while True:  # read while it runs: a full pty would block it
        try:
            chunk = os.read(main, 65536)
        except OSError:  # the other end closed
            break
        if not chunk:
            break
        shown += chunk
    os.close(main)
    return proc.wait(timeout=60), shown.decode()


def test_on_a_terminal_warnings_and_errors_are_lines_above_the_bar(plans: Path, tmp_path: Path) -> None:
    status, shown = _on_a_terminal("run", str(plans), "--out", str(tmp_path / "out"), "--nlp", "none")
    assert status == 1
    clear = "\r\x1b[K"  # the bar is wiped before a line is printed, then drawn again below it
    assert f"{clear}[2/4] kpi: warning (" in shown  # the biggest documents go first: plain, kpi, flat, empty
    assert "] flat: warning (" in shown and "] plain: ok (" not in shown  # without -v, ok documents have no line
    assert f"{clear}error: {plans / 'empty.txt'}: is empty (no text at all)\r\n\r[" in shown
    assert "\r[########################] 4/4 documents" in shown
    verbose_status, verbose = _on_a_terminal("run", str(plans), "--out", str(tmp_path / "out2"), "--nlp", "none", "-v")
    assert verbose_status == 1 and "] plain: ok (" in verbose


def test_the_eta_waits_for_a_document_finished_after_the_model_loaded(plans: Path, tmp_path: Path) -> None:
    result = keikaku_cli("run", str(plans), "--out", str(tmp_path / "out"), "--nlp", "none")
    progress = [line for line in result.stderr.splitlines() if line.startswith("[")]
    assert len(progress) == 4
    assert "ETA …)" in progress[0] and all("ETA …" not in line and " s)" in line for line in progress[1:])


@pytest.mark.parametrize("warm, updates, expected", [
    (1, [(40, 10.0), (70, 12.0), (100, 13.0)], [None, 2.0, 0.0]),  # 30 bytes in 2 s after the first: 30 left, 2 s
    (2, [(40, 10.0), (60, 11.0), (80, 13.0)], [None, None, 2.0]),  # two processes: the clock starts at the second
    (1, [(40, 10.0), (40, 11.0), (90, 12.0)], [None, None, 0.4]),  # an empty document tells nothing
])
def test_eta_counts_from_the_documents_after_each_processs_first(warm: int, updates: list[tuple[int, float]],
                                                                   expected: list[float | None]) -> None:
    eta = _Eta(bytes_total=100, warm=warm)
    assert [eta.update(done, now) for done, now in updates] == pytest.approx(expected)


@pytest.mark.parametrize("sizes, mode, cpus, expected", [
    ([82_000], "full", 2, 1),  # one document: nothing to share
    ([6_958, 23_691, 28_873, 8_523, 13_945], "full", 2, 1),  # the seeds: a second process saves too little
    ([25_000] * 20, "full", 2, 2),  # 500 KB of GiNZA work
    ([25_000] * 20, "full", 4, 4),
    ([25_000] * 20, "full", 1, 1),  # one CPU
    ([25_000] * 20, "fast", 2, 1),  # the same in --nlp fast is quick in one process
    ([25_000] * 200, "fast", 2, 2),
    ([25_000] * 80, "none", 2, 1),
    ([2_000_000, 10_000, 10_000], "full", 2, 1),  # one big document takes as long either way
    ([25_000] * 2000, "none", 8, 8),
])
def test_workers_chosen_from_the_input(sizes: list[int], mode: str, cpus: int, expected: int,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "cpu_count", lambda: cpus)
    assert auto_workers(sizes, mode) == expected


def test_chosen_workers_are_said_and_asked_ones_win(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[int] = []
    monkeypatch.setattr(pipeline, "auto_workers", lambda sizes, mode: asked.append(len(sizes)) or 2)
    log: list[str] = []
    chosen = pipeline.run(RAW, tmp_path / "a", RunOptions(nlp="none"), log=log.append)
    assert asked == [PLANS] and chosen.workers == 2 and chosen.failed == 0
    assert log == [f"note: 2 worker processes for {PLANS} documents (0.1 MB, --nlp none) on"
                   f" {os.cpu_count()} CPUs; --workers 1 runs them in one process"]
    log.clear()
    one = pipeline.run(RAW, tmp_path / "b", RunOptions(nlp="none", workers=1), log=log.append)
    assert asked == [PLANS] and one.workers == 1 and log == []
    for path in (tmp_path / "a").iterdir():
        if path.is_file():
            assert path.read_bytes() == (tmp_path / "b" / path.name).read_bytes(), path.name


GUARD_MESSAGE = 'runs keikaku at its top level; put that call under `if __name__ == "__main__":`'


@pytest.mark.parametrize("guarded, workers, status, said", [
    (False, "2", 1, "WorkersCannotStart: worker processes cannot start: each one imports {script} again, and it "
                    + GUARD_MESSAGE),
    (False, "None", 0, "note: worker processes cannot start: each one imports {script} again, and it "
                       + GUARD_MESSAGE),  # chosen by keikaku: the run goes on in one process
    (True, "2", 0, None),
])
def test_a_script_without_the_main_guard_is_told_so(guarded: bool, workers: str, status: int, said: str | None,
                                                    tmp_path: Path) -> None:
    call = f"result = run({str(RAW)!r}, {str(tmp_path / 'out')!r}, RunOptions(nlp='none', workers={workers}))\n" \
           "print('failed:', result.failed, 'workers:', result.workers)\n"
    script = tmp_path / "plans.py"
    script.write_text(textwrap.dedent("""\
        from keikaku.run import pipeline
        from keikaku.run.pipeline import RunOptions, run

        pipeline.auto_workers = lambda sizes, mode: 2  # as for a large input
        """) + (f"if __name__ == '__main__':\n{textwrap.indent(call, '    ')}" if guarded else call), encoding="utf-8")
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert result.returncode == status, result.stderr
    assert "died" not in result.stderr and result.stderr.count("Traceback") == (status != 0)  # none from the workers
    if said is None:
        assert result.stdout == "failed: 0 workers: 2\n" and result.stderr == ""
    else:
        assert result.stderr.count(said.format(script=script)) == 1, result.stderr  # once, not once per worker
    if status == 0:
        assert len(manifest(tmp_path / "out")["documents"]) == PLANS


@pytest.mark.parametrize("paths, out", [
    (str(RAW), "out"),  # one folder as a str
    (RAW, Path("out")),  # one folder as a Path
    ([str(RAW / "kodaira_kihonkoso.txt"), RAW / "kiyose_4th_chokikeikaku_summary.txt"], "out"),  # a list of both
])
def test_the_python_api_takes_str_and_path(paths: object, out: str | Path, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = pipeline.run(paths, out, RunOptions(nlp="none"), log=lambda m: None)
    assert result.failed == 0 and result.entries and (tmp_path / "out" / "manifest.json").exists()


def test_run_options_take_a_profile_name_and_a_cache_path_as_str(tmp_path: Path) -> None:
    cache = tmp_path / "cache" / "nlp.sqlite"
    options = RunOptions(nlp="fast", profile="generic", cache_file=str(cache))
    result = pipeline.run(str(RAW / "kiyose_4th_chokikeikaku_summary.txt"), str(tmp_path / "out"), options,
                          log=lambda m: None)
    assert result.failed == 0 and cache.exists()
    assert manifest(tmp_path / "out")["documents"][0]["profile"] == "generic"


def test_a_worker_that_cannot_start_is_not_a_document_that_killed_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers that exit before they start fail the run once; no document is blamed for them."""
    import batch_helpers

    monkeypatch.setattr(batch, "_worker_start", batch_helpers.exit_at_once)
    jobs = [batch.Job(str(RAW / name), name, None, "none", None, "test", 1) for name in ("a", "b")]
    with pytest.raises(batch.WorkersCannotStart, match="worker processes cannot start"):
        list(batch.execute(jobs, workers=2))
