"""A hostile pass over PDF input: PDFs built the way real municipal PDFs come (landscape and rotated
pages, blank pages, boxes and frames, unruled tables, merged cells, sidebars, copy-protected files,
partial mojibake, junk before the header, a thousand pages …).  Each is either read right or
refused with one line naming the file; never a traceback, garbage read silently, a hang or text
dropped.  (A defect found here is written as a strict xfail until it is mended; none is open.)"""

from __future__ import annotations

import io
import json
import time
from collections.abc import Callable
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from conftest import keikaku_cli, manifest
from fpdf import FPDF
from fpdf.enums import AccessPermission, TextMode
from pdfmaker import _BFCHAR_BLOCK, _BFCHAR_ENTRY, _layout, _to_private_use, _uncompressed, _wrap, font_path, typeset
from test_pdf import LONG, PLAN  # noqa: E402  (the plan the PDF tests typeset)

from keikaku.errors import InputError
from keikaku.extract.document import parse_source
from keikaku.ingest import ingest_any
from keikaku.ingest.pdf import extract_pdf
from keikaku.ingest.text import ingest_bytes

KPI = [("指標名", "単位", "現状値（令和5年度）", "目標値（令和11年度）"), ("保育所待機児童数", "人", "12", "0"),
       ("子育て相談件数", "件", "1,250", "1,800"), ("自主防災組織の結成率", "％", "68.5", "85.0")]


# --- helpers ----------------------------------------------------------------------------------

def _new() -> FPDF:
    pdf = FPDF(unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_font("ipa", "", str(font_path()))
    pdf.set_font("ipa", size=10.5)
    return pdf


def _out(pdf: FPDF) -> bytes:
    return bytes(pdf.output())


def _text_lines(data: bytes, name: str = "x.pdf") -> list[str]:
    """The extracted lines, form feeds taken out, empty lines left out."""
    return [line.replace("\f", "") for line in extract_pdf(data, name).lines if line.strip()]


def _outline(doc) -> list[tuple[str | None, str | None]]:
    return [(n.code, n.title) for n in doc.nodes() if not n.from_contents]


def _kpis(doc) -> list[tuple[str, float | None, list[float]]]:
    return [(i.name, i.baseline and i.baseline.value, [t.value for t in i.targets])
            for n in doc.nodes() for i in n.indicators]


def _rewrite(data: bytes, change: Callable[[pdfium.PdfDocument], None]) -> bytes:
    doc = pdfium.PdfDocument(data)
    change(doc)
    buf = io.BytesIO()
    doc.save(buf)
    doc.close()
    return buf.getvalue()


def _grid(pdf: FPDF, x: float, y: float, widths: list[float], rows: list[list[str]], h: float = 8,
          span: set[tuple[int, int]] | None = None) -> float:
    """A table ruled on all sides; ``span`` holds (row, col) of cells spanning col and col + 1."""
    span = span or set()
    for r, cells in enumerate(rows):
        cx, c, k = x, 0, 0
        while c < len(widths):
            w = widths[c] + (widths[c + 1] if (r, c) in span else 0)
            pdf.rect(cx, y + r * h, w, h)
            pdf.text(cx + 1, y + r * h + 5.5, cells[k])
            cx, c, k = cx + w, c + (2 if (r, c) in span else 1), k + 1
    return y + len(rows) * h


def _paragraph(pdf: FPDF, x: float, y: float, text: str, width: float, leading: float = 6) -> float:
    for line in _wrap(pdf, text, width):
        pdf.text(x, y, line)
        y += leading
    return y


def _one_line_refusal(exc: pytest.ExceptionInfo, name: str) -> str:
    msg = str(exc.value)
    assert msg.startswith(f"{name}: ") and "\n" not in msg
    return msg


# --- pages: sizes, rotation, blank and zero pages ------------------------------------------------

def test_mixed_page_sizes_are_read_page_by_page() -> None:
    pdf = _new()
    for k, (fmt, orient) in enumerate([("A4", "P"), ("A4", "L"), ("A3", "L"), ("A3", "P")], start=1):
        pdf.add_page(format=fmt, orientation=orient)
        pdf.text(20, 30, f"第{k}章　総則その{k}")
        pdf.text(20, 38, f"{fmt}{orient}の頁の本文です。")
    got = extract_pdf(_out(pdf), "sizes.pdf")
    assert got.pages == 4
    assert [line for line in got.lines if line] == [
        "第1章　総則その1", "A4Pの頁の本文です。", "\f第2章　総則その2", "A4Lの頁の本文です。",
        "\f第3章　総則その3", "A3Lの頁の本文です。", "\f第4章　総則その4", "A3Pの頁の本文です。"]


@pytest.mark.parametrize("rotation", [90, 180, 270])
def test_rotate_attribute_on_upright_content_keeps_the_order(rotation: int) -> None:
    pdf = _new()
    for k in range(1, 4):
        pdf.add_page()
        pdf.text(20, 30, f"第{k}章　見出し")
        pdf.text(20, 38, f"第{k}頁の本文です。")
    data = _rewrite(_out(pdf), lambda doc: doc[1].set_rotation(rotation))
    assert _text_lines(data) == ["第1章　見出し", "第1頁の本文です。", "第2章　見出し", "第2頁の本文です。",
                                 "第3章　見出し", "第3頁の本文です。"]


ROTATED = ["第1章　総則", "この計画は市の将来像を示すものです。", "施策1-1　子育て支援", "保育所を増やします。",
           "第2章　計画", "計画の期間は十年間とします。"]


def test_rotate_90_page_with_turned_content_is_read_top_down() -> None:
    pdf = _new()
    pdf.add_page()
    for i, line in enumerate(ROTATED):  # displayed: line i at 30 + 8i mm from the top, 20 mm from the left
        x, y = 30 + 8 * i, 297 - 20
        with pdf.rotation(90, x, y):
            pdf.text(x, y, line)
    data = _rewrite(_out(pdf), lambda doc: doc[0].set_rotation(90))
    assert _text_lines(data) == ROTATED


def test_blank_pages_keep_the_page_numbers() -> None:
    pdf = _new()
    pdf.add_page()  # a blank cover's back
    pdf.add_page()
    pdf.text(20, 30, "第1章　総則")
    pdf.text(20, 38, "本文です。")
    pdf.add_page()  # 白紙
    pdf.add_page()
    pdf.rect(20, 20, 50, 50)  # a page with a drawing only
    pdf.add_page()
    pdf.text(20, 30, "第2章　計画")
    pdf.text(20, 38, "本文です。")
    data = _out(pdf)
    source = ingest_any(data, "blank.pdf")
    assert source.pages == 5
    assert [lay.page for line, lay in zip(source.lines, source.layout) if line.text.endswith("章　計画")] == [5]
    doc = parse_source(source, "blank")
    assert [(n.code, n.pdf_page) for n in doc.nodes()] == [("第1章", 2), ("第2章", 5)]


def test_blank_pages_lose_no_text() -> None:
    pdf = _new()
    pdf.add_page()
    pdf.text(20, 30, "第1章　総則")
    pdf.add_page()
    pdf.add_page()
    pdf.text(20, 30, "第2章　計画")
    assert _text_lines(_out(pdf)) == ["第1章　総則", "第2章　計画"]


def test_zero_page_pdf_is_refused_in_one_line() -> None:
    doc = pdfium.PdfDocument.new()
    buf = io.BytesIO()
    doc.save(buf)
    with pytest.raises(InputError) as exc:
        ingest_any(buf.getvalue(), "empty.pdf")
    _one_line_refusal(exc, "empty.pdf")


# --- lines: long, tiny, huge, English --------------------------------------------------------

def test_line_running_off_the_page_is_kept_whole() -> None:
    pdf = _new()
    pdf.add_page()
    long = "あ" * 300 + "終わり"
    pdf.text(20, 30, "第1章　総則")
    pdf.text(20, 40, long)
    pdf.text(20, 50, "次の行です。")
    assert _text_lines(_out(pdf)) == ["第1章　総則", long, "次の行です。"]


def test_tiny_and_huge_type_are_read_with_their_sizes() -> None:
    pdf = _new()
    pdf.add_page()
    pdf.set_font("ipa", size=40)
    pdf.text(20, 40, "第1章　総則")
    pdf.set_font("ipa", size=10.5)
    y = _paragraph(pdf, 20, 55, LONG * 3, 170)
    pdf.set_font("ipa", size=5)
    pdf.text(20, y + 2, "※注記：五ポイントの文字です。")
    pdf.set_font("ipa", size=10.5)
    pdf.text(20, y + 10, "本文の続きです。")
    got = extract_pdf(_out(pdf), "sizes.pdf")
    sizes = {line: lay.size for line, lay in zip(got.lines, got.layout) if line}
    assert sizes["第1章　総則"] > 3 and sizes["※注記：五ポイントの文字です。"] < 0.6
    assert (LONG * 3).strip() in [line.strip() for line in got.lines] and "本文の続きです。" in sizes


def test_english_words_wrapped_over_lines_keep_their_space() -> None:
    pdf = _new()
    pdf.add_page()
    pdf.text(20, 30, "第1章　総則")
    rows = ["本市は行政の仕組みを見直し、全庁的かつ計画的に Digital", "Transformation を推進します。"]
    for i, row in enumerate(rows):
        pdf.text(20, 40 + i * 5.5, row)
    assert _text_lines(_out(pdf)) == ["第1章　総則", "本市は行政の仕組みを見直し、全庁的かつ計画的に Digital "
                                      "Transformation を推進します。"]


# --- tables and boxes -------------------------------------------------------------------------

def test_cell_text_wrapped_inside_its_cell_is_one_cell() -> None:
    rows = ["指標名\t単位\t現状値\t目標値",
            "市民一人当たりの図書館資料の年間貸出冊数（電子書籍を含む）\t冊\t5.2\t6.0"]
    got = extract_pdf(typeset(["第1章　総則", "成果指標", *rows, "以上です。"], header=False, page_numbers=False),
                      "cells.pdf")
    assert [line for line, lay in zip(got.lines, got.layout) if lay.table] == rows


def test_frame_around_the_page_with_a_table_inside() -> None:
    pdf = _new()
    pdf.add_page()
    pdf.rect(10, 10, 190, 277)
    pdf.text(20, 20, "第1章　総則")
    pdf.text(20, 26, "本文です。")
    _grid(pdf, 20, 30, [60, 20, 40, 40], [list(KPI[0]), list(KPI[1])])
    pdf.text(20, 60, "以上です。")
    got = extract_pdf(_out(pdf), "frame.pdf")
    assert [line for line in got.lines if line] == ["第1章　総則", "本文です。", "\t".join(KPI[0]), "\t".join(KPI[1]),
                                                     "以上です。"]
    assert [lay.table for line, lay in zip(got.lines, got.layout) if line] == [False, False, True, True, False]


@pytest.mark.parametrize("title_bar", [False, True])
def test_box_around_a_paragraph_is_not_a_table(title_bar: bool) -> None:
    pdf = _new()
    pdf.add_page()
    pdf.text(20, 20, "第1章　総則")
    pdf.rect(18, 25, 150, 26)
    if title_bar:
        pdf.line(18, 32, 168, 32)
    column = ["【コラム】地域の取組", "市内では多くの団体が活動しています。", "今後も支援を続けます。"]
    for i, line in enumerate(column):
        pdf.text(20, 30 + i * 7, line)
    pdf.text(20, 60, "以上です。")
    got = extract_pdf(_out(pdf), "box.pdf")
    assert not any(lay.table for lay in got.layout)
    assert [line for line in got.lines if line] == ["第1章　総則", *column, "以上です。"]


def test_ruled_table_across_a_page_break_gives_all_its_indicators() -> None:
    rows = ["\t".join(KPI[0])] + [f"指標{i}の名前\t人\t{i * 10}\t{i * 20}" for i in range(1, 40)]
    lines = ["第1章　総則", "施策1-1　子育て"] + ["本文です。"] * 30 + ["成果指標", *rows, "以上です。"]
    data = typeset(lines, title="計画書")
    got = extract_pdf(data, "long_table.pdf")
    assert sum(lay.table for lay in got.layout) == 40 and got.pages == 2  # every row read, on two pages
    as_text = parse_source(ingest_bytes("\n".join(lines).encode(), "long_table.txt"), "t")
    assert len(_kpis(as_text)) == 39
    assert _kpis(parse_source(ingest_any(data, "long_table.pdf"), "t")) == _kpis(as_text)


def test_merged_header_cell_keeps_the_column_count() -> None:
    pdf = _new()
    pdf.add_page()
    pdf.text(20, 20, "第1章　総則")
    _grid(pdf, 20, 30, [60, 20, 40, 40], [["指標", "現状値", "目標値"], ["保育所待機児童数", "人", "12", "0"],
                                          ["子育て相談件数", "件", "1,250", "1,800"]], span={(0, 0)})
    got = extract_pdf(_out(pdf), "m.pdf")
    rows = [line for line, lay in zip(got.lines, got.layout) if lay.table]
    assert rows[1:] == ["保育所待機児童数\t人\t12\t0", "子育て相談件数\t件\t1,250\t1,800"]
    assert {row.count("\t") for row in rows} == {3}


def _unruled_table_page(rows: list[tuple[str, ...]], paragraphs: int) -> bytes:
    """Paragraphs across the text width, then a KPI table without rules: names and units at the
    left, values right-aligned, the last column ending at the right margin (as Word's tab stops
    set it)."""
    pdf = _new()
    pdf.add_page()
    pdf.text(20, 20, "施策1-1　子育て支援")
    y = 28.0
    for _ in range(paragraphs):
        y = _paragraph(pdf, 20, y, LONG, 170) + 3
    pdf.text(20, y, "成果指標")
    y += 8
    for row in rows:
        pdf.text(20, y, row[0])
        pdf.text(100, y, row[1])
        for k, value in enumerate(row[2:]):
            pdf.text(150 + 40 * k - pdf.get_string_width(value), y, value)
        y += 6
    pdf.text(20, y + 6, "以上です。")
    return _out(pdf)


def test_unruled_table_rows_are_not_joined_as_wraps() -> None:
    lines = _text_lines(_unruled_table_page(KPI[:3], paragraphs=4))
    rows = [line for line in lines if "  " in line]
    assert len(rows) == 3 and rows[1].split()[0] == "保育所待機児童数"


def test_unruled_table_is_not_a_two_column_page() -> None:
    rows = [("指標名", "単位", "現状値", "目標値"), *KPI[1:]]
    lines = _text_lines(_unruled_table_page(rows, paragraphs=4))
    assert lines[-1] == "以上です。"
    assert lines.count(LONG) == 4
    assert [line.split()[0] for line in lines if "  " in line] == [row[0] for row in rows]


# --- columns and sidebars ---------------------------------------------------------------------

COL_A = "左の段の本文です。市民と行政が協働してまちづくりを進めるため、地域の活動を支援します。" * 2
COL_B = "右の段の本文です。安全で安心なまちをつくるため、防災と防犯の取組を強化していきます。" * 2


def _two_columns_with_heading(heading: str) -> bytes:
    pdf = _new()
    pdf.add_page()
    pdf.set_font("ipa", size=16)
    pdf.text(20, 20, "第1章　まちづくりの方針")
    pdf.set_font("ipa", size=10.5)
    y = max(_paragraph(pdf, 20, 32, COL_A, 81), _paragraph(pdf, 109, 32, COL_B, 81)) + 6
    pdf.set_font("ipa", size=16)
    pdf.text(20, y + 4, heading)
    pdf.set_font("ipa", size=10.5)
    _paragraph(pdf, 20, y + 14, COL_A.replace("左の段", "左下の段"), 81)
    _paragraph(pdf, 109, y + 14, COL_B.replace("右の段", "右下の段"), 81)
    return _out(pdf)


def _two_column_expected(heading: str) -> list[str]:
    return ["第1章　まちづくりの方針", COL_A, COL_B, heading, COL_A.replace("左の段", "左下の段"),
            COL_B.replace("右の段", "右下の段")]


def test_two_columns_around_a_heading_across_the_gutter() -> None:
    heading = "第2章　計画の推進に向けた市民と行政の協働"
    assert _text_lines(_two_columns_with_heading(heading)) == _two_column_expected(heading)


def test_two_columns_around_a_short_heading() -> None:
    heading = "第2章　計画の推進"
    assert _text_lines(_two_columns_with_heading(heading)) == _two_column_expected(heading)


def test_narrow_sidebar_is_read_after_the_main_column() -> None:
    body = "本文です。市民と行政が協働してまちづくりを進めるため、地域の活動を支援します。安全で安心なまちをつくるため、防災と防犯の取組を強化していきます。"
    pdf = _new()
    pdf.add_page()
    pdf.set_font("ipa", size=16)
    pdf.text(20, 20, "第1章　まちづくりの方針")
    pdf.set_font("ipa", size=10.5)
    y = 32.0
    for _ in range(3):
        y = _paragraph(pdf, 20, y, body, 120) + 4
    pdf.set_font("ipa", size=8)
    notes = ["用語解説", "協働：市民と行政が", "ともに取り組むこと。", "防災：災害を防ぐ", "ための取組。"]
    for i, note in enumerate(notes):
        pdf.text(150, 32 + 5 * i, note)
    assert _text_lines(_out(pdf)) == ["第1章　まちづくりの方針", body, body, body, *notes]


# --- drawn twice, hidden, overlapping ---------------------------------------------------------

@pytest.mark.parametrize("offset", [0.05, 0.2, 0.3])
def test_fake_bold_text_drawn_twice_is_read_once(offset: float) -> None:
    pdf = _new()
    pdf.add_page()
    pdf.set_font("ipa", size=13)
    pdf.text(20, 20, "第1章　総則")
    pdf.text(20 + offset, 20, "第1章　総則")
    pdf.set_font("ipa", size=10.5)
    for x in (20, 20 + offset):
        pdf.text(x, 30, "本文です。計画を推進します。")
    assert _text_lines(_out(pdf)) == ["第1章　総則", "本文です。計画を推進します。"]


@pytest.mark.parametrize("hide", ["white", "invisible"])
def test_white_and_invisible_text_is_read(hide: str) -> None:
    # white text on a dark heading bar, or an OCR layer under a picture: both are the page's text
    pdf = _new()
    pdf.add_page()
    pdf.text(20, 20, "第1章　総則")
    if hide == "white":
        pdf.set_text_color(255, 255, 255)
    else:
        pdf.text_mode = TextMode.INVISIBLE
    pdf.text(20, 26, "施策1-1　見えない見出し")
    pdf.set_text_color(0, 0, 0)
    pdf.text_mode = TextMode.FILL
    pdf.text(20, 32, "本文です。")
    assert _text_lines(_out(pdf)) == ["第1章　総則", "施策1-1　見えない見出し", "本文です。"]


# --- text layers and file names ---------------------------------------------------------------

def _partial_mojibake(lines: list[str], every: int) -> bytes:
    """Every ``every``-th glyph of the font mapped to a private-use character (a font with a broken
    ToUnicode map beside good ones)."""
    data = _uncompressed(lines)

    def entry(m):
        return _to_private_use(m) if int(m.group(1), 16) % every == 0 else m.group(0)

    return _BFCHAR_BLOCK.sub(lambda block: _BFCHAR_ENTRY.sub(entry, block.group(0)), data)


@pytest.mark.parametrize("every", [3, 2])
def test_mostly_unmapped_text_layer_is_refused(every: int) -> None:
    with pytest.raises(InputError) as exc:
        ingest_any(_partial_mojibake(PLAN, every), "garbled.pdf")
    assert "no usable Unicode mapping" in _one_line_refusal(exc, "garbled.pdf")


def test_partly_unmapped_text_layer_is_read_with_a_warning() -> None:
    source = ingest_any(_partial_mojibake(PLAN, 10), "partly.pdf")
    assert sum(0xE000 <= ord(c) <= 0xF8FF for line in source.lines for c in line.text) > 0
    assert [w.code for w in source.warnings] == ["W106"]


@pytest.mark.parametrize("junk", [b"\r\n", b"\xef\xbb\xbf", b"Content-Type: application/pdf\r\n\r\n", b"x" * 1000])
def test_junk_before_the_header_is_read(junk: bytes) -> None:
    data = typeset(PLAN, header=False)
    assert _text_lines(junk + data) == _text_lines(data)


def test_junk_of_more_than_a_kilobyte_is_refused_in_one_line() -> None:
    with pytest.raises(InputError) as exc:
        ingest_any(b"x" * 2000 + typeset(PLAN), "junk.pdf")
    _one_line_refusal(exc, "junk.pdf")


def test_pdf_named_txt_is_read_as_a_pdf_and_text_named_pdf_as_text() -> None:
    data = typeset(PLAN, header=False)
    assert ingest_any(data, "plan.txt").encoding == "pdf"
    text = "\n".join(line for line in PLAN).encode()
    assert _outline(parse_source(ingest_any(text, "plan.pdf"), "p")) == _outline(parse_source(ingest_any(data, "p"), "p"))


def test_text_mentioning_the_pdf_magic_is_read_as_text() -> None:
    text = "第1章　総則\n　提出するファイルの形式は%PDF-1.7以降とします。\n".encode()
    assert ingest_any(text, "rules.txt").encoding == "utf-8"


def test_html_page_named_pdf_is_refused() -> None:
    page = b"<!DOCTYPE html><html><head><title>404 Not Found</title></head><body>Not Found</body></html>"
    with pytest.raises(InputError) as exc:
        ingest_any(page, "plan.pdf")
    _one_line_refusal(exc, "plan.pdf")


# --- protection ----------------------------------------------------------------------------------

@pytest.mark.parametrize("protect", ["empty user password", "copying forbidden"])
def test_copy_protected_pdf_without_user_password_is_read(protect: str) -> None:
    pdf = _layout(PLAN, header=False)
    if protect == "empty user password":
        pdf.set_encryption(owner_password="owner-secret", user_password="")
    else:
        pdf.set_encryption(owner_password="owner-secret", permissions=AccessPermission.PRINT_LOW_RES)
    data = _out(pdf)
    assert b"/Encrypt" in data
    plain = typeset(PLAN, header=False)
    assert _text_lines(data) == _text_lines(plain)
    assert _outline(parse_source(ingest_any(data, "locked.pdf"), "l")) == \
        _outline(parse_source(ingest_any(plain, "plain.pdf"), "l"))


# --- documents: sheets, many pages, runs, extract ---------------------------------------------

SHEET_TITLES = ["保育サービスの充実", "学校教育の充実", "防災体制の強化", "地域福祉の推進", "産業の振興"]


def _sheets(code_alone: bool) -> tuple[list[str], list[int]]:
    """One 施策 a page: its code and title (on one line, or the code on a line of its own above the
    title, as sheet layouts print it), then two sections."""
    lines: list[str] = []
    levels: list[int] = []
    for k, title in enumerate(SHEET_TITLES, 1):
        head = [f"施策1-{k}", title] if code_alone else [f"施策1-{k}　{title}"]
        lines += [*head, "現状と課題", LONG, "施策の方向性", LONG]
        levels += [2] * len(head) + [0, 0, 0, 0]
    return lines, levels


@pytest.mark.parametrize("header, code_alone", [
    (True, False),
    (False, False),
    (True, True),
])
def test_sheet_per_page_keeps_its_headings_and_sections(header: bool, code_alone: bool) -> None:
    lines, levels = _sheets(code_alone)
    data = typeset(lines, lines_per_page=len(lines) // 5, header=header, title="桜台市総合計画", levels=levels)
    doc = parse_source(ingest_any(data, "sheets.pdf"), "s")
    assert [(n.code, [s.name for s in n.sections]) for n in doc.nodes()] == \
        [(f"施策1-{k}", ["現状と課題", "施策の方向性"]) for k in range(1, 6)]
    assert not any(p.text.strip() in ("現状と課題", "施策1-1") for p in doc.furniture)


WORDS = ("子育て", "教育", "防災", "福祉", "産業", "環境", "文化", "交通", "健康", "協働")


def test_a_thousand_pages_are_read_in_time() -> None:
    pdf = _new()
    titles = {}
    for k in range(1, 1001):
        titles[k] = f"{WORDS[k % 10]}と{WORDS[k // 10 % 10]}と{WORDS[k // 100 % 10]}の施策"
        pdf.add_page()
        pdf.set_font("ipa", size=9)
        pdf.text(20, 12, "桜台市総合計画")
        pdf.set_font("ipa", size=13)
        pdf.text(20, 25, f"施策{k}　{titles[k]}")
        pdf.set_font("ipa", size=10.5)
        pdf.text(20, 35, f"{titles[k]}について定めます。")
        pdf.text(100, 285, f"- {k} -")
    data = _out(pdf)
    start = time.perf_counter()
    source = ingest_any(data, "big.pdf")
    doc = parse_source(source, "big")
    assert time.perf_counter() - start < 60
    assert source.pages == 1000 and len(source.breaks) == 999
    assert [(n.code, n.title, n.pdf_page) for n in doc.nodes()] == [(f"施策{k}", titles[k], k) for k in range(1, 1001)]
    assert len(doc.furniture) == 2000


def test_repeated_closing_sentence_on_short_pages_stays_in_the_text() -> None:
    pdf = _new()
    closing = "を拡大するとともに、保育士の確保と処遇の改善に取り組み、待機児童の解消を図ります。"
    for k in range(1, 6):
        pdf.add_page()
        pdf.set_font("ipa", size=13)
        pdf.text(20, 25, f"施策{k}　{WORDS[k]}の充実")
        pdf.set_font("ipa", size=10.5)
        pdf.text(20, 35, f"{WORDS[k]}について、保育所の定員")
        pdf.text(20, 41, closing)
        pdf.text(100, 285, f"- {k} -")
    source = ingest_any(_out(pdf), "short.pdf")
    assert not any(lay.furniture and closing in line.text for line, lay in zip(source.lines, source.layout))
    doc = parse_source(source, "short")
    assert all(closing in node.text for node in doc.nodes())


def test_run_on_a_folder_of_good_and_bad_pdfs(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    good = typeset(PLAN, title="桜台市総合計画", lines_per_page=10)
    (inputs / "good.pdf").write_bytes(good)
    (inputs / "pdf_named.txt").write_bytes(good)
    locked = _layout(PLAN)
    locked.set_encryption(owner_password="owner", user_password="")
    (inputs / "nocopy.pdf").write_bytes(_out(locked))
    (inputs / "junk.pdf").write_bytes(b"x" * 2000 + good)
    (inputs / "cut.pdf").write_bytes(good[: len(good) // 2])
    (inputs / "garbled.pdf").write_bytes(_partial_mojibake(PLAN, 2))
    doc = pdfium.PdfDocument.new()
    buf = io.BytesIO()
    doc.save(buf)
    (inputs / "zero.pdf").write_bytes(buf.getvalue())
    out = tmp_path / "out"
    result = keikaku_cli("run", str(inputs), "--out", str(out), "--nlp", "none", timeout=300)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    entries = {e["doc_id"]: e for e in manifest(out)["documents"]}
    assert {k: e["status"] for k, e in entries.items()} == {
        "good": "ok", "pdf_named": "ok", "nocopy": "ok", "junk": "failed", "cut": "failed", "garbled": "failed",
        "zero": "failed"}
    for name in ("junk.pdf", "cut.pdf", "garbled.pdf", "zero.pdf"):
        entry = entries[name[:-4]]
        assert len(entry["errors"]) == 1 and name in entry["errors"][0] and "\n" not in entry["errors"][0]
        assert sum(line.startswith("error: ") and name in line for line in result.stderr.splitlines()) == 1
    docs = {k: json.loads((out / f"{k}.json").read_text(encoding="utf-8")) for k in ("good", "pdf_named", "nocopy")}
    assert docs["good"]["children"] == docs["pdf_named"]["children"]
    assert [c["title"] for c in docs["nocopy"]["children"]] == [c["title"] for c in docs["good"]["children"]]


HARD_PLAN = PLAN + ["第3章　DXの推進", LONG * 2, "施策3-1　行政のデジタル化",
                    "　本市は Digital Transformation を推進し、行政サービスの利便性を高めるため、Society 5.0 の実現に"
                    "向けた取組を進めます。", "施策3-2　地域のデジタル化", LONG * 3, "第4章　計画の推進", LONG,
                    "施策4-1　進行管理", LONG * 2]


def test_extract_then_run_the_text_gives_the_pdf_outline(tmp_path: Path) -> None:
    pdf = tmp_path / "plan.pdf"
    pdf.write_bytes(typeset(HARD_PLAN, title="桜台市総合計画", two_column=lambda page: page % 2 == 0,
                            lines_per_page=9))
    text = tmp_path / "plan.txt"
    result = keikaku_cli("extract", str(pdf), "-o", str(text))
    assert result.returncode == 0, result.stderr
    out_pdf, out_txt = tmp_path / "out_pdf", tmp_path / "out_txt"
    for src, out in ((pdf, out_pdf), (text, out_txt)):
        run = keikaku_cli("run", str(src), "--out", str(out), "--nlp", "none", timeout=300)
        assert run.returncode == 0, run.stderr

    def tree(out: Path) -> list[tuple[str, str, int]]:
        doc = json.loads((out / "plan.json").read_text(encoding="utf-8"))
        found: list[tuple[str, str, int]] = []

        def walk(nodes: list[dict]) -> None:
            for node in nodes:
                found.append((node["code"], node["title"], node["pdf_page"]))
                walk(node.get("children", []))

        walk(doc["children"])
        return found

    assert tree(out_pdf) == tree(out_txt) and len(tree(out_pdf)) >= 8


# --- alignment guard: every hostile PDF above parses, no character lost ------------------------

def _alignment_cases() -> dict[str, Callable[[], tuple[bytes, list[str]]]]:
    def mixed() -> tuple[bytes, list[str]]:
        pdf = _new()
        shown = []
        for k, (fmt, orient) in enumerate([("A4", "L"), ("A3", "P"), ("A4", "P")], start=1):
            pdf.add_page(format=fmt, orientation=orient)
            pdf.add_page()  # a blank page after each
            pdf.text(20, 30, f"第{k}章　見出し{k}")
            shown.append(f"第{k}章　見出し{k}")
        return _out(pdf), shown

    def boxes() -> tuple[bytes, list[str]]:
        pdf = _new()
        pdf.add_page()
        pdf.rect(10, 10, 190, 277)
        pdf.text(20, 20, "第1章　総則")
        _grid(pdf, 20, 30, [60, 20, 40, 40], [["指標", "現状値", "目標値"], list(KPI[1])], span={(0, 0)})
        return _out(pdf), ["第1章　総則", "保育所待機児童数", "現状値", "12"]

    return {
        "mixed sizes and blank pages": mixed,
        "frame, merged cells": boxes,
        "two columns, short heading": lambda: (_two_columns_with_heading("第2章　計画の推進"),
                                               ["第1章　まちづくりの方針", "第2章　計画の推進"]),
        "unruled table": lambda: (_unruled_table_page(KPI, paragraphs=4), ["保育所待機児童数", "85.0", "以上です。"]),
        "sheets": lambda: (typeset(_sheets(True)[0], lines_per_page=6, levels=_sheets(True)[1]), ["施策1-5", "現状と課題"]),
        "table across pages": lambda: (typeset(["第1章　総則"] + ["本文です。"] * 30 + ["成果指標"] + [
            f"指標{i}\t人\t{i}\t{i * 2}" for i in range(40)], title="計画書"), ["指標39\t人\t39\t78"]),
        "partly unmapped": lambda: (_partial_mojibake(PLAN, 10), ["第1章", "- 1 -"]),
    }


@pytest.mark.parametrize("case", sorted(_alignment_cases()))
def test_hostile_pdfs_parse_and_keep_their_text(case: str) -> None:
    data, shown = _alignment_cases()[case]()
    source = ingest_any(data, f"{case}.pdf")
    doc = parse_source(source, "case")  # the alignment guard raises when a character is lost or doubled
    text = "\n".join(line.text for line in source.lines)
    for piece in shown:
        assert piece in text
    assert doc.source.encoding == "pdf"
