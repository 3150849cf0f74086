"""``keikaku report OUT_DIR``: one self-contained HTML page to read a run's results.

Per document: a collapsible tree of the hierarchy (HTML ``<details>``, so it works without
JavaScript); in each unit, as the text prints them, its text with its entities highlighted, its
sections, sub-units, items and references; its indicators (成果指標, KPI …) as a table of name,
unit, baseline, targets, actuals, direction, grade and notes, with the cells they were read from
folded under them; every other table of the unit as an HTML table; keyword chips; and the
manifest's warnings and errors.  Each table is shown once: the rows of a table kept as text are
left out of the text above it.  A legend at the top names the entity labels the page colours.  No
network and no external assets: the CSS and the few lines of script are inline, and fonts are the
reader's own.
"""

from __future__ import annotations

import bisect
import html
import re
import unicodedata
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Callable, Iterable, Sequence

from ..errors import FileError, OutputError
from ..export.files import atomic_write
from ..model.records import Entity, Indicator, IndicatorValue, ManifestEntry
from ..model.tree import Document, FrontMatter, Node, Table
from ..run.outdir import REPORT, OutputFolder, load_manifest

# The entity labels (extract/entities.py, COARSE_LABELS) as the legend names them, and their marks'
# colour: one table for both, so that the legend shows the colours the text has.
LABELS: dict[str, tuple[str, str]] = {
    "LAW": ("法令", "#ffd0d0"),
    "PLAN": ("計画", "#ffe7a8"),
    "ORG": ("組織", "#d6f0d6"),
    "FACILITY": ("施設", "#d8ecff"),
    "EVENT": ("出来事・催し", "#f0dcff"),
    "LOCATION": ("地名", "#d9f3f0"),
    "DATE": ("日付", "#e6e6e6"),
    "PERSON": ("人名", "#ffdcc8"),
    "PRODUCT": ("作品・製品", "#f1e4cc"),
    "QUANTITY": ("数量", "#e6f0c0"),
    "CONTACT": ("連絡先", "#dcdcf5"),
    "MISC": ("その他", "#eeeee4"),
}

_CSS = """
body{font-family:"Noto Sans CJK JP","Hiragino Sans","Yu Gothic",sans-serif;margin:1.5rem;color:#222;max-width:70rem}
h1{font-size:1.4rem} h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #ccc}
details{margin:.2rem 0 .2rem 1.2rem} summary{cursor:pointer;padding:.1rem 0}
summary .kind{font-size:.75rem;color:#666;border:1px solid #bbb;border-radius:3px;padding:0 .3rem;margin-right:.4rem}
.text{white-space:pre-wrap;margin:.3rem 0 .3rem 1.2rem;line-height:1.6}
.section{margin:.4rem 0 .4rem 1.2rem} .section h4{margin:.2rem 0;font-size:.9rem;color:#335}
.chips{margin:.3rem 0 .3rem 1.2rem} .chip{display:inline-block;background:#eef3fb;border:1px solid #c9d7ef;
border-radius:1rem;padding:0 .6rem;margin:.1rem;font-size:.85rem}
mark{border-radius:3px;padding:0 .1rem} .legend mark{margin-right:.4rem}
table{border-collapse:collapse;margin:.3rem 0 .3rem 1.2rem;font-size:.85rem} td,th{border:1px solid #ddd;padding:.1rem .4rem}
caption{text-align:left;font-size:.8rem;color:#555;padding:.1rem 0} th{background:#f4f6fa;font-weight:normal}
.tables summary{font-size:.8rem;color:#555}
.warn{color:#8a5300} .error{color:#a00} .doctitle{font-weight:bold;margin:.2rem 0}
""" + "".join(f"mark[data-label={label}]{{background:{colour}}}\n" for label, (_, colour) in LABELS.items())
_SCRIPT = """
function setAll(open){document.querySelectorAll('details').forEach(d=>d.open=open);}
"""
_MARK = re.compile(r'<mark data-label="([^"]+)"')  # an entity's mark (the legend's have a class first)


def _legend(body: str) -> str:
    """The labels of the entities marked in ``body``, each in its colour with its name; nothing
    when no entity is marked."""
    present = set(_MARK.findall(body))
    if not present:
        return ""
    order = [label for label in LABELS if label in present] + sorted(present - LABELS.keys())
    keys = "".join(f'<mark class="key" data-label="{html.escape(label)}">{html.escape(label)}'
                   f'{" " + LABELS[label][0] if label in LABELS else ""}</mark>' for label in order)
    return f'<p class="legend">entities: {keys}</p>'


# --- tables kept as text ------------------------------------------------------------------------
# An indicator table that segmentation kept as text (spaced, pipe, one cell per line, flattened
# into one line, arrows …) is also in the text of the unit or section that holds its lines, each
# row on a line of its own (extract/tabletext.py).  The report shows it once, as the indicators
# read from it with its cells folded under them, so its rows are left out of the text.  A document
# read from its file has no spans: the rows are found by their cells, as the text lines, no more
# than the table has source lines, that hold the most of its cells in the least text.
# Kept in the text: targets written as sentences (prose), and the layouts whose cells are rebuilt
# rather than copied (years across, the KPI form): there the text is the table as printed, and
# their cells are too far from it to find it by.
_KEPT_LAYOUTS = frozenset({"sentence", "transposed", "form"})
_NOT_CONTENT = frozenset("|│┃")  # pipes between cells (after NFKC), left out as spaces are
_EDGE = 10  # characters beside a table on its first or last line that are still the table's (単位：人, Ａ)


@dataclass(frozen=True)
class _Hit:
    """One occurrence of a cell in a text: its first and last line, and where it is in the text."""

    first: int
    last: int
    start: int
    end: int
    cell: str


def _folded(text: str) -> tuple[str, list[int]]:
    """``text`` in NFKC without spaces and pipes, and where each of its characters is in ``text``."""
    chars: list[str] = []
    at: list[int] = []
    for i, ch in enumerate(text):
        for f in unicodedata.normalize("NFKC", ch):
            if not f.isspace() and f not in _NOT_CONTENT:
                chars.append(f)
                at.append(i)
    return "".join(chars), at


class _TextTables:
    """Where the tables kept as text are in one text (folded once for all the tables)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.folded, self.at = _folded(text)
        self.starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]  # each line's first character
        self.line_of = [bisect.bisect_right(self.starts, i) - 1 for i in self.at]
        size = [0] * len(self.starts)
        for line in self.line_of:
            size[line] += 1
        self.size = size

    def cuts(self, tables: Iterable[Table]) -> list[tuple[int, int]]:
        """The stretches of the text that are the rows of ``tables``, in text order, apart."""
        merged: list[tuple[int, int]] = []
        for start, end in sorted(c for t in tables if (c := self.cut(t)) is not None):
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
            else:
                merged.append((start, end))
        return merged

    def cut(self, table: Table) -> tuple[int, int] | None:
        """Where ``table``'s rows are (start, end): whole lines, or only the table's part of a line
        for a table flattened into one; None when they are not in the text (a tab table, which
        segmentation took out of the text, or the table of another part of the unit)."""
        if table.layout in _KEPT_LAYOUTS or not table.rows or len(table.lines) != 2:
            return None
        every = {_folded(c)[0] for c in [*(table.header or []), *(c for row in table.rows for c in row)]} - {""}
        cells = {c for c in every if len(c) >= 2}  # one character (人, ↑, Ａ) is anywhere
        hits = sorted(self._hits(cells), key=lambda h: h.first)
        firsts = [h.first for h in hits]
        covered = [0] * len(self.starts)  # how much of each line cells cover: table rows are all cells
        for h in hits:
            if h.first == h.last:
                covered[h.first] += len(h.cell)
        height = table.lines[1] - table.lines[0] + 1  # the table's source lines: the most text lines it has
        best: tuple[int, float] = (0, 0.0)
        inside: list[_Hit] = []
        for top in sorted(set(firsts)):
            window = [h for h in hits[bisect.bisect_left(firsts, top):bisect.bisect_left(firsts, top + height)]
                      if h.last < top + height]
            score = (len({h.cell for h in window}),
                     sum(covered[n] / self.size[n] for n in range(top, min(top + height, len(self.starts)))
                         if self.size[n]))
            if score > best:
                best, inside = score, window
        found = {h.cell for h in inside}
        if len(found) < 2 or 2 * len(found) < len(cells):
            return None
        start, end = _smallest_cover(inside, found)
        first, last = self._line(start), self._line(end - 1)
        if table.layout != "running":  # rows on lines of their own (a table flattened into one is a piece of a line)
            while last + 1 < len(self.starts) and last - first + 1 < height and self._line_text(last + 1) in every:
                last += 1  # a last row's one-character cell (評価 Ａ) on a line of its own
            while first > 0 and last - first + 1 < height and self._line_text(first - 1) in every:
                first -= 1
        # Whole lines, unless a sentence shares the first or the last (a PDF's page read as one line).
        head, tail = self.starts[first], self._end_of(last)
        if len(_folded(self.text[head:start])[0]) > _EDGE:
            head = start
        if len(_folded(self.text[end:tail])[0]) > _EDGE:
            tail = end
        return head, tail

    def _hits(self, cells: set[str]) -> Iterable[_Hit]:
        for cell in cells:
            k = self.folded.find(cell)
            while k >= 0:
                last = k + len(cell) - 1
                yield _Hit(self.line_of[k], self.line_of[last], self.at[k], self.at[last] + 1, cell)
                k = self.folded.find(cell, k + 1)

    def _line(self, i: int) -> int:
        return bisect.bisect_right(self.starts, i) - 1

    def _end_of(self, line: int) -> int:
        """Where ``line`` ends, with its line break."""
        return self.starts[line + 1] if line + 1 < len(self.starts) else len(self.text)

    def _line_text(self, line: int) -> str:
        """The folded text of ``line``."""
        lo = bisect.bisect_left(self.at, self.starts[line])
        hi = bisect.bisect_left(self.at, self._end_of(line))
        return self.folded[lo:hi]


def _smallest_cover(hits: list[_Hit], cells: set[str]) -> tuple[int, int]:
    """The shortest stretch of text that holds a hit of every cell of ``cells``."""
    hits = sorted(hits, key=lambda h: h.start)
    count: dict[str, int] = {}
    best = (hits[0].start, max(h.end for h in hits))
    left = 0
    for right, h in enumerate(hits):
        count[h.cell] = count.get(h.cell, 0) + 1
        while len(count) == len(cells):
            end = max(g.end for g in hits[left:right + 1])
            if end - hits[left].start < best[1] - best[0]:
                best = (hits[left].start, end)
            gone = hits[left].cell
            count[gone] -= 1
            if not count[gone]:
                del count[gone]
            left += 1
    return best


def _marked(text: str, entities: list[Entity], field: str, cuts: Sequence[tuple[int, int]] = ()) -> str:
    """``text`` as HTML with the entities of ``field`` wrapped in <mark>, without the stretches
    ``cuts`` (start, end; in order) and the entities in them."""
    spans = sorted((e for e in entities if e.field == field), key=lambda e: e.start)
    out, pos = [], 0
    kept = [(a, b) for a, b in zip([0] + [end for _, end in cuts], [start for start, _ in cuts] + [len(text)]) if a < b]
    for a, b in kept:
        pos = a
        for e in spans:
            if e.start < pos or e.end > b or text[e.start:e.end] != e.text:
                continue
            out.append(html.escape(text[pos:e.start]))
            title = e.label + (f" {e.fine_label}" if e.fine_label else "") + (f" {e.year}" if e.year else "")
            out.append(f'<mark data-label="{e.label}" title="{html.escape(title)}">{html.escape(e.text)}</mark>')
            pos = e.end
        out.append(html.escape(text[pos:b]))
    return "".join(out)


def _text(text: str, entities: list[Entity], field: str, tables: list[Table]) -> str:
    """A text's <div>, without the rows of the tables shown below it; nothing when nothing is left."""
    if not text:
        return ""
    cuts = _TextTables(text).cuts(tables) if tables else []
    shown = _marked(text, entities, field, cuts)
    if cuts:  # the line breaks around the rows left out
        shown = shown.strip()
    return f'<div class="text">{shown}</div>' if shown else ""


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
        self.all = [t for s in holder.sections for t in s.tables] + holder.tables
        numbers = iter(range(1, len(self.all) + 1))
        self.sections = [[(next(numbers), t) for t in s.tables] for s in holder.sections]
        self.own = [(next(numbers), t) for t in holder.tables]

    def one(self, number: int, table: Table) -> str:
        """A table: the indicators read from it with its cells folded under them, or its cells."""
        inds = self.groups.pop(number, None)
        return (_indicators(inds) if inds else "") + _cells(number, table, folded=bool(inds) or table.rule == "indicators")

    def section(self, si: int) -> str:
        return "".join(self.one(number, t) for number, t in self.sections[si]) if si < len(self.sections) else ""

    def leftover(self) -> str:
        """Indicators whose table is not among the unit's (call after every table is shown)."""
        return "".join(_indicators(inds) for inds in self.groups.values())


def _in_text_order(blocks: list[list[tuple[list[int], Callable[[], str]]]]) -> str:
    """The blocks of a unit as the text prints them: by first line.  ``blocks`` are lists in
    their own order (sections, items, references, tables, sub-units), each block with its lines
    and how to render it.  A block without lines (a unit only a contents list names) stays right
    after the block before it in its list, or before the first block with lines when it leads.  So
    a label that introduces units is printed right before them, as its line is."""
    keyed: list[tuple[tuple[int, int], int, int, Callable[[], str]]] = []
    for order, listed in enumerate(blocks):
        firsts = [lines[0] if lines else None for lines, _ in listed]
        key = (next((f for f in firsts if f is not None), 0), -1)
        for k, (first, (_, render)) in enumerate(zip(firsts, listed)):
            if first is not None:
                key = (first, 0)
            elif key[1] == 0:
                key = (key[0], 1)
            keyed.append((key, order, k, render))
    return "".join(render() for *_, render in sorted(keyed, key=lambda x: x[:3]))


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
    tables = _Tables(node)
    parts.append(_text(node.text, e, "text", tables.all))

    def section(si: int) -> str:
        s = node.sections[si]
        items = "".join(f"<li>{html.escape(it.marker or '')} {_marked(it.text, e, f'sections/{si}/items/{ii}/text')}</li>"
                        for ii, it in enumerate(s.items))
        return (f'<div class="section"><h4>{html.escape(s.name)}</h4>{_text(s.text, e, f"sections/{si}/text", tables.all)}'
                + (f"<ul>{items}</ul>" if items else "") + tables.section(si) + "</div>")

    def items() -> str:
        return "<ul>" + "".join(f"<li>{html.escape(it.marker or '')} {_marked(it.text, e, f'items/{ii}/text')}</li>"
                                for ii, it in enumerate(node.items)) + "</ul>"

    def refs() -> str:
        return "<table><tr><th>code</th><th>title</th><th>page</th></tr>" + "".join(
            f"<tr><td>{html.escape(r.code)}</td><td>{html.escape(r.title)}</td><td>{r.page or ''}</td></tr>"
            for r in node.refs) + "</table>"

    parts.append(_in_text_order([
        [(s.lines, partial(section, si)) for si, s in enumerate(node.sections)],
        [(node.items[0].lines, items)] if node.items else [],
        [([node.refs[0].line], refs)] if node.refs else [],
        [(t.lines, partial(tables.one, number, t)) for number, t in tables.own],
        [([] if c.from_contents else c.lines, partial(_node, c, False)) for c in node.children],
    ]))
    parts.append(tables.leftover())  # after every table has taken its own indicators
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
    tables = _Tables(front)
    inner = [_text(front.text, front.entities, "text", tables.all)]
    for si, s in enumerate(front.sections):
        if not s.units:  # a label that introduces the first units is shown right before them
            inner.append(_front_section(front, si, tables))
    if front.items:
        inner.append("<ul>" + "".join(f"<li>{_marked(it.text, front.entities, f'items/{ii}/text')}</li>"
                                      for ii, it in enumerate(front.items)) + "</ul>")
    inner.extend(tables.one(number, t) for number, t in tables.own)
    inner.append(tables.leftover())
    if any(inner):
        parts.append('<details><summary><span class="kind">front matter</span>before the first unit</summary>'
                     + "".join(inner) + "</details>")
    return "".join(parts)


def _front_section(front: FrontMatter, si: int, tables: _Tables | None = None) -> str:
    s = front.sections[si]
    body = _text(s.text, front.entities, f"sections/{si}/text", tables.all if tables is not None else [])
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
    body = []
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
    documents_html = "".join(body)
    top = [f"<h1>keikaku report: {len(documents)} document(s)</h1>",
           '<p><button onclick="setAll(true)">expand all</button> <button onclick="setAll(false)">collapse all</button></p>',
           _legend(documents_html), _triage(documents)]
    return ("<!DOCTYPE html>\n<html lang=\"ja\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>keikaku report</title><style>{_CSS}</style><script>{_SCRIPT}</script></head>"
            f"<body>{''.join(top)}{documents_html}</body></html>\n")


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
