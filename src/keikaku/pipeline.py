"""Running the stages over many files: inputs → doc_ids → documents → output folder.

One bad file never stops the others: its error is recorded in the manifest and the run's exit
status says that something failed.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import unicodedata
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from . import __version__
from .analyse import analyse, check_mode, usable_workers, worker_pool
from .errors import KeikakuError, OutputError
from .export import SCHEMA_VERSION, atomic_write, document_json, dumps, table_rows, write_tables
from .ingest import ingest
from .model import Document
from .nlp import versions
from .profile import Profile
from .segment import choose_profile, segment

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


def parse_file(path: Path, doc_id: str, profile: Profile | None) -> Document:
    """Ingest and segment one file (the profile is chosen automatically when ``profile`` is None)."""
    source = ingest(path)
    if profile is None:
        chosen, choice = choose_profile(source)
        return segment(source, chosen, doc_id, choice)
    return segment(source, profile, doc_id)


@dataclass
class RunResult:
    entries: list[dict[str, Any]]
    skipped: list[dict[str, str]]

    @property
    def failed(self) -> int:
        return sum(1 for e in self.entries if e["status"] == "failed")


def _entry(path: Path, doc_id: str) -> dict[str, Any]:
    return {"doc_id": doc_id, "source": str(path), "status": "failed", "profile": None, "encoding": None,
            "nlp": None, "schema_version": None, "counts": {}, "warnings": [], "errors": [], "output": None}


def run(paths: list[str], out: Path, profile: Profile | None = None, csv_encoding: str = "utf-8-sig",
        log: Callable[[str], None] | None = None, nlp: str = "full", workers: int = 1) -> RunResult:
    """Process every input into ``out``; return what happened to each (also written to manifest.json).

    Documents are segmented one by one, analysed together (``nlp`` mode, ``workers`` processes;
    keyword weights span the whole run), then written.
    """
    log = log or (lambda msg: print(msg, file=sys.stderr))
    check_mode(nlp)
    inputs = collect_inputs(paths)
    ids = assign_doc_ids(inputs.files)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{out}: cannot be used as the output folder ({exc.strerror or exc})") from exc
    if workers > usable_workers(workers):
        log(f"warning: --workers {workers} is more than the {usable_workers(workers)} CPU(s) here;"
            f" using {usable_workers(workers)}")
    with worker_pool(nlp, workers if inputs.files else 1) as pool:  # workers load models while we segment
        entries, parsed = _parse_all(inputs.files, ids, profile, log)
        parsed = _analyse_all(parsed, nlp, pool, log)
    analysis = {"mode": nlp, "versions": versions(nlp)}
    for entry, doc in parsed:
        data = document_json(doc, __version__, analysis)
        atomic_write(out / f"{doc.doc_id}.json", dumps(data))
        entry.update(status="warning" if doc.warnings else "ok", profile=doc.profile.name,
                     encoding=doc.source.encoding, counts=data["counts"], warnings=doc.warnings,
                     output=f"{doc.doc_id}.json", nlp=nlp, schema_version=SCHEMA_VERSION)
    for s in inputs.skipped:
        log(f"skipped: {s['path']}: {s['reason']}")
    documents = _write_manifest(out, entries, inputs.skipped)
    _write_tables(out, documents, csv_encoding, log)
    return RunResult(entries, inputs.skipped)


def _parse_all(files: list[Path], ids: dict[Path, str], profile: Profile | None, log: Callable[[str], None]
               ) -> tuple[list[dict[str, Any]], list[tuple[dict[str, Any], Document]]]:
    """Segment every file; a failure is recorded in its manifest entry and the others go on."""
    entries = []
    parsed: list[tuple[dict[str, Any], Document]] = []
    for path in files:
        doc_id = ids[path]
        entry = _entry(path, doc_id)
        entries.append(entry)
        try:
            parsed.append((entry, parse_file(path, doc_id, profile)))
        except KeikakuError as exc:
            _fail(entry, str(exc), log)
        except Exception as exc:  # noqa: BLE001 - one document's bug must not stop the others
            _fail(entry, f"{path}: internal error ({type(exc).__name__}: {exc}); please report it with this file", log)
    return entries, parsed


def _fail(entry: dict[str, Any], message: str, log: Callable[[str], None]) -> None:
    entry["errors"].append(message)
    log(f"error: {message}")


def _analyse_all(parsed: list[tuple[dict[str, Any], Document]], nlp: str, pool: ProcessPoolExecutor | None,
                 log: Callable[[str], None]) -> list[tuple[dict[str, Any], Document]]:
    """Analyse all documents together.  If a worker process dies (killed, out of memory), the
    work is redone in this process.  If a document breaks the analysis itself, each document is
    tried alone, the ones that break it fail, and the others are analysed together again."""
    docs = [d for _, d in parsed]
    try:
        analyse(docs, nlp, pool, progress=log)
        return parsed
    except KeikakuError:
        raise  # a setup or rules problem: every document would fail the same way
    except BrokenProcessPool as exc:
        log(f"warning: an analysis worker process died ({exc}); finishing in this process")
        try:
            analyse(docs, nlp, None)
            return parsed
        except KeikakuError:
            raise
        except Exception as again:  # noqa: BLE001 - isolate the document that breaks the analysis
            log(f"warning: the analysis failed ({type(again).__name__}: {again}); retrying document by document")
    except Exception as exc:  # noqa: BLE001 - isolate the document that breaks the analysis
        log(f"warning: the analysis failed ({type(exc).__name__}: {exc}); retrying document by document")
    good = []
    for entry, doc in parsed:
        try:
            analyse([doc], nlp)
            good.append((entry, doc))
        except KeikakuError:
            raise
        except Exception as exc:  # noqa: BLE001
            _fail(entry, f"{entry['source']}: analysis failed ({type(exc).__name__}: {exc});"
                         " please report it with this file", log)
    analyse([d for _, d in good], nlp)
    return good


def _write_manifest(out: Path, entries: list[dict[str, Any]], skipped: list[dict[str, str]]) -> list[dict[str, Any]]:
    """The manifest describes the whole output folder: this run's documents replace earlier entries."""
    previous: dict[str, dict[str, Any]] = {}
    manifest_path = out / "manifest.json"
    if manifest_path.exists():
        try:
            old = json.loads(manifest_path.read_text(encoding="utf-8"))
            previous = {e["doc_id"]: e for e in old.get("documents", []) if isinstance(e, dict) and "doc_id" in e}
        except (json.JSONDecodeError, UnicodeDecodeError, AttributeError):
            previous = {}
    by_source: dict[str, list[str]] = {}
    for doc_id, old_entry in previous.items():
        by_source.setdefault(str(old_entry.get("source")), []).append(doc_id)
    for e in entries:
        # The same input under another doc_id in an earlier run (a second file with its stem
        # appeared): drop the old entry and its file, or its units would be counted twice.
        for doc_id in by_source.get(e["source"], []):
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


def _remove_output(out: Path, entry: dict[str, Any]) -> None:
    if entry.get("output"):
        (out / Path(entry["output"]).name).unlink(missing_ok=True)


def _write_tables(out: Path, documents: list[dict[str, Any]], csv_encoding: str, log: Callable[[str], None]) -> None:
    """Rebuild the flat tables from the JSON of every document in the manifest."""
    rows_by_doc = {}
    for e in documents:
        if e.get("output"):
            path = out / Path(e["output"]).name
            try:
                rows_by_doc[e["doc_id"]] = table_rows(json.loads(path.read_text(encoding="utf-8")))
            except (OSError, ValueError, KeyError, TypeError) as exc:
                log(f"warning: {path}: not a keikaku document any more ({exc}); left out of the tables")
    write_tables(out, rows_by_doc, csv_encoding)
