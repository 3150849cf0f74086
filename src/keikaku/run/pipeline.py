"""Running the stages over many files: inputs → doc_ids → jobs → output folder.

One bad file never stops the others: its error is recorded in the manifest and the run's exit
status says that something failed.  Unchanged documents are skipped on a re-run; the work
itself runs through :mod:`keikaku.run.batch` (here, local processes or Dask).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import stat
import sys
import time
import unicodedata
from contextlib import closing
from dataclasses import dataclass, field, replace
from enum import Enum
from pathlib import Path
from typing import Any, Callable, Generator, Iterable, Sequence, Union

from .. import __version__
from ..errors import CodedWarning, FileError, InputError, OutputError
from ..export.files import atomic_write
from ..export.rows import table_rows
from ..export.tables import CSV_CELL_LIMIT, write_tables
from ..extract.analyse import check_mode
from ..extract.cache import analysis_fingerprint
from ..ingest.text import MAX_MB, not_regular, read_input, shown_path
from ..model.records import SCHEMA_VERSION, Manifest, ManifestEntry
from ..segment.profile import GuardedPattern, Profile, builtin_profiles, get_profile
from .batch import (
    Job,
    Outcome,
    WorkersCannotStart,
    auto_workers,
    connect,
    document_entry,
    execute,
    fingerprint,
    starting_a_worker,
    usable_workers,
)
from .outdir import (
    CACHE,
    CACHE_FILE,
    ID_BYTES,
    LOCK,
    MANIFEST,
    REPORT,
    RESERVED_IDS,
    OutputFolder,
    document_file,
    fit_id,
    table_files,
)

MANIFEST_EVERY = 1.0  # seconds between manifest writes during a run

INPUT_SUFFIXES = {".txt", ".text", ".pdf"}  # plan texts and PDFs


StrPath = Union[str, "os.PathLike[str]"]  # every path of the API: a str or a Path


@dataclass
class Inputs:
    files: list[Path]
    skipped: list[dict[str, str]] = field(default_factory=list)


def collect_inputs(paths: Sequence[StrPath], exclude: Iterable[Path] = ()) -> Inputs:
    """Files given directly, and the ``.txt`` and ``.pdf`` files under folders (other entries are listed as skipped).

    A file is one input however many ways it is reached (a folder and a link to it, a file named
    twice, a file and its folder, a hard link): its first spelling is kept, the others are listed
    as skipped.  From folders only regular files are taken (named pipes and devices are listed as
    skipped: reading them would wait or never end), links to folders are listed, not followed.
    Folders are walked without recursion, to any depth.  The folders in ``exclude`` (keikaku's
    output and cache folders) are left out of the walk; when one of them is itself an input
    folder, its plans are read and keikaku's own files there are not listed."""
    found = Inputs(files=[])
    files_seen: dict[tuple[int, int], str] = {}  # (device, inode) → the first spelling
    folders_seen: dict[tuple[int, int], str] = {}
    own = set()
    for folder in exclude:
        try:
            own.add(_identity(os.stat(folder)))
        except OSError:
            pass

    def skip(path: Path, reason: str) -> None:
        found.skipped.append({"path": shown_path(path), "reason": reason})

    def add(path: Path, info: os.stat_result | None) -> None:
        if info is not None:
            key = _identity(info)
            if key in files_seen:
                skip(path, f"the same file as {files_seen[key]} (read once)")
                return
            files_seen[key] = shown_path(path)
        found.files.append(path)

    def walk(top: Path, info: os.stat_result) -> None:
        if _identity(info) in folders_seen:
            skip(top, f"the same folder as {folders_seen[_identity(info)]} (read once)")
            return
        folders_seen[_identity(info)] = shown_path(top)
        stack = [(top, _identity(info) in own)]
        while stack:  # a stack, not recursion: any depth
            folder, is_own = stack.pop()
            try:
                with os.scandir(folder) as listing:
                    entries = sorted(listing, key=lambda e: e.name)
            except OSError as exc:
                skip(folder, f"folder cannot be read ({exc.strerror or exc}); not searched")
                continue
            subfolders = []
            for entry in entries:
                path = folder / entry.name
                try:
                    target: os.stat_result | None = entry.stat()  # follows links
                except OSError as exc:
                    target, error = None, exc  # a broken link: listed below, reading it reports the problem
                if entry.is_dir(follow_symlinks=False) or (target is not None and stat.S_ISDIR(target.st_mode)):
                    if target is not None and _identity(target) in own:
                        continue  # keikaku's output folder is never an input
                    if entry.name.startswith("."):
                        skip(path, "hidden folder (not searched)")
                    elif entry.is_symlink():
                        skip(path, "a link to a folder (not followed: give the folder itself to read it)")
                    elif target is None:  # e.g. a path longer than the system allows
                        skip(path, f"folder cannot be read ({error.strerror or error}); not searched")
                    elif _identity(target) in folders_seen:
                        skip(path, f"the same folder as {folders_seen[_identity(target)]} (read once)")
                    else:
                        folders_seen[_identity(target)] = shown_path(path)
                        subfolders.append((path, False))
                    continue
                if is_own and entry.name in _OWN_FILES or is_own and entry.name.endswith(".json"):
                    continue  # the output folder is also an input folder: only its plans are inputs
                if entry.name.startswith("."):
                    skip(path, "hidden file")
                elif path.suffix.lower() not in INPUT_SUFFIXES:
                    skip(path, "not a .txt or .pdf file")
                elif target is not None and (kind := not_regular(target.st_mode)):
                    skip(path, f"{kind}, not a regular file (never read)")
                else:
                    add(path, target)
            stack.extend(reversed(subfolders))

    for arg in paths:
        p = Path(arg)
        try:
            info: os.stat_result | None = p.stat()
        except OSError:
            info = None
        if info is not None and stat.S_ISDIR(info.st_mode):
            walk(p, info)
        else:
            add(p, info)  # given by name: always tried, so a missing file or a FIFO is reported
    return found


_OWN_FILES = frozenset({MANIFEST, REPORT, LOCK, CACHE, *table_files()})


def _identity(info: os.stat_result) -> tuple[int, int]:
    """The same file or folder, however it is reached."""
    return info.st_dev, info.st_ino


def safe_name(name: str) -> str:
    """A file-name-safe id: letters, digits (any script), ``._-`` only; never empty or hidden, never
    starting like a spreadsheet formula (``-x`` → ``x``), at most :data:`~keikaku.run.outdir.ID_BYTES`
    UTF-8 bytes (a short hash of the whole when cut)."""
    name = unicodedata.normalize("NFC", name)
    return fit_id(re.sub(r"[^\w.-]+", "_", name).strip("._-") or "document")


def safe_stem(path: Path) -> str:
    """The doc_id of a file: its safe stem (of the name as shown: ``\\xNN`` for bytes that are not UTF-8)."""
    return safe_name(Path(shown_path(path.name)).stem)


def assign_doc_ids(files: list[Path]) -> tuple[dict[Path, str], dict[Path, str]]:
    """doc_id = the file's safe stem; stems shared by several inputs get their folder name in front,
    then a short hash of the path, so that no input overwrites another's output; a stem that names
    an output of keikaku (manifest, report, nodes …) gets ``_doc`` after it.  Returns the ids and,
    for the files whose id is not their stem, why."""
    stems = {f: safe_stem(f) for f in files}
    notes: dict[Path, str] = {}
    for f, s in stems.items():
        if s in RESERVED_IDS:
            stems[f] = f"{s}_doc"
            notes[f] = f"{s!r} is the name of keikaku's own {s} output: the document is {s}_doc"
        elif shown_path(f.name) != f.name:
            notes[f] = "the file name is not valid UTF-8: its bytes are shown as \\xNN, made safe for an id"
        elif s != f.stem:
            notes[f] = "the file name, made safe for an id" + (" and cut to its length limit" if
                                                               len(f.stem.encode()) > ID_BYTES else "")
    counts: dict[str, int] = {}
    for s in stems.values():
        counts[s] = counts.get(s, 0) + 1
    ids: dict[Path, str] = {}
    for f, s in stems.items():
        ids[f] = s if counts[s] == 1 else fit_id(f"{safe_name(f.parent.name) if f.parent.name else 'root'}__{s}")
    seen: dict[str, int] = {}
    for doc_id in ids.values():
        seen[doc_id] = seen.get(doc_id, 0) + 1
    for f, doc_id in ids.items():
        if seen[doc_id] > 1:
            ids[f] = fit_id(f"{doc_id}__{hashlib.sha1(os.fsencode(f.resolve())).hexdigest()[:8]}")
    return ids, notes


@dataclass
class RunResult:
    entries: list[ManifestEntry]
    skipped: list[dict[str, str]]
    unchanged: int = 0  # documents skipped because nothing that decides their output changed
    seconds: float = 0.0
    chars: int = 0  # characters of the documents processed in this run
    write_error: str | None = None  # the write that stopped the run (a full disk), if any
    cache_unreadable: int = 0  # analysis cache entries that did not read back (analysed again)
    workers: int = 1  # local processes that did the work (1: this one)

    processed: set[str] = field(default_factory=set)  # doc_ids redone in this run

    @property
    def failed(self) -> int:
        return sum(1 for e in self.entries if e.status == "failed")

    @property
    def entries_processed(self) -> list[ManifestEntry]:
        """The entries of the documents this run processed (not the unchanged ones)."""
        return [e for e in self.entries if e.doc_id in self.processed]


@dataclass
class Progress:
    """Handed to the progress callback after every document."""

    done: int
    total: int
    chars: int
    bytes_done: int
    bytes_total: int
    seconds: float
    doc_id: str
    status: str
    eta: float | None = None  # seconds left; None until a document has finished after the model loaded (_Eta)
    warnings: list[CodedWarning] = field(default_factory=list)  # the document's, as in its manifest entry


class _Eta:
    """Seconds left, at the rate of the documents finished after every process had its model.

    The first document of each process includes loading the model (seconds with GiNZA), so the
    clock starts when ``warm`` documents are done (one per process); the rate is the bytes
    finished since then over the seconds since then.  Until a document has finished after the
    clock started, the time left is unknown (None)."""

    def __init__(self, bytes_total: int, warm: int) -> None:
        self.bytes_total, self.warm = bytes_total, max(1, warm)
        self.done = 0
        self.start: tuple[float, int] | None = None  # (time, bytes done) when the clock started

    def update(self, bytes_done: int, now: float) -> float | None:
        self.done += 1
        if self.start is None:
            if self.done >= self.warm:
                self.start = (now, bytes_done)
            return None
        seconds, since = now - self.start[0], bytes_done - self.start[1]
        if since <= 0 or seconds <= 0:
            return None
        return (self.bytes_total - bytes_done) * seconds / since


def _plain(value: Any) -> Any:
    """A profile as plain JSON data, every pattern in full (repr() would cut long ones short)."""
    if isinstance(value, (re.Pattern, GuardedPattern)):
        return [value.pattern, value.flags]
    if dataclasses.is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted(_plain(v) for v in value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, Enum):
        return value.value
    return value


def settings_digest(profile: Profile | None, nlp: str) -> str:
    """What decides every document's output besides its bytes: the profile (every shipped one
    when chosen automatically), the mode and its models and rules, keikaku's version.  The same
    for all inputs of a run, so computed once."""
    profiles = _plain(profile) if profile is not None else _plain(sorted(builtin_profiles().items()))
    return hashlib.sha256(json.dumps([profiles, nlp, analysis_fingerprint(nlp) if nlp != "none" else "",
                                      __version__, SCHEMA_VERSION], ensure_ascii=False).encode()).hexdigest()


_FINGERPRINT = re.compile(r'"fingerprint":"([0-9a-f]{64})"')


def _written_fingerprint(path: Path) -> str | None:
    """The fingerprint inside a document JSON, read from its first bytes."""
    try:
        with path.open("rb") as fh:
            m = _FINGERPRINT.search(fh.read(4096).decode("utf-8", "replace"))
    except OSError:
        return None
    return m.group(1) if m else None


def _unchanged(old: ManifestEntry | None, path: Path, fp: str, folder: OutputFolder) -> bool:
    """True when the earlier run's output for this input is still right: same input (however its
    path is spelled), same fingerprint in the manifest and in the file itself (a run killed
    between writing the file and the manifest leaves them different)."""
    if not (old and fp and old.fingerprint == fp and old.status != "failed" and old.output):
        return False
    return _resolved(old.source) == _resolved(shown_path(path)) and _written_fingerprint(folder.file(old.output)) == fp


class WriteFailure(OutputError):
    """A file of the output folder could not be written (a full disk, a lost mount)."""

    def __init__(self, path: Path, exc: OSError) -> None:
        self.path, self.exc = path, exc
        super().__init__(f"{path}: cannot be written ({exc.strerror or exc})")


@dataclass
class _Run:
    """The state of one run while it writes: what is on disk now, for the manifest."""

    folder: OutputFolder
    skipped: list[dict[str, str]]
    previous: dict[str, ManifestEntry]
    entries: list[ManifestEntry] = field(default_factory=list)
    written: list[str] = field(default_factory=list)  # document files written by this run
    by_source: dict[str, list[str]] = field(init=False)  # earlier doc_ids of each resolved input path

    gone: set[str] = field(init=False)  # earlier failed documents whose input no longer exists

    def __post_init__(self) -> None:
        self.by_source = {}
        for doc_id, old_entry in self.previous.items():
            self.by_source.setdefault(_resolved(old_entry.source), []).append(doc_id)
        self.gone = {doc_id for doc_id, e in self.previous.items()
                     if e.status == "failed" and not _input_exists(e.source)}

    def manifest(self, tables_current: bool, note: str = "") -> Manifest:
        """The manifest of the whole folder: this run's documents replace earlier entries; a
        document that fails keeps the JSON an earlier run wrote (its entry describes that file and
        says so), and the failure of an input that no longer exists is forgotten."""
        folder = self.folder
        documents = dict(self.previous)
        for doc_id in self.gone:
            restored = _unfailed(documents.pop(doc_id))
            if restored is not None:
                documents[doc_id] = restored
        for e in self.entries:
            if e.status == "failed":
                documents[e.doc_id] = _keeping(e, documents.get(e.doc_id), folder)
                continue
            # The same input under another doc_id in an earlier run (a second file with its stem
            # appeared): drop the old entry and its file, or its units would be counted twice.
            for doc_id in self.by_source.get(_resolved(e.source), []):
                if doc_id != e.doc_id and doc_id in documents and _remove_output(folder, documents[doc_id]):
                    del documents[doc_id]
            documents[e.doc_id] = e
        docs = [documents[k] for k in sorted(documents)
                if documents[k].output is None or folder.file(str(documents[k].output)).exists()]
        tables: dict[str, bool | str] = {"current": tables_current}
        if note:
            tables["note"] = note
        return Manifest(keikaku_version=__version__, schema_version=SCHEMA_VERSION, documents=docs,
                        skipped=self.skipped, tables=tables)

    def write_manifest(self, tables_current: bool, note: str = "") -> list[ManifestEntry]:
        manifest = self.manifest(tables_current, note)
        try:
            self.folder.write_manifest(manifest)
        except OSError as exc:
            raise WriteFailure(self.folder.file(MANIFEST), exc) from exc
        return manifest.documents

    def roll_back(self) -> tuple[int, OSError | None]:
        """The manifest could not be written: remove this run's new documents that the manifest
        on disk does not list, so that it still describes the folder (the next run redoes them),
        and the flat tables it cannot mark stale.  Returns how many documents went, and what
        stopped the removal when even that fails (a folder gone read-only: the next run adopts
        the documents left, see :func:`_adopted`, and rebuilds the tables)."""
        listed = set(self.folder.read_manifest().documents)
        removed = 0
        try:
            for doc_id in self.written:
                if doc_id not in listed:
                    self.folder.file(document_file(doc_id)).unlink(missing_ok=True)
                    removed += 1
            for name in table_files():
                self.folder.file(name).unlink(missing_ok=True)
        except OSError as exc:
            return removed, exc
        return removed, None


def _adopted(folder: OutputFolder, listed: dict[str, ManifestEntry], log: Callable[[str], None]) -> dict[str, ManifestEntry]:
    """Entries for the documents on disk that the manifest does not list (a run killed between
    writing a document and the manifest, or a damaged manifest): read back from their JSON."""
    adopted: dict[str, ManifestEntry] = {}
    for doc_id in folder.documents_on_disk():
        if doc_id in listed:
            continue
        path = folder.file(document_file(doc_id))
        try:
            adopted[doc_id] = document_entry(folder.read_document(path.name))
        except FileError as exc:
            log(f"warning: {path}: not a keikaku document ({exc.problem}); left as it is, out of the manifest and tables")
    return adopted


@dataclass(frozen=True)
class RunOptions:
    """How a run processes its inputs: the options of ``keikaku run``, with the same defaults."""

    profile: Profile | StrPath | None = None  # a Profile, a shipped name or a .toml file; None: chosen for each document
    nlp: str = "full"  # full, fast or none
    workers: int | None = None  # local worker processes; None: chosen from the input (auto_workers)
    scheduler: str | None = None  # the address of a Dask scheduler to run on instead
    force: bool = False  # redo documents whose fingerprint is unchanged
    cache: bool = True  # keep analysis results for texts seen before
    cache_file: StrPath | None = None  # where (None: OUT/.cache/nlp.sqlite)
    csv_encoding: str = "utf-8-sig"  # utf-8-sig suits Excel
    table_format: str = "csv"  # csv, parquet, both (csv and parquet), xlsx or all
    max_mb: float = MAX_MB  # input files larger than this many MB are refused

    def cache_path(self, out: Path) -> Path | None:
        """The analysis cache file of a run into ``out``, or None when there is none."""
        if not self.cache or self.nlp == "none":
            return None
        return Path(self.cache_file or out / CACHE / CACHE_FILE).resolve()


def run(paths: StrPath | Sequence[StrPath], out: StrPath, options: RunOptions | None = None, *,
        log: Callable[[str], None] | None = None, progress: Callable[[Progress], None] | None = None) -> RunResult:
    """Process every input into ``out``; return what happened to each (also written to manifest.json).

    ``paths`` are files and folders (or one of them), each a ``str`` or a ``Path``, as ``out``.
    Documents whose fingerprint is unchanged since the run that wrote ``out`` are skipped
    unless ``options.force``.  Work runs here, on ``options.workers`` local processes (chosen
    from the input when None), or on the Dask ``options.scheduler``; each finished document is
    written at once, and the manifest every second or so, so an interrupted run resumes where it
    stopped.  The folder is locked for the run: a second run into it refuses.  A write that fails
    (a full disk) stops the run with the manifest describing exactly what is on disk; Ctrl-C does
    the same and raises KeyboardInterrupt.

    Worker processes import the main module again: a script that calls this at its top level,
    outside ``if __name__ == "__main__":``, would start the run again in each of them.  There the
    call exits the process at once, and the run says so (it stops when ``options.workers`` asked
    for workers, and goes on in one process when they were chosen automatically)."""
    if starting_a_worker():
        raise SystemExit(1)  # quietly: the run that started this process reports it once (batch.cannot_start)
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    options = options or RunOptions()
    if isinstance(options.profile, (str, os.PathLike)):
        options = replace(options, profile=get_profile(os.fspath(options.profile)))
    log = log or (lambda msg: print(msg, file=sys.stderr))
    started = time.monotonic()
    check_mode(options.nlp)
    # Reach the Dask scheduler before anything is written: an unreachable one leaves no folder.
    client = connect(options.scheduler) if options.scheduler else None
    folder = OutputFolder(Path(out))
    folder.prepare()
    folder.lock()
    try:
        return _run_locked(list(paths), folder, options, client, log, progress, started)
    finally:
        folder.unlock()


def _run_locked(paths: list[StrPath], folder: OutputFolder, options: RunOptions, client: Any,
                log: Callable[[str], None], progress: Callable[[Progress], None] | None,
                started: float) -> RunResult:
    profile, nlp, force = options.profile, options.nlp, options.force
    assert not isinstance(profile, (str, os.PathLike))  # run() loaded a profile given by name or path
    own = [folder.path] + ([Path(options.cache_file).parent] if options.cache_file else [])
    inputs = collect_inputs(paths, exclude=own)
    ids, notes = assign_doc_ids(inputs.files)
    folder.clear_stale_temps()
    cache_path = options.cache_path(folder.path)
    cache_file = str(cache_path) if cache_path else None
    on_disk = folder.read_manifest()
    if on_disk.damaged:
        log(f"warning: {on_disk.damaged}: the manifest is damaged; it is rebuilt from the documents in the folder")
    elif on_disk.left_out:
        log(f"warning: {folder.file(MANIFEST)}: {on_disk.left_out} entr{'y' if on_disk.left_out == 1 else 'ies'} not"
            " understood, left out (their documents, if any, are read back from their files)")
    previous = {**_adopted(folder, on_disk.documents, log), **on_disk.documents}
    settings = settings_digest(profile, nlp)
    state = _Run(folder, inputs.skipped, previous)
    jobs: list[Job] = []
    unchanged = 0
    for path in inputs.files:
        doc_id = ids[path]
        shown = shown_path(path)
        try:
            data = read_input(path, shown, options.max_mb)
            seen = fingerprint(data, settings)
        except InputError:
            data, seen = b"", ""  # processing reports the problem
        old = previous.get(doc_id)
        if not force and _unchanged(old, path, seen, folder):
            state.entries.append(old)  # type: ignore[arg-type]  # _unchanged checked it
            unchanged += 1
            continue
        if old and old.source and old.source != shown and Path(old.source).exists() \
                and _resolved(old.source) != _resolved(shown):
            log(f"warning: {shown} replaces the output {doc_id}.json of an earlier run, made from {old.source}")
        jobs.append(Job(shown, doc_id, profile, nlp, cache_file, settings, len(data), str(path.absolute()),
                        notes.get(path), seen, options.max_mb))
    result = RunResult(state.entries, inputs.skipped, unchanged=unchanged)
    result.workers = workers = _workers(options, client, jobs, log)
    size = {j.doc_id: j.size for j in jobs}
    bytes_total, bytes_done = sum(size.values()), 0
    eta = _Eta(bytes_total, warm=min(workers, len(jobs)))
    last_manifest, manifest_cost = time.monotonic(), 0.0
    stopped: BaseException | None = None
    said: set[str] = set()
    try:
        with closing(_execute(jobs, workers, client, log, options.workers is None, result, eta)) as outcomes:
            for outcome in outcomes:
                entry = outcome.entry
                for message in outcome.notes:
                    if message not in said:  # each worker process meets the same cache problem
                        said.add(message)
                        log(f"warning: {message}")
                result.cache_unreadable += outcome.unreadable
                if outcome.json_text is not None:
                    path = folder.file(document_file(entry.doc_id))
                    try:
                        atomic_write(path, outcome.json_text)
                    except OSError as exc:
                        entry.status, entry.output = "failed", None
                        entry.errors.append(f"{path}: cannot be written ({exc.strerror or exc})")
                        state.entries.append(entry)
                        result.processed.add(entry.doc_id)
                        raise WriteFailure(path, exc) from exc
                    state.written.append(entry.doc_id)
                for message in entry.errors:
                    log(f"error: {message}")
                state.entries.append(entry)
                result.processed.add(entry.doc_id)
                result.chars += outcome.chars
                bytes_done += size[entry.doc_id]
                left = eta.update(bytes_done, time.monotonic())
                if progress:
                    progress(Progress(len(state.entries) - unchanged, len(jobs), result.chars, bytes_done,
                                      bytes_total, time.monotonic() - started, entry.doc_id, entry.status, left,
                                      list(entry.warnings)))
                # The manifest is rewritten every second, or less often when writing it takes long
                # (tens of thousands of documents): a killed run then redoes at most those seconds.
                if time.monotonic() - last_manifest > max(MANIFEST_EVERY, 20 * manifest_cost):
                    t = time.monotonic()
                    state.write_manifest(tables_current=False, note="the run that writes them is going on")
                    last_manifest, manifest_cost = time.monotonic(), time.monotonic() - t
    except BaseException as exc:  # noqa: BLE001 - Ctrl-C, a full disk, a bad profile: the folder stays described
        stopped = exc
    result.entries = sorted(state.entries, key=lambda e: e.doc_id)
    result.seconds = time.monotonic() - started
    if result.cache_unreadable:
        log(f"warning: analysis cache {cache_file}: {result.cache_unreadable} stored result(s) did not read back"
            " (damaged); recomputed and stored again")
    if stopped is not None:
        _stop(state, stopped, result, log)
        if not isinstance(stopped, WriteFailure):
            raise stopped
        return result
    try:
        documents = state.write_manifest(tables_current=False, note="being rebuilt")
        for s in inputs.skipped:
            log(f"skipped: {s['path']}: {s['reason']}")
        stale = _remove_other_tables(folder, options.table_format, log)
        cut, left_out = _write_tables(folder, documents, options.csv_encoding, log, options.table_format)
        said_of_tables = [_cut_note(cut)] if cut else []
        if stale:
            said_of_tables.append(f"{', '.join(stale)} could not be removed and are stale: this run wrote"
                                  f" --format {options.table_format} only")
        if left_out:
            said_of_tables.append(f"{len(left_out)} listed document(s) are not in the tables, their files unreadable"
                                  f" or of another schema version ({', '.join(left_out[:5])}"
                                  f"{' …' if len(left_out) > 5 else ''}): run keikaku again over their sources")
        state.write_manifest(tables_current=not stale and not left_out, note="; ".join(said_of_tables))
    except WriteFailure as exc:
        _stop(state, exc, result, log)
    result.seconds = time.monotonic() - started
    return result


def _execute(jobs: list[Job], workers: int, client: Any, log: Callable[[str], None], chosen: bool,
             result: RunResult, eta: _Eta) -> Generator[Outcome, None, None]:
    """The outcomes of :func:`~keikaku.run.batch.execute`.  When worker processes cannot start
    (raised before any outcome), the run goes on in this process after a note saying why if they
    were ``chosen`` by keikaku, and stops if the options asked for them."""
    try:
        yield from execute(jobs, workers, client, log)
    except WorkersCannotStart as exc:
        if not chosen:
            raise
        log(f"note: {exc}; the run goes on in one process")
        result.workers = eta.warm = 1
        yield from execute(jobs, 1, client, log)


def _workers(options: RunOptions, client: Any, jobs: list[Job], log: Callable[[str], None]) -> int:
    """How many local processes do ``jobs``: ``options.workers`` capped at the CPUs, or when it is
    None the number :func:`~keikaku.run.batch.auto_workers` expects to finish soonest (said when
    it is more than one); one with a Dask ``client``, whose workers do the work."""
    asked = options.workers
    if client is not None:
        if asked is not None and asked > 1:
            log("warning: --workers is ignored with --scheduler: the Dask cluster's workers do the work")
        return 1
    if asked is None:
        chosen = auto_workers([j.size for j in jobs], options.nlp)
        if chosen > 1:
            mb = sum(j.size for j in jobs) / 1e6
            log(f"note: {chosen} worker processes for {len(jobs)} documents ({mb:,.1f} MB, --nlp {options.nlp}) on"
                f" {os.cpu_count()} CPUs; --workers 1 runs them in one process")
        return chosen
    if asked > usable_workers(asked):
        log(f"warning: --workers {asked} is more than the {usable_workers(asked)} CPU(s) here;"
            f" using {usable_workers(asked)}")
    return usable_workers(asked)


def _stop(state: _Run, why: BaseException, result: RunResult, log: Callable[[str], None]) -> None:
    """After Ctrl-C or a failed write: leave a manifest that describes the folder exactly, with
    the flat tables marked stale (or removed when even that cannot be written)."""
    failed_write = isinstance(why, WriteFailure)
    note = f"a write failed: {why}" if failed_write else f"the run stopped ({type(why).__name__})"
    kept = len(state.written)
    after = ""
    try:
        state.write_manifest(tables_current=False, note=note + "; the next run rebuilds them")
    except WriteFailure as again:
        # Not even the manifest: this run's new documents go, so that the old manifest describes
        # the folder again, and so do the tables it cannot mark stale (the next run rebuilds them).
        removed, stuck = state.roll_back()
        kept -= removed
        after = f" (the manifest could not be written either: {removed} new document(s) removed again"
        after += f"; {stuck.strerror or stuck} stopped that, the next run puts the folder in order)" if stuck else ")"
        if not failed_write:
            log(f"error: {again}{after}")
    if failed_write:
        result.write_error = str(why)
        log(f"error: {why}{after}; {kept} document(s) written by this run kept, the rest not processed."
            " Free space (or fix the folder) and run the same command again: finished documents are skipped")


def _resolved(source: Any) -> str:
    """An input path spelled one way for every spelling (raw/x.txt, ./raw/x.txt, /abs/raw/x.txt)."""
    try:
        return str(Path(str(source)).resolve())
    except (OSError, RuntimeError):
        return str(source)


def _input_exists(source: Any) -> bool:
    """Whether an earlier run's input is still there (a dangling symlink is: it is the input)."""
    return bool(source) and os.path.lexists(str(source))


def _keeping(failed: ManifestEntry, old: ManifestEntry | None, folder: OutputFolder) -> ManifestEntry:
    """The entry of a document that failed in this run.  When an earlier run wrote its JSON, that
    file stays (a failure never deletes a good document) and the entry describes it: its counts,
    its fingerprint, its output, with this run's errors and a line saying that it is kept."""
    if not (old and old.output and folder.file(old.output).exists()):
        return failed
    errors = [*failed.errors, f"{old.output} is the output of an earlier run (made from {old.source}),"
                              " kept as it was: it does not reflect this input as it is now"]
    return replace(old, source=failed.source, status="failed", errors=errors,
                   doc_id_note=failed.doc_id_note or old.doc_id_note)


def _unfailed(entry: ManifestEntry) -> ManifestEntry | None:
    """An earlier failed entry whose input is gone: forgotten, or, when it kept the JSON of an
    earlier run, that document again (as for any document whose input was deleted)."""
    if not entry.output:
        return None
    return replace(entry, status="warning" if entry.warnings else "ok", errors=[])


def _remove_output(folder: OutputFolder, entry: ManifestEntry) -> bool:
    """Remove an entry's document file; False when it is still there (a folder gone read-only:
    the entry then stays, describing it)."""
    if entry.output:
        try:
            folder.file(entry.output).unlink(missing_ok=True)
        except OSError:
            return False
    return True


def _cut_note(cut: int) -> str:
    return (f"{cut} table cell(s) longer than {CSV_CELL_LIMIT:,} characters (Excel's limit) were cut in the CSV"
            " and Excel tables, each ending with a marker; the whole text is in the JSON and in Parquet"
            " (--format parquet)")


def _remove_other_tables(folder: OutputFolder, table_format: str, log: Callable[[str], None]) -> list[str]:
    """Remove the tables of another ``--format`` that an earlier run wrote (csv then parquet, or
    back): left there they would miss this run's documents.  Returns those that could not be
    removed (the manifest then marks the tables stale)."""
    other = [name for name in table_files() if name not in table_files(table_format)
             and folder.file(name).exists()]
    stale = []
    for name in other:
        try:
            folder.file(name).unlink()
        except FileNotFoundError:
            pass
        except OSError:
            stale.append(name)
    removed = [name for name in other if name not in stale]
    if removed:
        kinds = sorted({Path(name).suffix for name in removed})
        log(f"note: removed the {' and '.join(kinds)} tables of an earlier run ({len(removed)} file(s)): this run"
            f" writes --format {table_format}; --format all keeps every format current")
    return stale


def _write_tables(folder: OutputFolder, documents: list[ManifestEntry], csv_encoding: str,
                  log: Callable[[str], None], table_format: str = "csv") -> tuple[int, list[str]]:
    """Rebuild the flat tables from the JSON of every document in the manifest; returns the
    number of CSV cells cut to Excel's limit (said in the log and in the manifest) and the
    documents left out (a file damaged, or written by a keikaku of another schema version that
    this run did not redo): the manifest then says that the tables are not current."""
    rows_by_doc = {}
    left_out = []
    for e in documents:
        if e.output:
            path = folder.file(e.output)
            try:
                rows_by_doc[e.doc_id] = table_rows(folder.read_document(path.name))
            except FileError as exc:
                left_out.append(e.doc_id)
                log(f"warning: {path}: not readable as a document of this keikaku ({exc.problem}); left out of"
                    " the tables")
    try:
        _, cut = write_tables(folder.path, rows_by_doc, csv_encoding, table_format)
    except OSError as exc:
        raise WriteFailure(folder.path / "tables", exc) from exc
    if cut:
        log(f"note: {_cut_note(cut)}")
    return cut, left_out
