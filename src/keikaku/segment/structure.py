"""What inference found, as a summary a user can check a document by (``structure`` in the JSON and
the manifest), with warnings when the outline is doubtful; and the last resort for plans without
any marker: short lines standing alone between blank lines, followed by text.
"""

from __future__ import annotations

import bisect
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import CodedWarning, Warnings
from ..model.tree import Node, NodeKind
from .candidates import Mark, Role
from .furniture import Furniture
from .levels import MAX_DEPTH
from .profile import ConfidenceWeights
from .rows import Row
from .titles import Heading
from .vocabulary import Marker, has_letters

if TYPE_CHECKING:
    from . import Inference

REJECTED_IN_JSON = 200  # rejected candidates listed in a document's JSON (all are counted)
DOUBTFUL_SHARE = 0.5  # less of the text than this under a heading is doubtful
DOUBTFUL_GAPS = 3  # this many gaps in the numbering is doubtful
UNCODED_MAX = 30  # an uncoded heading is a short line


@dataclass
class LevelSummary:
    """One level of the outline: its style, kind and depth, how many headings it has, an example."""

    style: str
    kind: str
    depth: int
    count: int
    example: str

    def as_json(self) -> dict[str, object]:
        return {"style": self.style, "kind": self.kind, "depth": self.depth, "count": self.count,
                "example": self.example}


@dataclass
class Gap:
    """A number that does not follow the one before in its style (at source line ``line``)."""

    style: str
    line: int
    expected: int
    found: int

    def as_json(self) -> dict[str, object]:
        return {"style": self.style, "line": self.line, "expected": self.expected, "found": self.found}


@dataclass
class RejectedRow:
    """A marker set aside: the source line, the start of its row, its style and why."""

    line: int
    text: str
    style: str
    reason: str

    def as_json(self) -> dict[str, object]:
        return {"line": self.line, "text": self.text, "style": self.style, "reason": self.reason}


@dataclass
class Summary:
    method: str
    levels: list[LevelSummary]
    headed_share: float
    gaps: list[Gap]
    rejected: list[RejectedRow]
    contents: int
    running_headers: int
    furniture: int
    warnings: list[CodedWarning] = field(default_factory=list)
    confidence: float = 1.0
    reasons: list[str] = field(default_factory=list)
    lists: list[str] = field(default_factory=list)  # how each contents list was found and read

    @property
    def doubtful(self) -> bool:
        return bool(self.warnings)

    def as_json(self) -> dict[str, Any]:
        return {"method": self.method, "levels": [u.as_json() for u in self.levels],
                "headed_share": self.headed_share, "sequence_gaps": [g.as_json() for g in self.gaps],
                "rejected_count": len(self.rejected), "rejected": [x.as_json() for x in self.rejected[:REJECTED_IN_JSON]], "contents_lists": self.contents, "lists": self.lists,
                "running_headers": self.running_headers, "furniture_rows": self.furniture,
                "doubtful": self.doubtful, "confidence": self.confidence, "confidence_reasons": self.reasons}


def _own_chars(node: Node) -> int:
    return (sum(len(p.text) for p in node.paragraphs) + sum(len(i.text) for i in node.items)
            + sum(len(p.text) for s in node.sections for p in s.paragraphs)
            + sum(len(i.text) for s in node.sections for i in s.items)
            + sum(len(c) for t in node.tables for row in t.rows for c in row))


def structure_of(inf: "Inference", root: Node, weights: ConfidenceWeights | None = None) -> Summary:
    """The summary of one inference, with the warnings a doubtful outline deserves and the
    outline's confidence with its reasons."""
    rows = inf.rows
    first: dict[str, int] = {}
    for r in sorted(inf.outline.placed):
        first.setdefault(inf.headings[r].marker.style, r)
    levels = [LevelSummary(u.style, u.kind, u.depth, u.count, u.example)
              for u in sorted(inf.outline.styles.values(), key=lambda u: (u.depth, first.get(u.style, 0)))]
    total = sum(_own_chars(n) for n in root.walk() if n.kind is not NodeKind.CONTENTS)
    front = _own_chars(root)
    share = round((total - front) / total, 3) if total else 0.0
    gaps: list[Gap] = []
    last: dict[str, int] = {}
    for r in sorted(inf.outline.placed):
        mk = inf.headings[r].marker
        if not mk.code:
            continue
        group = mk.style + "/" + "-".join(map(str, mk.path[:-1]))
        prev = last.get(group)
        if prev is not None and mk.number not in (prev + 1, 1) and mk.number != prev:
            gaps.append(Gap(mk.style, rows[r].line, prev + 1, mk.number))
        last[group] = mk.number
    rejected = [RejectedRow(rows[x.row].line, rows[x.row].core[:40], x.marker.style, x.reason) for x in inf.rejected]
    summary = Summary(method=inf.method, levels=levels,
                      headed_share=share, gaps=gaps, rejected=rejected, contents=len(inf.blocks),
                      running_headers=len(inf.outline.repeats), furniture=len(inf.furniture.reasons))
    if not inf.outline.placed and not any(n.from_contents for n in root.walk()):
        summary.warnings.append(Warnings.W201())
    elif total >= 500 and share < DOUBTFUL_SHARE:
        summary.warnings.append(Warnings.W203(share=share))
    if inf.outline.capped:
        summary.warnings.append(Warnings.W204(n=inf.outline.capped, depth=MAX_DEPTH))
    summary.lists = [r for b in inf.blocks for r in b.reasons]
    summary.confidence, summary.reasons = confidence(inf, root, share, total, gaps, weights or ConfidenceWeights())
    if len(gaps) >= DOUBTFUL_GAPS:
        shown = ", ".join(f"{g.style} {g.expected}→{g.found} (line {g.line})" for g in gaps[:3])
        summary.warnings.append(Warnings.W205(n=len(gaps), shown=shown + (" …" if len(gaps) > 3 else "")))
    return summary


WIDE = 100  # numbers from here on are figures unless a sequence runs through them
_UNSUPPORTED = ("alone", "out of sequence", "a marker alone on its row", "a level word without a number")


def confidence(inf: "Inference", root: Node, share: float, total: int, gaps: list[Gap],
               w: ConfidenceWeights) -> tuple[float, list[str]]:
    """How far to trust the outline (1: every marker and all the text explained by a plain
    reading), and why in words: the share of the text under a heading, the markers that no
    sequence supports, an outline read from a contents list alone, codes matched to titles
    printed apart from them, headings taken by their form alone, part names without a code,
    gaps in the numbering, titles with a bracket not closed.  A researcher sorts a run by it to find the plans to check first."""
    units = [n for n in root.walk() if n.kind not in (NodeKind.DOCUMENT, NodeKind.CONTENTS)]
    if not units:
        return 0.0, ["no heading found: the document is one flat unit"]
    score, reasons = 1.0, []
    if total >= w.min_text:
        score *= w.text_floor + (1 - w.text_floor) * share
        reasons.append(f"{share:.0%} of the text is under a heading")
    # A number of three digits or more that no sequence supports is a figure (171組, 2025-2029, a
    # count alone on its row), not a heading missed: only smaller ones lower the confidence.
    rejected = {x.row for x in inf.rejected if x.reason.startswith(_UNSUPPORTED) and max(x.marker.path) < WIDE}
    unexplained = len(rejected - set(inf.outline.placed) - set(inf.outline.repeats))
    markers = len(inf.outline.placed) + unexplained
    if markers:
        score *= w.marker_floor + (1 - w.marker_floor) * (len(inf.outline.placed) / markers)
    if unexplained:
        reasons.append(f"{unexplained} of {_n(markers, 'marker')} set aside: no sequence supports them")
    listed = sum(1 for n in units if n.from_contents)
    if listed and listed == len(units):
        score *= w.contents_only
        reasons.append(f"read from a contents list alone: its {_n(listed, 'unit')} have no text in the file")
    elif listed:
        reasons.append(f"{listed} of {_n(len(units), 'unit')} come from a contents list (their text is not in the file)")
    moved = sum(1 for b in inf.blocks for e in b.entries if e.moved)
    if moved:
        score *= w.moved_codes
        reasons.append(f"{_n(moved, 'code')} printed apart from their titles matched to them")
    if inf.lone:
        score *= max(w.lone_floor, w.lone ** len(inf.lone))
        reasons.append(f"{_n(len(inf.lone), 'heading')} taken by their form alone (no sequence supports them)")
    if inf.parts:
        score *= w.part_names
        reasons.append(f"{_n(len(inf.parts), 'heading')} without a code taken as the outermost units (part names"
                       " above restarted numberings or named by their word, short lines above bare numberings)")
    if gaps:
        score *= max(w.gap_floor, w.gap ** len(gaps))
        reasons.append(f"{_n(len(gaps), 'gap')} in the numbering")
    loose = _loose_titles(inf)
    if loose:
        score *= max(w.loose_floor, w.loose ** len(loose))
        reasons.append(f"{_n(len(loose), 'short line')} standing alone before text like headings without a code, not"
                       f" in the outline (line {', '.join(str(inf.rows[r].line) for r in loose[:3])}"
                       f"{' …' if len(loose) > 3 else ''})")
    unclosed = [n.title for n in units if n.title and _unclosed(n.title)]
    if unclosed:
        score *= max(w.unclosed_floor, w.unclosed ** len(unclosed))
        reasons.append(f"{_n(len(unclosed), 'title')} with a bracket not closed, cut or scrambled by extraction"
                       f" ({unclosed[0][:20]})")
    return round(score, 2), reasons


_BRACKET_PAIRS = (("「", "」"), ("『", "』"), ("(", ")"), ("【", "】"))


def _unclosed(title: str) -> bool:
    """A title that opens a bracket it does not close, or closes one it did not open (「くらし,
    わくわく」プロジェクト): extraction cut it, or put its pieces in the wrong order."""
    title = unicodedata.normalize("NFKC", title)  # （仮称) closes its bracket in another width
    return any(title.count(a) != title.count(b) for a, b in _BRACKET_PAIRS)


def _n(count: int, word: str) -> str:
    """``3 codes``, ``1 code``."""
    return f"{count} {word}" + ("" if count == 1 else "s")


LOOSE_MAX = 25  # a line standing alone this short may be a heading without a code


def _loose_titles(inf: "Inference") -> list[int]:
    """Rows that look like headings without a code (short, standing alone, text after them) and
    that the outline does not hold: a sign of an uncoded level the tree misses."""
    used = set(inf.outline.placed) | set(inf.outline.repeats) | {r for b in inf.blocks for r in b.rows}
    used |= {r for h in inf.headings.values() for r in h.title_rows + h.label_rows}
    rows, marks, out = inf.rows, inf.marks, []
    for i, row in enumerate(rows):
        if i in used or i in inf.furniture or marks[i].role is not Role.TEXT or row.runon:
            continue
        core = row.core
        if len(core) > LOOSE_MAX or core[-1] in "。、，,.:：)）」" or not has_letters(core):
            continue
        before = i - 1
        while before >= 0 and before in inf.furniture:
            before -= 1
        if before >= 0 and not rows[before].blank and not rows[before].core.endswith("。"):
            continue
        after = i + 1
        while after < len(rows) and (rows[after].blank or after in inf.furniture):
            after += 1
        if after < len(rows) and marks[after].role is Role.TEXT and "。" in rows[after].core:
            out.append(i)
    return out


def uncoded_headings(rows: list[Row], marks: list[Mark], furniture: Furniture, listed: set[int]) -> dict[int, Heading]:
    """For a plan with no marker at all (清瀬市's summary): short lines that stand alone between
    blank rows and are followed by text or a table are its headings, if there are two or more."""
    found: list[int] = []
    n = len(rows)
    for i, mark in enumerate(marks):
        if mark.role is not Role.TEXT or i in furniture or i in listed:
            continue
        core = rows[i].core
        if len(core) > UNCODED_MAX or core[-1] in "。、，,.:：" or rows[i].runon:
            continue
        if not (i == 0 or rows[i - 1].blank) or not (i + 1 < n and rows[i + 1].blank):
            continue
        j = i + 1
        while j < n and (rows[j].blank or j in furniture):
            j += 1
        if j < n and (marks[j].role in (Role.TABLE, Role.SECTION) or
                      (marks[j].role is Role.TEXT and len(rows[j].core) > UNCODED_MAX)):
            found.append(i)
    if len(found) < 2:
        return {}
    out: dict[int, Heading] = {}
    for k, i in enumerate(found, start=1):
        core = rows[i].core
        mk = Marker("見出し", k, (k,), "", NodeKind.HEADING, 0, 0, 0, False, False, False, 90, False, False, core)
        out[i] = Heading(i, mk)
    return out


def _bare(mk: Marker) -> bool:
    """A bare numbering: a minor enumeration ((1), ①, ア) or arabic numbers (1, 1., 2-1), which
    plans use below headings of their own; not a level word, Roman or kanji numerals."""
    return not mk.labelled and (mk.minor or mk.style[:1].isdigit() or mk.style[:1] == "#")


def uncoded_parts(rows: list[Row], marks: list[Mark], furniture: Furniture, headings: dict[int, Heading],
                  listed: set[int]) -> dict[int, Heading]:
    """Headings without a code above numbered ones: when the only codes are bare numberings
    ((1), 1.) and the first short line standing alone between blank rows (as
    :func:`uncoded_headings` finds them) comes before the first code, such lines are the
    outermost units (計画の構成 ⏎ (1) … (2) …).  A level word (第1章, 基本目標1) says the
    document numbers its own top levels: then such lines stay text."""
    if not headings or not all(_bare(h.marker) for h in headings.values()):
        return {}
    used = set(listed) | {r for h in headings.values() for r in h.rows}
    found = uncoded_headings(rows, marks, furniture, used)
    return found if found and min(found) < min(headings) else {}


def explain_rows(inf: "Inference") -> str:
    """One line per row with what each step decided about it (``keikaku inspect --rows``): its
    role, its marker readings, and whether it became a heading (with its depth), a title, furniture
    (and why), part of a contents list, or a marker set aside (and why)."""
    rejected: dict[int, list[str]] = {}
    for x in inf.rejected:
        rejected.setdefault(x.row, []).append(f"{x.marker.style}: {x.reason}")
    parts_of = {r: i for i, h in inf.headings.items() for r in h.title_rows + h.label_rows}
    listed = {r for b in inf.blocks for r in b.rows}
    roles = {r: said for b in inf.blocks for r, said in b.roles.items()}
    lone = set(inf.lone)
    out = []
    for i, row in enumerate(inf.rows):
        if row.blank:
            continue
        mark = inf.marks[i]
        where = f"{row.line}" + (f"+{row.start}" if row.runon else "")
        role = mark.role.value + (f" [{', '.join(mk.style for mk in mark.markers)}]" if mark.markers else "")
        if i in inf.outline.placed:
            verdict = f"heading, depth {inf.outline.placed[i].depth}" + (
                " (alone: taken by its form)" if i in lone else " (part name without a code)"
                if i in inf.parts else "")
        elif i in inf.outline.repeats:
            verdict = f"running header (repeats line {inf.rows[inf.outline.repeats[i]].line})"
        elif i in parts_of:
            verdict = f"title/label of line {inf.rows[parts_of[i]].line}"
        elif i in inf.furniture:
            verdict = f"furniture: {inf.furniture.reasons[i]}"
        elif i in listed:
            verdict = "contents list" + (": " + "; ".join(roles[i]) if i in roles else "")
        elif i in rejected:
            verdict = "set aside: " + "; ".join(rejected[i])
        else:
            verdict = ""
        out.append(f"{where:>8}  {role:<28} {verdict:<44} {row.core[:40]}")
    return "\n".join(out) + "\n"


PART_MAX = 12  # a part name without a code (基本構想, 長期計画) is a short word
PART_LOOKBACK = 3  # rows above a restarted chapter 1 where its part name may stand


def restart_parts(rows: list[Row], marks: list[Mark], furniture: Furniture, headings: dict[int, Heading],
                  listed: set[int]) -> dict[int, Heading]:
    """Part headings without a code, found where a numbering starts again: a plan in two parts
    (基本構想 ⏎ 第1章 … 第3章 … 基本計画 ⏎ 第1章 …) prints each part's name on a line of its
    own above its first chapter.  When a style of level words restarts at 1 with no heading of
    another style above it to explain the restart, the short line without a code just above
    each of its runs (within a few rows: a preface line may come between) is a part heading —
    if every run has one."""
    order = sorted(headings)
    by_style: dict[str, list[int]] = {}
    for i in order:
        mk = headings[i].marker
        if mk.labelled and not mk.compound and mk.code:  # numbered level words (not 重点施策、title)
            by_style.setdefault(mk.style, []).append(i)
    parts: dict[int, Heading] = {}
    taken = set(listed) | {r for h in headings.values() for r in h.rows}
    first_of: dict[str, int] = {}  # the first row of each style
    for i in order:
        first_of.setdefault(headings[i].marker.style, i)
    for rows_of in by_style.values():
        firsts = [i for i in rows_of if headings[i].marker.number == 1]  # (序章 is 0: no restart)
        if len(firsts) < 2:
            continue
        # The restart is explained when a heading of a style seen before this one lies between
        # two of its runs (第1部 … 第1章 … 第2部 … 第1章).
        above = [i for i in order if first_of[headings[i].marker.style] < rows_of[0]]
        if any(bisect.bisect_right(above, a) < bisect.bisect_left(above, b) for a, b in zip(firsts, firsts[1:])):
            continue
        found = [_part_line(rows, marks, furniture, i, taken) for i in firsts]
        if all(f is not None for f in found):
            for k, r in enumerate(f for f in found if f is not None):
                core = rows[r].core
                mk = Marker("部#", k + 1, (k + 1,), "", NodeKind.PART, 0, 0, 0, True, False, False, 0, False, False, core)
                parts[r] = Heading(r, mk)
    return parts


def _part_line(rows: list[Row], marks: list[Mark], furniture: Furniture, i: int, taken: set[int]) -> int | None:
    """The nearest short line without a code above heading row ``i`` (within a few rows)."""
    j, seen = i - 1, 0
    while j >= 0 and seen < PART_LOOKBACK:
        if rows[j].blank or j in furniture:
            j -= 1
            continue
        if j in taken:
            return None
        core = rows[j].core
        if marks[j].role is Role.TEXT and len(core) <= PART_MAX and " " not in core and core[-1] not in "。、":
            return j
        if "。" in core:
            return None
        seen += 1
        j -= 1
    return None


_BRACKETS = "<>〈〉《》【】[]()≪≫〔〕■□◆◇●○◎ "


def volume_parts(rows: list[Row], marks: list[Mark], furniture: Furniture, headings: dict[int, Heading],
                 parts: dict[int, Heading], listed: set[int], names: Any) -> dict[int, Heading]:
    """Lines that name a part by their own word (基本構想編, <計画編>, 資料編: ``part_names`` of
    the vocabulary) when the first of them stands above the text's first heading, or below the
    first part found without a code: outermost units, each holding what follows it up to the
    next part."""
    if not headings:
        return {}
    everything = {**headings, **parts}
    taken = set(listed) | {r for h in everything.values() for r in h.rows}
    named: list[tuple[int, str]] = []
    for j, row in enumerate(rows):
        if row.blank or j in furniture or j in taken or marks[j].role not in (Role.TEXT, Role.SECTION):
            continue
        name = row.core.strip(_BRACKETS).replace(" ", "")
        if len(row.core) <= 2 * NAME_MAX and names.match(name):
            named.append((j, name))
    # A part holds a heading before the next name (基本構想編 ⏎ 基本計画編 in a paragraph names
    # the volumes: no part), and the name of the part before, again, is its running header.
    heads = sorted(everything)
    found: list[tuple[int, str]] = []
    for k, (j, name) in enumerate(named):
        end = named[k + 1][0] if k + 1 < len(named) else len(rows)
        holds = bisect.bisect_right(heads, j) < bisect.bisect_left(heads, end)
        if holds and (not found or found[-1][1] != name):
            found.append((j, name))
    first_part = min(parts) if parts else None
    if not found or found[0][0] > min(everything) and (first_part is None or found[0][0] < first_part):
        return {}
    # Beside the parts found before (the same style: a sibling, not a unit inside the last one).
    style, kind = (parts[first_part].marker.style, parts[first_part].marker.kind) if first_part is not None \
        else ("部#", NodeKind.PART)
    start = len(parts) + 1
    return {j: Heading(j, Marker(style, k, (k,), "", kind, 0, 0, 0, True, False, False, 0, False, False, name))
            for k, (j, name) in enumerate(found, start=start)}


NAME_MAX = 20  # a heading without a code above a numbered list is a short line


def named_parts(rows: list[Row], marks: list[Mark], furniture: Furniture, headings: dict[int, Heading],
                listed: set[int]) -> dict[int, Heading]:
    """A heading without a code right above the first heading of the text when that is a 1 (計画の内容
    ⏎ 第1編 …, after the text's preface): a short line standing alone after a finished paragraph or
    a page break is the heading that numbering belongs to."""
    if not headings:
        return {}
    i = min(headings)  # above the first heading of the text only: further down, its level is a guess
    mk = headings[i].marker
    if mk.number != 1 or not mk.code:
        return {}
    taken = set(listed) | {r for h in headings.values() for r in h.rows}
    j = i - 1
    while j >= 0 and (rows[j].blank or j in furniture):
        j -= 1
    if j < 0 or j in taken or marks[j].role is not Role.TEXT or rows[j].runon:
        return {}
    core = rows[j].core
    if len(core) > NAME_MAX or not has_letters(core) or any(c in core for c in "。、，,"):
        return {}
    k = j - 1
    broke = False  # a page break (furniture) above it
    while k >= 0 and (rows[k].blank or k in furniture):
        broke = broke or k in furniture
        k -= 1
    if k < 0 or not broke and not rows[k].core.endswith("。"):
        return {}  # not after a finished paragraph or a page break: a title, a cover line, a caption
    return {j: Heading(j, Marker("見出し#", 1, (1,), "", NodeKind.HEADING, 0, 0, 0, False, False, False, 0, False,
                                 False, core))}
