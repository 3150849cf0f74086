"""A cache of analysis results keyed by the text they were computed on.

GiNZA is the expensive part of a run.  Its results for each analysed string (the terms and
entities of a paragraph, an item, a title …) are kept in an SQLite file, keyed by a hash of the
text, the ``--nlp`` mode, the installed model versions, keikaku's version and its rule files,
so a re-run after a profile change re-analyses only the strings whose text actually changed.
Several worker processes may share one cache file (SQLite's write-ahead log); a cache that
cannot be used (unwritable folder, damaged file) is switched off with a warning, never an error.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import warnings
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from . import __version__
from .keywords import Term
from .nlp import versions


@dataclass(frozen=True)
class PieceResult:
    """What the analysis keeps of one text (and what this cache stores): its terms for the
    keywords and its entities, offsets into the text."""

    terms: list[Term]
    entities: list[dict[str, Any]]

_DATA_FILES = ("data/stopterms.txt", "data/keyword_rules.toml", "data/entity_rules.jsonl", "data/name_kana.txt",
               "data/ginza_labels.toml")
_BATCH = 500  # keys per SELECT


@lru_cache(maxsize=4)
def analysis_fingerprint(mode: str) -> str:
    """What, besides the text, decides an analysis result: mode, models, keikaku, its rules."""
    h = hashlib.sha256(json.dumps([mode, versions(mode), __version__]).encode())
    for name in _DATA_FILES:
        h.update(resources.files("keikaku").joinpath(name).read_bytes())
    return h.hexdigest()


class NlpCache:
    """Analysis results by text; ``get_many``/``put_many`` work on lists of texts."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._db: sqlite3.Connection | None = None
        self.disabled = False
        self.hits = 0
        self.misses = 0

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=60)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("CREATE TABLE IF NOT EXISTS results (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            db.commit()
        except sqlite3.Error:
            db.close()
            raise
        return db

    def _connect(self) -> sqlite3.Connection | None:
        if self._db is None and not self.disabled:
            try:
                self._db = self._open()
            except sqlite3.DatabaseError as exc:
                # Not a database (damaged, or another file under that name): set it aside, start afresh.
                try:
                    self.path.replace(self.path.with_name(self.path.name + ".damaged"))
                    self._db = self._open()
                    warnings.warn(f"analysis cache {self.path} was damaged ({exc}); moved aside and started"
                                  " a new one", stacklevel=2)
                except (OSError, sqlite3.Error) as again:
                    self._disable(again)
            except OSError as exc:
                self._disable(exc)
        return self._db

    def _disable(self, exc: Exception) -> None:
        self.disabled = True
        self._db = None
        warnings.warn(f"analysis cache {self.path} cannot be used ({exc}); going on without it", stacklevel=3)

    @staticmethod
    def _key(mode: str, text: str) -> str:
        return hashlib.sha256(f"{analysis_fingerprint(mode)}\0{text}".encode()).hexdigest()

    def get_many(self, mode: str, texts: list[str]) -> list[PieceResult | None]:
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
                self._disable(exc)
                found = {}
        out: list[PieceResult | None] = []
        for key in keys:
            value = found.get(key)
            if value is None:
                out.append(None)
                continue
            data = json.loads(value)
            out.append(PieceResult([Term(k, s, tuple(n)) for k, s, n in data["terms"]], data["entities"]))
        self.hits += sum(r is not None for r in out)
        self.misses += sum(r is None for r in out)
        return out

    def put_many(self, mode: str, texts: list[str], results: list[PieceResult]) -> None:
        db = self._connect()
        if db is None:
            return
        rows = [(self._key(mode, t), _dumps(r)) for t, r in zip(texts, results)]
        try:
            with db:
                db.executemany("INSERT OR REPLACE INTO results (key, value) VALUES (?, ?)", rows)
        except sqlite3.Error as exc:
            self._disable(exc)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


def _dumps(result: Any) -> str:
    return json.dumps({"terms": [[t.key, t.surface, list(t.nouns)] for t in result.terms],
                       "entities": result.entities}, ensure_ascii=False, separators=(",", ":"))
