"""Stage 2: source text + profile → document tree.

By default the outline of each document is **inferred from the document itself**, one step per
module, each a plain function over the previous steps' data (``keikaku inspect`` prints what each
step decided):

1. :mod:`.rows` — lines → rows (run-on pages cut at their spaces);
2. :mod:`.candidates` — what each row could be, read with the vocabulary (:mod:`.vocabulary`);
3. :mod:`.layout` — what the pages showed (page breaks; a PDF's furniture and print);
   :mod:`.furniture` — page numbers, running headers and footers;
4. :mod:`.toc` — contents lists read token by token (目次, leaders, displaced codes), their
   entries nested; :mod:`.contents` — lists after list bullets;
5. :mod:`.sequences` — which markers are headings: chains of numbers are the evidence, and a
   well-formed lone marker stands by its form;
6. :mod:`.titles` — each heading's title (next row, wrapped) and label;
7. :mod:`.contents` — lists of headings without a header (copies of units found elsewhere);
8. :mod:`.structure` — part names without a code above restarted numberings;
9. :mod:`.levels` — how the headings nest, from the order the document uses;
10. :mod:`.build` — the tree; :mod:`.resolve` — each contents entry joined to the unit it names
    or made a unit of its own; :mod:`.structure` — the summary and the outline's confidence.

A profile with an ``[[outline]]`` pins step 9's order; the shipped city profiles pin their levels
as patterns: their lines are classified (:mod:`.classify`) and added to the tree by the same
builder (:mod:`.pinned`).  Such a profile is chosen when its ``detect`` patterns match and it
explains about as much of the text as inference (:mod:`.choice`).  Ids are given once the tree
is final.  The tree returned here is stage 2's; :mod:`keikaku.extract.document` reads its
indicators, runs the alignment guard (every character of the source in exactly one place) and
finishes the document.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

from ..errors import InputError, PatternLimitError, Warnings
from ..ingest.text import SourceText
from ..model.tree import Document, Item, Node, ProfileChoice, Source
from .build import assign_ids, build
from .candidates import Mark, Role, read_rows
from .choice import by_inference, by_pins, choose, detected
from .contents import (
    Block,
    Keys,
    bulleted_blocks,
    echoes,
    heading_key,
    implicit_blocks,
    merge_adjacent,
    own_content,
)
from .furniture import Furniture, find_furniture
from .layout import page_evidence
from .levels import Outline, nest
from .pinned import build_pinned
from .profile import Profile, builtin_profiles
from .resolve import resolve_entries, resolve_pinned
from .rows import Row, split_rows
from .sequences import Rejected, decide
from .structure import named_parts, restart_parts, structure_of, uncoded_headings, uncoded_parts, volume_parts
from .tables import infer_pages
from .titles import Heading, assemble
from .toc import find_lists
from .vocabulary import vocabulary

__all__ = ["Inference", "assign_ids", "choose_profile", "infer", "segment", "segment_source"]


@dataclass
class Inference:
    """Everything inference decided about one document, step by step."""

    rows: list[Row]
    marks: list[Mark]
    furniture: Furniture
    blocks: list[Block]
    headings: dict[int, Heading]
    outline: Outline
    rejected: list[Rejected] = field(default_factory=list)
    method: str = "inferred"  # "outline" when a profile pins the order of levels
    lone: set[int] = field(default_factory=set)  # headings accepted by their form alone
    parts: set[int] = field(default_factory=set)  # part names found above restarted numberings


def _title_text(rows: list[Row], h: Heading) -> str:
    mk = h.marker
    return mk.title if mk.title else "".join(rows[t].core for t in h.title_rows[:1])


def infer(source: SourceText, profile: Profile) -> Inference:
    """Steps 1–9: the rows, their roles, furniture, contents lists, headings and their nesting."""
    vocab = vocabulary(profile)
    rows = split_rows(source.lines, vocab)
    marks = read_rows(rows, vocab, profile)
    evidence = page_evidence(source, rows)
    furniture = find_furniture(rows, marks, evidence)
    blocks = find_lists(rows, marks, furniture, vocab, profile.list_prefix)
    listed = {r for b in blocks for r in b.rows}
    keys = Keys(rows, marks, furniture)
    blocks = sorted(blocks + bulleted_blocks(rows, marks, furniture, keys, listed), key=lambda b: b.rows[0])
    listed = {r for b in blocks for r in b.rows}
    decisions = decide(rows, marks, furniture, listed, profile, vocab.is_quantity, evidence)
    headings, untitled = assemble(rows, marks, furniture, decisions.heads, listed, vocab.is_quantity)
    keys_of = {i: heading_key(h.marker.code, _title_text(rows, h)) for i, h in headings.items()}
    # Lists of headings without a header, found from what each heading holds.
    title_rows = {r for h in headings.values() for r in h.title_rows + h.label_rows}
    bulleted = [i for i, m in enumerate(marks) if m.role is Role.MARKER and i not in listed
                and all(mk.bulleted for mk in m.markers)]
    stops = sorted(set(headings) | set(bulleted) | {b.rows[0] for b in blocks})
    content = own_content(rows, marks, furniture, stops, listed | title_rows, echoes(rows, marks, keys))
    bare = own_content(rows, marks, furniture, stops, listed | title_rows, set())
    between = _after_previous(rows, headings, furniture)
    running = _running(headings, keys_of, furniture, between)
    more = implicit_blocks(rows, marks, furniture, {i: h.marker for i, h in headings.items()}, keys_of,
                           {i: h.title_rows + h.label_rows for i, h in headings.items()}, running, stops,
                           content, bare, listed)
    copies = {r for b in more for r in b.rows}
    # A copy list takes its headings with their titles; a heading keeps no row a list holds.
    headings = {i: h for i, h in headings.items() if i not in copies}
    for h in headings.values():
        h.title_rows = [r for r in h.title_rows if r not in copies]
        h.label_rows = [r for r in h.label_rows if r not in copies]
    blocks = merge_adjacent(rows, furniture, blocks + more)
    if not headings and not profile.outline:
        headings = uncoded_headings(rows, marks, furniture, {r for b in blocks for r in b.rows})
        keys_of.update({i: heading_key("", _title_text(rows, h)) for i, h in headings.items()})
    parts: dict[int, Heading] = {}
    if headings and not profile.outline:
        parts = restart_parts(rows, marks, furniture, headings, {r for b in blocks for r in b.rows})
        parts.update(named_parts(rows, marks, furniture, {**headings, **parts}, {r for b in blocks for r in b.rows}))
        volumes = volume_parts(rows, marks, furniture, headings, parts, {r for b in blocks for r in b.rows},
                               vocab.part_names)
        parts.update({j: h for j, h in volumes.items() if j not in parts})
        if not parts:
            parts.update(uncoded_parts(rows, marks, furniture, headings, {r for b in blocks for r in b.rows}))
        headings.update(parts)
        keys_of.update({i: heading_key("", _title_text(rows, h)) for i, h in parts.items()})
    between = _after_previous(rows, headings, furniture)
    outline = nest(rows, headings, keys_of, furniture.page_tops, between, profile, content)
    rejected = sorted(decisions.rejected + untitled, key=lambda r: r.row)
    return Inference(rows, marks, furniture, blocks, headings, outline, rejected,
                     "outline" if profile.outline else "inferred", decisions.lone & set(outline.placed), set(parts))


def _running(headings: dict[int, Heading], keys_of: dict[int, tuple[str, str]], furniture: Furniture,
             between: dict[int, int | None]) -> set[int]:
    """Headings that repeat, at the top of a page or right below it, the latest unit of their
    style (第1章 子育て・教育 printed on every page of chapter 1).  :mod:`.levels` decides again,
    knowing which units are open; this first view keeps such repeats out of the copy lists."""
    running: dict[int, int] = {}  # running row → the heading it repeats
    last_by_key: dict[tuple[str, str], int] = {}
    last_by_style: dict[str, int] = {}
    for i in sorted(headings):
        key, style = keys_of[i], headings[i].marker.style
        k = last_by_key.get(key)
        before = between.get(i)
        before = running.get(before, before) if before is not None else None  # a chain of repeats
        if k is not None and last_by_style.get(style) == k and (i in furniture.page_tops or before == k):
            running[i] = k
            continue
        last_by_key[key] = i
        last_by_style[style] = i
    return set(running)


def _after_previous(rows: list[Row], headings: dict[int, Heading], furniture: Furniture) -> dict[int, int | None]:
    """For each heading, the previous heading's row when only blank rows and furniture lie between."""
    out: dict[int, int | None] = {}
    order = sorted(headings)
    for a, b in zip(order, order[1:]):
        gap = any(not rows[r].blank and r not in furniture for r in range(max(headings[a].rows) + 1, b))
        out[b] = None if gap else a
    return out


def document_title(source: SourceText) -> str:
    for line in source.lines:
        text = line.text.strip().lstrip("◆◇■□●○▶・-").strip()
        if text:
            return text[:80]
    return ""


def segment(source: SourceText, profile: Profile, doc_id: str, choice: ProfileChoice | None = None,
            inference: Inference | None = None) -> Document:
    """Build the document tree of ``source`` with ``profile`` (its tree checked, not yet finished:
    :func:`keikaku.extract.document.parse` reads its indicators, runs the alignment guard and
    finishes it).  A pattern of the user's profile over its limit fails this document, naming its line."""
    try:
        return _segment(source, profile, doc_id, choice, inference)
    except PatternLimitError as exc:
        raise InputError(source.path, f"{_where(source, exc.text)}{exc}") from None


def _where(source: SourceText, text: str) -> str:
    """``line N: `` for the first line that holds ``text`` (a row's matching form, or a title
    with its spaces removed), or nothing when no single line does."""
    if text:
        squeezed = "".join(text.split())
        for line in source.lines:
            if text in line.m.text or squeezed in "".join(line.m.text.split()):
                return f"line {line.no}: "
    return ""


def _segment(source: SourceText, profile: Profile, doc_id: str, choice: ProfileChoice | None,
             inference: Inference | None) -> Document:
    warnings = list(source.warnings)
    structure: dict[str, object]
    targets: Sequence[tuple[Item, Node | None]]  # each contents entry and the unit it names
    if profile.pinned:
        tree = build_pinned(source.lines, profile)
        root, furniture, warnings = tree.root, tree.furniture, warnings + tree.warnings
        targets = resolve_pinned(root, tree.entry_keys)
        structure = {"method": "pinned", "profile": profile.name}
        if not root.children:
            warnings.append(Warnings.W202())
    else:
        inf = inference if inference is not None else infer(source, profile)
        built = build(inf.rows, inf.marks, inf.furniture, inf.blocks, inf.headings, inf.outline, profile)
        root, furniture = built.root, built.furniture
        warnings += built.warnings
        resolved, targets = resolve_entries(root, built.lists)
        warnings += resolved
        summary = structure_of(inf, root, vocabulary(profile).confidence_weights)
        structure = summary.as_json()
        warnings += summary.warnings
    assign_ids(root)  # once the tree is final: units made from contents entries come before others
    for item, unit in targets:
        item.target = unit.id if unit is not None else None
    inferred = infer_pages(root)
    if inferred:
        warnings.append(Warnings.W207(n=inferred))
    doc = Document(
        doc_id=doc_id, title=document_title(source),
        source=Source(path=source.path, sha256=source.sha256, encoding=source.encoding, bytes=source.size,
                      lines=len(source.lines), pages=source.pages,
                      chars=sum(len(line.text) for line in source.lines)),
        profile=choice or ProfileChoice(name=profile.name, path=profile.source, reason="given with --profile"),
        root=root, furniture=furniture, warnings=warnings, structure=structure)
    doc.check_tree()
    return doc


def choose_profile(source: SourceText, profiles: dict[str, Profile] | None = None) -> tuple[Profile, ProfileChoice]:
    """The profile :func:`segment_source` would use for ``source``, and why."""
    profile, choice, _ = _choose(source, profiles)
    return profile, choice


def _choose(source: SourceText, profiles: dict[str, Profile] | None = None
            ) -> tuple[Profile, ProfileChoice, Inference | None]:
    """Inference with the generic vocabulary, and each shipped city profile whose ``detect``
    patterns all match, scored by what they explain (:func:`.choice.choose`); the inference is
    returned for reuse when it wins."""
    profiles = profiles if profiles is not None else builtin_profiles()
    inference = infer(source, profiles["generic"])
    found = {"generic": by_inference(inference)}
    for name, profile in sorted(profiles.items()):
        if name != "generic" and detected(profile, source.lines):
            found[name] = by_pins(profile, source.lines) if profile.pinned else by_inference(infer(source, profile))
    choice = choose(found, profiles)
    return profiles[choice.name], choice, inference if choice.name == "generic" else None


def segment_source(source: SourceText, doc_id: str, profile: Profile | None = None) -> Document:
    """Segment ``source`` with ``profile``, or with the profile chosen for it when None."""
    if profile is None:
        chosen, choice, inference = _choose(source)
        return segment(source, chosen, doc_id, choice, inference)
    return segment(source, profile, doc_id)
