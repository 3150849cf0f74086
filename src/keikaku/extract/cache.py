"""A cache of analysis results keyed by the text they were computed on.

GiNZA is the expensive part of a run.  Its results for each analysed string (the terms and
entities of a paragraph, an item, a title …) are kept in an SQLite file, keyed by a hash of the
text, the ``--nlp`` mode, the installed model versions, keikaku's version and its rule files,
so a re-run after a profile change re-analyses only the strings whose text actually changed.
Several worker processes may share one cache file (SQLite's write-ahead log).

A damaged cache costs time, never a document: an entry that does not read back is a miss (the
text is analysed again and the entry rewritten), a file SQLite finds damaged is moved aside once
(to ``nlp.sqlite.damaged``) and a new one started, and a cache that cannot be used at all (an
unwritable folder, a full disk) is switched off for the rest of the run.  Nothing here raises:
what happened is kept in :attr:`NlpCache.notes` and :attr:`NlpCache.unreadable` for the run to
report, one line each (:meth:`NlpCache.take_report`).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import sqlite3
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from .. import __version__
from ..model.records import Entity, field_names, plain
from .keywords import Term
from .nlp import versions


@dataclass(frozen=True)
class PieceResult:
    """What the analysis keeps of one text (and what this cache stores): its terms for the
    keywords and its entities, offsets into the text."""

    terms: list[Term]
    entities: list[Entity]  # ``field`` empty: the text's place is not part of its analysis

_DATA_FILES = ("data/stopterms.txt", "data/keyword_rules.toml", "data/entity_rules.jsonl", "data/name_kana.txt",
               "data/ginza_labels.toml", "data/indicators.toml")  # the indicators' column words are keywords' too
_BATCH = 500  # keys per SELECT
DAMAGED = ".damaged"  # a damaged cache file is moved aside under its name with this after it
_ENTITY_FIELDS = frozenset(field_names(Entity)) - {"field"}


@cache
def analysis_fingerprint(mode: str) -> str:
    """What, besides the text, decides an analysis result: mode, models, keikaku, its rules."""
    h = hashlib.sha256(json.dumps([mode, versions(mode), __version__]).encode())
    for name in _DATA_FILES:
        h.update(resources.files("keikaku").joinpath(name).read_bytes())
    return h.hexdigest()


def _damage(exc: sqlite3.Error) -> bool:
    """True when SQLite says the file itself is damaged (not busy, full or unwritable)."""
    name = getattr(exc, "sqlite_errorname", "")
    if name:
        return name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB"))
    return isinstance(exc, sqlite3.DatabaseError) and ("malformed" in str(exc) or "not a database" in str(exc))


class NlpCache:
    """Analysis results by text; ``get_many``/``put_many`` work on lists of texts."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._db: sqlite3.Connection | None = None
        self._opened: tuple[int, int] | None = None  # the (device, inode) of the file the connection reads
        self.disabled = False
        self.hits = 0
        self.misses = 0
        self.unreadable = 0  # entries that did not read back (counted as misses too), not yet reported
        self.notes: list[str] = []  # one-line warnings not yet reported

    # -- the connection -------------------------------------------------------------------------------
    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=60)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("CREATE TABLE IF NOT EXISTS results (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            db.commit()
            st = os.stat(self.path)
        except (sqlite3.Error, OSError):
            db.close()
            raise
        self._opened = (st.st_dev, st.st_ino)
        return db

    def _connect(self) -> sqlite3.Connection | None:
        if self._db is None and not self.disabled:
            try:
                self._db = self._open()
            except sqlite3.Error as exc:
                if _damage(exc):
                    self._set_aside(exc)
                else:
                    self._disable(exc)
            except OSError as exc:
                self._disable(exc)
        return self._db

    def _set_aside(self, exc: sqlite3.Error) -> None:
        """The file is damaged: move it aside and start a new one, once, whichever process sharing
        it notices first (under a lock; the others find a new file there and use it)."""
        self._close()
        seen, self._opened = self._opened, None
        lock_path = self.path.with_name(self.path.name + ".lock")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as again:
            self._disable(again)
            return
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                st = os.stat(self.path)
                now: tuple[int, int] | None = (st.st_dev, st.st_ino)
            except FileNotFoundError:
                now = None
            if now is not None and (now == seen or (seen is None and not self._opens())):
                aside = self.path.with_name(self.path.name + DAMAGED)
                for suffix in ("-wal", "-shm", ""):  # a stale log left beside a new file would be replayed into it
                    old = Path(str(self.path) + suffix)
                    if old.exists():
                        old.replace(Path(str(aside) + suffix))
                    else:
                        Path(str(aside) + suffix).unlink(missing_ok=True)
                self.notes.append(f"analysis cache {self.path} is damaged ({exc}); moved aside to {aside.name}"
                                  " and started a new one (its results are computed again)")
            self._db = self._open()
        except (OSError, sqlite3.Error) as again:
            self._disable(again)
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    def _opens(self) -> bool:
        """Whether the file at :attr:`path` opens as a database now (another process sharing it
        may have replaced the damaged one meanwhile)."""
        try:
            db = sqlite3.connect(self.path, timeout=60)
            try:
                db.execute("SELECT count(*) FROM sqlite_master").fetchone()
                return True
            finally:
                db.close()
        except sqlite3.Error as exc:
            return not _damage(exc)  # busy or locked by a process sharing it: not damaged

    def _disable(self, exc: Exception) -> None:
        self._close()
        if not self.disabled:
            self.notes.append(f"analysis cache {self.path} cannot be used ({exc}); going on without it")
        self.disabled = True

    def _close(self) -> None:
        if self._db is not None:
            try:
                self._db.close()
            except sqlite3.Error:
                pass
            self._db = None

    def _failed(self, exc: sqlite3.Error) -> None:
        if _damage(exc):
            self._set_aside(exc)
        else:
            self._disable(exc)

    # -- reading and writing --------------------------------------------------------------------------
    @staticmethod
    def _key(mode: str, text: str) -> str:
        return hashlib.sha256(f"{analysis_fingerprint(mode)}\0{text}".encode()).hexdigest()

    def get_many(self, mode: str, texts: list[str]) -> list[PieceResult | None]:
        """The stored result of each text, None for a miss (an entry that does not read back is one)."""
        found: dict[str, str] = {}
        keys = [self._key(mode, t) for t in texts]
        db = self._connect()
        if db is not None:
            try:
                for i in range(0, len(keys), _BATCH):
                    chunk = keys[i:i + _BATCH]
                    rows = db.execute(f"SELECT key, value FROM results WHERE key IN ({','.join('?' * len(chunk))})",
                                      chunk)
                    found.update(rows.fetchall())
            except sqlite3.Error as exc:
                self._failed(exc)
                found = {}
        read = {key: _loads(value) for key, value in found.items()}
        self.unreadable += sum(r is None for r in read.values())
        out = [read.get(key) for key in keys]
        self.hits += sum(r is not None for r in out)
        self.misses += sum(r is None for r in out)
        return out

    def put_many(self, mode: str, texts: list[str], results: list[PieceResult]) -> None:
        rows = [(self._key(mode, t), _dumps(r)) for t, r in zip(texts, results)]
        for _ in range(2):  # again in the new file when this one turned out damaged
            db = self._connect()
            if db is None:
                return
            try:
                with db:
                    db.executemany("INSERT OR REPLACE INTO results (key, value) VALUES (?, ?)", rows)
                return
            except sqlite3.Error as exc:
                self._failed(exc)

    def take_report(self) -> tuple[list[str], int]:
        """The warnings and the count of unreadable entries since the last call (then cleared)."""
        notes, unreadable = self.notes, self.unreadable
        self.notes, self.unreadable = [], 0
        return notes, unreadable

    def close(self) -> None:
        """Close the connection; the next read or write opens it again."""
        self._close()


def _dumps(result: PieceResult) -> str:
    entities = [{k: v for k, v in plain(e).items() if k != "field"} for e in result.entities]
    return json.dumps({"terms": [[t.key, t.surface, list(t.nouns)] for t in result.terms],
                       "entities": entities}, ensure_ascii=False, separators=(",", ":"))


def _loads(value: Any) -> PieceResult | None:
    """A stored entry, or None when it does not read back as one (cut short, garbage, another shape)."""
    try:
        data = json.loads(value)
        terms = [Term(k, s, tuple(n)) for k, s, n in data["terms"]]
        stored = data["entities"]
        if not (isinstance(stored, list) and all(_entity(e) for e in stored)
                and all(isinstance(t.key, str) and isinstance(t.surface, str)
                        and all(isinstance(n, str) for n in t.nouns) for t in terms)):
            return None
        entities = [Entity(field="", **e) for e in stored]
    except (ValueError, TypeError, KeyError, AttributeError):
        return None
    return PieceResult(terms, entities)


def _entity(e: Any) -> bool:
    return (isinstance(e, dict) and e.keys() <= _ENTITY_FIELDS and isinstance(e.get("start"), int)
            and isinstance(e.get("end"), int) and 0 <= e["start"] <= e["end"]
            and isinstance(e.get("text"), str) and isinstance(e.get("label"), str))
