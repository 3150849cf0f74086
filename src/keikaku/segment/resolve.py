"""Segmentation, step 10 (after :mod:`.build`): each entry of a contents list joined to the unit of
the text it names, or made a unit of its own when the text does not hold that unit.

An entry is matched by code and title, by title alone, by a title cut short, or by its code with
a title cut short (:class:`_Units`); units made from entries are placed beside their siblings or
under their parent entry's unit (:class:`_Placement`), or wrap the units their children name
(:func:`_wrap`).  The cost does not grow with the number of units in the text.
"""

from __future__ import annotations

import itertools

from ..errors import CodedWarning, Warnings
from ..model.tree import Item, Node, NodeKind, Span
from ..text.normalize import compact_code, join_broken
from .build import title_and_subtitle
from .contents import Block, Entry, heading_key


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


def resolve_entries(root: Node, lists: list[tuple[Node, Block, list[Item]]]) -> tuple[list[CodedWarning], list[tuple[Item, Node]]]:
    """Point each contents entry at the unit it names and give that unit the entry's page.  An
    entry of a list that announced itself whose unit is not in the text (an excerpt, a summary,
    a contents page alone) becomes a unit of its own, marked as coming from the contents, nested
    as the list nests it: under the unit its parent entry names, or in the contents node.
    Returns the warnings and each entry with its unit (its ``target`` is that unit's id once the
    ids are final: units made here may come before it)."""
    units = _Units(root)
    placement = _Placement()
    warnings: list[CodedWarning] = []
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
            warnings.append(Warnings.W206(missing=len(missing), coded=coded, line=missing[0].spans[0].line,
                                          text=missing[0].text[:30]))
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


def resolve_pinned(root: Node, entry_keys: list[tuple[Item, tuple[str, str] | None, str]]
                   ) -> list[tuple[Item, Node | None]]:
    """The unit each contents entry of a pinned profile names: by level and code, else by title
    (003's 第1章 基本的な理念).  Several entries may name one unit (a list and a diagram of the
    same goals), and an entry whose unit is not in the text stays an item without a target."""
    by_key: dict[tuple[str, str], Node] = {}
    by_title: dict[str, Node] = {}
    for n in root.walk():
        if n.kind in (NodeKind.DOCUMENT, NodeKind.CONTENTS) or n.level is None:
            continue
        by_key.setdefault((n.level, n.code or compact_code(n.title or "")), n)
        if n.title:
            by_title.setdefault(compact_code(n.title), n)
    out: list[tuple[Item, Node | None]] = []
    for item, key, title in entry_keys:
        target = by_key.get(key) if key else None
        out.append((item, target or by_title.get(compact_code(title)) or by_title.get(compact_code(item.text))))
    return out
