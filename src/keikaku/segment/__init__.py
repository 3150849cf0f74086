"""Stage 2: source text + profile → document tree.

By default the outline of each document is **inferred from the document itself**, one step per
module, each a plain function over the previous steps' data (``keikaku inspect`` prints what each
step decided):

1. :mod:`.rows` — lines → rows (run-on pages cut at their spaces);
2. :mod:`.candidates` — what each row could be, read with the vocabulary (:mod:`.vocabulary`);
3. :mod:`.furniture` — page numbers, running headers and footers;
4. :mod:`.toc` — contents lists read token by token (目次, leaders, displaced codes), their
   entries nested; :mod:`.contents` — lists after list bullets;
5. :mod:`.sequences` — which markers are headings: chains of numbers are the evidence, and a
   well-formed lone marker stands by its form;
6. :mod:`.titles` — each heading's title (next row, wrapped) and label;
7. :mod:`.contents` — lists of headings without a header (copies of units found elsewhere);
8. :mod:`.structure` — part names without a code above restarted numberings;
9. :mod:`.levels` — how the headings nest, from the order the document uses;
10. :mod:`.build` — the tree; here, each contents entry joined to the unit it names or made a
    unit of its own; :mod:`.structure` — the summary and the outline's confidence.

A profile with an ``[[outline]]`` pins step 9's order; the shipped city profiles pin their levels
as patterns (:mod:`.pinned`) and are chosen when their ``detect`` patterns match and they explain
the text at least as well as inference.  The alignment guard then proves that every character of
the source is in exactly one place.
"""

from __future__ import annotations

import gc
import itertools
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Iterator

from ..errors import InputError, PatternLimitError
from ..ingest.text import SourceText
from ..model.tree import Document, Item, Node, NodeKind, ProfileChoice, Source, Span
from ..text.normalize import FORMULA_START, join_broken
from .build import build, title_and_subtitle
from .candidates import Mark, Role, read_rows
from .contents import (
    Block,
    Entry,
    Keys,
    bulleted_blocks,
    echoes,
    heading_key,
    implicit_blocks,
    merge_adjacent,
    own_content,
)
from .furniture import Furniture, find_furniture
from .levels import Outline, nest
from .pinned import build_pinned, explain_score
from .profile import Profile, builtin_profiles
from .rows import Row, split_rows
from .sequences import Rejected, decide
from .structure import named_parts, restart_parts, structure_of, uncoded_headings, uncoded_parts, volume_parts
from .tables import infer_pages
from .titles import Heading, assemble
from .toc import find_lists
from .vocabulary import vocabulary

CITY_SHARE = 0.8  # a matching city profile is chosen when it explains this share of what inference does

__all__ = ["Inference", "choose_profile", "infer", "segment", "segment_source"]


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

    def score(self) -> float:
        """How much structure inference explains, weighted as :func:`.pinned.explain_score` does."""
        placed = self.outline.placed
        score = 3.0 * len(placed) + sum(len(self.headings[r].title_rows) + len(self.headings[r].label_rows)
                                        for r in placed)
        score += sum(len(b.entries) + (1 if b.header is not None else 0) for b in self.blocks)
        roles = Counter(m.role for m in self.marks)
        score += 2.0 * (roles[Role.SECTION] + roles[Role.VALUE_SECTION]) + roles[Role.BULLET]
        return score


def _title_text(rows: list[Row], h: Heading) -> str:
    mk = h.marker
    return mk.title if mk.title else "".join(rows[t].core for t in h.title_rows[:1])


def infer(source: SourceText, profile: Profile) -> Inference:
    """Steps 1–8: the rows, their roles, furniture, contents lists, headings and their nesting."""
    vocab = vocabulary(profile)
    rows = split_rows(source.lines, vocab)
    marks = read_rows(rows, vocab, profile)
    furniture = find_furniture(rows, marks)
    blocks = find_lists(rows, marks, furniture, vocab, profile.list_prefix)
    listed = {r for b in blocks for r in b.rows}
    keys = Keys(rows, marks, furniture)
    blocks = sorted(blocks + bulleted_blocks(rows, marks, furniture, keys, listed), key=lambda b: b.rows[0])
    listed = {r for b in blocks for r in b.rows}
    decisions = decide(rows, marks, furniture, listed, profile, vocab.is_quantity)
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


def assign_ids(node: Node) -> None:
    """Stable ids: the path of codes (or kind + ordinal) from the root, e.g. ``み1/み1-1/み1-1-1``."""
    counts: Counter[NodeKind] = Counter()
    used: set[str] = set()
    repeats: dict[str, int] = {}  # the last ~n given to a code, so that 2,000 repeats cost 2,000 steps
    for child in node.children:
        if child.code:
            seg = child.code
        else:
            counts[child.kind] += 1
            seg = f"{child.kind.value}{counts[child.kind]}"
        if seg[:1] in FORMULA_START:  # ids are keys of the CSV tables, never escaped there
            seg = "_" + seg
        base = seg
        n = repeats.get(base, 1)
        while seg in used:
            n += 1
            seg = f"{base}~{n}"
        repeats[base] = n
        used.add(seg)
        child.id = f"{node.id}/{seg}" if node.id else seg
        assign_ids(child)


class _Units:
    """The units of the text, found by what a contents entry says of them: code and title, the
    title alone (a list may number 1. what the body calls 第1章), a title that one of them cuts
    short, or the same code with a title cut short (Ⅰ 序 / Ⅰ 序論).  Each unit answers one entry
    of a list.  Units are kept in insertion-ordered maps, a taken unit is removed from every map
    that holds it, and a look-up compares an entry with a bounded number of units: the cost does
    not grow with the number of units in the text."""

    def __init__(self, root: Node) -> None:
        self.maps: list[dict[object, dict[int, tuple[str, Node]]]] = [{}, {}, {}, {}]
        self.by_key, self.by_title, self.by_code, self.by_piece = self.maps
        self.member: dict[int, list[dict[int, tuple[str, Node]]]] = {}  # unit → the buckets that hold it
        for n in root.walk():
            if n.kind in (NodeKind.DOCUMENT, NodeKind.CONTENTS) or n.from_contents:
                continue
            full = (n.title or "") + (n.subtitle or "")  # an entry names 総論 ―まちづくり― whole
            compact = heading_key("", full)[1]
            keys: list[tuple[dict[object, dict[int, tuple[str, Node]]], object]] = []
            for title in {n.title or "", full}:
                keys.append((self.by_key, heading_key(n.code or "", title)))
                if title:
                    keys.append((self.by_title, heading_key("", title)[1]))
            if n.code:
                keys.append((self.by_code, n.code))
            keys += [(self.by_piece, compact[k:k + 3]) for k in range(max(0, len(compact) - 2))]
            for table, key in keys:
                bucket = table.setdefault(key, {})
                bucket[id(n)] = (compact, n)
                self.member.setdefault(id(n), []).append(bucket)

    def take(self, node: Node) -> None:
        """The unit answers an entry: no other entry gets it."""
        for bucket in self.member.pop(id(node), []):
            bucket.pop(id(node), None)

    @staticmethod
    def _first(bucket: dict[int, tuple[str, Node]] | None) -> Node | None:
        return next(iter(bucket.values()))[1] if bucket else None

    def find(self, entry: Entry) -> Node | None:
        title = heading_key("", entry.title or entry.text)[1]
        found = self._first(self.by_key.get(entry.key)) if entry.key else None
        found = found or self._first(self.by_title.get(title))
        code = entry.marker.code if entry.marker is not None else ""
        if found is None and len(title) >= 4:
            # One title contains the other: they share the first three characters of the shorter.
            near = itertools.chain(self.by_piece.get(title[:3], {}).values(),
                                   (u for k in range(len(title) - 2) for u in self.by_piece.get(title[k:k + 3], {}).values()
                                    if u[0].startswith(title[k:k + 3])))
            found = next((n for t, n in itertools.islice(near, MATCH_CANDIDATES)
                          if _shortens(title, t) and (not code or not n.code or n.code == code)), None)
        if found is None and code and title:  # Ⅰ 序 in the list, Ⅰ 序論 in the text
            found = next((n for t, n in itertools.islice(self.by_code.get(code, {}).values(), MATCH_CANDIDATES)
                          if t and (t.startswith(title) or title.startswith(t))), None)
        return found


MATCH_CANDIDATES = 200  # units compared with one entry at most (a title shared by thousands of units)


def _shortens(a: str, b: str) -> bool:
    """One title is the other cut short or with a little more: containment covering 80%."""
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    return short in long_ and len(short) >= 0.8 * len(long_)




class _Placement:
    """Where units made from contents entries go: right after the unit of the entry before them
    (their sibling in the list), else right before the text's unit of the entry after them, else
    at the end of their holder (the unit of their parent entry, or the contents node).  Insertions
    are gathered and made once per parent (:meth:`apply`): a list of thousands of entries costs
    one pass over each parent's children."""

    def __init__(self) -> None:
        self.after: dict[int, list[Node]] = {}
        self.before: dict[int, list[Node]] = {}
        self.parents: dict[int, Node] = {}

    def place(self, node: Node, holder: Node, before: Node | None, after: Node | None) -> None:
        anchor, side = (before, self.after) if before is not None else (after, self.before)
        parent = anchor.parent if anchor is not None else None
        if anchor is None or parent is None:
            holder.add_child(node)
            return
        side.setdefault(id(anchor), []).append(node)
        node.parent = parent
        self.parents[id(parent)] = parent

    def apply(self) -> None:
        for parent in self.parents.values():
            children: list[Node] = []
            for child in parent.children:
                self._emit(child, children)
            parent.children = children

    def _emit(self, node: Node, into: list[Node]) -> None:
        """``node`` with the units placed before and after it (and theirs), in order; a chain of
        thousands of units each placed after the one before is walked without recursion."""
        stack: list[tuple[Node, bool]] = [(node, False)]
        while stack:
            n, expanded = stack.pop()
            if expanded:
                into.append(n)
                continue
            # Pushed in reverse: the units before n, then n itself, then the units after it.
            stack.extend((m, False) for m in reversed(self.after.get(id(n), [])))
            stack.append((n, True))
            stack.extend((m, False) for m in reversed(self.before.get(id(n), [])))


def _resolve_entries(root: Node, lists: list[tuple[Node, Block, list[Item]]]) -> tuple[list[str], list[tuple[Item, Node]]]:
    """Point each contents entry at the unit it names and give that unit the entry's page.  An
    entry of a list that announced itself whose unit is not in the text (an excerpt, a summary,
    a contents page alone) becomes a unit of its own, marked as coming from the contents, nested
    as the list nests it: under the unit its parent entry names, or in the contents node.
    Returns the warnings and each entry with its unit (its ``target`` is that unit's id once the
    ids are final: units made here may come before it)."""
    units = _Units(root)
    placement = _Placement()
    warnings: list[str] = []
    targets: list[tuple[Item, Node]] = []
    for contents, block, items in lists:
        made: dict[int, Node] = {}
        missing: list[Item] = []
        for k, (entry, item) in enumerate(zip(block.entries, items)):
            target = units.find(entry)
            if target is not None:
                units.take(target)
                targets.append((item, target))
                if target.page is None and item.page is not None:
                    target.page = item.page
                made[k] = target
        found = set(made)  # entries whose unit is in the text
        # An entry without a code becomes a unit only when the list stands for units that are
        # not in the text (most coded entries name none: a contents page alone) or it heads others.
        has_code = [e.marker is not None for e in block.entries]
        alone = 2 * sum(1 for k, c in enumerate(has_code) if c and k not in made) >= sum(has_code)
        parents = {e.parent for k, e in enumerate(block.entries) if k not in made}  # heads of units from the list
        siblings: dict[int | None, list[int]] = {}
        position: dict[int, int] = {}  # an entry's place among its siblings
        for k, e in enumerate(block.entries):
            position[k] = len(siblings.setdefault(e.parent, []))
            siblings[e.parent].append(k)
        next_unit: dict[int, Node] = {}  # the text's unit of the nearest later sibling that names one
        for group in siblings.values():
            later: Node | None = None
            for j in reversed(group):
                if later is not None:
                    next_unit[j] = later
                if j in made:
                    later = made[j]
        for k, (entry, item) in enumerate(zip(block.entries, items)):
            if k in made:
                continue
            # 資料編 ⏎ 資-1 … in the list, only 資-1 … in the text: the part wraps their units
            below = _wrapped([made[j] for j in siblings.get(k, []) if j in found], item.spans)
            if not below and (not entry.explicit or entry.marker is None and not entry.decoration and not alone
                              and k not in parents):
                continue  # a copy whose unit was not found, or a line of a summary (将来像 …): stays an item
            holder = made.get(entry.parent, contents) if entry.parent is not None else contents
            marker = entry.marker
            title, subtitle = title_and_subtitle(join_broken(entry.title_text.strip())) if entry.title_text.strip() \
                else (None, None)
            node = Node(kind=marker.kind if marker is not None else NodeKind.HEADING,
                        level=marker.style if marker is not None else "contents",
                        code=(marker.code or None) if marker is not None else None, title=title, subtitle=subtitle,
                        heading_spans=list(item.spans), page=item.page, from_contents=True)
            made[k] = node
            missing.append(item)
            if below:
                _wrap(node, below)
                continue
            previous = siblings[entry.parent][position[k] - 1] if position[k] else None
            placement.place(node, holder, made.get(previous) if previous is not None else None, next_unit.get(k))
        gone = {id(it) for it in missing}
        contents.items = [it for it in contents.items if id(it) not in gone]
        coded = sum(1 for e in block.entries if e.marker is not None and e.explicit)
        if missing and coded and 2 * len(missing) < coded:
            warnings.append(f"{len(missing)} of {coded} contents entries name no heading of the text, kept as units"
                            f" from the contents (line {missing[0].spans[0].line}: {missing[0].text[:30]})")
    placement.apply()
    return warnings, targets


def _wrap(node: Node, below: list[Node]) -> None:
    """Put ``node`` where the run of units ``below`` stands and make them its children (one
    level deeper)."""
    parent = below[0].parent
    assert parent is not None
    at = next(k for k, c in enumerate(parent.children) if c is below[0])
    parent.children[at:at + len(below)] = [node]
    node.parent, node.rank = parent, below[0].rank
    for unit in below:
        node.add_child(unit)
        for n in unit.walk():
            n.rank += n.rank >= 0


def _wrapped(units: list[Node], entry: list[Span]) -> list[Node]:
    """``units`` (of one entry's children) when they come after the entry (printed at ``entry``)
    and follow each other under one parent in the tree: a unit made from that entry (the name of
    their part) wraps them.  Else nothing (a summary after the body wraps nothing)."""
    parent = units[0].parent if units else None
    if parent is None or any(u.parent is not parent for u in units):
        return []
    if not entry or not units[0].heading_spans or units[0].heading_spans[0].line < entry[-1].line \
            or units[0].heading_spans[0].line == entry[-1].line and units[0].heading_spans[0].start < entry[-1].end:
        return []
    where = {id(c): k for k, c in enumerate(parent.children)}
    at = [where.get(id(u), -1) for u in units]
    return units if at[0] >= 0 and at == list(range(at[0], at[0] + len(at))) else []


def document_title(source: SourceText) -> str:
    for line in source.lines:
        text = line.text.strip().lstrip("◆◇■□●○▶・-").strip()
        if text:
            return text[:80]
    return ""


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a document's rows and nodes are made: its full
    passes over millions of new objects made segmentation superlinear in the number of lines."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def segment(source: SourceText, profile: Profile, doc_id: str, choice: ProfileChoice | None = None,
            inference: Inference | None = None) -> Document:
    """Build the document tree of ``source`` with ``profile`` and check it rebuilds the source.
    A pattern of the user's profile over its limit fails this document, naming its line."""
    try:
        with _gc_paused():
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
    if profile.pinned:
        tree = build_pinned(source.lines, profile)
        root, furniture, warnings = tree.root, tree.furniture, warnings + tree.warnings
        assign_ids(root)
        tree.resolve()
        structure = {"method": "pinned", "profile": profile.name}
        if not root.children:
            warnings.append("no heading of the profile matched: the document is one flat unit (front matter only)")
    else:
        inf = inference if inference is not None else infer(source, profile)
        built = build(inf.rows, inf.marks, inf.furniture, inf.blocks, inf.headings, inf.outline, profile)
        root, furniture = built.root, built.furniture
        warnings += built.warnings
        assign_ids(root)
        resolved, targets = _resolve_entries(root, built.lists)
        warnings += resolved
        assign_ids(root)
        for item, unit in targets:
            item.target = unit.id
        summary = structure_of(inf, root, vocabulary(profile).confidence_weights)
        structure = summary.as_json()
        warnings += summary.warnings
    inferred = infer_pages(root)
    if inferred:
        warnings.append(f"{inferred} reference page number(s) missing in the table, taken from the same code elsewhere")
    doc = Document(
        doc_id=doc_id, title=document_title(source),
        source=Source(path=source.path, sha256=source.sha256, encoding=source.encoding, bytes=source.size,
                      lines=len(source.lines), chars=sum(len(line.text) for line in source.lines)),
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
    """Inference with the generic vocabulary, unless a shipped city profile whose ``detect``
    patterns all match explains nearly as much of the text (then it pins the known format)."""
    profiles = profiles if profiles is not None else builtin_profiles()
    generic = profiles["generic"]
    inference = infer(source, generic)
    scores = {"generic": round(inference.score(), 1)}
    for name, profile in sorted(profiles.items()):
        if name == "generic" or not profile.detect:
            continue
        if not all(any(rx.search(line.m.text) for line in source.lines) for rx in profile.detect):
            continue
        scores[name] = round(explain_score(profile, source.lines) if profile.pinned else
                             infer(source, profile).score(), 1)
    # A city profile wins when it explains nearly as much as inference (it pins a known format).
    city = [n for n in scores if n != "generic" and scores[n] >= CITY_SHARE * scores["generic"]]
    best = max(city, key=lambda n: (scores[n], n)) if city else "generic"
    others = ", ".join(f"{n} {s:g}" for n, s in sorted(scores.items(), key=lambda kv: -kv[1]) if n != best)
    if best == "generic":
        reason = f"auto: outline inferred from the document (score {scores[best]:g}" + (f"; {others})" if others else ")")
    else:
        reason = (f"auto: its detect patterns match and it explains about as much as inference or more (score"
                  f" {scores[best]:g}; {others})")
    choice = ProfileChoice(name=best, path=profiles[best].source, reason=reason, scores=scores)
    return profiles[best], choice, inference if best == "generic" else None


def segment_source(source: SourceText, doc_id: str, profile: Profile | None = None) -> Document:
    """Segment ``source`` with ``profile``, or with the profile chosen for it when None."""
    if profile is None:
        with _gc_paused():
            chosen, choice, inference = _choose(source)
        return segment(source, chosen, doc_id, choice, inference)
    return segment(source, profile, doc_id)
