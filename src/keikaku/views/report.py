"""``keikaku report OUT_DIR``: one self-contained HTML page to read a run's results.

Per document: a collapsible tree of the hierarchy (HTML ``<details>``, so it works without
JavaScript), each node's text with its entities highlighted, its sections, items and
references, its indicators (成果指標, KPI …) as a table of name, unit, baseline, targets, actuals,
direction, grade and notes, every table of the unit as an HTML table (an indicator table's cells
folded away under the indicators read from it), keyword chips, and the manifest's warnings and
errors.  No network and no external
assets: the CSS and the few lines of script are inline, and fonts are the reader's own.
"""

from __future__ import annotations

import html
from pathlib import Path

from ..errors import FileError, OutputError
from ..export.files import atomic_write
from ..model.records import Entity, Indicator, IndicatorValue, ManifestEntry
from ..model.tree import Document, FrontMatter, Node, Section, Table
from ..run.outdir import REPORT, OutputFolder, load_manifest

_CSS = """
body{font-family:"Noto Sans CJK JP","Hiragino Sans","Yu Gothic",sans-serif;margin:1.5rem;color:#222;max-width:70rem}
h1{font-size:1.4rem} h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #ccc}
details{margin:.2rem 0 .2rem 1.2rem} summary{cursor:pointer;padding:.1rem 0}
summary .kind{font-size:.75rem;color:#666;border:1px solid #bbb;border-radius:3px;padding:0 .3rem;margin-right:.4rem}
.text{white-space:pre-wrap;margin:.3rem 0 .3rem 1.2rem;line-height:1.6}
.section{margin:.4rem 0 .4rem 1.2rem} .section h4{margin:.2rem 0;font-size:.9rem;color:#335}
.chips{margin:.3rem 0 .3rem 1.2rem} .chip{display:inline-block;background:#eef3fb;border:1px solid #c9d7ef;
border-radius:1rem;padding:0 .6rem;margin:.1rem;font-size:.85rem}
mark{border-radius:3px;padding:0 .1rem} mark[data-label=PLAN]{background:#ffe7a8} mark[data-label=LAW]{background:#ffd0d0}
mark[data-label=ORG]{background:#d6f0d6} mark[data-label=FACILITY]{background:#d8ecff} mark[data-label=EVENT]{background:#f0dcff}
mark[data-label=DATE]{background:#e6e6e6} mark[data-label=LOCATION]{background:#d9f3f0}
table{border-collapse:collapse;margin:.3rem 0 .3rem 1.2rem;font-size:.85rem} td,th{border:1px solid #ddd;padding:.1rem .4rem}
caption{text-align:left;font-size:.8rem;color:#555;padding:.1rem 0} th{background:#f4f6fa;font-weight:normal}
.tables summary{font-size:.8rem;color:#555}
.warn{color:#8a5300} .error{color:#a00} .doctitle{font-weight:bold;margin:.2rem 0}
"""
_SCRIPT = """
function setAll(open){document.querySelectorAll('details').forEach(d=>d.open=open);}
"""


def _marked(text: str, entities: list[Entity], field: str) -> str:
    """``text`` as HTML with the entities of ``field`` wrapped in <mark>."""
    spans = sorted((e for e in entities if e.field == field), key=lambda e: e.start)
    out, pos = [], 0
    for e in spans:
        if e.start < pos or text[e.start:e.end] != e.text:
            continue
        out.append(html.escape(text[pos:e.start]))
        title = e.label + (f" {e.fine_label}" if e.fine_label else "") + (f" {e.year}" if e.year else "")
        out.append(f'<mark data-label="{e.label}" title="{html.escape(title)}">{html.escape(e.text)}</mark>')
        pos = e.end
    out.append(html.escape(text[pos:]))
    return "".join(out)


def _year(year: int | None, fiscal: bool | None) -> str:
    """2023 with fiscal → 2023年度, with fiscal false → 2023年, without it → 2023."""
    if year is None:
        return ""
    return f"{year}{'年度' if fiscal is True else '年' if fiscal is False else ''}"


def _value(v: IndicatorValue | None) -> str:
    """An indicator value as "label (year): text", escaped."""
    if v is None:
        return ""
    year = _year(v.year, v.fiscal)
    head = " ".join(x for x in (v.label or "", f"({year})" if year else "") if x)
    return html.escape(f"{head}: {v.text or ''}" if head else str(v.text or ""))


def _lines(values: list[IndicatorValue]) -> str:
    return "<br>".join(_value(v) for v in values)


def _indicators(inds: list[Indicator]) -> str:
    """Indicators read from one table, as an HTML table captioned with their section."""
    first = inds[0]
    caption = "指標" + (f" — {first.section}" if first.section else "") + (f" (表 {first.table})" if first.table else "")
    rows = "".join(
        "<tr>" + "".join(f"<td>{cell}</td>" for cell in (
            html.escape(ind.name or ""), html.escape(ind.unit or ""), _value(ind.baseline), _lines(ind.targets),
            _lines(ind.actuals), html.escape(ind.direction or ""), html.escape(ind.grade or ""),
            "<br>".join(html.escape(n) for n in ind.notes))) + "</tr>"
        for ind in inds)
    return (f'<table class="indicators"><caption>{html.escape(caption)}</caption>'
            "<tr><th>指標</th><th>単位</th><th>現状/基準</th><th>目標</th><th>実績</th><th>方向</th>"
            f"<th>評価</th><th>備考</th></tr>{rows}</table>")


def _cells(number: int, table: Table, folded: bool) -> str:
    """One table as HTML: its header (if any) and rows, cells escaped, rows padded to one width;
    ``folded`` puts it in a closed <details> (the cells indicators were read from)."""
    header, rows = table.header, table.rows
    if not header and not rows:
        return ""
    width = max(len(r) for r in ([header] if header else []) + rows)

    def row(cells: list[str], tag: str) -> str:
        cells = list(cells) + [""] * (width - len(cells))
        return "<tr>" + "".join(f"<{tag}>{html.escape(str(c))}</{tag}>" for c in cells) + "</tr>"

    about = ", ".join(x for x in (table.name, table.rule, table.layout) if x)
    caption = f"表 {number}" + (f" ({about})" if about else "")
    grid = (row(header, "th") if header else "") + "".join(row(r, "td") for r in rows)
    body = f'<table class="cells" data-table="{number}"><caption>{html.escape(caption)}</caption>{grid}</table>'
    if folded:
        return (f'<details class="tables"><summary>{html.escape(caption)}: the cells the indicators were read'
                f" from</summary>{body}</details>")
    return body


class _Tables:
    """A unit's tables and indicators, numbered as in the flat ``tables`` table (the sections'
    tables in order, then the unit's, from 1).  Each indicator table is shown where its source
    table is, with the source's cells folded under it; indicators whose table is not among the
    unit's come last."""

    def __init__(self, holder: Node | FrontMatter) -> None:
        self.groups: dict[int, list[Indicator]] = {}
        for ind in holder.indicators:
            self.groups.setdefault(ind.table, []).append(ind)
        number = 0
        self.sections: list[list[tuple[int, Table]]] = []
        for s in holder.sections:
            listed = []
            for t in s.tables:
                number += 1
                listed.append((number, t))
            self.sections.append(listed)
        self.own = []
        for t in holder.tables:
            number += 1
            self.own.append((number, t))

    def _render(self, listed: list[tuple[int, Table]]) -> str:
        out = []
        for number, t in listed:
            inds = self.groups.pop(number, None)
            if inds:
                out.append(_indicators(inds))
            out.append(_cells(number, t, folded=bool(inds) or t.rule == "indicators"))
        return "".join(out)

    def section(self, si: int) -> str:
        return self._render(self.sections[si]) if si < len(self.sections) else ""

    def rest(self) -> str:
        """The unit's own tables, then indicators left over (call after the sections)."""
        return self.own_tables() + self.leftover()

    def own_tables(self) -> str:
        return self._render(self.own)

    def leftover(self) -> str:
        """Indicators whose table is not among the unit's (call after the sections and own tables)."""
        return "".join(_indicators(inds) for inds in self.groups.values())


def _first_line(x: Node | Section) -> int | None:
    return x.lines[0] if x.lines else None


def _in_text_order(sections: list[Section], children: list[Node]) -> list[tuple[str, int]]:
    """Sections and sub-units as the text prints them: ("section", index) and ("unit", index).  A
    section whose label introduces units (its ``units``) comes right before the first of them, a
    section printed after a unit (a 成果指標 after the unit's (1), (2)) after it; the others first."""
    introduces = {u: si for si, s in enumerate(sections) for u in s.units}
    pending = list(range(len(sections)))
    order: list[tuple[str, int]] = []
    for ci, child in enumerate(children):
        intro = introduces.get(child.id)
        start = None if child.from_contents else _first_line(child)
        while pending and (intro is not None and pending[0] <= intro or start is not None and not any(
                sections[pending[0]].units) and (_first_line(sections[pending[0]]) or 0) < start):
            order.append(("section", pending.pop(0)))
        order.append(("unit", ci))
    order.extend(("section", si) for si in pending)
    return order


def _node(node: Node, open_: bool) -> str:
    e = node.entities
    head = " ".join(html.escape(x) for x in (node.code, node.title) if x)
    page = f' <span class="kind">p. {node.pdf_page}</span>' if node.pdf_page else ""  # the PDF's page
    parts = [f'<details{" open" if open_ else ""} data-id="{html.escape(node.id)}">',
             f'<summary><span class="kind">{html.escape(node.kind.value)}</span>{head or html.escape(node.id)}{page}'
             '</summary>']
    if node.keywords:
        parts.append('<div class="chips">' + "".join(f'<span class="chip" title="score {k.score}">'
                                                      f'{html.escape(k.term)}</span>' for k in node.keywords[:10])
                     + "</div>")
    if node.text:
        parts.append(f'<div class="text">{_marked(node.text, e, "text")}</div>')
    tables = _Tables(node)
    sections, children = node.sections, node.children

    def section(si: int) -> str:
        s = sections[si]
        body = f'<div class="text">{_marked(s.text, e, f"sections/{si}/text")}</div>' if s.text else ""
        items = "".join(f"<li>{html.escape(it.marker or '')} {_marked(it.text, e, f'sections/{si}/items/{ii}/text')}</li>"
                        for ii, it in enumerate(s.items))
        return (f'<div class="section"><h4>{html.escape(s.name)}</h4>{body}'
                + (f"<ul>{items}</ul>" if items else "") + tables.section(si) + "</div>")

    order = _in_text_order(sections, children)
    lead = 0  # the sections printed before any unit stay with the unit's own text
    while lead < len(order) and order[lead][0] == "section" and not sections[order[lead][1]].units:
        parts.append(section(order[lead][1]))
        lead += 1
    after = "".join(section(k) if what == "section" else _node(children[k], False) for what, k in order[lead:])
    if node.items:
        parts.append("<ul>" + "".join(f"<li>{html.escape(it.marker or '')} "
                                      f"{_marked(it.text, e, f'items/{ii}/text')}</li>"
                                      for ii, it in enumerate(node.items)) + "</ul>")
    if node.refs:
        parts.append("<table><tr><th>code</th><th>title</th><th>page</th></tr>" + "".join(
            f"<tr><td>{html.escape(r.code)}</td><td>{html.escape(r.title)}</td><td>{r.page or ''}</td></tr>"
            for r in node.refs) + "</table>")
    parts.append(tables.own_tables())
    parts.append(tables.leftover())  # after every section has taken its own indicators
    parts.append(after)
    parts.append("</details>")
    return "".join(parts)


def _document(out: OutputFolder, name: str) -> tuple[Document | None, str | None]:
    """A document JSON of the folder, or why it cannot be read (a damaged file is reported on the
    page; the rest of the report is built)."""
    try:
        return out.read_document(name), None
    except FileError as exc:
        return None, f"{out.file(name).name} cannot be read: {exc.problem}"


def _front(doc: Document) -> str:
    """The document's title and front matter (what precedes its first unit)."""
    front = doc.front_matter
    parts = [f'<p class="doctitle">{html.escape(doc.title)}</p>']
    inner = []
    tables = _Tables(front)
    if front.text:
        inner.append(f'<div class="text">{_marked(front.text, front.entities, "text")}</div>')
    for si, s in enumerate(front.sections):
        if not s.units:  # a label that introduces the first units is shown right before them
            inner.append(_front_section(front, si, tables))
    if front.items:
        inner.append("<ul>" + "".join(f"<li>{html.escape(it.text)}</li>" for it in front.items) + "</ul>")
    if rest := tables.rest():
        inner.append(rest)
    if inner:
        parts.append('<details><summary><span class="kind">front matter</span>before the first unit</summary>'
                     + "".join(inner) + "</details>")
    return "".join(parts)


def _front_section(front: FrontMatter, si: int, tables: _Tables | None = None) -> str:
    s = front.sections[si]
    body = f'<div class="text">{html.escape(s.text)}</div>' if s.text else ""
    return (f'<div class="section"><h4>{html.escape(s.name)}</h4>{body}'
            f'{tables.section(si) if tables is not None else ""}</div>')


def _units(doc: Document) -> str:
    """The document's top units, each label of the front matter that introduces some right before them."""
    front = doc.front_matter
    introduces = {u: si for si, s in enumerate(front.sections) for u in s.units}
    shown: set[int] = set()
    out = []
    for child in doc.children:
        si = introduces.get(child.id)
        if si is not None and si not in shown:
            shown.add(si)
            out.append(_front_section(front, si))
        out.append(_node(child, True))
    return "".join(out)


def _triage(documents: list[ManifestEntry]) -> str:
    """The documents whose outline to check first: lowest confidence first, with the reasons."""
    scored = sorted(((e.structure["confidence"], e) for e in documents if e.structure.get("confidence") is not None),
                    key=lambda ce: ce[0])
    if not scored:
        return ""
    rows = "".join(f'<tr><td><a href="#{html.escape(e.doc_id)}">{html.escape(e.doc_id)}</a></td>'
                   f"<td>{c:.2f}</td><td>{html.escape('; '.join(e.structure.get('confidence_reasons') or []))}</td></tr>"
                   for c, e in scored)
    return ('<details open><summary>outlines to check first (lowest confidence first)</summary>'
            f'<table class="triage"><tr><th>document</th><th>confidence</th><th>why</th></tr>{rows}</table></details>')


def render_report(output_dir: str | Path) -> str:
    """The report of an output folder as one HTML string."""
    out = OutputFolder(Path(output_dir))
    state = load_manifest(out.path)
    documents = [state.documents[k] for k in sorted(state.documents)]
    body = [f"<h1>keikaku report: {len(documents)} document(s)</h1>",
            '<p><button onclick="setAll(true)">expand all</button> <button onclick="setAll(false)">collapse all</button></p>',
            _triage(documents)]
    for entry in documents:
        body.append(f'<h2 id="{html.escape(entry.doc_id)}">{html.escape(entry.doc_id)}'
                    f' <small>({html.escape(entry.status)}, profile {html.escape(str(entry.profile))})'
                    "</small></h2>")
        conf = entry.structure.get("confidence")
        if conf is not None:
            reasons = entry.structure.get("confidence_reasons") or []
            body.append(f'<p class="confidence">outline confidence {conf:.2f}'
                        + (": " + html.escape("; ".join(reasons)) if reasons else "") + "</p>")
        body.extend(f'<p class="warn">warning {html.escape(w.code)}: {html.escape(w.message)}</p>' for w in entry.warnings)
        body.extend(f'<p class="error">error: {html.escape(w)}</p>' for w in entry.errors)
        if not entry.output:
            continue
        doc, problem = _document(out, entry.output)
        if doc is None:
            body.append(f'<p class="error">damaged: {html.escape(str(problem))}; run keikaku again to rebuild it</p>')
            continue
        body.append(_front(doc))
        if doc.keywords:
            body.append('<div class="chips">' + "".join(f'<span class="chip">{html.escape(k.term)}</span>'
                                                        for k in doc.keywords[:10]) + "</div>")
        body.append(_units(doc))
    return ("<!DOCTYPE html>\n<html lang=\"ja\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>keikaku report</title><style>{_CSS}</style><script>{_SCRIPT}</script></head>"
            f"<body>{''.join(body)}</body></html>\n")


def write_report(output_dir: str | Path, target: str | Path | None = None) -> Path:
    """Write ``report.html`` into the output folder (or ``target``); return its path."""
    path = Path(target) if target else Path(output_dir) / REPORT
    text = render_report(output_dir)
    try:
        atomic_write(path, text)
    except OSError as exc:  # a read-only folder, a full disk
        raise OutputError(f"{path}: cannot be written ({exc.strerror or exc}): give --output FILE in a folder you can"
                          " write") from exc
    return path
