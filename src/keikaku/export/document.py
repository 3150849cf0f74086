"""The document → its JSON (one file per document): the model's file fields, in order."""

from __future__ import annotations

import json
from typing import Any

from ..model.records import JSONObject, plain
from ..model.tree import Analysis, Document, Node


def document_json(doc: Document, version: str, analysis: Analysis | None = None,
                  fingerprint: str | None = None) -> JSONObject:
    """The document as JSON-ready data, finished first (:meth:`Document.finish`); ``analysis``
    says how keywords and entities were made (mode, versions); ``fingerprint`` is what a re-run
    compares to decide whether to redo it (near the top, so that it can be read without parsing
    the whole file)."""
    doc.keikaku_version, doc.analysis, doc.fingerprint = version, analysis or Analysis(), fingerprint
    return plain(doc.finish())


def node_json(node: Node) -> JSONObject:
    """One node of a finished document as JSON-ready data (as in its document's JSON)."""
    return plain(node)


def dumps(data: Any, pretty: bool = False) -> str:
    """Document JSON is compact: indenting falls back to json's pure-Python encoder, several
    times slower on a corpus (``python -m json.tool`` pretty-prints a file).  The manifest,
    small and read by people, is indented."""
    if pretty:
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"
