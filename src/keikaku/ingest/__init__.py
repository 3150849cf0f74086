"""Stage 1: input files → decoded source text (lines with their numbers): plan texts
(:mod:`.text`) and PDFs (:mod:`.pdf`), told apart by their first bytes."""

from __future__ import annotations

from pathlib import Path

from .pdf import is_pdf, read_pdf
from .text import MAX_MB, SourceText, ingest_data, read_input, shown_path


def ingest_any(data: bytes, shown: str) -> SourceText:
    """The source text of a file's bytes: a PDF's text layer, or a plan text decoded."""
    return read_pdf(data, shown) if is_pdf(data) else ingest_data(data, shown)


def ingest(path: str | Path, name: str | None = None, max_mb: float = MAX_MB) -> SourceText:
    """Read one file, a plan text or a PDF; :class:`~keikaku.errors.InputError` names the file
    when it cannot be used.  ``name`` is how the file is shown in messages and in the output (the
    path as the user gave it); only a regular file of at most ``max_mb`` MB is read."""
    shown = name or shown_path(path)
    return ingest_any(read_input(path, shown, max_mb), shown)
