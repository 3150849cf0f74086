"""The output folder: the names keikaku writes there, its lock, its manifest.

Everything that knows the folder's layout lives here: the pipeline writes through it, and
``keikaku.load`` and ``keikaku report`` read through it.  The manifest describes exactly what is
on disk at every moment a run could be stopped (a kill, Ctrl-C, a full disk), so the next run
repairs the folder by itself.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from ..errors import InputError, OutputError
from ..export.document import dumps
from ..export.files import atomic_write
from ..export.tables import WRITERS, writers_for
from ..model.records import COLUMNS, Manifest, ManifestEntry, field_names, plain
from ..model.schema import manifest_entry, read_document
from ..model.tree import Document

MANIFEST = "manifest.json"
REPORT = "report.html"
CACHE = ".cache"  # the analysis cache's folder in --out (or --cache DIR) holds CACHE_FILE
CACHE_FILE = "nlp.sqlite"
LOCK = ".keikaku.lock"
TABLES = tuple(COLUMNS)  # nodes, sections, … written as <name>.csv and/or <name>.parquet
# A document may not take the name of something keikaku writes: manifest.txt would become
# manifest.json and be overwritten by the manifest.
RESERVED_IDS = frozenset({Path(MANIFEST).stem, Path(REPORT).stem, *TABLES})
ID_BYTES = 120  # a doc_id in UTF-8 bytes, so that ".<id>.json.<pid>.<random>.tmp" fits a file name (255)
_TMP = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)\.[\w]+\.tmp$")  # atomic_write's temporary names


class OutputBusy(OutputError):
    """Another keikaku run holds the output folder."""


def document_file(doc_id: str) -> str:
    return f"{doc_id}.json"


def table_files(fmt: str | None = None) -> list[str]:
    """The flat tables' file names for ``--format`` ``fmt``, in the order written; None: those of every format."""
    writers = writers_for(fmt) if fmt is not None else [w() for w in WRITERS.values()]
    return [name for writer in writers for name in writer.files()]


def fit_id(doc_id: str, limit: int = ID_BYTES) -> str:
    """``doc_id`` cut to ``limit`` UTF-8 bytes, with a short hash of the whole when cut."""
    if len(doc_id.encode("utf-8")) <= limit:
        return doc_id
    digest = hashlib.sha1(doc_id.encode("utf-8")).hexdigest()[:8]
    cut = doc_id.encode("utf-8")[:limit - len(digest) - 1].decode("utf-8", "ignore").rstrip("._-")
    return f"{cut}_{digest}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, under another user
    return True


@dataclass
class ManifestOnDisk:
    """What the manifest on disk says: its documents by doc_id."""

    documents: dict[str, ManifestEntry] = field(default_factory=dict)
    damaged: str | None = None  # why the file could not be read, when it exists
    missing: bool = False  # there is no manifest file
    left_out: int = 0  # entries not understood (another shape, an output that is not their document's file)


class OutputFolder:
    """One output folder (``--out``)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock_fd: int | None = None

    # -- checks and the lock ------------------------------------------------------------------------
    def prepare(self) -> None:
        """Create the folder and prove it can be written; one clear line otherwise."""
        if self.path.exists() and not self.path.is_dir():
            raise OutputError(f"{self.path}: is a file, not a folder: give another --out")
        try:
            self.path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"{self.path}: cannot be created as the output folder ({exc.strerror or exc})") from exc

    def lock(self) -> None:
        """Take the folder for this run: a second run into it refuses, naming the holder."""
        lock_path = self.path / LOCK
        try:
            fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise OutputError(f"{self.path}: cannot be written ({exc.strerror or exc}): give a folder you can write"
                              " as --out") from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                os.close(fd)
                raise OutputError(f"{self.path}: cannot be locked ({exc.strerror or exc})") from exc
            holder = os.read(fd, 32).decode("ascii", "replace").strip() or "?"
            os.close(fd)
            raise OutputBusy(f"{self.path}: another keikaku run is writing into it (pid {holder}); wait for it to"
                             " finish, or give another --out") from exc
        try:
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode())
        except OSError as exc:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)
            raise OutputError(f"{self.path}: cannot be written ({exc.strerror or exc}): give a folder you can write"
                              " as --out") from exc
        self._lock_fd = fd

    def unlock(self) -> None:
        if self._lock_fd is not None:
            try:
                os.ftruncate(self._lock_fd, 0)  # no pid left behind: the folder's files stay deterministic
            except OSError:
                pass
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
            os.close(self._lock_fd)
            self._lock_fd = None

    def clear_stale_temps(self) -> None:
        """Remove temporary files that a run which is gone left behind (a kill while writing);
        those of a live process are left alone."""
        for entry in self.path.iterdir():
            m = _TMP.match(entry.name)
            if m and entry.is_file() and not _alive(int(m.group("pid"))):
                entry.unlink(missing_ok=True)

    # -- files --------------------------------------------------------------------------------------
    def file(self, name: str) -> Path:
        return self.path / Path(name).name

    def read_document(self, name: str) -> Document:
        """A document JSON of the folder read into the model; :class:`FileError` saying why when it
        cannot be read or is not a keikaku document of this schema version (truncated, a list at
        the top, written by another version)."""
        return read_document(self.file(name))

    def documents_on_disk(self) -> Iterator[str]:
        for entry in self.path.glob("*.json"):
            if entry.name != MANIFEST:
                yield entry.stem

    # -- the manifest -------------------------------------------------------------------------------
    def read_manifest(self) -> ManifestOnDisk:
        """The manifest on disk; an empty one when there is none, with ``damaged`` set when it
        cannot be read (a run then rebuilds it from what it finds)."""
        path = self.path / MANIFEST
        if not path.exists():
            return ManifestOnDisk(missing=True)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            documents = data.get("documents", [])
            if not isinstance(documents, list):
                raise ValueError("'documents' is not a list")
        except (OSError, ValueError, AttributeError) as exc:
            return ManifestOnDisk(damaged=f"{path}: {exc}")
        sound = {}
        for e in documents:
            if _sound(e):
                try:  # the declared fields (another version's extra ones are dropped)
                    kept = {k: v for k, v in e.items() if k in _ENTRY_FIELDS}
                    if isinstance(kept.get("warnings"), list):  # before 2.2 a warning was its message alone
                        kept["warnings"] = [{"code": "", "message": w} if isinstance(w, str) else w
                                            for w in kept["warnings"]]
                    sound[e["doc_id"]] = manifest_entry(kept)
                except ValueError:  # pydantic's ValidationError: a field of another type
                    pass
        return ManifestOnDisk(sound, left_out=len(documents) - len(sound))

    def write_manifest(self, manifest: Manifest) -> None:
        atomic_write(self.path / MANIFEST, dumps(plain(manifest), pretty=True))


_STATUSES = ("ok", "warning", "failed")
_ENTRY_FIELDS = frozenset(field_names(ManifestEntry))


def _sound(entry: Any) -> bool:
    """Whether a manifest entry can be trusted with the folder's files: a plain doc_id that is not
    one of keikaku's own names, a known status, a source, and as output its own document file or
    none (an entry naming manifest.json or nodes.csv as its output would have it read or removed)."""
    if not isinstance(entry, dict):
        return False
    doc_id, output = entry.get("doc_id"), entry.get("output")
    return (isinstance(doc_id, str) and bool(doc_id) and doc_id == Path(doc_id).name and not doc_id.startswith(".")
            and doc_id not in RESERVED_IDS and entry.get("status") in _STATUSES and isinstance(entry.get("source"), str)
            and (output is None or output == document_file(doc_id)))


def load_manifest(folder: Path) -> ManifestOnDisk:
    """The manifest of an output folder, for readers (``keikaku.load``, ``keikaku report``):
    :class:`InputError` when there is none or it cannot be read (a run rebuilds it instead)."""
    state = OutputFolder(folder).read_manifest()
    if state.damaged or state.missing:
        raise InputError(str(folder), f"has no readable {MANIFEST} ({state.damaged or 'missing'}): is it a keikaku"
                                      " output folder? (`keikaku run … --out DIR`)")
    return state


__all__ = ["CACHE", "CACHE_FILE", "LOCK", "MANIFEST", "ManifestOnDisk", "OutputBusy", "OutputFolder", "REPORT", "RESERVED_IDS",
           "TABLES", "document_file", "fit_id", "load_manifest", "table_files"]
