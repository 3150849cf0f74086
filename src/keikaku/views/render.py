"""A readable text rendering of a document tree, for ``keikaku inspect`` and the golden files."""

from __future__ import annotations

from ..ingest.text import SourceText
from ..model.tree import Document, Item, Node, NodeKind


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _item(item: Item, width: int) -> str:
    marker = f"{item.marker} " if item.marker else ""
    target = f" → {item.target}" if item.target else ""
    return f"{marker}{_clip(item.text, width)}{target}"


def _head(node: Node) -> str:
    parts = [f"[{node.kind.value}]"]
    if node.code:
        parts.append(node.code)
    if node.title:
        parts.append(node.title)
    if node.subtitle:
        parts.append(f"— {node.subtitle} —")
    if node.label:
        parts.append(f"〈{node.label}〉")
    rng = node.line_range()
    if rng:
        parts.append(f"L{rng[0]}-{rng[1]}")
    if node.pdf_page:
        parts.append(f"p.{node.pdf_page}")
    return " ".join(parts)


def render(doc: Document, width: int = 48, details: bool = True) -> str:
    """The tree with each node's sections, items, refs and tables; ``details=False`` gives counts only."""
    out = [f"# {doc.doc_id}: {doc.title}", f"# profile: {doc.profile.name}"]
    front = doc.root
    if front.paragraphs or front.items or front.sections:
        out.append(f"front matter: {len(front.paragraphs)}¶ {len(front.items)} items {len(front.sections)} sections")
    for w in doc.warnings:
        out.append(f"! {w}")

    def visit(node: Node, depth: int) -> None:
        pad = "  " * depth
        counts = []
        if node.paragraphs:
            counts.append(f"{len(node.paragraphs)}¶")
        if node.sections:
            counts.append(f"{len(node.sections)} sections")
        if node.items:
            counts.append(f"{len(node.items)} items")
        if node.refs:
            counts.append(f"{len(node.refs)} refs")
        out.append(pad + _head(node) + (f"  ({', '.join(counts)})" if counts else ""))
        if details:
            for s in node.sections:
                units = [c.code or c.title or c.id for c in node.children if c.under() is s]
                out.append(f"{pad}  § {s.name}: {len(s.paragraphs)}¶ {len(s.items)} items"
                           + (f" → introduces {', '.join(units)}" if units else ""))
                out.extend(f"{pad}    · {_item(it, width)}" for it in s.items)
            if node.kind is NodeKind.CONTENTS or len(node.items) <= 12:
                out.extend(f"{pad}  · {_item(it, width)}" for it in node.items)
            for r in node.refs:
                page = "?" if r.page is None else f"p.{r.page}" + ("*" if r.page_inferred else "")
                out.append(f"{pad}  → {r.code} {_clip(r.title, width)} {page}")
            for t in (t for t in node.tables if t.rows):
                out.append(f"{pad}  ▦ {t.name or 'table'}: {len(t.rows)} row(s) left as cells")
        for child in node.children:
            visit(child, depth + 1)

    for child in doc.root.children:
        visit(child, 0)
    return "\n".join(out) + "\n"


def render_structure(doc: Document, rejected: bool = True) -> str:
    """How the outline was found: the levels (style, depth, count, example), gaps in the numbering
    and, with ``rejected``, every marker set aside with its reason."""
    st = doc.structure
    if st.get("method") == "pinned":
        return f"# outline: pinned by the profile {st.get('profile')}\n"
    out = [f"# outline: {st.get('method')}; {st.get('headed_share', 0):.0%} of the text under a heading;"
           f" {st.get('contents_lists', 0)} contents list(s), {st.get('running_headers', 0)} running header(s),"
           f" {st.get('furniture_rows', 0)} furniture row(s)"]
    if "confidence" in st:
        reasons = st.get("confidence_reasons") or ["every marker and all the text explained"]
        out.append(f"# confidence: {st['confidence']:.2f} ({'; '.join(reasons)})")
    out.extend(f"# contents list: {how}" for how in st.get("lists", []))
    levels = st.get("levels", [])
    if levels:
        out.append("# levels:  depth  count  style            example")
        out.extend(f"#          {lv['depth']:>5}  {lv['count']:>5}  {lv['style']:<16} {lv['example']}" for lv in levels)
    for gap in st.get("sequence_gaps", []):
        out.append(f"# gap: line {gap['line']}: {gap['style']} {gap['found']} after {gap['expected'] - 1}")
    if rejected:
        rows = st.get("rejected", [])
        if rows:
            out.append(f"# set aside ({st.get('rejected_count', len(rows))}):")
            out.extend(f"#   line {r['line']}: {r['text']}  [{r['style']}] {r['reason']}" for r in rows)
    return "\n".join(out) + "\n"



def render_layout(source: SourceText) -> str:
    """One row per line of the source: what its page showed (``keikaku extract --layout``)."""
    out = ["line\tpage\tsize\tbold\tindent\tabove\ttable\tjoined\tfurniture\ttext\n"]
    layout = source.layout or []
    for line in source.lines:
        text = line.text.replace("\f", "").replace("\t", " | ")
        if line.no <= len(layout):
            lay = layout[line.no - 1]
            out.append(f"{line.no}\t{lay.page}\t{lay.size:.2f}\t{'B' if lay.bold else ''}\t{lay.indent:.1f}\t"
                       f"{lay.space_above:.1f}\t{'T' if lay.table else ''}\t{lay.printed}\t{lay.furniture or ''}\t"
                       f"{text}\n")
        else:
            out.append(f"{line.no}\t{source.page_of(line.no) or ''}\t\t\t\t\t\t\t\t{text}\n")
    return "".join(out)
