"""The document tree → its output record and JSON (one file per document)."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any, Iterable

from ..model import records as R
from ..model.records import SCHEMA_VERSION, plain
from ..model.tree import Document, Item, Node, NodeKind, Ref, Section, Span, Table


def _lines(spans: Iterable[Span]) -> list[int]:
    nos = [s.line for s in spans]
    return [min(nos), max(nos)] if nos else []


def _item(item: Item) -> R.Item:
    return R.Item(text=item.text, marker=item.marker, code=item.code, target=item.target, page=item.page,
                  lines=_lines(item.spans))


def _section(s: Section, owner: Node) -> R.Section:
    return R.Section(name=s.name, heading=s.heading, text=s.text, items=[_item(i) for i in s.items],
                     tables=[_table(t) for t in s.tables], units=[c.id for c in owner.children if c.under() is s],
                     lines=_lines(s.own_spans()), declares_keywords=s.declares_keywords)


def _table(t: Table) -> R.Table:
    return R.Table(name=t.name, rule=t.rule, layout=t.layout, header=t.header, rows=t.rows,
                   lines=_lines(t.spans) if t.spans else list(t.lines))


def _ref(r: Ref) -> R.Ref:
    return R.Ref(code=r.code, title=r.title, page=r.page, page_inferred=r.page_inferred, line=r.spans[0].line)


def _keywords(kws: list[dict[str, Any]]) -> list[R.Keyword]:
    return [R.Keyword(**k) for k in kws]  # a key the declaration lacks is a TypeError here, not a silent field


def _entities(ents: list[dict[str, Any]]) -> list[R.Entity]:
    return [R.Entity(**e) for e in ents]


def node_record(node: Node) -> R.Node:
    rng = node.line_range()
    under = node.under()
    return R.Node(
        id=node.id, kind=node.kind.value, level=node.level, code=node.code, title=node.title,  # type: ignore[arg-type]
        subtitle=node.subtitle, label=node.label, section=under.name if under is not None else None, page=node.page,
        from_contents=node.from_contents, text=node.text,
        sections=[_section(s, node) for s in node.sections], items=[_item(i) for i in node.items],
        refs=[_ref(r) for r in node.refs], tables=[_table(t) for t in node.tables], indicators=list(node.indicators),
        lines=list(rng) if rng else [], declared_keywords=node.declared_keywords,
        keywords=_keywords(node.keywords), entities=_entities(node.entities),
        children=[node_record(c) for c in node.children])


def document_record(doc: Document, version: str, analysis: dict[str, Any] | None = None,
                    fingerprint: str | None = None) -> R.Document:
    """The document as its output record; ``analysis`` says how keywords and entities were made
    (mode, versions); ``fingerprint`` is what a re-run compares to decide whether to redo it
    (near the top, so that it can be read without parsing the whole file)."""
    root = doc.root
    analysis = analysis or {"mode": "none", "versions": {}}
    return R.Document(
        schema_version=SCHEMA_VERSION, keikaku_version=version, doc_id=doc.doc_id,  # type: ignore[arg-type]
        fingerprint=fingerprint, title=doc.title,
        source=R.Source(path=doc.source.path, sha256=doc.source.sha256, encoding=doc.source.encoding,
                        bytes=doc.source.size, lines=doc.source.lines),
        profile=R.ProfileUsed(name=doc.profile.name, path=doc.profile.path, reason=doc.profile.reason,
                              scores=doc.profile.scores),
        analysis=R.Analysis(mode=analysis["mode"], versions=analysis["versions"]),
        keywords=_keywords(root.keywords),
        front_matter=R.FrontMatter(text=root.text, entities=_entities(root.entities),
                                   sections=[_section(s, root) for s in root.sections], items=[_item(i) for i in root.items],
                                   refs=[_ref(r) for r in root.refs], tables=[_table(t) for t in root.tables],
                                   indicators=list(root.indicators), lines=_lines(root.own_spans())),
        furniture=[R.Furniture(text=p.text, line=p.spans[0].line) for p in doc.furniture],
        structure=doc.structure, warnings=doc.warnings, counts=counts(doc),
        children=[node_record(c) for c in root.children])


def document_json(doc: Document, version: str, analysis: dict[str, Any] | None = None,
                  fingerprint: str | None = None) -> dict[str, Any]:
    """The document as JSON-ready data (see :func:`document_record`)."""
    return plain(document_record(doc, version, analysis, fingerprint))


def counts(doc: Document) -> dict[str, Any]:
    return {
        "nodes": sum(1 for n in doc.nodes() if n.kind is not NodeKind.CONTENTS),
        "contents": sum(1 for n in doc.nodes() if n.kind is NodeKind.CONTENTS),
        "sections": sum(len(n.sections) for n in doc.root.walk()),
        "items": sum(len(n.items) + sum(len(s.items) for s in n.sections) for n in doc.root.walk()),
        "refs": sum(len(n.refs) for n in doc.root.walk()),
        "tables": sum(len(n.tables) + sum(len(s.tables) for s in n.sections) for n in doc.root.walk()),
        "indicators": sum(len(n.indicators) for n in doc.root.walk()),
        "entities": sum(len(n.entities) for n in doc.root.walk()),
        "entities_by_label": dict(sorted(Counter(e["label"] for n in doc.root.walk() for e in n.entities).items())),
    }


def dumps(data: Any, pretty: bool = False) -> str:
    """Document JSON is compact: indenting falls back to json's pure-Python encoder, several
    times slower on a corpus (``python -m json.tool`` pretty-prints a file).  The manifest,
    small and read by people, is indented."""
    if pretty:
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"
