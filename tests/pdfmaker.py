"""A small typesetter for the tests: it turns plan texts into PDFs, so no real PDF has to live in the repository.

`typeset` sets a plan on A4 pages in IPAexGothic (headings, wrapped body paragraphs, ruled tables, running header,
page numbers, optionally two-column pages). The other functions make the PDFs a reader must survive: scanned pages
without a text layer, an encrypted file, truncated and damaged bytes, and text layers that map glyphs to the wrong
characters (`mojibake`) or to none (`no_text_map`).
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib_fontja
from fpdf import FPDF
from fpdf.enums import MethodReturnValue, WrapMode
from PIL import Image, ImageDraw, ImageFont

FONT = "ipaexg"
PAGE_W, PAGE_H = 210.0, 297.0  # A4 portrait, in mm
MARGIN = 20.0
TEXT_W = PAGE_W - 2 * MARGIN
BOTTOM = PAGE_H - MARGIN  # the body stops here
COLUMN_GAP = 8.0
HEADING_PT = {1: 16.0, 2: 13.0, 3: 11.5}
TABLE_PT = 9.5
MARGINALIA_PT = 9.0  # running header and page number
CELL_PAD = 1.0  # mm above and below the text of a table cell

# A heading is recognised by how the line starts; the first matching level wins.
_N = "[0-9０-９一二三四五六七八九十百]+"
HEADING_PATTERNS: list[tuple[int, re.Pattern[str]]] = [
    (1, re.compile(rf"^(第{_N}[章編部]|基本目標|政策|方針)")),
    (2, re.compile(r"^(施策|基本施策|[0-9０-９]+[-－‐−][0-9０-９]+|[①-⑳]|[(（][0-9０-９]+[)）])")),
    (3, re.compile(r"^[アイウエオ][ 　]")),
]
MAX_HEADING_CHARS = 60


def font_path() -> Path:
    """The IPAexGothic font file that ships with matplotlib-fontja (a Japanese font every test machine has)."""
    return Path(matplotlib_fontja.__file__).parent / "fonts" / "ipaexg.ttf"


def default_heading(line: str) -> int:
    """The heading level of a line (1 = chapter, 2 = measure, 3 = item), or 0 for body text.

    Only short lines are headings: a long line that happens to begin with 政策 or (1) is a sentence.
    """
    if len(line) > MAX_HEADING_CHARS:
        return 0
    for level, pattern in HEADING_PATTERNS:
        if pattern.match(line):
            return level
    return 0


def pt_to_mm(pt: float) -> float:
    """Convert a size in points to millimetres (fpdf2's unit here)."""
    return pt * 25.4 / 72


@dataclass
class _Cursor:
    """Where the next printed line goes: the page's column count, the current column, and the y of its next line."""

    pdf: FPDF
    title: str
    header: bool
    page_numbers: bool
    two_column: Callable[[int], bool] | None
    columns: int = 1
    column: int = 0
    y: float = MARGIN

    def column_box(self) -> tuple[float, float]:
        """Left edge and width of the current column (the whole text width on a one-column page)."""
        width = (TEXT_W - COLUMN_GAP * (self.columns - 1)) / self.columns
        return MARGIN + self.column * (width + COLUMN_GAP), width


def _new_pdf() -> FPDF:
    """An empty A4 document with IPAexGothic registered; page breaks are made by `_make_room`, not by fpdf2."""
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(False)
    pdf.add_font(FONT, fname=str(font_path()))
    pdf.set_font(FONT, size=10.5)
    return pdf


def _start_page(cur: _Cursor) -> None:
    """Begin a page: draw the running header and page number, and decide whether its body is set in two columns."""
    pdf = cur.pdf
    pdf.add_page()
    pdf.set_font(FONT, size=MARGINALIA_PT)
    if cur.header:
        pdf.set_xy(MARGIN, MARGIN - 10)
        pdf.cell(TEXT_W, 5, cur.title)
    if cur.page_numbers:
        pdf.set_xy(MARGIN, BOTTOM + 6)
        pdf.cell(TEXT_W, 5, f"- {pdf.page} -", align="C")
    cur.columns = 2 if cur.two_column is not None and cur.two_column(pdf.page) else 1
    cur.column = 0
    cur.y = MARGIN


def _make_room(cur: _Cursor, height: float) -> None:
    """Move to the next column, or the next page, when `height` more millimetres do not fit in this column."""
    if cur.y + height <= BOTTOM:
        return
    if cur.column + 1 < cur.columns:
        cur.column += 1
        cur.y = MARGIN
    else:
        _start_page(cur)


def _wrap(pdf: FPDF, text: str, width: float) -> list[str]:
    """Split text into the lines fpdf2 would print in a box `width` wide, breaking between any two characters."""
    return pdf.multi_cell(width, 5, text, wrapmode=WrapMode.CHAR, dry_run=True, output=MethodReturnValue.LINES)


def _paragraph(cur: _Cursor, text: str, pt: float, leading: float) -> None:
    """Set one paragraph, a printed line at a time, each wrapped to the column it lands in.

    The rest of the paragraph is wrapped again for every line, because it may run on into a column of another width
    (from a one-column page on to a two-column one).
    """
    pdf = cur.pdf
    line_h = pt_to_mm(pt) * leading
    while text:
        _make_room(cur, line_h)
        x, width = cur.column_box()
        pdf.set_font(FONT, size=pt)  # after _make_room, which may have set the page number's size
        line = _wrap(pdf, text, width)[0]
        pdf.set_xy(x, cur.y)
        pdf.cell(width, line_h, line)
        cur.y += line_h
        text = text[max(len(line), 1) :]


def _table_row(cur: _Cursor, cells: list[str]) -> None:
    """Set one table row: equal-width cells, each ruled on all four sides, its text wrapped inside the cell."""
    pdf = cur.pdf
    line_h = pt_to_mm(TABLE_PT) * 1.4

    def fit() -> tuple[float, list[list[str]], float]:
        """Cell width, wrapped cell texts and row height in the current column."""
        pdf.set_font(FONT, size=TABLE_PT)
        cell_w = cur.column_box()[1] / len(cells)
        wrapped = [_wrap(pdf, cell, cell_w) for cell in cells]
        return cell_w, wrapped, max(len(lines) for lines in wrapped) * line_h + 2 * CELL_PAD

    _make_room(cur, fit()[2])
    cell_w, wrapped, row_h = fit()  # again: the row may have moved to a column of another width
    x = cur.column_box()[0]
    for lines in wrapped:
        pdf.rect(x, cur.y, cell_w, row_h)
        for i, line in enumerate(lines):
            pdf.set_xy(x, cur.y + CELL_PAD + i * line_h)
            pdf.cell(cell_w, line_h, line)
        x += cell_w
    cur.y += row_h


def _layout(
    lines: list[str],
    *,
    title: str | None = None,
    heading: Callable[[str], int] = default_heading,
    body_pt: float = 10.5,
    header: bool = True,
    page_numbers: bool = True,
    two_column: Callable[[int], bool] | None = None,
    lines_per_page: int | None = None,
    levels: list[int] | None = None,
) -> FPDF:
    """Typeset `lines` into an fpdf2 document not yet written out (see `typeset`); the variants below alter it."""
    if title is None:
        title = next((line.replace("\t", " ") for line in lines if line.strip()), "")
    cur = _Cursor(_new_pdf(), title, header, page_numbers, two_column)
    _start_page(cur)
    body_line_h = pt_to_mm(body_pt) * 1.6
    for n, line in enumerate(lines):
        if lines_per_page and n and n % lines_per_page == 0:
            _start_page(cur)
        if "\t" in line:
            if n == 0 or "\t" not in lines[n - 1]:
                cur.y += body_line_h / 2  # space above a table
            _table_row(cur, line.split("\t"))
            if n + 1 == len(lines) or "\t" not in lines[n + 1]:
                cur.y += body_line_h / 2  # and below it
        elif not line.strip():
            cur.y += body_line_h
        elif level := (levels[n] if levels is not None else heading(line)):
            pt = HEADING_PT[level]
            if cur.y > MARGIN:
                cur.y += pt_to_mm(pt) * 0.5  # space above a heading, unless it opens a column
            _paragraph(cur, line, pt, 1.5)
        else:
            _paragraph(cur, line, body_pt, 1.6)
    return cur.pdf


def typeset(lines: list[str], **options: Any) -> bytes:
    """A PDF of a plan text, one input line per paragraph, the way a municipality's word processor would set it;
    ``options`` are `_layout`'s keywords.

    A4 portrait, 20 mm margins, IPAexGothic. `heading(line)` gives each line's level: 1, 2, 3 are set in 16, 13 and
    11.5 pt, body text (0) in `body_pt` and wrapped at the right margin between any two characters (leading U+3000
    indents are kept). An empty line is a body line of space. Consecutive lines containing a TAB make a ruled table
    (one row per line, cells split on TAB, 9.5 pt, text wrapped inside its cell). `header` puts `title` (default: the
    first non-empty line) at the top of every page, `page_numbers` a centred `- N -` at the bottom, both in 9 pt.
    Pages for which `two_column(page_no)` is true have their body set in two columns, left one first.
    `lines_per_page` starts a new page before every input line whose index is a multiple of it (pages that fill up
    break earlier as well). `levels`, when given, is each line's level instead of `heading`'s.
    """
    return bytes(_layout(lines, **options).output())


SCAN_TEXT = [
    "第1章　まちづくりの基本方針",
    "施策1-1　子育て支援の充実",
    "　すべての子どもが家庭と地域の愛情に包まれて育つまちをめざします。",
    "現状と課題",
    "　未就学児の数はこの５年間で約１割増加しました。",
]


def image_only(pages: int = 2) -> bytes:
    """A scanned plan: every page is one grey-scale picture of printed text, and there is no text layer at all."""
    font = ImageFont.truetype(str(font_path()), 20)
    pdf = _new_pdf()
    for page_no in range(1, pages + 1):
        image = Image.new("L", (794, 1123), 255)  # A4 at 96 dpi
        draw = ImageDraw.Draw(image)
        for i, line in enumerate(SCAN_TEXT):
            draw.text((76, 90 + i * 40), line, font=font, fill=0)
        draw.text((380, 1060), f"- {page_no} -", font=font, fill=0)
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        pdf.add_page()
        pdf.image(buffer, x=0, y=0, w=PAGE_W, h=PAGE_H)
    return bytes(pdf.output())


def encrypted(lines: list[str], password: str = "secret") -> bytes:
    """A typeset plan encrypted (RC4) with user password `password`: a reader cannot open it without the password."""
    pdf = _layout(lines)
    pdf.set_encryption(owner_password=password + "-owner", user_password=password)
    return bytes(pdf.output())


def truncated(data: bytes, keep: float = 0.5) -> bytes:
    """The first `keep` share of a PDF's bytes, as left by an interrupted download.

    fpdf2 names the document's root only in the trailer at the very end, so pypdfium2 cannot repair a cut of a
    typeset PDF made before it ("Failed to load document (PDFium: Data format error)."); a cut after the trailer,
    before ``startxref``, opens (tests/test_pdf.py reads it with warning W105).
    """
    return data[: int(len(data) * keep)]


def damaged(data: bytes) -> bytes:
    """A PDF whose first line (`%PDF-1.x`) is intact and whose every later byte is garbage, of the same length.

    The garbage steps by 151 (mod 251) from byte to byte, so no two neighbouring bytes are both letters: no `obj`,
    `xref` or `trailer` survives for a repairing reader to rebuild the file from.
    """
    body_start = data.index(b"\n") + 1
    garbage = bytes((i * 151 + 7) % 251 for i in range(len(data) - body_start))
    return data[:body_start] + garbage


def _uncompressed(lines: list[str]) -> bytes:
    """A typeset plan written without stream compression, so that its ToUnicode CMap can be edited as text."""
    pdf = _layout(lines)
    pdf.set_compression(False)
    return bytes(pdf.output())


_BFCHAR_BLOCK = re.compile(rb"beginbfchar\n.*?endbfchar", re.DOTALL)
_BFCHAR_ENTRY = re.compile(rb"<([0-9A-F]{4})> <([0-9A-F]+)>")


def _to_private_use(entry: re.Match[bytes]) -> bytes:
    """Map one glyph (CID) to a private-use character U+E000 + CID, keeping the entry's byte length."""
    cid, target = entry.group(1), entry.group(2)
    garbage = f"{0xE000 + int(cid, 16) % 0x1900:04X}".encode() * (len(target) // 4)
    return b"<" + cid + b"> <" + garbage + b">"


def mojibake(lines: list[str]) -> bytes:
    """A typeset plan whose ToUnicode CMap maps every glyph to the private-use character U+E000 + its glyph code.

    The page looks right, but the text layer is garbage, as in PDFs made with fonts that lack a proper ToUnicode map.
    pypdfium2 returns exactly one private-use character per printed character (glyph codes count from 1 in order of
    first use, the space is 0x20: 第1章 → U+E001 U+E002 U+E003), nothing outside U+E000..U+F8FF except its usual
    \r\n between printed lines. The CMap is rewritten in place with entries of equal length, so the cross-reference
    offsets stay valid.
    """
    data = _uncompressed(lines)
    return _BFCHAR_BLOCK.sub(lambda block: _BFCHAR_ENTRY.sub(_to_private_use, block.group(0)), data)


def no_text_map(lines: list[str]) -> bytes:
    """A typeset plan whose font has no ToUnicode map at all (the reference is blanked out with spaces).

    pypdfium2 then returns each glyph's code itself as the character: C0 controls (U+0001.., tab, \n and \r among
    them), ASCII, Latin-1 and beyond (codes count from 1 in order of first use), never U+FFFD or U+0000; a few codes
    (2, 3, 0x93..0x98) come out as nothing, so the text is a little shorter than the printed one.
    """
    data = _uncompressed(lines)
    return re.sub(rb"/ToUnicode \d+ 0 R", lambda ref: b" " * len(ref.group(0)), data)
