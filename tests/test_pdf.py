"""PDF input: plans typeset by the tests themselves (tests/pdfmaker.py) are read back with their
layout (wrapped lines joined, furniture by position and repetition, ruled tables as rows, two
columns in order, the print as evidence), and every kind of PDF keikaku cannot read is refused
alone with one line that says why."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from conftest import keikaku_cli, manifest
from pdfmaker import damaged, encrypted, image_only, mojibake, no_text_map, truncated, typeset

from keikaku.errors import InputError
from keikaku.extract.document import parse_source
from keikaku.ingest import ingest_any
from keikaku.ingest.pdf import extract_pdf, is_pdf
from keikaku.ingest.text import ingest_bytes
from keikaku.segment import infer
from keikaku.segment.profile import builtin_profiles

# A plan written for these tests: two goals, measures with sections, a KPI table (tab rows are set
# as a ruled table), paragraphs long enough to be wrapped by the typesetter.
LONG = ("　子育て世代が安心して働き続けられるよう、保育所の定員を拡大するとともに、保育士の確保と"
        "処遇の改善に取り組み、待機児童の解消を図ります。また、地域の子育て支援拠点を充実し、"
        "妊娠期から切れ目のない相談体制を整えます。")
PLAN = [
    "第1章　子どもが健やかに育つまち",
    "",
    LONG,
    "",
    "施策1-1　保育サービスの充実",
    "現状と課題",
    LONG,
    "成果指標",
    "指標名\t単位\t現状値（令和5年度）\t目標値（令和11年度）",
    "保育所待機児童数\t人\t12\t0",
    "子育て相談件数\t件\t1,250\t1,800",
    "",
    "施策1-2　学校教育の充実",
    "現状と課題",
    LONG,
    "",
    "第2章　安心して暮らせるまち",
    "",
    LONG,
    "",
    "施策2-1　防災体制の強化",
    "現状と課題",
    LONG,
    "成果指標",
    "指標名\t単位\t現状値（令和5年度）\t目標値（令和11年度）",
    "自主防災組織の結成率\t％\t68.5\t85.0",
]


def _outline(doc) -> list[tuple[str | None, str | None]]:
    return [(n.code, n.title) for n in doc.nodes() if not n.from_contents]


@pytest.fixture(scope="module")
def plan_pdf() -> bytes:
    return typeset(PLAN, title="桜台市総合計画　基本計画", lines_per_page=13)


@pytest.mark.parametrize("head, pdf", [
    (b"", True),
    (b"\r\n", True),  # junk before the header, as readers allow
    ("第1章　総則\n".encode(), True),  # … of any kind, as long as objects follow
    (None, False),
])
def test_pdf_is_told_by_its_magic_number_and_its_objects(plan_pdf: bytes, head: bytes | None, pdf: bool) -> None:
    data = head + plan_pdf if head is not None else "第1章　総則\n　提出は%PDF-1.7以降の形式とします。\n".encode()
    assert is_pdf(data) is pdf


def test_wrapped_paragraphs_are_joined_and_furniture_found(plan_pdf: bytes) -> None:
    pdf = extract_pdf(plan_pdf, "plan.pdf")
    assert pdf.pages == 2
    text = [line.replace("\f", "") for line in pdf.lines]
    # the typesetter wrapped LONG over three printed lines: it is one line again, every time
    assert text.count(LONG) == PLAN.count(LONG) == 5
    joined = [lay.printed for line, lay in zip(text, pdf.layout) if line == LONG]
    assert all(n >= 2 for n in joined)
    # headings kept as lines, printed larger than the body text
    sizes = {line: lay.size for line, lay in zip(text, pdf.layout)}
    assert sizes["第1章　子どもが健やかに育つまち"] > 1.4
    assert sizes["施策1-1　保育サービスの充実"] > 1.15
    assert sizes["現状と課題"] == 1.0
    # running header and page numbers: by their band on the page and their repetition
    furniture = {line: lay.furniture for line, lay in zip(text, pdf.layout) if lay.furniture}
    assert set(furniture) == {"桜台市総合計画　基本計画", "- 1 -", "- 2 -"}
    assert furniture["- 2 -"].startswith("page number")
    assert furniture["桜台市総合計画　基本計画"].startswith("running header")
    # one form feed before the second page, on that page's first line
    breaks = [i for i, line in enumerate(pdf.lines) if "\f" in line]
    assert len(breaks) == 1 and pdf.layout[breaks[0]].page == 2


def test_ruled_table_is_read_as_rows_of_cells(plan_pdf: bytes) -> None:
    pdf = extract_pdf(plan_pdf, "plan.pdf")
    rows = [line for line, lay in zip(pdf.lines, pdf.layout) if lay.table]
    assert rows[:3] == ["指標名\t単位\t現状値（令和5年度）\t目標値（令和11年度）", "保育所待機児童数\t人\t12\t0",
                        "子育て相談件数\t件\t1,250\t1,800"]


def test_pdf_gives_the_outline_and_indicators_of_its_text(plan_pdf: bytes) -> None:
    doc = parse_source(ingest_any(plan_pdf, "plan.pdf"), "plan")
    as_text = parse_source(ingest_bytes("\n".join(PLAN).encode(), "plan.txt"), "plan")
    assert _outline(doc) == _outline(as_text) == [
        ("第1章", "子どもが健やかに育つまち"), ("施策1-1", "保育サービスの充実"), ("施策1-2", "学校教育の充実"),
        ("第2章", "安心して暮らせるまち"), ("施策2-1", "防災体制の強化")]
    by_code = {n.code: n for n in doc.nodes()}
    assert by_code["第1章"].pdf_page == 1 and by_code["第2章"].pdf_page == 2
    assert doc.source.pages == 2 and doc.source.encoding == "pdf"
    assert doc.source.sha256 == hashlib.sha256(plan_pdf).hexdigest()
    kpis = {i.name: i for n in doc.nodes() for i in n.indicators}
    assert set(kpis) == {"保育所待機児童数", "子育て相談件数", "自主防災組織の結成率"}
    assert kpis["自主防災組織の結成率"].targets[0].value == 85.0
    assert kpis["自主防災組織の結成率"].pdf_page == 2 and kpis["保育所待機児童数"].pdf_page == 1
    assert {p.text.replace("\f", "") for p in doc.furniture} == {"- 1 -", "- 2 -", "桜台市総合計画　基本計画"}


def test_two_column_page_is_read_column_by_column() -> None:
    paragraphs = [f"　{n}番目の段落です。" + LONG[1:] for n in range(1, 25)]
    lines = ["第1章　二段組みの頁", *paragraphs[:12], "第2章　次の章", *paragraphs[12:]]
    pdf = typeset(lines, two_column=lambda page: True, header=False, page_numbers=False)
    text = [line.replace("\f", "") for line in extract_pdf(pdf, "two.pdf").lines if line.strip()]
    # every paragraph whole (wrapped in its column) and in the order written: the left column is
    # read before the right one
    assert text == lines


@pytest.mark.parametrize("levels, expected", [
    # a lone bare number is too weak alone in a text, but a heading when printed larger
    ([0, 0, 2, 0], [("2", "計画の期間")]),
    ([0, 0, 0, 0], []),
])
def test_print_weighs_a_lone_marker(levels: list[int], expected: list) -> None:
    lines = ["はじめに", "　この計画は、市の将来像と、その実現に向けた施策の方向を示すものです。",
             "2　計画の期間", "　計画の期間は、令和7年度から令和16年度までの10年間とします。"]
    doc = parse_source(ingest_any(typeset(lines, levels=levels, header=False), "lone.pdf"), "lone")
    assert _outline(doc) == expected
    as_text = parse_source(ingest_bytes("\n".join(lines).encode(), "lone.txt"), "lone")
    assert _outline(as_text) == []


def test_print_sets_aside_a_marker_in_body_print_beside_larger_ones() -> None:
    lines = ["(1)　保育サービスの充実", "　保育所の定員を拡大します。", "(2)　相談支援の充実", "　相談窓口を一本化します。",
             "(3)　地域との連携", "　地域の団体と連携します。"]
    pdf = typeset(lines, levels=[2, 0, 2, 0, 0, 0], header=False)
    source = ingest_any(pdf, "print.pdf")
    assert _outline(parse_source(source, "print")) == [("(1)", "保育サービスの充実"), ("(2)", "相談支援の充実")]
    rejected = {source.lines[inf.rows[r.row].line - 1].text: r.reason
                for inf in [infer(source, builtin_profiles()["generic"])] for r in inf.rejected}
    assert rejected["(3)　地域との連携"].startswith("printed as the body text, while 2 other (1) headings")
    # the same lines as a text: (3) continues the sequence
    as_text = parse_source(ingest_bytes("\n".join(lines).encode(), "print.txt"), "print")
    assert [code for code, _ in _outline(as_text)] == ["(1)", "(2)", "(3)"]


REFUSALS = {
    "scan.pdf": (lambda: image_only(), "without a text layer"),
    "locked.pdf": (lambda: encrypted(PLAN), "encrypted"),
    "cut.pdf": (lambda: truncated(typeset(PLAN)), "damaged or truncated"),
    "broken.pdf": (lambda: damaged(typeset(PLAN)), "damaged or truncated"),
    "garbled.pdf": (lambda: mojibake(PLAN), "no usable Unicode mapping"),
    "unmapped.pdf": (lambda: no_text_map(PLAN), "no usable Unicode mapping"),
}


@pytest.mark.parametrize("name", sorted(REFUSALS))
def test_unreadable_pdf_is_refused_with_its_reason(name: str) -> None:
    make, words = REFUSALS[name]
    with pytest.raises(InputError) as exc:
        ingest_any(make(), name)
    assert words in str(exc.value)
    assert str(exc.value).startswith(f"{name}: ") and "\n" not in str(exc.value)


def test_run_refuses_each_bad_pdf_alone(tmp_path: Path, plan_pdf: bytes) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "good.pdf").write_bytes(plan_pdf)
    for name, (make, _) in REFUSALS.items():
        (inputs / name).write_bytes(make())
    out = tmp_path / "out"
    result = keikaku_cli("run", str(inputs), "--out", str(out), "--nlp", "none", timeout=300)
    assert result.returncode == 1
    entries = {e["doc_id"]: e for e in manifest(out)["documents"]}
    assert entries["good"]["status"] == "ok"
    for name, (_, words) in REFUSALS.items():
        entry = entries[Path(name).stem]
        assert entry["status"] == "failed" and words in entry["errors"][0]
        assert sum(words in line and name in line for line in result.stderr.splitlines()) == 1
    doc = json.loads((out / "good.json").read_text(encoding="utf-8"))
    assert doc["source"]["pages"] == 2 and doc["children"][1]["pdf_page"] == 2


def test_extract_writes_the_text_that_runs_like_the_pdf(tmp_path: Path, plan_pdf: bytes) -> None:
    pdf = tmp_path / "plan.pdf"
    pdf.write_bytes(plan_pdf)
    result = keikaku_cli("extract", str(pdf))
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("\f") == 1 and LONG in result.stdout
    text = tmp_path / "plan.txt"
    keikaku_cli("extract", str(pdf), "-o", str(text))
    assert text.read_text(encoding="utf-8") == result.stdout
    from_text = parse_source(ingest_bytes(text.read_bytes(), "plan.txt"), "plan")
    from_pdf = parse_source(ingest_any(plan_pdf, "plan.pdf"), "plan")
    assert _outline(from_text) == _outline(from_pdf)
    assert [n.pdf_page for n in from_text.nodes()] == [n.pdf_page for n in from_pdf.nodes()]
    layout = keikaku_cli("extract", str(pdf), "--layout")
    assert "running header" in layout.stdout and "\tT\t" in layout.stdout


def test_extract_refuses_a_scan_in_one_line(tmp_path: Path) -> None:
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(image_only())
    result = keikaku_cli("extract", str(scan))
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "OCR" in result.stderr


def test_form_feeds_of_a_text_make_pages() -> None:
    text = "第1章　総則\n本文です。\n\f第2章　計画\n本文です。\n"
    doc = parse_source(ingest_bytes(text.encode(), "ff.txt"), "ff")
    assert doc.source.pages == 2
    assert [n.pdf_page for n in doc.nodes()] == [1, 2]
    plain = parse_source(ingest_bytes(text.replace("\f", "").encode(), "plain.txt"), "plain")
    assert plain.source.pages is None and all(n.pdf_page is None for n in plain.nodes())


def test_pdf_cut_short_but_readable_is_read_with_a_warning(plan_pdf: bytes) -> None:
    # cut before the cross-reference pointer: pdfium rebuilds it, and the end marker is gone
    cut = plan_pdf[:plan_pdf.rindex(b"startxref")]
    source = ingest_any(cut, "cut.pdf")
    assert [w.code for w in source.warnings] == ["W105"]
    assert "2 page(s) read" in source.warnings[0].message
    assert ingest_any(plan_pdf, "plan.pdf").warnings == []


def test_vertical_writing_and_turned_text_keep_their_order() -> None:
    from fpdf import FPDF
    from pdfmaker import font_path

    pdf = FPDF(format="A4")
    pdf.add_font("ipa", "", str(font_path()))
    pdf.add_page()
    pdf.set_font("ipa", size=10.5)
    pdf.text(20, 30, "第1章　横書きの見出し")
    em = 10.5 * 25.4 / 72
    for col, text in enumerate(["縦書きの一行目", "縦書きの二行目"]):  # 縦書き: columns right to left
        for k, ch in enumerate(text):
            pdf.text(150 - col * em * 1.8, 60 + k * em, ch)
    with pdf.rotation(90, 100, 200):
        pdf.text(100, 200, "回転した文字列")
    pdf.text(20, 250, "最後の行です。")
    lines = [line for line in extract_pdf(bytes(pdf.output()), "v.pdf").lines if line]
    assert lines == ["第1章　横書きの見出し", "縦書きの一行目", "縦書きの二行目", "回転した文字列", "最後の行です。"]


def test_api_report_and_inspect_show_the_pdf_page(tmp_path: Path, plan_pdf: bytes) -> None:
    import keikaku

    pdf = tmp_path / "plan.pdf"
    pdf.write_bytes(plan_pdf)
    doc = keikaku.parse(pdf, nlp="none")  # a Path; a str works the same
    assert [n.pdf_page for n in doc.nodes()] == [1, 1, 1, 2, 2]
    assert keikaku.parse(str(pdf), nlp="none").source.sha256 == doc.source.sha256
    shown = keikaku_cli("inspect", str(pdf), "--counts")
    assert "[chapter] 第2章 安心して暮らせるまち" in shown.stdout and " p.2" in shown.stdout
    out = tmp_path / "out"
    keikaku_cli("run", str(pdf), "--out", str(out), "--nlp", "none")
    keikaku_cli("report", str(out))
    assert '<span class="kind">p. 2</span>' in (out / "report.html").read_text(encoding="utf-8")


def test_a_table_cut_by_a_page_break_reads_on_past_the_furniture() -> None:
    rows = [f"指標{n}の達成度\t％\t{40 + n}\t{60 + n}" for n in range(1, 9)]
    lines = ["施策1-1　健康づくりの推進", "成果指標", "指標名\t単位\t現状値（令和5年度）\t目標値（令和11年度）", *rows]
    pdf = typeset(lines, title="健康づくり計画", lines_per_page=6)  # the page breaks after the 3rd row
    source = ingest_any(pdf, "cut_table.pdf")
    assert source.pages == 2
    doc = parse_source(source, "cut_table")
    kpis = [i for n in doc.nodes() for i in n.indicators]
    assert [i.name for i in kpis] == [f"指標{n}の達成度" for n in range(1, 9)]
    assert {i.table for i in kpis} == {1} and [i.pdf_page for i in kpis] == [1] * 3 + [2] * 5
    assert kpis[-1].targets[0].value == 68


def _placed(pages: list[list[tuple[float, float, str, float]]]) -> bytes:
    """A PDF of text placed by hand: per page, (x mm, y mm, text, size pt) — for layouts the
    typesetter does not make (tables without rules, right-aligned columns, empty pages)."""
    from fpdf import FPDF
    from pdfmaker import font_path

    pdf = FPDF(format="A4")
    pdf.add_font("ipa", "", str(font_path()))
    for items in pages:
        pdf.add_page()
        for x, y, text, size in items:
            pdf.set_font("ipa", size=size)
            pdf.text(x, y, text)
    return bytes(pdf.output())


def test_a_paragraph_over_a_page_break_leaves_the_next_header_whole() -> None:
    long = LONG * 4  # about twelve printed lines
    lines = ["第1章　総論", "", long, long, long, long, long, long, "短い段落です。"]
    pdf = extract_pdf(typeset(lines, title="桜台市総合計画"), "over.pdf")
    assert pdf.pages >= 2
    text = [line.replace("\f", "") for line in pdf.lines]
    assert text.count(long) == 6  # each paragraph whole, the one cut by the page break too
    headers = [t for t, lay in zip(text, pdf.layout) if lay.furniture and lay.furniture.startswith("running")]
    assert headers == ["桜台市総合計画"] * pdf.pages


def test_empty_pages_keep_the_page_numbers_right(tmp_path: Path) -> None:
    pages = [[(20, 30, "第1章　総則", 16), (20, 40, "本文です。", 10.5)], [],
             [(20, 30, "第2章　計画", 16), (20, 40, "本文です。", 10.5)], []]
    data = _placed(pages)
    source = ingest_any(data, "gaps.pdf")
    assert source.pages == 4
    doc = parse_source(source, "gaps")
    assert [(n.code, n.pdf_page) for n in doc.nodes()] == [("第1章", 1), ("第2章", 3)]
    # the extracted text counts its pages the same way: a line of form feeds for each empty page
    text = "".join(f"{line.text}\n" for line in source.lines)
    again = parse_source(ingest_bytes(text.encode(), "gaps.txt"), "gaps")
    assert [(n.code, n.pdf_page) for n in again.nodes()] == [("第1章", 1), ("第2章", 3)]


@pytest.mark.parametrize("text, pages, found", [
    ("A\n\fB\n", 2, [1, 2]),
    ("A\n\fB\n\f", 2, [1, 2]),  # pdftotext ends every page with a form feed: the last starts no page
    ("A\n\f\fB\n\f", 3, [1, 3]),  # an empty page between: two form feeds
    ("A\n\f\n\fB\n", 3, [1, 3]),
    ("A\nB\n", None, [None, None]),
])
def test_form_feeds_count_pages(text: str, pages: int | None, found: list) -> None:
    source = ingest_bytes(text.encode(), "ff.txt")
    assert source.pages == pages
    nos = [line.no for line in source.lines if line.text.strip("\f")]
    assert [source.page_of(no) for no in nos] == found


def test_form_feed_pages_find_running_lines_but_keep_headings() -> None:
    pages = []
    for n in range(1, 5):
        pages.append(f"桜台市総合計画\n第{n}章　まちづくりの柱{n}\n本文です。これは{n}ページ目の本文です。\n- {n} -\n")
    doc = parse_source(ingest_bytes("\f".join(pages).encode(), "pages.txt"), "pages")
    assert [n.code for n in doc.nodes()] == ["第1章", "第2章", "第3章", "第4章"]
    assert {p.text.replace("\f", "") for p in doc.furniture} == {"桜台市総合計画"} | {f"- {n} -" for n in range(1, 5)}
    # a heading printed at the top of every page is left to segmentation: the unit where it is
    # first, its repeats the unit's running header
    same = "".join(f"\f第1章　総論\n本文です。{n}ページ目。\n" for n in range(1, 5))[1:]
    kept = parse_source(ingest_bytes(same.encode(), "same.txt"), "same")
    assert [(n.code, n.lines[0]) for n in kept.nodes()] == [("第1章", 1)]
    assert [p.line for p in kept.furniture] == [3, 5, 7]


def test_a_table_without_rules_keeps_its_rows_and_a_full_sentence_keeps_the_heading_after_it() -> None:
    rows = [("指標名", "現状値", "目標値"), ("保育所待機児童数", "12", "0"), ("子育て相談件数", "1,250", "1,800")]
    items = [(20, 30, "(1)　子育て支援", 13)]
    for k, (name, now, goal) in enumerate(rows):  # the last column right-aligned at the text's edge
        items += [(20, 40 + 6 * k, name, 10.5), (120, 40 + 6 * k, now, 10.5), (190 - 3 * len(goal), 40 + 6 * k, goal, 10.5)]
    full = "本計画は市の最上位の計画であり各分野の個別計画はこの計画に即して策定するものとします。"  # to the edge
    items += [(20, 70, full[:40], 10.5), (20, 76, full[40:], 10.5), (20, 82, "(2)　個別計画との関係", 10.5),
              (20, 88, "個別計画は、この計画に即して見直します。", 10.5)]
    lines = [line for line in extract_pdf(_placed([items]), "rows.pdf").lines if line]
    assert lines[1].split() == ["指標名", "現状値", "目標値"] and lines[2].split() == ["保育所待機児童数", "12", "0"]
    assert "(2)　個別計画との関係" in lines


def test_headings_at_the_top_of_sparse_pages_are_no_running_headers() -> None:
    pages = [[(20, 25, f"第{n}章　はじめに", 16), (20, 35, "現状と課題", 10.5), (20, 45, f"本文です。{n}章の内容です。", 10.5)]
             for n in range(1, 5)]
    doc = parse_source(ingest_any(_placed(pages), "sparse.pdf"), "sparse")
    assert [n.code for n in doc.nodes()] == ["第1章", "第2章", "第3章", "第4章"]
    assert all(s.name == "現状と課題" for n in doc.nodes() for s in n.sections)


def test_latin_signs_of_a_plan_raise_no_mapping_warning() -> None:
    lines = ["第1章　数値の表し方", "　面積は12.5km²、気温は15.2°C、誤差は±0.3、2×3の配置とします。"]
    source = ingest_any(typeset(lines, header=False, page_numbers=False), "signs.pdf")
    assert source.warnings == [] and source.lines[-1].text == lines[-1]
