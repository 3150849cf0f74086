"""Running the stages over many files: inputs → doc_ids → jobs → output folder.

One bad file never stops the others: its error is recorded in the manifest and the run's exit
status says that something failed.  Unchanged documents are skipped on a re-run; the work
itself runs through :mod:`keikaku.batch` (here, local processes or Dask).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import sys
import time
import unicodedata
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any, Callable

from . import __version__
from .analyse import check_mode
from .batch import Job, execute, usable_workers
from .cache import analysis_fingerprint
from .errors import OutputError
from .export import SCHEMA_VERSION, atomic_write, dumps, table_rows, write_tables
from .profile import Profile, builtin_profiles
from .segment import parse_file  # noqa: F401 - part of this module's interface (tests, bench)

MANIFEST_EVERY = 1.0  # seconds between manifest writes during a run

TEXT_SUFFIXES = {".txt", ".text"}


@dataclass
class Inputs:
    files: list[Path]
    skipped: list[dict[str, str]] = field(default_factory=list)


def collect_inputs(paths: list[str]) -> Inputs:
    """Files given directly, and the ``.txt`` files under folders (other files are reported as skipped)."""
    found = Inputs(files=[])
    for arg in paths:
        p = Path(arg)
        if p.is_dir():
            for dirpath, dirnames, filenames in os.walk(p):  # followlinks=False: symlink loops cannot recur
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                for name in sorted(filenames):
                    f = Path(dirpath) / name
                    if name.startswith("."):
                        continue
                    if f.suffix.lower() in TEXT_SUFFIXES:
                        found.files.append(f)
                    else:
                        found.skipped.append({"path": str(f), "reason": "not a .txt file"})
        else:
            found.files.append(p)  # given by name: always tried, so a missing file is reported
    return found


def safe_name(name: str) -> str:
    """A file-name-safe id: letters, digits (any script), ``._-`` only; never empty or hidden."""
    name = unicodedata.normalize("NFC", name)
    return (re.sub(r"[^\w.-]+", "_", name).strip("._") or "document")[:100]


def safe_stem(path: Path) -> str:
    """The doc_id of a file: its safe stem."""
    return safe_name(path.stem)


def assign_doc_ids(files: list[Path]) -> dict[Path, str]:
    """doc_id = the file's safe stem; stems shared by several inputs get their folder name in front,
    then a short hash of the path, so that no input overwrites another's output."""
    stems = {f: safe_stem(f) for f in files}
    counts: dict[str, int] = {}
    for s in stems.values():
        counts[s] = counts.get(s, 0) + 1
    ids: dict[Path, str] = {}
    for f, s in stems.items():
        ids[f] = s if counts[s] == 1 else f"{safe_name(f.parent.name) if f.parent.name else 'root'}__{s}"
    seen: dict[str, int] = {}
    for doc_id in ids.values():
        seen[doc_id] = seen.get(doc_id, 0) + 1
    for f, doc_id in ids.items():
        if seen[doc_id] > 1:
            ids[f] = f"{doc_id}__{hashlib.sha1(str(f.resolve()).encode()).hexdigest()[:8]}"
    return ids


@dataclass
class RunResult:
    entries: list[dict[str, Any]]
    skipped: list[dict[str, str]]
    unchanged: int = 0  # documents skipped because nothing that decides their output changed
    seconds: float = 0.0
    chars: int = 0  # characters of the documents processed in this run

    @property
    def failed(self) -> int:
        return sum(1 for e in self.entries if e["status"] == "failed")


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


def _plain(value: Any) -> Any:
    """A profile as plain JSON data, every pattern in full (repr() would cut long ones short)."""
    if isinstance(value, re.Pattern):
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


def fingerprint(data: bytes, settings: str) -> str:
    """A document's fingerprint: its bytes and the run's :func:`settings_digest`.  A re-run skips
    documents whose fingerprint is unchanged."""
    h = hashlib.sha256(data)
    h.update(settings.encode())
    return h.hexdigest()


_STALE_TMP = re.compile(r"^\.[\w.-]+\.(?:json|csv)\.[\w]+\.tmp$")  # atomic_write's temporary names
_FINGERPRINT = re.compile(r'"fingerprint":"([0-9a-f]{64})"')


def _written_fingerprint(path: Path) -> str | None:
    """The fingerprint inside a document JSON, read from its first bytes."""
    try:
        with path.open("rb") as fh:
            m = _FINGERPRINT.search(fh.read(4096).decode("utf-8", "replace"))
    except OSError:
        return None
    return m.group(1) if m else None


def _unchanged(old: dict[str, Any] | None, path: Path, fp: str, out: Path) -> bool:
    """True when the earlier run's output for this input is still right: same input (however its
    path is spelled), same fingerprint in the manifest and in the file itself (a run killed
    between writing the file and the manifest leaves them different)."""
    if not (old and fp and old.get("fingerprint") == fp and old.get("status") != "failed" and old.get("output")):
        return False
    try:
        same_input = Path(str(old.get("source"))).resolve() == path.resolve()
    except OSError:
        return False
    return same_input and _written_fingerprint(out / Path(str(old["output"])).name) == fp


def run(paths: list[str], out: Path, profile: Profile | None = None, csv_encoding: str = "utf-8-sig",
        log: Callable[[str], None] | None = None, nlp: str = "full", workers: int = 1, *,
        scheduler: str | None = None, force: bool = False, cache: Path | None | bool = True,
        progress: Callable[[Progress], None] | None = None, table_format: str = "csv") -> RunResult:
    """Process every input into ``out``; return what happened to each (also written to manifest.json).

    Documents whose fingerprint is unchanged since the run that wrote ``out`` are skipped
    unless ``force``.  ``cache`` is the analysis cache file (True: ``out/.cache/nlp.sqlite``,
    None/False: no cache).  Work runs here, on ``workers`` local processes, or on the Dask
    ``scheduler``; each finished document is written at once, and the manifest every second or
    so, so an interrupted run resumes where it stopped.  Two runs must not write into the same
    ``out`` at once."""
    log = log or (lambda msg: print(msg, file=sys.stderr))
    started = time.monotonic()
    check_mode(nlp)
    inputs = collect_inputs(paths)
    ids = assign_doc_ids(inputs.files)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{out}: cannot be used as the output folder ({exc.strerror or exc})") from exc
    if scheduler and workers > 1:
        log("warning: --workers is ignored with --scheduler: the Dask cluster's workers do the work")
    elif workers > usable_workers(workers):
        log(f"warning: --workers {workers} is more than the {usable_workers(workers)} CPU(s) here;"
            f" using {usable_workers(workers)}")
    for stale in out.iterdir():  # temporary files of a run that was killed while writing
        if _STALE_TMP.match(stale.name) and stale.is_file():
            stale.unlink(missing_ok=True)
    cache_path = (out / ".cache" / "nlp.sqlite" if cache is True else (Path(cache) if cache else None))
    cache_file = str(cache_path.resolve()) if cache_path and nlp != "none" else None
    previous = _read_manifest(out)
    settings = settings_digest(profile, nlp)
    entries: list[dict[str, Any]] = []
    jobs: list[Job] = []
    for path in inputs.files:
        doc_id = ids[path]
        try:
            data = path.read_bytes()
            fp = fingerprint(data, settings)
        except OSError:
            data, fp = b"", ""  # processing reports the problem
        old = previous.get(doc_id)
        if not force and _unchanged(old, path, fp, out):
            entries.append(old)  # type: ignore[arg-type]  # _unchanged checked it
            continue
        if old and old.get("source") and old["source"] != str(path) and Path(str(old["source"])).exists() \
                and Path(str(old["source"])).resolve() != path.resolve():
            log(f"warning: {path} replaces the output {doc_id}.json of an earlier run, made from {old['source']}")
        jobs.append(Job(str(path), doc_id, profile, nlp, cache_file, fp, len(data), str(path.absolute())))
    unchanged = len(entries)
    result = RunResult(entries, inputs.skipped, unchanged=unchanged)
    size = {j.doc_id: j.size for j in jobs}
    bytes_total, bytes_done = sum(size.values()), 0
    last_manifest, manifest_cost = time.monotonic(), 0.0
    try:
        for outcome in execute(jobs, workers, scheduler, log):
            entry = outcome.entry
            if outcome.json_text is not None:
                atomic_write(out / f"{entry['doc_id']}.json", outcome.json_text)
            for message in entry["errors"]:
                log(f"error: {message}")
            entries.append(entry)
            result.chars += outcome.chars
            bytes_done += size[entry["doc_id"]]
            if progress:
                progress(Progress(len(entries) - unchanged, len(jobs), result.chars, bytes_done, bytes_total,
                                  time.monotonic() - started, entry["doc_id"], entry["status"]))
            # The manifest is rewritten every second, or less often when writing it takes long
            # (tens of thousands of documents): a killed run then redoes at most those seconds.
            if time.monotonic() - last_manifest > max(MANIFEST_EVERY, 20 * manifest_cost):
                t = time.monotonic()
                _write_manifest(out, entries, inputs.skipped)
                last_manifest, manifest_cost = time.monotonic(), time.monotonic() - t
    finally:
        documents = _write_manifest(out, entries, inputs.skipped)
    for s in inputs.skipped:
        log(f"skipped: {s['path']}: {s['reason']}")
    _write_tables(out, documents, csv_encoding, log, table_format)
    result.entries = sorted(entries, key=lambda e: e["doc_id"])
    result.seconds = time.monotonic() - started
    return result


def _read_manifest(out: Path) -> dict[str, dict[str, Any]]:
    """The entries of the manifest an earlier run left in ``out`` (none if it is missing or damaged)."""
    try:
        old = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        return {e["doc_id"]: e for e in old.get("documents", []) if isinstance(e, dict) and "doc_id" in e}
    except (OSError, ValueError, AttributeError):
        return {}


def _write_manifest(out: Path, entries: list[dict[str, Any]], skipped: list[dict[str, str]]) -> list[dict[str, Any]]:
    """The manifest describes the whole output folder: this run's documents replace earlier entries."""
    manifest_path = out / "manifest.json"
    previous = _read_manifest(out)
    by_source: dict[str, list[str]] = {}
    for doc_id, old_entry in previous.items():
        by_source.setdefault(_resolved(old_entry.get("source")), []).append(doc_id)
    for e in entries:
        # The same input under another doc_id in an earlier run (a second file with its stem
        # appeared): drop the old entry and its file, or its units would be counted twice.
        for doc_id in by_source.get(_resolved(e["source"]), []):
            if doc_id != e["doc_id"] and doc_id in previous:
                _remove_output(out, previous.pop(doc_id))
        if e["status"] == "failed" and e["doc_id"] in previous:
            _remove_output(out, previous[e["doc_id"]])  # the folder reflects the input as it is now
        previous[e["doc_id"]] = e
    docs = [previous[k] for k in sorted(previous)
            if previous[k].get("output") is None or (out / Path(str(previous[k]["output"])).name).exists()]
    manifest = {"keikaku_version": __version__, "schema_version": SCHEMA_VERSION, "documents": docs,
                "skipped": skipped}
    atomic_write(manifest_path, dumps(manifest, pretty=True))
    return docs


def _resolved(source: Any) -> str:
    """An input path spelled one way for every spelling (raw/x.txt, ./raw/x.txt, /abs/raw/x.txt)."""
    try:
        return str(Path(str(source)).resolve())
    except (OSError, RuntimeError):
        return str(source)


def _remove_output(out: Path, entry: dict[str, Any]) -> None:
    if entry.get("output"):
        (out / Path(entry["output"]).name).unlink(missing_ok=True)


def _write_tables(out: Path, documents: list[dict[str, Any]], csv_encoding: str, log: Callable[[str], None],
                  table_format: str = "csv") -> None:
    """Rebuild the flat tables from the JSON of every document in the manifest."""
    rows_by_doc = {}
    for e in documents:
        if e.get("output"):
            path = out / Path(e["output"]).name
            try:
                rows_by_doc[e["doc_id"]] = table_rows(json.loads(path.read_text(encoding="utf-8")))
            except (OSError, ValueError, KeyError, TypeError) as exc:
                log(f"warning: {path}: not a keikaku document any more ({exc}); left out of the tables")
    write_tables(out, rows_by_doc, csv_encoding, table_format)
