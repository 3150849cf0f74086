"""``keikaku report OUT_DIR``: one self-contained HTML page to read a run's results.

Per document: a collapsible tree of the hierarchy (HTML ``<details>``, so it works without
JavaScript), each node's text with its entities highlighted, its sections, items and
references, keyword chips, and the manifest's warnings and errors.  No network and no external
assets: the CSS and the few lines of script are inline, and fonts are the reader's own.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from .errors import InputError
from .export import atomic_write
from .outdir import MANIFEST, REPORT, OutputFolder

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
.warn{color:#8a5300} .error{color:#a00} .doctitle{font-weight:bold;margin:.2rem 0}
"""
_SCRIPT = """
function setAll(open){document.querySelectorAll('details').forEach(d=>d.open=open);}
"""


def _marked(text: str, entities: list[dict[str, Any]], field: str) -> str:
    """``text`` as HTML with the entities of ``field`` wrapped in <mark>."""
    spans = sorted((e for e in entities if e["field"] == field), key=lambda e: e["start"])
    out, pos = [], 0
    for e in spans:
        if e["start"] < pos or text[e["start"]:e["end"]] != e["text"]:
            continue
        out.append(html.escape(text[pos:e["start"]]))
        title = e["label"] + (f" {e['fine_label']}" if e.get("fine_label") else "") + (
            f" {e['year']}" if e.get("year") else "")
        out.append(f'<mark data-label="{e["label"]}" title="{html.escape(title)}">{html.escape(e["text"])}</mark>')
        pos = e["end"]
    out.append(html.escape(text[pos:]))
    return "".join(out)


def _node(node: dict[str, Any], open_: bool) -> str:
    e = node.get("entities", [])
    head = " ".join(html.escape(x) for x in (node.get("code"), node.get("title")) if x)
    parts = [f'<details{" open" if open_ else ""} data-id="{html.escape(node["id"])}">',
             f'<summary><span class="kind">{html.escape(node["kind"])}</span>{head or html.escape(node["id"])}</summary>']
    if node.get("keywords"):
        parts.append('<div class="chips">' + "".join(f'<span class="chip" title="score {k["score"]}">'
                                                      f'{html.escape(k["term"])}</span>' for k in node["keywords"][:10])
                     + "</div>")
    if node.get("text"):
        parts.append(f'<div class="text">{_marked(node["text"], e, "text")}</div>')
    for si, s in enumerate(node.get("sections", [])):
        body = f'<div class="text">{_marked(s["text"], e, f"sections/{si}/text")}</div>' if s["text"] else ""
        items = "".join(f"<li>{_marked(it['text'], e, f'sections/{si}/items/{ii}/text')}</li>"
                        for ii, it in enumerate(s["items"]))
        parts.append(f'<div class="section"><h4>{html.escape(s["name"])}</h4>{body}'
                     + (f"<ul>{items}</ul>" if items else "") + "</div>")
    if node.get("items"):
        parts.append("<ul>" + "".join(f"<li>{html.escape(it.get('marker') or '')} "
                                      f"{_marked(it['text'], e, f'items/{ii}/text')}</li>"
                                      for ii, it in enumerate(node["items"])) + "</ul>")
    if node.get("refs"):
        parts.append("<table><tr><th>code</th><th>title</th><th>page</th></tr>" + "".join(
            f"<tr><td>{html.escape(r['code'])}</td><td>{html.escape(r['title'])}</td><td>{r['page'] or ''}</td></tr>"
            for r in node["refs"]) + "</table>")
    parts.extend(_node(child, False) for child in node.get("children", []))
    parts.append("</details>")
    return "".join(parts)


def _document(out: OutputFolder, name: str) -> tuple[dict[str, Any] | None, str | None]:
    """A document JSON of the folder, or why it cannot be read (a damaged file is reported on the
    page; the rest of the report is built)."""
    path = out.file(name)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(doc, dict) or not isinstance(doc.get("children"), list):
            raise ValueError(f"a {type(doc).__name__} at the top, not a keikaku document")
        return doc, None
    except (OSError, ValueError) as exc:
        return None, f"{path.name} cannot be read: {exc}"


def _front(doc: dict[str, Any]) -> str:
    """The document's title and front matter (what precedes its first unit)."""
    front = doc.get("front_matter") or {}
    parts = [f'<p class="doctitle">{html.escape(str(doc.get("title") or ""))}</p>']
    inner = []
    if front.get("text"):
        inner.append(f'<div class="text">{_marked(front["text"], front.get("entities", []), "text")}</div>')
    for s in front.get("sections", []):
        inner.append(f'<div class="section"><h4>{html.escape(s["name"])}</h4><div class="text">'
                     f'{html.escape(s["text"])}</div></div>')
    if front.get("items"):
        inner.append("<ul>" + "".join(f"<li>{html.escape(it['text'])}</li>" for it in front["items"]) + "</ul>")
    if inner:
        parts.append('<details><summary><span class="kind">front matter</span>before the first unit</summary>'
                     + "".join(inner) + "</details>")
    return "".join(parts)


def render_report(output_dir: str | Path) -> str:
    """The report of an output folder as one HTML string."""
    out = OutputFolder(Path(output_dir))
    state = out.read_manifest()
    if state.damaged or not (out.path / MANIFEST).exists():
        raise InputError(str(out.path), f"has no readable {MANIFEST} ({state.damaged or 'missing'}): is it a keikaku"
                                        " output folder?")
    documents = [state.documents[k] for k in sorted(state.documents)]
    body = [f"<h1>keikaku report: {len(documents)} document(s)</h1>",
            '<p><button onclick="setAll(true)">expand all</button> <button onclick="setAll(false)">collapse all</button></p>']
    for entry in documents:
        body.append(f'<h2 id="{html.escape(entry["doc_id"])}">{html.escape(entry["doc_id"])}'
                    f' <small>({html.escape(str(entry.get("status")))}, profile {html.escape(str(entry.get("profile")))})'
                    "</small></h2>")
        body.extend(f'<p class="warn">warning: {html.escape(w)}</p>' for w in entry.get("warnings", []))
        body.extend(f'<p class="error">error: {html.escape(w)}</p>' for w in entry.get("errors", []))
        if not entry.get("output"):
            continue
        doc, problem = _document(out, str(entry["output"]))
        if doc is None:
            body.append(f'<p class="error">damaged: {html.escape(str(problem))}; run keikaku again to rebuild it</p>')
            continue
        body.append(_front(doc))
        if doc.get("keywords"):
            body.append('<div class="chips">' + "".join(f'<span class="chip">{html.escape(k["term"])}</span>'
                                                        for k in doc["keywords"][:10]) + "</div>")
        body.extend(_node(child, True) for child in doc["children"] if isinstance(child, dict))
    return ("<!DOCTYPE html>\n<html lang=\"ja\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>keikaku report</title><style>{_CSS}</style><script>{_SCRIPT}</script></head>"
            f"<body>{''.join(body)}</body></html>\n")


def write_report(output_dir: str | Path, target: str | Path | None = None) -> Path:
    """Write ``report.html`` into the output folder (or ``target``); return its path."""
    path = Path(target) if target else Path(output_dir) / REPORT
    atomic_write(path, render_report(output_dir))
    return path
