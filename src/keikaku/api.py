"""The Python API for notebooks: one document in memory, or a whole output folder as DataFrames.

    import keikaku
    doc = keikaku.parse("raw/kodaira_kihonkoso.txt")            # a file: a Document, analysed
    doc = keikaku.parse(text="基本目標1 安全なまち\n…")           # a text
    t = keikaku.load("output")                                   # the tables of a run
    t.nodes.query("kind == 'goal'")
    t.subtree("nishitokyo_2nd_kihonkeikaku_mi", "み2/み2-1")      # a node and its descendants
    t.ancestors("nishitokyo_2nd_kihonkeikaku_mi", "み2/み2-1/み2-1-1")

Every table has ``doc_id`` and ``node_id``; ``node_id`` ``""`` is the document's root, whose row
in ``nodes`` (kind ``document``, depth 0) holds the front matter's text (all the text of a plan
without headings) and whose sections, items … are the front matter's (its keywords are the whole
document's).  ``path`` and ``parent_id`` come with every table that is about nodes, so tables
join on (doc_id, node_id) without surprises.
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import FileError, InputError, UsageError
from .export.rows import table_rows
from .extract.analyse import analyse
from .extract.document import parse_source
from .ingest import ingest
from .ingest.text import ingest_bytes, shown_path
from .model.records import COLUMNS, ROW_TYPES, Structure, column_types, plain
from .model.tree import Document
from .run.outdir import OutputFolder, load_manifest
from .segment.profile import Profile, get_profile

if TYPE_CHECKING:
    import pandas as pd

def parse(path: str | Path | None = None, *, text: str | None = None, profile: str | Profile | None = None,
          nlp: str = "full", doc_id: str | None = None) -> Document:
    """Segment and analyse one plan: a file (``path``, a ``Path`` or a string) or the text itself
    (``text=``), never guessed from the string (a one-line text could name a file).  ``profile``:
    a shipped name, a .toml path or a Profile; None chooses."""
    if (path is None) == (text is None):
        raise UsageError("keikaku.parse takes a file path or text=..., exactly one of them")
    if text is not None:
        source = ingest_bytes(_text_bytes(text), "<text>")
        if not any(not line.blank for line in source.lines):
            raise InputError("<text>", "contains no text")
        doc_id = doc_id or "document"
    else:
        file = _file_path(path)
        source = ingest(file)
        doc_id = doc_id or Path(shown_path(file)).stem
    chosen = get_profile(profile) if isinstance(profile, str) else profile
    doc = parse_source(source, doc_id, chosen)
    analyse([doc], nlp)
    return doc


def _text_bytes(text: object) -> bytes:
    """``text=`` as UTF-8; anything but a str that is text is a :class:`UsageError` saying what to pass."""
    if isinstance(text, (bytes, bytearray, memoryview)):
        raise UsageError("keikaku.parse: text= takes a str, not bytes; decode them first (text=data.decode(\"cp932\")"
                         " or the file's encoding), or write them to a file and pass its path, whose encoding"
                         " keikaku detects")
    if not isinstance(text, str):
        raise UsageError(f"keikaku.parse: text= takes a str, not {type(text).__name__}")
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:
        line = text.count("\n", 0, exc.start) + 1
        raise UsageError(f"keikaku.parse: text= contains a lone surrogate U+{ord(text[exc.start]):04X} (line {line}),"
                         " which is not a character: it comes from bytes decoded with errors=\"surrogateescape\"."
                         " Decode them with their real encoding, or with errors=\"replace\"") from None


def _file_path(path: object) -> Path:
    """``path`` as a Path; bytes or another type is a :class:`UsageError` saying what to pass."""
    if isinstance(path, str) and "\n" in path:
        raise UsageError("keikaku.parse: a path with a line break; to parse a text, pass it as"
                         " keikaku.parse(text=...)")
    if isinstance(path, (str, os.PathLike)):
        name = os.fspath(path)
        if isinstance(name, str):
            return Path(name)
    if isinstance(path, (bytes, bytearray)) or isinstance(path, os.PathLike):
        raise UsageError("keikaku.parse: the path is bytes; pass a str or a Path (os.fsdecode(path) turns it into"
                         " one, whatever its encoding), or a text as keikaku.parse(text=...)")
    raise UsageError(f"keikaku.parse: the path must be a str or a Path, not {type(path).__name__}")


@dataclass
class Tables:
    """The flat tables of an output folder as pandas DataFrames, with helpers to walk the tree."""

    nodes: pd.DataFrame
    sections: pd.DataFrame
    items: pd.DataFrame
    refs: pd.DataFrame
    keywords: pd.DataFrame
    entities: pd.DataFrame
    indicators: pd.DataFrame  # one row per indicator and value (baseline, target, actual)
    tables: pd.DataFrame  # one row per cell of every table, recognised or not
    documents: pd.DataFrame  # the manifest: one row per document, failed ones included

    def subtree(self, doc_id: str, node_id: str) -> pd.DataFrame:
        """The node and all its descendants (rows of ``nodes``, in document order)."""
        nodes = self.nodes[self.nodes["doc_id"] == doc_id]
        keep, frontier = {node_id}, {node_id}
        while frontier:  # follow parent links down, one level at a time
            frontier = set(nodes.loc[nodes["parent_id"].isin(frontier), "node_id"]) - keep
            keep |= frontier
        return nodes[nodes["node_id"].isin(keep)]

    def ancestors(self, doc_id: str, node_id: str) -> pd.DataFrame:
        """The node's ancestors, from the top unit down (rows of ``nodes``), the node excluded."""
        nodes = self.nodes[self.nodes["doc_id"] == doc_id].set_index("node_id", drop=False)
        chain = []
        current = nodes.loc[node_id, "parent_id"] if node_id in nodes.index else ""
        while current:
            chain.append(current)
            current = nodes.loc[current, "parent_id"]
        return nodes.loc[list(reversed(chain))].reset_index(drop=True)


def frame(name: str, rows: list[list[Any]]) -> pd.DataFrame:
    """One flat table as a DataFrame with the published column types (nullable)."""
    import pandas as pd

    pandas = {"int": "Int64", "float": "Float64", "bool": "boolean", "str": "string"}
    types = column_types(ROW_TYPES[name])
    df = pd.DataFrame(rows, columns=list(COLUMNS[name]))
    for column in df.columns:
        df[column] = df[column].astype(pandas[types[column]])
    return df


def load(output_dir: str | Path) -> Tables:
    """The tables of an output folder, built from its document JSON files (exact types and text:
    no CSV parsing, no spreadsheet escaping, no cell cut to Excel's limit, and right even when
    a stopped run left the CSV tables stale).  A damaged document file is left out with a
    warning naming it."""
    import pandas as pd

    out = OutputFolder(Path(output_dir))
    state = load_manifest(out.path)
    entries = [state.documents[k] for k in sorted(state.documents)]
    rows: dict[str, list[list[Any]]] = {name: [] for name in COLUMNS}
    for entry in entries:
        if entry.output:
            path = out.file(entry.output)
            try:
                tables = table_rows(out.read_document(path.name))
            except FileError as exc:
                warnings.warn(f"{path}: damaged ({exc.problem}); left out (run keikaku again to rebuild it)",
                              stacklevel=2)
                continue
            for name, table in tables.items():
                rows[name].extend(table)
    frames = {name: frame(name, table) for name, table in rows.items()}
    keys = frames["nodes"][["doc_id", "node_id", "parent_id", "path"]]
    for name in ("sections", "items", "refs", "keywords", "entities", "indicators", "tables"):
        frames[name] = frames[name].merge(keys, on=["doc_id", "node_id"], how="left")
    documents = pd.DataFrame([{**{k: v for k, v in plain(e).items() if not isinstance(v, (dict, list))},
                               **outline_confidence(e.structure)} for e in entries])
    return Tables(documents=documents, **frames)


def outline_confidence(structure: Structure) -> dict[str, float | str | None]:
    """The outline confidence of a manifest entry and its reasons, as two columns of
    ``documents`` (sort by it to find the plans to check first; pinned profiles have none)."""
    reasons = structure.get("confidence_reasons")
    return {"outline_confidence": structure.get("confidence"),
            "outline_reasons": "; ".join(reasons) if reasons is not None else None}
