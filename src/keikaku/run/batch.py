"""Running documents one per task: in this process, in local worker processes, or on Dask.

A :class:`Job` names one input and how to process it; :func:`process` turns it into an
:class:`Outcome` (the manifest entry and the document's JSON text) wherever it runs, loading
the model once per process.  The caller (the client, with Dask) writes every file, exactly as
in a local run, so the output does not depend on where the work was done.
"""

from __future__ import annotations

import gc
import hashlib
import multiprocessing
import os
import signal
import sys
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Callable, Generator, Iterator

from .. import __version__
from ..errors import KeikakuError, ProfileError, SetupError, UsageError
from ..export.document import document_json, dumps
from ..extract.analyse import analyse
from ..extract.cache import NlpCache
from ..extract.document import parse_source
from ..extract.nlp import get_analyzer, versions
from ..ingest import ingest_any
from ..ingest.text import MAX_MB, read_input
from ..model.records import ManifestEntry
from ..model.tree import Analysis, Document
from ..segment.profile import Profile
from .outdir import document_file


@dataclass(frozen=True)
class Job:
    path: str  # as the user gave it: shown in messages and recorded in the output
    doc_id: str
    profile: Profile | None  # None: chosen per document
    nlp: str
    cache: str | None  # the analysis cache file, if any
    settings: str  # the run's settings digest; the fingerprint is made from it and the bytes read
    size: int = 0  # input bytes, to start big documents first
    abspath: str = ""  # where a worker reads it (relative paths mean nothing on a Dask worker)
    note: str | None = None  # why the doc_id is not the file's stem (a reserved or too long name)
    seen: str = ""  # the fingerprint the client read before the run (names the task on Dask)
    max_mb: float = MAX_MB  # larger input files are refused


@dataclass
class Outcome:
    entry: ManifestEntry  # the document's manifest entry
    json_text: str | None  # None when the document failed
    chars: int = 0
    notes: list[str] = field(default_factory=list)  # one-line warnings about the run, not the document (the cache)
    unreadable: int = 0  # analysis cache entries that did not read back (analysed again)


def fingerprint(data: bytes, settings: str) -> str:
    """A document's fingerprint: its bytes and the run's settings digest.  A re-run skips
    documents whose fingerprint is unchanged."""
    h = hashlib.sha256(data)
    h.update(settings.encode())
    return h.hexdigest()


def failed(job: Job, message: str, fp: str | None = None) -> Outcome:
    """The outcome of a document that could not be processed: its entry with the message."""
    entry = ManifestEntry(doc_id=job.doc_id, source=job.path, nlp=job.nlp, fingerprint=fp, errors=[message],
                          doc_id_note=job.note)
    return Outcome(entry, None)


def _cache(path: str | None) -> NlpCache | None:
    return None if path is None else _open_cache(path)


@cache
def _open_cache(path: str) -> NlpCache:
    """One cache object per file and process (it opens its connection per document and closes it)."""
    return NlpCache(Path(path))


def process(job: Job) -> Outcome:
    """Ingest, segment, analyse and serialise one document; its own failures end in the entry.

    Setup problems (a missing model) and bad profile or rules files are raised: every
    document would fail the same way."""
    cache = _cache(job.cache)
    if cache is None:
        return _process(job, None)
    try:
        outcome = _process(job, cache)
    finally:
        cache.close()  # reopened by the next document: no handle outlives a run (a Dask worker lives on)
    outcome.notes, outcome.unreadable = cache.take_report()  # reported by the run, once however many workers
    return outcome


def _process(job: Job, cache: NlpCache | None) -> Outcome:
    fp = None
    try:
        # Read once: the fingerprint, the sha256 and the tree all come from the same bytes, even
        # if the file is replaced while the run goes on.
        raw = read_input(job.abspath or job.path, job.path, job.max_mb)
        fp = fingerprint(raw, job.settings)
        doc = parse_source(ingest_any(raw, job.path), job.doc_id, job.profile)
        analyse([doc], job.nlp, cache)
        data = document_json(doc, __version__, Analysis(mode=job.nlp, versions=versions(job.nlp)), fp)
    except (SetupError, ProfileError):
        raise
    except KeikakuError as exc:
        return failed(job, str(exc), fp)
    except Exception as exc:  # noqa: BLE001 - one document's bug must not stop the others
        return failed(job, f"{job.path}: internal error ({type(exc).__name__}: {exc}); please report it with this file",
                      fp)
    entry = document_entry(doc)
    entry.doc_id_note = job.note
    return Outcome(entry, dumps(data), doc.source.chars)


def document_entry(doc: Document) -> ManifestEntry:
    """The manifest entry of a finished document: one just made, or one a killed run left on disk
    (read back by :func:`keikaku.read_document`).  Its ``structure`` leaves out the list of markers
    set aside (the document's JSON has it)."""
    return ManifestEntry(doc_id=doc.doc_id, source=doc.source.path, status="warning" if doc.warnings else "ok",
                         profile=doc.profile.name, encoding=doc.source.encoding, nlp=doc.analysis.mode,
                         schema_version=doc.schema_version, fingerprint=doc.fingerprint, counts=dict(doc.counts),
                         warnings=list(doc.warnings),
                         structure={k: v for k, v in doc.structure.items() if k != "rejected"},
                         output=document_file(doc.doc_id))


def usable_workers(workers: int) -> int:
    """``workers`` capped at the number of CPUs: each worker holds a model (about 0.6 GB with
    GiNZA), and more processes than cores only add memory."""
    return max(1, min(workers, os.cpu_count() or 1))


# What one process gets through, in input bytes per second, by --nlp mode, and what starting
# worker processes costs (fresh interpreters importing keikaku; the model loads in the workers
# instead of here, side by side, so it adds little).  Measured with --no-cache on copies of the
# seeds on a machine with 2 cores: one process 20 KB/s (full), 220 KB/s (fast), 750 KB/s (none);
# the start 0.5 s when the machine was idle, 1.4 to 1.7 s when other work kept it busy, which
# hurts workers more than one process: the busy figure is taken.  A faster machine is faster at
# both, so the choice hardly depends on it.
BYTES_PER_SECOND = {"full": 20_000, "fast": 220_000, "none": 750_000}
WORKERS_START_SECONDS = 1.5


def auto_workers(sizes: list[int], mode: str) -> int:
    """The number of local processes expected to finish documents of ``sizes`` bytes soonest.

    One process takes ``sum(sizes) / rate``; ``n`` take the start of the workers plus the larger
    of an ``n``-th of that and the biggest document (a document runs on one process).  Workers
    are used only when they save at least a fifth of the time: every worker holds its own model
    (0.6 GB with GiNZA), and the estimate is rough.  A handful of small plans thus runs in one
    process (the seeds in raw/ with GiNZA: 82 KB, 6.1 s in one process, 5.1 s in two on an idle
    machine, the same on a busy one), and a large input on every CPU."""
    if len(sizes) < 2:
        return 1
    rate = BYTES_PER_SECOND.get(str(mode), BYTES_PER_SECOND["full"])
    alone, biggest = sum(sizes) / rate, max(sizes) / rate
    best, best_seconds = 1, 0.8 * alone
    for n in range(2, usable_workers(len(sizes)) + 1):
        seconds = WORKERS_START_SECONDS + max(alone / n, biggest)
        if seconds < best_seconds:
            best, best_seconds = n, seconds
    return best


def execute(jobs: list[Job], workers: int = 1, client: Any = None,
            log: Callable[[str], None] | None = None) -> Generator[Outcome, None, None]:
    """Outcomes of ``jobs`` as they complete (in no particular order), on the Dask ``client``
    (see :func:`connect`) when there is one.  Local worker processes that cannot start raise
    :class:`WorkersCannotStart` before any outcome."""
    log = log or (lambda msg: print(msg, file=sys.stderr))
    jobs = sorted(jobs, key=lambda j: (-j.size, j.doc_id))  # big documents first: a shorter tail
    if client is not None:
        yield from _on_dask(jobs, client)
    elif usable_workers(workers) > 1 and len(jobs) > 1:
        yield from _on_processes(jobs, usable_workers(workers), log)
    else:
        for job in jobs:
            yield process(job)


def tune_gc() -> None:
    """For keikaku's own processes only (the CLI, the local workers), never a library call: a
    young collection every 50,000 new objects rather than 700, so that full collections do not
    pass again and again over the millions of objects that segmenting a large plan keeps alive."""
    gc.set_threshold(50_000, 10, 10)


class WorkersCannotStart(SetupError):
    """Local worker processes exited before they could run anything (see :func:`cannot_start`)."""


def cannot_start() -> str:
    """Why worker processes exit while they start.  Spawned processes import the main module
    again; a script that runs keikaku outside ``if __name__ == "__main__":`` starts the run
    again there (:func:`starting_a_worker` makes that copy exit at once)."""
    main = sys.modules.get("__main__")
    script = getattr(main, "__file__", None)
    spec = getattr(main, "__spec__", None)
    if not script or (spec and spec.name.endswith("__main__")):  # a package's __main__ is not imported again
        return "worker processes cannot start: they exited before loading keikaku"
    if not os.path.isfile(script):  # python - < script.py
        return (f"worker processes cannot start: each one imports the main module again, and {script} is no file"
                " (run the script from a file, or use one process: workers=1)")
    return (f"worker processes cannot start: each one imports {script} again, and it runs keikaku at its top"
            ' level; put that call under `if __name__ == "__main__":` (or use one process: workers=1)')


def starting_a_worker() -> bool:
    """True while this process is a spawned worker importing the main module (multiprocessing's
    own check of the same, made before it refuses to start processes from there)."""
    return bool(getattr(multiprocessing.current_process(), "_inheriting", False))


def _worker_start(mode: str, parent: int, started: Any) -> None:
    """In each local worker process: say that it started (the parent tells a worker that could
    not start from one that died), leave Ctrl-C to the parent (which stops the run and says
    how to resume), exit when the parent dies (a kill -9 must not leave 0.6 GB workers behind),
    and load the model once."""
    started.set()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    tune_gc()
    _exit_with_parent(parent)
    if mode != "none":
        get_analyzer(mode)


def _exit_with_parent(parent: int) -> None:
    """``parent`` is the pid of the run that started this worker, passed in rather than read
    here: a worker imports for a second or more before this runs, and a parent killed meanwhile
    has already handed it to init (getppid() would then name init and never change)."""
    if os.getppid() != parent:
        os._exit(1)
    try:  # Linux: the kernel kills this process when its parent dies
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # died between the check above and prctl
        os._exit(1)

    def watch() -> None:  # where prctl is missing (not Linux): check every second
        while True:
            time.sleep(1.0)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="keikaku-parent-watch", daemon=True).start()


def _on_processes(jobs: list[Job], workers: int, log: Callable[[str], None]) -> Iterator[Outcome]:
    """Local worker processes, spawned (a fresh interpreter each: no model or tokenizer is shared),
    each loading its model once, with one document queued per worker beside the running ones.  If
    a worker dies (killed, out of memory, a crash in native code), a new pool takes over and the
    documents that were in flight are tried again one at a time; one that breaks a pool again is
    failed, so one document cannot bring the run down (and it never runs in this process).  A
    pool that breaks before any worker has started raises :class:`WorkersCannotStart`."""
    queue = list(jobs)
    strikes: dict[str, int] = {}
    context = multiprocessing.get_context("spawn")
    started = context.Event()  # set by the first worker that gets past importing the main module
    while queue:
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=context,
                                   initializer=_worker_start, initargs=(queue[0].nlp, os.getpid(), started))
        pending: dict[Any, Job] = {}

        def refill(pool: ProcessPoolExecutor, pending: dict[Any, Job]) -> None:
            # One document queued per worker besides the running ones, so that no worker waits
            # while the caller writes; a suspect (pending when a pool broke) runs alone.
            while queue and len(pending) < 2 * workers:
                if any(strikes.get(j.doc_id) for j in pending.values()) or (pending and strikes.get(queue[0].doc_id)):
                    return
                job = queue.pop(0)
                pending[pool.submit(process, job)] = job

        try:
            refill(pool, pending)
            while pending:
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                outcomes = [future.result() for future in finished]  # BrokenProcessPool: all still pending
                for future in finished:
                    pending.pop(future)
                refill(pool, pending)
                yield from outcomes
        except BrokenProcessPool:
            if not started.is_set():
                raise WorkersCannotStart(cannot_start()) from None
            for job in pending.values():
                strikes[job.doc_id] = strikes.get(job.doc_id, 0) + 1
                if strikes[job.doc_id] >= 2:
                    yield failed(job, f"{job.path}: a worker process died twice while processing it"
                                      " (out of memory? see the README's memory figures)")
                else:
                    queue.insert(0, job)
            log(f"warning: a worker process died; {len(queue)} document(s) left, starting new workers")
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


CONNECT_SECONDS = 15.0  # connection and handshake with a Dask scheduler, at most
_HOW_TO_START = "start one with `dask scheduler` and workers with `dask worker ADDRESS --nthreads 1`"


def connect(scheduler: str) -> Any:
    """A client of the Dask scheduler at ``scheduler``, within :data:`CONNECT_SECONDS`: a server
    that is not a Dask scheduler (an HTTP server, garbage) is a :class:`SetupError` with the way
    to start one, never a hang or a traceback."""
    try:
        from distributed import Client
    except ImportError as exc:
        raise SetupError(f"--scheduler needs dask.distributed ({exc}): pip install -e . installs it") from exc
    if "://" not in scheduler and ":" not in scheduler:
        raise UsageError(f"--scheduler {scheduler!r} is not a Dask scheduler address; it looks like tcp://HOST:8786")
    try:  # the address itself, before any connection (a bad one is the user's typo, not the network)
        from distributed.comm import parse_address, parse_host_port
        from distributed.comm.registry import get_backend

        scheme, location = parse_address(scheduler)
        get_backend(scheme)
        parse_host_port(location)
    except ValueError as exc:
        raise UsageError(f"--scheduler {scheduler!r} is not a Dask scheduler address ({exc});"
                         " it looks like tcp://HOST:8786") from exc
    result: dict[str, object] = {}
    lock = threading.Lock()  # a client made after the wait below ended is closed, not left open

    def attempt() -> None:
        try:
            client = Client(scheduler, timeout=f"{CONNECT_SECONDS:.0f}s")
        except BaseException as exc:  # noqa: BLE001 - whatever a wrong server makes it raise is reported below
            result["error"] = exc
            return
        with lock:
            late = result.get("late", False)
            if not late:
                result["client"] = client
        if late:
            client.close()

    thread = threading.Thread(target=attempt, name="keikaku-dask-connect", daemon=True)
    thread.start()
    thread.join(CONNECT_SECONDS + 5.0)
    with lock:
        result["late"] = True
        if "client" in result:
            return result["client"]
    error = result.get("error")
    why = "no answer in time" if error is None else f"{type(error).__name__}: {str(error)[:120]}"
    raise SetupError(f"cannot reach the Dask scheduler at {scheduler} ({why}); {_HOW_TO_START}")


def _on_dask(jobs: list[Job], client: Any) -> Iterator[Outcome]:
    """Tasks on an existing Dask cluster; each worker process loads the model on its first task
    (and keeps it: the model cache is per process).  Start workers with ``--nthreads 1``:
    a Sudachi tokenizer must not be shared across threads.  A task Dask gives up on (its
    workers kept dying) fails that document only."""
    from distributed import as_completed

    with client:
        keys = [f"keikaku-{j.doc_id}-{hashlib.sha256(os.fsencode(j.abspath + j.seen + j.settings)).hexdigest()[:16]}"
                for j in jobs]
        futures = client.map(process, jobs, key=keys)
        by_key = dict(zip(keys, jobs))
        for future in as_completed(futures):
            try:
                yield future.result()
            except (SetupError, ProfileError):
                raise
            except Exception as exc:  # noqa: BLE001 - e.g. KilledWorker: this document fails, the run goes on
                job = by_key[future.key]
                yield failed(job, f"{job.path}: failed on the Dask cluster ({type(exc).__name__}: {exc})")
