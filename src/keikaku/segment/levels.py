"""Segmentation, step 9: how the headings nest.  The order of levels comes from the document.

Headings are placed one by one with a stack of open units:

* a compound code nests under the open unit whose code is its prefix (2-1 under 2, 施策2-1-3
  under 2-1), whatever their level words;
* a style already open closes everything inside it and becomes a sibling (② after ①);
* a new style opens inside the innermost open unit: the style seen first is outermost, and a
  style that starts while another is open is inside it.  So ① above (1), or Roman pillars
  under a ``(2)`` item, come out as written;
* the exceptions come from the common official order, used as a tie-breaker: a level word
  (基本目標N, 第N章) does not open inside a minor enumeration (①, (1), ア …) that is open when it
  starts, nor inside a bare chapter number (2 計画期間) whose numbering never resumes after it,
  unless it follows that number straight away (3 基本目標別事業計画 ⏎ 基本目標1).

A heading that repeats an open unit at the top of a page, or right after that unit's own
heading, is a running header: the unit goes on.  With an outline profile the depth of each
style is pinned instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model.tree import NodeKind
from .profile import Profile
from .rows import Row
from .titles import Heading


@dataclass(slots=True)
class Placed:
    row: int
    depth: int  # 1: outermost
    parent: int | None  # heading row of the parent unit (None: the document)


@dataclass
class StyleUse:
    """How the document uses one style: for ``keikaku inspect`` and the structure summary."""

    style: str
    example: str
    kind: str
    depths: dict[int, int] = field(default_factory=dict)  # depth → count

    @property
    def count(self) -> int:
        return sum(self.depths.values())

    @property
    def depth(self) -> int:
        return max(self.depths, key=lambda d: (self.depths[d], -d)) if self.depths else 0


@dataclass
class Outline:
    placed: dict[int, Placed] = field(default_factory=dict)
    repeats: dict[int, int] = field(default_factory=dict)  # running header row → row of the unit it repeats
    styles: dict[str, StyleUse] = field(default_factory=dict)
    capped: int = 0  # headings placed beside the deepest level instead of below it


@dataclass
class _Open:
    row: int
    style: str
    path: tuple[int, ...]
    key: tuple[str, str]
    minor: bool
    labelled: bool


CLOSE_AFTER = 3  # rows of text after a chapter number beyond which a level word does not open inside it
MAX_DEPTH = 12  # deeper than any plan's outline: a document that nests further is not an outline


def nest(rows: list[Row], headings: dict[int, Heading], keys_of: dict[int, tuple[str, str]],
         page_tops: set[int], between_only_furniture: dict[int, int | None], profile: Profile,
         content: dict[int, int] | None = None) -> Outline:
    """Place every heading; ``between_only_furniture[i]`` is the previous heading row when only
    blank rows and furniture separate it from ``i``; ``content[i]`` the rows of text it holds."""
    out = Outline()
    pinned = {lv.style: lv.depth for lv in profile.outline}
    stack: list[_Open] = []
    order = sorted(headings)
    last_of_style: dict[str, int] = {}
    for i in order:
        last_of_style[headings[i].marker.style] = i
    previous: int | None = None
    for i in order:
        h = headings[i]
        mk = h.marker
        key = keys_of[i]
        repeated = next((o for o in stack if o.key == key), None)
        before = between_only_furniture.get(i)
        before = out.repeats.get(before, before) if before is not None else None  # a chain of repeats
        if repeated is not None and (i in page_tops or before == repeated.row):
            out.repeats[i] = repeated.row
            continue
        if pinned:
            depth = pinned.get(mk.style, MAX_DEPTH)
            while stack and pinned.get(stack[-1].style, MAX_DEPTH) >= depth:
                stack.pop()
        else:
            new = _close_for(stack, mk.style, mk.path, mk.labelled)
            if new and mk.kind is NodeKind.PART and mk.known:
                while stack and not stack[-1].labelled and stack[-1].key[0]:  # 第1部 never opens inside "1 はじめに"
                    stack.pop()
            if new and mk.labelled and not mk.compound:
                # 基本目標1 after "2 計画期間" and its text, when no "3" follows: the chapter has ended.
                while stack and not stack[-1].labelled and last_of_style[stack[-1].style] < i \
                        and not (previous == stack[-1].row and (content or {}).get(previous, 0) <= CLOSE_AFTER):
                    stack.pop()
        if len(stack) >= MAX_DEPTH:  # a new style below the deepest level allowed opens beside it
            del stack[MAX_DEPTH - 1:]
            out.capped += 1
        parent = stack[-1].row if stack else None
        stack.append(_Open(i, mk.style, mk.path, key, mk.minor, mk.labelled))
        out.placed[i] = Placed(i, len(stack), parent)
        previous = i
        use = out.styles.setdefault(mk.style, StyleUse(mk.style, _example(rows, h), mk.kind.value))
        use.depths[len(stack)] = use.depths.get(len(stack), 0) + 1
    return out


def _close_for(stack: list[_Open], style: str, path: tuple[int, ...], labelled: bool) -> bool:
    """Pop the units that a new heading of ``style`` closes; True when its style is new here
    (not a sibling of an open unit, not placed by its code's prefix)."""
    if len(path) > 1:
        # 施策2-2 after 施策2-1 is its sibling, whatever opened inside 2-1 (基本事業2 …).
        for k in range(len(stack) - 1, -1, -1):
            if stack[k].style == style and stack[k].path[:-1] == path[:-1]:
                del stack[k:]
                return False
        for k in range(len(stack) - 1, -1, -1):
            if stack[k].path == path[:-1]:
                del stack[k + 1:]
                return False
    for k in range(len(stack) - 1, -1, -1):
        if stack[k].style == style:
            del stack[k:]
            return False
    if labelled:
        while stack and stack[-1].minor:
            stack.pop()
    return True


def _example(rows: list[Row], h: Heading) -> str:
    text = rows[h.row].source()
    if h.title_rows:
        text += " ⏎ " + rows[h.title_rows[0]].source()
    return text[:40]
