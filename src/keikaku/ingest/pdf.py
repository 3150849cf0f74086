"""Stage 1 for PDFs: the text layer of a plan's PDF → the lines keikaku reads, with the page's
layout kept as evidence for the outline.

The text layer is read with pdfium (pypdfium2), character by character with each character's box,
baseline and font size, and laid out again by rules any typesetter follows:

- characters on one baseline make a printed line; a page in two columns (a gutter no line crosses)
  is read column by column, lines that cross the gutter (headings, the running header) in between;
- a table drawn with rules (paths on the page) is read by its cells: one line per table row, the
  cells separated by TAB (the layout the segmenter and the indicator reader read as a table), a
  cell's own wrapped lines joined;
- a line that a typesetter wrapped (it runs to the column's right edge, the next line continues it
  at the left edge, in the same font, without extra space) is joined with its continuation;
- each page after the first starts with a form feed (``\\f``, pdftotext's page break), so the text
  that ``keikaku extract`` writes says where pages begin and can be run as a text.

What the page shows and the text cannot say is kept per line (:class:`LineLayout`): the font size
relative to the body text, boldness, indentation, space above, and running headers, footers and
page numbers found by position (the page's top or bottom band) and repetition across pages.

PDFs that cannot give a plan's text are refused with one line saying why and what to do: no text
layer (a scan), encrypted, damaged or truncated, or a text layer without a usable Unicode map.
"""

from __future__ import annotations

import ctypes
import dataclasses
import functools
import hashlib
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    import pypdfium2 as pdfium

from ..errors import CodedWarning, InputError, Warnings
from ..text.normalize import matchable
from .pages import edge_key, page_number, repeated
from .text import Line, SourceText

# What a reader of this module may tune; each threshold is in units of the font size (em) or of
# the page, so the rules hold for any page size and type size.
TURNED = 0.05  # a character set at more than this angle (radians) is turned
PROMINENT = 1.15  # a line this much larger than the page's body text is a heading's
SAME_LINE = 0.35  # baselines closer than this (em) are one printed line
WORD_GAP = 0.8  # a gap wider than this (em) between characters of a line becomes a space
VERTICAL = (0.8, 1.15)  # a character this far (em) below the one before, at the same x: vertical writing
FRAGMENT_GAP = 3.0  # a gap wider than this (em) separates two pieces of a line (table columns, columns)
WRAP_REACH = 1.6  # a wrapped line ends within this (em) of its column's right edge
WRAP_LEFT = 0.6  # … and its continuation starts within this (em) of the column's left edge
WRAP_LEADING = 1.0  # … with no more than this much space (em) between them
NARROW = 0.33  # a column narrower than this share of the page has no typesetter's wraps
BLANK_ABOVE = 1.2  # space above a line of this many body lines or more is written as an empty line,
BLANK_MORE = 3.0  # … of this many as two (the end of a list, a new part: texts mark it so)
BAND = 0.15  # a page's top and bottom bands (share of its height), where furniture is printed
RULE_THIN = 2.5  # a path thinner than this (points) is a rule, a wider one a box with four edges
MOJIBAKE_SHARE = 0.2  # more than this share of unusable characters: the text layer is refused
SPACES = set(" \u3000")  # characters that are spaces themselves: no gap space is added beside them

_BOLD_NAME = re.compile(r"(?i)bold|heavy|black|(?<![a-z])W[6-9](?![0-9])|demi|semibold")
_OBJECT = re.compile(rb"\d+\s+\d+\s+obj\b")
_SENTENCE_ENDS = ("。", "．", "！", "？")
# A number, a bracketed or circled one, a Roman numeral or 第N章 followed by a space: how a numbered
# heading starts (2　計画の位置付け, (2) 個別計画), which a wrapped sentence's next line hardly does.
_NUMBERED = re.compile(r"^(?:[0-9０-９]{1,3}[.．、)）]?|[（(][0-9０-９一二三四五六七八九十]{1,3}[)）]|[①-⑳]|[ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ]{1,4}"
                       r"|第[0-9０-９一二三四五六七八九十]{1,3}[章節部編])(?:[ \u3000]|$)")


def _list_mark(ch: str) -> bool:
    """A character that starts a list's entry, never a wrapped line: a geometric shape (■ ◆ ● ○ ▶
    …, U+25A0–U+25FF), ※, ・, ★ or ☆."""
    return "\u25a0" <= ch <= "\u25ff" or ch in "※・★☆►"


@dataclass(frozen=True, slots=True)
class LineLayout:
    """What the page showed about one line of the text keikaku reads (a PDF's line)."""

    page: int
    size: float = 1.0
    """font size relative to the document's body text (1.0 = body)"""
    bold: bool = False
    indent: float = 0.0
    """left edge to the column's left edge, in body characters"""
    space_above: float = 0.0
    """the white space above the line, in body line heights (1.2 × the body's size: about 0.4 at
    a paragraph's usual leading; an empty line is written before it from 1.2 on)"""
    furniture: str | None = None
    """why the line is a page number, running header or footer (position and repetition)"""
    table: bool = False
    """a row of a table drawn with rules (its cells separated by TAB)"""
    printed: int = 1
    """how many printed lines were joined into this one (typesetter's wraps); 0 for the empty line
    written for space between paragraphs"""


@dataclass(slots=True)
class _Glyph:
    ch: str
    x0: float
    x1: float
    base: float  # baseline y (PDF space: y grows upwards)
    size: float
    bold: bool
    turned: bool = False  # set at an angle (a turned table header, a label up a margin)
    angle: float = 0.0  # radians, counter-clockwise
    bottom: float = 0.0  # the box's bottom and top (for turning a page's frame)
    top: float = 0.0
    ox: float = 0.0  # the origin's x


@dataclass(slots=True)
class _Printed:
    """One printed line (or one table row) on a page, top-down reading order once laid out."""

    page: int
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool
    table: bool = False
    col: tuple[float, float] = (0.0, 0.0)  # the column's left and right edges
    page_width: float = 0.0
    page_height: float = 0.0
    furniture: str | None = None
    spaced_end: bool = False  # the line ended with a space (a sentence wrapped at a space)
    in_column: bool = False  # a line of one column of a page in two
    gapped: bool = False  # pieces wider apart than FRAGMENT_GAP: the cells of a table without rules


@dataclass
class PdfText:
    """A PDF read: its lines with their layout, and how many pages it has."""

    lines: list[str]
    layout: list[LineLayout]
    pages: int
    warnings: list[CodedWarning] = field(default_factory=list)


def is_pdf(data: bytes) -> bool:
    """A PDF by its magic number: at the start, or after up to a kilobyte of junk (as readers
    allow) when objects follow (a text that mentions ``%PDF-1.7`` is no PDF)."""
    head = data.find(b"%PDF-", 0, 1024)
    if head < 0:
        return False
    return not data[:head].strip(b" \t\r\n\x00\xef\xbb\xbf") or _OBJECT.search(data, head, head + 65536) is not None


def read_pdf(data: bytes, path: str) -> SourceText:
    """The source text of a PDF: its lines as keikaku reads them, with their layout; refusals
    (:class:`InputError`) name the file and say what to do."""
    pdf = extract_pdf(data, path)
    lines = [Line(i, t, matchable(t)) for i, t in enumerate(pdf.lines, start=1)]
    return SourceText(path=path, sha256=hashlib.sha256(data).hexdigest(), size=len(data), encoding="pdf",
                      lines=lines, warnings=pdf.warnings, layout=pdf.layout, pages=pdf.pages)


def extract_pdf(data: bytes, path: str) -> PdfText:
    """The text layer of a PDF laid out as lines (see the module's docstring)."""
    # pdfium is loaded when a PDF is read (85 ms), not by every run of texts
    import pypdfium2 as pdfium
    doc = _open(data, path)
    try:
        pages = len(doc)
        printed: list[_Printed] = []
        chars = unusable = odd = 0
        for index in range(pages):
            page = doc[index]
            try:
                lines, (seen, bad, strange) = _page_lines(page, index + 1)
            finally:
                page.close()
            printed += lines
            chars, unusable, odd = chars + seen, unusable + bad, odd + strange
    except pdfium.PdfiumError as exc:
        raise InputError(path, f"is a damaged PDF ({exc}); save it again from the original or repair it"
                               " (e.g. qpdf in.pdf out.pdf)") from None
    finally:
        doc.close()
    if chars == 0:
        raise InputError(path, f"is a PDF without a text layer ({pages} page(s) of images: a scan?); keikaku"
                               " does not do OCR: add a text layer first (e.g. ocrmypdf -l jpn in.pdf out.pdf)")
    if unusable + odd > MOJIBAKE_SHARE * chars:
        raise InputError(path, f"is a PDF whose text layer cannot be read: {unusable + odd:,} of {chars:,} characters"
                               " have no usable Unicode mapping (fonts without a ToUnicode map); the text would be"
                               " garbage: OCR it instead (e.g. ocrmypdf -l jpn --force-ocr in.pdf out.pdf)")
    body = _body_size(printed)
    _mark_furniture(printed, pages, _right_edges(printed))
    texts, layout = _join_wraps(printed, body, pages)
    warnings = [] if _ends_well(data) else [Warnings.W105(pages=pages)]
    if unusable:  # a few glyphs of a font without a usable map: kept (as they are), and said
        warnings.append(Warnings.W106(n=unusable, chars=chars))
    return PdfText(texts, layout, pages, warnings)


def _ends_well(data: bytes) -> bool:
    """A whole PDF ends with ``%%EOF`` (maybe followed by line ends or padding); pdfium repairs
    some files cut short, which then lose their last pages without an error."""
    return b"%%EOF" in data[-1024:]


def _open(data: bytes, path: str) -> pdfium.PdfDocument:
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        reason = str(exc)
        if "password" in reason.lower() or "security" in reason.lower():
            raise InputError(path, "is an encrypted PDF (it needs a password); save an unprotected copy first"
                                   " (e.g. qpdf --decrypt --password=… in.pdf out.pdf)") from None
        raise InputError(path, f"is a damaged or truncated PDF ({reason}); download it again or repair it"
                               " (e.g. qpdf in.pdf out.pdf)") from None


# --- one page ---------------------------------------------------------------------------------

def _glyphs(page: pdfium.PdfPage) -> tuple[list[_Glyph], int, int, int]:
    """The page's characters (generated spaces and line ends left out), how many there were, and
    how many of them :func:`_unusable` calls no character, and odd."""
    import pypdfium2.raw as pdfium_c

    tp = page.get_textpage()
    try:
        raw = tp.raw
        n = pdfium_c.FPDFText_CountChars(raw)
        out: list[_Glyph] = []
        bad = odd = 0
        x, y = ctypes.c_double(), ctypes.c_double()
        box = pdfium_c.FS_RECTF()
        name = ctypes.create_string_buffer(128)
        flags = ctypes.c_int()
        for i in range(n):
            if pdfium_c.FPDFText_IsGenerated(raw, i):
                continue
            code = pdfium_c.FPDFText_GetUnicode(raw, i)
            if code in (0x0D, 0x0A):
                continue
            ch = chr(code) if code < 0x110000 else "\ufffd"
            if kind := _unusable(code):
                bad += kind == 2
                odd += kind == 1
            # The loose box spans the character's advance (a narrow 、 still takes its whole em).
            pdfium_c.FPDFText_GetLooseCharBox(raw, i, box)
            pdfium_c.FPDFText_GetCharOrigin(raw, i, x, y)
            size = pdfium_c.FPDFText_GetFontSize(raw, i)
            pdfium_c.FPDFText_GetFontInfo(raw, i, name, len(name), flags)
            bold = pdfium_c.FPDFText_GetFontWeight(raw, i) >= 600 or _bold_name(name.value)
            angle = pdfium_c.FPDFText_GetCharAngle(raw, i)
            x0, x1 = (box.left, box.right) if box.right > box.left else (x.value, x.value + size * 0.5)
            out.append(_Glyph(ch, x0, x1, y.value, size, bold, TURNED < angle < 2 * math.pi - TURNED, angle,
                              box.bottom, box.top, x.value))
        return out, len(out), bad, odd
    finally:
        tp.close()


@functools.cache
def _bold_name(name: bytes) -> bool:
    """A bold face told by its name: word processors write a synthetic bold as ``MS-Gothic,Bold``
    (its weight stays 400), Japanese type families by weight (W6, W7 …, Bold, Heavy, Black)."""
    return bool(_BOLD_NAME.search(name.decode("latin-1")))


def _unusable(code: int) -> int:
    """What a font without a usable Unicode map gives: 2 for no character (none, a control, U+FFFD,
    private use), 1 for the font's raw codes read as Latin-1 or Latin Extended letters (Ã, Ð, ƒ …:
    a Japanese plan has a few, never many), 0 for a character (× ± ° ² are ones)."""
    if code == 0 or code == 0xFFFD or (code < 0x20 and code != 0x09) or 0x7F <= code <= 0x9F \
            or 0xE000 <= code <= 0xF8FF:
        return 2
    return 1 if 0xC0 <= code <= 0x24F and code not in (0xD7, 0xF7) else 0


def _page_lines(page: pdfium.PdfPage, page_no: int) -> tuple[list[_Printed], tuple[int, int, int]]:
    """A page's printed lines in reading order, its table rows among them; its characters'
    counts (:func:`_glyphs`)."""
    glyphs, *counts = _glyphs(page)
    seen, bad, odd = counts
    if not glyphs:
        return [], (seen, bad, odd)
    left, bottom, right, top = page.get_mediabox()
    width, height = right - left, top - bottom
    quarter, n = Counter(round(g.angle / (math.pi / 2)) % 4 for g in glyphs).most_common(1)[0]
    if quarter and n * 5 >= len(glyphs) * 3:
        # a page whose text is turned (a landscape page stored upright with /Rotate): read in the
        # text's own frame; its rules are left to the text (no table read on it)
        glyphs = _turned_frame(glyphs, quarter, (left, bottom, right, top))
        width, height = (height, width) if quarter % 2 else (width, height)
        grids = []
    else:
        grids = _tables(page)
    in_table: dict[int, list[_Glyph]] = defaultdict(list)
    free: list[_Glyph] = []
    for g in glyphs:
        cx, cy = (g.x0 + g.x1) / 2, g.base + g.size * 0.3
        k = next((k for k, grid in enumerate(grids) if grid.contains(cx, cy)), None)
        if k is None:
            free.append(g)
        else:
            in_table[k].append(g)
    pieces = _fragments(free)
    rows = [row for k, grid in enumerate(grids) for row in grid.rows(in_table[k], page_no)]
    lines = _reading_order(pieces, rows, page_no, width)
    for p in lines:
        p.page_width, p.page_height = width, height
    return lines, (seen, bad, odd)


def _turned_frame(glyphs: list[_Glyph], quarter: int, box: tuple[float, float, float, float]) -> list[_Glyph]:
    """The glyphs in the frame of text turned by ``quarter`` quarter turns: its lines run left
    to right and follow each other downwards, the page's corner at the origin."""
    c, s = [(1, 0), (0, -1), (-1, 0), (0, 1)][quarter]  # pdfium measures the angle clockwise
    corners = [(x, y) for x in (box[0], box[2]) for y in (box[1], box[3])]
    du = min(x * c + y * s for x, y in corners)
    dv = min(-x * s + y * c for x, y in corners)
    out = []
    for g in glyphs:
        us = [x * c + y * s - du for x in (g.x0, g.x1) for y in (g.bottom, g.top)]
        base = -g.ox * s + g.base * c - dv
        turned = abs(g.angle - quarter * math.pi / 2) > TURNED  # still at an angle in the new frame
        out.append(_Glyph(g.ch, min(us), max(us), base, g.size, g.bold, turned, 0.0 if not turned else g.angle))
    return out


@dataclass(slots=True)
class _Fragment:
    glyphs: list[_Glyph]
    ordered: bool = False
    """read in the content's order: a column of vertical writing (縦書き) or turned text"""

    @property
    def x0(self) -> float:
        return min(g.x0 for g in self.glyphs) if self.ordered else self.glyphs[0].x0

    @property
    def x1(self) -> float:
        return max(g.x1 for g in self.glyphs) if self.ordered else self.glyphs[-1].x1

    @property
    def base(self) -> float:
        return self.glyphs[0].base

    @property
    def size(self) -> float:
        return max(g.size for g in self.glyphs)


def _fragments(glyphs: list[_Glyph]) -> list[_Fragment]:
    """Runs of characters on one baseline without a wide gap, in the content's order; a column of
    vertical writing (each character one em below the one before) or a run of turned characters
    is a fragment read in the content's order."""
    out: list[_Fragment] = []
    for g in glyphs:
        if out:
            frag = out[-1]
            last = frag.glyphs[-1]
            em = max(last.size, g.size, 1.0)
            if g.turned or last.turned:
                if g.turned and last.turned and abs(g.x0 - last.x0) + abs(g.base - last.base) <= 2 * em:
                    frag.glyphs.append(g)
                    frag.ordered = True
                    continue
            elif not frag.ordered and abs(g.base - last.base) <= SAME_LINE * em \
                    and -0.5 * em <= g.x0 - last.x1 <= FRAGMENT_GAP * em:
                frag.glyphs.append(g)
                continue
            elif (frag.ordered or len(frag.glyphs) == 1) and abs(g.x0 - last.x0) <= 0.3 * em \
                    and VERTICAL[0] * em <= last.base - g.base <= VERTICAL[1] * em:
                frag.glyphs.append(g)
                frag.ordered = True
                continue
        out.append(_Fragment([g], ordered=g.turned))
    return out


def _text(glyphs: list[_Glyph], ordered: bool = False) -> str:
    """Characters left to right, a space for each em of a wide gap (as pdftotext -layout does);
    ``ordered``: in the content's order (vertical writing, turned text)."""
    if ordered:
        return "".join(g.ch for g in glyphs)
    parts: list[str] = []
    prev: _Glyph | None = None
    for g in sorted(glyphs, key=lambda g: g.x0):
        if prev is not None:
            em = max(prev.size, g.size, 1.0)
            gap = g.x0 - prev.x1
            if prev.ch == " " and g.ch not in SPACES:
                # a run of spaces is one space character in the text layer, as wide as the run
                width = max(prev.x1 - prev.x0, 0.25 * em)
                parts.append(" " * min(8, round(gap / width)))
            elif gap > WORD_GAP * em and prev.ch not in SPACES and g.ch not in SPACES:
                parts.append(" " * max(1, min(8, round(gap / em))))
        parts.append(g.ch)
        prev = g
    return "".join(parts)


def _printed(glyphs: list[_Glyph], page_no: int, ordered: bool = False) -> _Printed:
    sizes = Counter(round(g.size * 2) / 2 for g in glyphs if not g.ch.isspace()) or Counter([glyphs[0].size])
    size = sizes.most_common(1)[0][0]
    top = max(g.base + g.size * 0.88 for g in glyphs)
    bottom = min(g.base - g.size * 0.12 for g in glyphs)
    bold = sum(g.bold for g in glyphs) * 2 > len(glyphs)
    text = _text(glyphs, ordered)
    return _Printed(page_no, text.rstrip(" "), min(g.x0 for g in glyphs), max(g.x1 for g in glyphs), top, bottom,
                    size, bold, spaced_end=text.endswith(" "))  # (an ideographic space at the end is text)


def _reading_order(pieces: list[_Fragment], rows: list[_Printed], page_no: int, width: float) -> list[_Printed]:
    """Fragments joined into lines, top to bottom; a page in two columns column by column."""
    gutter = _gutter(pieces, width)
    if gutter is None:
        lines = _lines(pieces, page_no)
        # the column's edges, within the page (text running off the page is no edge)
        left = max(0.0, min((p.x0 for p in lines), default=0.0))
        right = min(width, max((p.x1 for p in lines), default=width))
        for p in lines:
            p.col = (left, right)
        merged = lines + rows
        merged.sort(key=lambda p: -p.top)  # stable: lines of one height keep the order _lines gave
        return merged
    across = [f for f in pieces if f.x0 < gutter < f.x1]
    left_f = [f for f in pieces if f.x1 <= gutter]
    right_f = [f for f in pieces if f.x0 >= gutter]
    # Lines that cross the gutter (headings, the running header, tables) cut the page into bands;
    # in each band the left column is read before the right one.  So does a heading in a larger
    # type with nothing beside it in the right column while that column goes on below it (a
    # heading over both columns too short to cross the gutter).
    left_lines, right_lines = _lines(left_f, page_no), _lines(right_f, page_no)
    body = _body_size(left_lines + right_lines)
    spanning = [p for p in left_lines if p.size >= PROMINENT * body
                and not any(q.bottom < p.top and q.top > p.bottom for q in right_lines)
                and any(q.top < p.bottom for q in right_lines) and any(q.bottom > p.top for q in right_lines)]
    left_lines = [p for p in left_lines if p not in spanning]
    cutters = sorted(_lines(across, page_no) + rows + spanning, key=lambda p: -p.top)
    lo = max(0.0, min((p.x0 for p in left_lines + cutters), default=0.0))
    hi = min(width, max((p.x1 for p in right_lines + cutters), default=width))
    for p in left_lines:
        p.col, p.in_column = (lo, max((q.x1 for q in left_lines), default=gutter)), True
    for p in right_lines:
        p.col, p.in_column = (min((q.x0 for q in right_lines), default=gutter), hi), True
    for p in cutters:
        p.col = (lo, hi)
    out: list[_Printed] = []
    edges = [c.top for c in cutters] + [float("-inf")]
    above = float("inf")
    for k, edge in enumerate(edges):
        def band(lines: list[_Printed], hi_: float = above, lo_: float = edge) -> list[_Printed]:
            return sorted((p for p in lines if lo_ < p.top <= hi_), key=lambda p: -p.top)
        out += band(left_lines) + band(right_lines)
        if k < len(cutters):
            out.append(cutters[k])
        above = edge
    return out


def _gutter(pieces: list[_Fragment], width: float) -> float | None:
    """The x of a gutter between two columns: a vertical line in the middle of the page that
    few fragments cross, with at least four lines on each side; None for one column."""
    if len(pieces) < 8:
        return None
    best: tuple[int, float] | None = None
    x = width * 0.3
    while x <= width * 0.7:
        crossing = sum(1 for f in pieces if f.x0 < x < f.x1)
        if best is None or crossing < best[0]:
            best = (crossing, x)
        x += 2.0
    if best is None:
        return None
    crossing, x = best
    left = sum(1 for f in pieces if f.x1 <= x)
    right = sum(1 for f in pieces if f.x0 >= x)
    # Two columns: both sides hold text and few lines cross; a table's columns or a right-aligned
    # page number are not enough.
    left_lines = {round(f.base) for f in pieces if f.x1 <= x}
    right_lines = {round(f.base) for f in pieces if f.x0 >= x}
    if min(len(left_lines), len(right_lines)) < 4 or crossing * 4 > left + right:
        return None
    # Columns of text: most lines on one side at least fill their column's width (sentences wrapped
    # in it; a sidebar beside may hold short lines); the cells of a table without rules, names on
    # one side and values on the other, fill neither.
    lefts = [f for f in pieces if f.x1 <= x]
    rights = [f for f in pieces if f.x0 >= x]
    left_edge, right_edge = min(f.x0 for f in lefts), max(f.x1 for f in rights)
    full_left = sum(1 for f in lefts if f.x1 - f.x0 >= 0.6 * (x - left_edge))
    full_right = sum(1 for f in rights if f.x1 - f.x0 >= 0.6 * (right_edge - x))
    if full_left * 2 < len(lefts) and full_right * 2 < len(rights):
        return None
    return x


def _lines(pieces: list[_Fragment], page_no: int) -> list[_Printed]:
    """Fragments on one baseline joined into one printed line, top to bottom (a fragment read in
    the content's order is a line of its own)."""
    groups: list[list[_Fragment]] = []
    # columns of vertical writing that start at one height are read right to left
    for f in sorted(pieces, key=lambda f: (-f.base, -f.x0 if f.ordered else f.x0)):
        last = groups[-1][0] if groups else None
        if last is not None and not f.ordered and not last.ordered \
                and abs(last.base - f.base) <= SAME_LINE * max(f.size, last.size, 1.0):
            groups[-1].append(f)
        else:
            groups.append([f])
    lines = [_printed([g for f in group for g in f.glyphs], page_no, group[0].ordered) for group in groups]
    for line, group in zip(lines, groups):
        line.gapped = len(group) > 1
    return lines


# --- tables drawn with rules ------------------------------------------------------------------

@dataclass(slots=True)
class _Grid:
    """A table drawn with rules: its horizontal rules' ys and vertical rules' extents."""

    x0: float
    x1: float
    y0: float
    y1: float
    ys: list[float]  # row edges, top to bottom
    verticals: list[tuple[float, float, float]]  # (x, y_low, y_high)

    def contains(self, x: float, y: float) -> bool:
        return self.x0 - 1 <= x <= self.x1 + 1 and self.y0 - 1 <= y <= self.y1 + 1

    def rows(self, glyphs: list[_Glyph], page_no: int) -> list[_Printed]:
        """One printed line per table row: its cells' texts separated by TAB, one cell per column
        of the table (a cell spanning columns is given to the first, the others left empty, so
        that every row has as many cells as the table has columns)."""
        out: list[_Printed] = []
        columns = _merge(x for x, _, _ in self.verticals)
        for top, low in zip(self.ys, self.ys[1:]):
            mid = (top + low) / 2
            xs = _merge(x for x, a, b in self.verticals if a - 1 <= mid <= b + 1)
            if len(xs) < 2:
                xs = [self.x0, self.x1]
            inside = [g for g in glyphs if low <= g.base + g.size * 0.3 <= top]
            if not inside:
                continue
            cells = []
            for left, right in zip(xs, xs[1:]):
                cell = [g for g in inside if left <= (g.x0 + g.x1) / 2 < right]
                cells.append(_cell_text(cell))
                spanned = sum(1 for x in columns if left + 1.5 < x < right - 1.5)
                cells += [""] * spanned
            line = _printed(inside, page_no)
            line.text, line.table = "\t".join(cells), True
            line.top, line.bottom, line.x0, line.x1 = top, low, self.x0, self.x1
            out.append(line)
        return out


def _cell_text(glyphs: list[_Glyph]) -> str:
    """A cell's lines top to bottom, joined as wrapped lines are."""
    out = ""
    spaced = False
    for p in _lines(_fragments(sorted(glyphs, key=lambda g: (-g.base, g.x0))), 0):
        out = join_wrapped(out, p.text, spaced) if out else p.text.strip(" ")
        spaced = p.spaced_end
    return out


def join_wrapped(first: str, rest: str, spaced: bool) -> str:
    """Two pieces of a wrapped line, joined as printed: with one space where the typesetter
    wrapped at a space (``spaced``: the first piece ended with one, or the rest starts with one)
    or between two Latin words (Digital ⏎ Transformation: a typesetter wraps them at the space it
    then leaves out), otherwise without (Japanese, or a number cut by the wrap: 201 ⏎ 4年度)."""
    if spaced or rest.startswith(" ") or (first[-1:].isascii() and first[-1:].isalpha()
                                          and rest[:1].isascii() and rest[:1].isalpha()):
        return f"{first.rstrip(' ')} {rest.lstrip(' ')}"
    return first + rest


def _tables(page: pdfium.PdfPage) -> list[_Grid]:
    """Tables drawn with rules: groups of touching horizontal and vertical rules (thin paths, or
    the edges of boxes) with at least two rows and two columns."""
    import pypdfium2.raw as pdfium_c

    horizontal: list[tuple[float, float, float]] = []  # (y, x_low, x_high)
    vertical: list[tuple[float, float, float]] = []  # (x, y_low, y_high)
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=2):
        left, bottom, right, top = obj.get_bounds()
        w, h = right - left, top - bottom
        if w < RULE_THIN and h < RULE_THIN:
            continue
        if h < RULE_THIN:
            horizontal.append(((top + bottom) / 2, left, right))
        elif w < RULE_THIN:
            vertical.append(((left + right) / 2, bottom, top))
        else:  # a box: its four edges
            horizontal += [(top, left, right), (bottom, left, right)]
            vertical += [(left, bottom, top), (right, bottom, top)]
    if not horizontal or not vertical:
        return []
    grids: list[_Grid] = []
    for group in _touching(horizontal, vertical):
        hs = [e for kind, e in group if kind == "h"]
        vs = [e for kind, e in group if kind == "v"]
        ys = sorted(_merge(y for y, _, _ in hs), reverse=True)
        xs = _merge(x for x, _, _ in vs)
        if len(ys) < 2 or len(xs) < 3:
            continue  # a frame or a box around a paragraph, not a table of one row or more, two columns or more
        grids.append(_Grid(min(a for _, a, _ in hs), max(b for _, _, b in hs), ys[-1], ys[0], ys,
                           [(x, a, b) for x, a, b in vs]))
    return grids


def _merge(values: object, tolerance: float = 1.5) -> list[float]:
    """Sorted values with those closer than ``tolerance`` merged."""
    out: list[float] = []
    for v in sorted(values):  # type: ignore[call-overload]
        if out and v - out[-1] <= tolerance:
            continue
        out.append(v)
    return out


def _touching(horizontal: list[tuple[float, float, float]], vertical: list[tuple[float, float, float]]
              ) -> list[list[tuple[str, tuple[float, float, float]]]]:
    """Rules grouped by whether they touch (union-find over horizontal × vertical crossings)."""
    edges = [("h", e) for e in horizontal] + [("v", e) for e in vertical]
    parent = list(range(len(edges)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    nh = len(horizontal)
    tol = 2.0
    for i, (y, ha, hb) in enumerate(horizontal):
        for j, (x, va, vb) in enumerate(vertical):
            if ha - tol <= x <= hb + tol and va - tol <= y <= vb + tol:
                parent[find(i)] = find(nh + j)
    groups: dict[int, list[tuple[str, tuple[float, float, float]]]] = defaultdict(list)
    for i, e in enumerate(edges):
        groups[find(i)].append(e)
    return list(groups.values())


# --- the document -----------------------------------------------------------------------------

def _body_size(printed: list[_Printed]) -> float:
    """The body text's font size: the size most characters are printed in (never zero)."""
    weight: Counter[float] = Counter()
    for p in printed:
        if not p.table and p.size > 0:
            weight[p.size] += len(p.text)
    return weight.most_common(1)[0][0] if weight else 10.0


def _mark_furniture(printed: list[_Printed], pages: int, right_edge: Callable[[_Printed], float]) -> None:
    """Page numbers and running headers and footers, by position and repetition: of the first and
    last lines of each page, those printed in its top or bottom band (:data:`BAND` of the page's
    height) that are a page number, or that the same band of several pages repeats in the same type
    size (numbers aside: a page's heading that repeats the header's words is printed larger).
    A line that a paragraph wraps into or out of is text.  The segmenter keeps headings and
    section labels among them out of the furniture."""
    by_page: dict[int, list[_Printed]] = defaultdict(list)
    for p in printed:
        by_page[p.page].append(p)
    wrapped: set[int] = set()
    for lines in by_page.values():
        for a, b in zip(lines, lines[1:]):
            if _continues(a, b, right_edge(a)):
                wrapped |= {id(a), id(b)}
    edges: list[tuple[int, int, str, str]] = []
    banded: dict[int, tuple[_Printed, str]] = {}
    for page, lines in by_page.items():
        for p in _edge_lines(lines):
            height = p.page_height or max(q.top for q in lines)
            band = "top" if p.top >= height * (1 - BAND) else "bottom" if p.bottom <= height * BAND else ""
            if band and not p.table and id(p) not in wrapped and not p.text.endswith(_SENTENCE_ENDS):
                banded[id(p)] = (p, band)
                edges.append((id(p), page, band, f"{p.size:g}:{edge_key(p.text)}"))
    running = repeated(edges, pages)
    for key, (p, band) in banded.items():
        if page_number(p.text) is not None:
            p.furniture = f"page number (in the page's {band} band)"
        elif key in running:
            p.furniture = f"running {'header' if band == 'top' else 'footer'} (the {band} band of {running[key]} pages)"


def _edge_lines(lines: list[_Printed], k: int = 2) -> list[_Printed]:
    """The first and last ``k`` lines of a page by their height on it."""
    ordered = sorted(lines, key=lambda p: -p.top)
    return ordered[:k] + [p for p in ordered[-k:] if p not in ordered[:k]]


def _join_wraps(printed: list[_Printed], body: float, pages: int) -> tuple[list[str], list[LineLayout]]:
    """The lines keikaku reads: wrapped printed lines joined (also across a page break, the page's
    furniture then written after the joined line), empty lines for space between paragraphs, a
    form feed before each page after the first (a line of its own for a page without text), and
    each line's layout."""
    texts: list[str] = []
    layout: list[LineLayout] = []
    right_edge = _right_edges(printed)
    per_page: Counter[int] = Counter(p.page for p in printed)
    prev: tuple[int, _Printed] | None = None  # the line before on this page: its index and line
    last_body: tuple[int, _Printed] | None = None  # the last body line written: its index and line
    page, feeds, first_body = 1, 0, True
    for p in printed:
        if p.page != page:
            for empty in range(page + 1, p.page):  # pages without text keep their place
                texts.append("\f")
                layout.append(LineLayout(page=empty, printed=0))
            prev, feeds, first_body, page = None, 1, True, p.page
        elif prev is not None and p.in_column and p.col != prev[1].col and p.top > prev[1].top:
            prev, first_body = None, True  # the next column: a paragraph may run on into it
        body_line = not p.furniture and not p.table
        into: tuple[int, _Printed] | None = None
        if prev is not None and _continues(prev[1], p, right_edge(prev[1])):
            into = prev
        elif first_body and body_line and last_body is not None and per_page[p.page] > 1 \
                and (last_body[1].page < p.page or last_body[1].col != p.col) \
                and _continues(last_body[1], p, right_edge(last_body[1]), across=True):
            into = last_body  # a paragraph running on over the page break, or into the next column
        if body_line:
            first_body = False
        if into is not None:
            k, before = into
            texts[k] = join_wrapped(texts[k], p.text, before.spaced_end)
            layout[k] = dataclasses.replace(layout[k], printed=layout[k].printed + 1)
            last_body = prev = (k, p)
            continue
        gap = (prev[1].bottom - p.top) if prev is not None else 0.0
        above = round(max(0.0, gap) / (body * 1.2), 1)
        for _ in range((above >= BLANK_ABOVE) + (above >= BLANK_MORE)):
            texts.append("")  # space between paragraphs, as pdftotext -layout writes it
            layout.append(LineLayout(page=p.page, printed=0))
        texts.append("\f" * feeds + p.text)
        feeds = 0
        layout.append(LineLayout(
            page=p.page, size=round(p.size / body, 2), bold=p.bold, indent=round(max(0.0, p.x0 - p.col[0]) / body, 1),
            space_above=above, furniture=p.furniture, table=p.table))
        prev = (len(texts) - 1, p)
        if body_line:
            last_body = prev
    for empty in range(page + 1, pages + 1):
        texts.append("\f")
        layout.append(LineLayout(page=empty, printed=0))
    return texts, layout


def _right_edges(printed: list[_Printed]) -> Callable[[_Printed], float]:
    """The right edge of each line's column, which a wrapped line reaches: the text block's, the
    same on every page in one column (a page of short lines alone does not show it), each
    column's own on a page in two."""
    block = 0.0
    columns: dict[tuple[int, tuple[float, float]], float] = {}
    for p in printed:
        if p.table or p.furniture:
            continue
        x1 = min(p.x1, p.page_width) if p.page_width else p.x1
        if p.in_column:
            columns[(p.page, p.col)] = max(columns.get((p.page, p.col), x1), x1)
        else:
            block = max(block, x1)
    return lambda p: columns.get((p.page, p.col), p.x1) if p.in_column else block


def _continues(a: _Printed, b: _Printed, right: float, across: bool = False) -> bool:
    """``b`` continues ``a`` wrapped by the typesetter: same column and font, ``a`` runs to the
    column's right edge, ``b`` starts at its left edge without an indent or a bullet, no space
    between them (``across``: ``a`` ends a page or a column and ``b`` starts the next, as wide)."""
    if a.table or b.table or a.furniture or b.furniture:
        return False
    em = max(a.size, 1.0)
    if across and a.in_column and abs((a.col[1] - a.col[0]) - (b.col[1] - b.col[0])) > WRAP_LEFT * em:
        return False  # columns as wide (mirrored margins move a page's columns, not their width); a
        # page in one column has the document's one text block
    if not across and (abs(a.col[0] - b.col[0]) > 2 or abs(a.col[1] - b.col[1]) > 2):
        return False
    if abs(a.size - b.size) > 0.5 or a.bold != b.bold:
        return False
    if a.x1 < right - WRAP_REACH * em or right - a.col[0] < NARROW * a.page_width:
        return False  # short of the edge, or a column no typesetter fills (short lines alone)
    if abs(b.x0 - a.x0) > WRAP_LEFT * em and b.x0 - b.col[0] > WRAP_LEFT * em:
        return False
    if not b.text or b.text[0] in "\u3000\t" or _list_mark(b.text[0]):
        return False  # an indent (a space at the start is where the typesetter wrapped a sentence) or a list's mark
    if a.text.endswith(_SENTENCE_ENDS) and (_NUMBERED.match(b.text) or (
            b.x1 < right - WRAP_REACH * em and not b.text.endswith(_SENTENCE_ENDS))):
        return False  # a sentence that ends at the edge, then a numbered heading in body type, a page
        # number, or a short line that ends no sentence (a label: 主な取組)
    if a.gapped or b.gapped:
        return False  # a row of a table without rules (its cells apart), not a wrapped sentence
    return across or a.bottom - b.top <= WRAP_LEADING * em

