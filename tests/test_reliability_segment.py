"""Segmentation input that broke a hostile trial (issue 20, defects 5, 6 and 11, and what a pass
over odd numbering found): numbers of any width, byte order marks, and a user's pattern that
runs over its limit on one line of one input."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from conftest import keikaku_cli as keikaku

from keikaku.errors import InputError, ProfileError
from keikaku.extract.document import parse, parse_source
from keikaku.ingest.text import ingest_bytes
from keikaku.model.tree import Document
from keikaku.segment.profile import builtin_profiles, nested_repeat


def seg(text: str, profile: str = "generic") -> Document:
    return parse(ingest_bytes(text.encode("utf-8"), "case.txt"), builtin_profiles()[profile], "case")


def codes(doc: Document) -> list[str | None]:
    return [n.code for n in doc.nodes()]


def numbered(head: str, marker: str, numbers: range) -> str:
    """A goal, then one item per number, each with a line of text of its own."""
    lines = [head, "この目標の説明です。"]
    for n in numbers:
        lines += [marker.format(n=n) + f" 項目{n}の推進", f"項目{n}についての本文です。"]
    return "\n".join(lines) + "\n"


# -- defect 5: numbers of three digits or more --------------------------------------------------------------
@pytest.mark.parametrize("marker, expected", [
    ("({n})", ["(98)", "(99)", "(100)", "(101)"]),
    ("〔{n}〕", ["〔98〕", "〔99〕", "〔100〕", "〔101〕"]),
    ("【{n}】", ["【98】", "【99】", "【100】", "【101】"]),
    ("<{n}>", ["<98>", "<99>", "<100>", "<101>"]),
    ("[{n}]", ["[98]", "[99]", "[100]", "[101]"]),
    ("{n})", ["98)", "99)", "100)", "101)"]),
    ("{n}.", ["98.", "99.", "100.", "101."]),
    ("施策2-{n}", ["施策2-98", "施策2-99", "施策2-100", "施策2-101"]),
    ("2-{n}", ["2-98", "2-99", "2-100", "2-101"]),
    ("取組{n}", ["取組98", "取組99", "取組100", "取組101"]),  # a word the vocabulary does not know
])
def test_item_numbers_of_three_digits_are_headings(marker: str, expected: list[str]) -> None:
    doc = seg(numbered("基本目標2 安全なまち", marker, range(98, 102)))
    assert codes(doc)[-4:] == expected
    # each heads its own text: nothing of (100) is left inside (99)
    units = list(doc.nodes())[-4:]
    assert [(u.title, u.text) for u in units] == [(f"項目{n}の推進", f"項目{n}についての本文です。")
                                                    for n in range(98, 102)]


def test_a_long_run_of_items_crosses_100_and_1000() -> None:
    doc = seg(numbered("基本目標1 安全なまち", "({n})", range(1, 1003)))
    assert codes(doc)[1:] == [f"({n})" for n in range(1, 1003)]
    assert not [w for w in doc.warnings if "(100)" in w.message]


def test_codes_with_three_digit_parts() -> None:
    text = ("基本目標1 安全なまち\n本文です。\n施策1-100 防災\n防災の本文です。\n施策1-101 防犯\n防犯の本文です。\n"
            "第100章 付録\n付録の本文です。\n第101章 索引\n索引の本文です。\n")
    assert codes(seg(text)) == ["基本目標1", "施策1-100", "施策1-101", "第100章", "第101章"]


@pytest.mark.parametrize("text", [
    # a sequence still decides: a lone big number, a year, a quantity are no headings
    "基本目標1 安全なまち\n本文です。\n(123) 防災の推進\n防災の本文です。\n",
    "基本目標1 安全なまち\n本文です。\n2030 年の姿\nまちの姿の本文です。\n",
    "基本目標1 安全なまち\n本文です。\n(2030) 年に向けて\n本文です。\n",
    "基本目標1 安全なまち\n本文です。\n1000 人の参加\n本文です。\n",
])
def test_wide_numbers_need_a_sequence(text: str) -> None:
    assert codes(seg(text)) == ["基本目標1"]


# -- defect 6: byte order marks ------------------------------------------------------------------------------
@pytest.mark.parametrize("data", [
    b"\xef\xbb\xbf\xef\xbb\xbf" + "西東京市総合計画\n基本目標1 安全なまち\n本文です。\n".encode(),
    b"\xef\xbb\xbf" * 5 + "西東京市総合計画\n基本目標1 安全なまち\n本文です。\n".encode(),
    "\ufeff\ufeff西東京市総合計画\n基本目標1 安全なまち\n本文です。\n".encode("utf-16"),
    b"\xef\xbb\xbf\xef\xbb\xbf\n" + "西東京市総合計画\n基本目標1 安全なまち\n本文です。\n".encode(),
], ids=["two UTF-8 BOMs", "five UTF-8 BOMs", "UTF-16 with two more", "two BOMs alone on the first line"])
def test_a_file_with_two_byte_order_marks_keeps_its_title(data: bytes) -> None:
    doc = parse_source(ingest_bytes(data, "bom.txt"), "bom")
    assert doc.title == "西東京市総合計画"
    assert codes(doc) == ["基本目標1"]


def test_a_byte_order_mark_inside_the_text_does_not_hide_a_heading() -> None:
    # two files concatenated, each with its BOM: the second one's first heading is still one
    data = ("\ufeff基本目標1 安全なまち\n本文です。\n".encode() + "\ufeff基本目標2 健康なまち\n本文です。\n".encode())
    doc = parse_source(ingest_bytes(data, "cat.txt"), "cat")
    assert codes(doc) == ["基本目標1", "基本目標2"]
    assert doc.title == "基本目標1 安全なまち"


# -- defect 11: a user's pattern over its limit on one line of one input -------------------------------------
SLOW = r"^(\d*)(\d*)(\d*)(\d*)(\d*)\5\4\3\2\1-$"
GOOD = "基本目標1 安全なまち\n安全の説明です。\n(1) 防災\n防災の本文です。\n"


def test_a_pattern_over_its_limit_fails_one_input_with_file_and_line(tmp_path: Path) -> None:
    # Back-references to five repetitions over the same digits: no nesting for the check at load
    # to see, polynomial (n^5) and far past any limit on a line of 120 digits without the dash.
    profile = tmp_path / "slow.toml"
    profile.write_text(f"name = 'slow'\nfurniture = ['{SLOW}']\n", encoding="utf-8")
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "a_good.txt").write_text(GOOD, encoding="utf-8")
    (inputs / "b_bad.txt").write_text("基本目標1 安全なまち\n安全の説明です。\n" + "1" * 120 + "x-\n本文です。\n",
                                      encoding="utf-8")
    (inputs / "c_good.txt").write_text(GOOD, encoding="utf-8")
    out = tmp_path / "out"
    started = time.monotonic()
    result = keikaku("run", str(inputs), "--out", str(out), "--nlp", "none", "--profile", str(profile))
    assert time.monotonic() - started < 90
    assert result.returncode == 1, result.stderr
    assert (out / "a_good.json").exists() and (out / "c_good.json").exists()
    assert not (out / "b_bad.json").exists()
    entries = {e["doc_id"]: e for e in json.loads((out / "manifest.json").read_text(encoding="utf-8"))["documents"]}
    assert entries["a_good"]["status"] == "ok" and entries["c_good"]["status"] == "ok"
    error = entries["b_bad"]["errors"][0]
    assert "b_bad.txt" in error and "line 3" in error and "slow.toml" in error and "furniture[0]" in error
    assert "b_bad.txt" in result.stderr and "line 3" in result.stderr


def test_a_pattern_over_its_limit_in_the_api_names_the_line(tmp_path: Path) -> None:
    from keikaku import parse

    profile = tmp_path / "slow.toml"
    profile.write_text(f"name = 'slow'\nfurniture = ['^x', '{SLOW}']\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        parse(text="基本目標1 安全なまち\n" + "2" * 120 + "y-\n", profile=str(profile), nlp="none")
    assert "line 2" in str(caught.value) and "furniture[1]" in str(caught.value)


@pytest.mark.parametrize("pattern, refused", [
    (r"^(a|aa)+$", True),  # overlapping alternatives under a repetition: exponential
    (r"^(?:あ|あ)+$", True),
    (r"^(?:第一|第|一)+章$", True),  # 第一 is one round or two
    (r"^(?:\s|\u3000|・)*$", False),  # one character each: a class, no overlap
    (r"^(?:あ|あい)+$", False),  # the same start, but only one way to split any text
    (r"^(?:ab|ac)+$", False),
    (r"^(?:a|b)+$", False),
    (r"^(?>a|aa)+$", False),  # atomic: no backtracking into it
    (r"^(?:a|aa)++$", False),  # possessive
    (r"^(?:a|aa){1,3}$", False),  # bounded
])
def test_overlapping_alternatives_under_a_repetition_are_refused(pattern: str, refused: bool) -> None:
    assert bool(nested_repeat(pattern)) == refused


def test_a_refused_pattern_names_file_and_rule_before_any_input(tmp_path: Path) -> None:
    profile = tmp_path / "alt.toml"
    profile.write_text("name = 'alt'\nfurniture = ['^x', '^(a|aa)+$']\n", encoding="utf-8")
    (tmp_path / "plan.txt").write_text(GOOD, encoding="utf-8")
    result = keikaku("run", str(tmp_path / "plan.txt"), "--out", str(tmp_path / "out"), "--nlp", "none",
                     "--profile", str(profile))
    assert result.returncode == 2
    assert "alt.toml: profile.furniture[1]" in result.stderr and "catastrophic backtracking" in result.stderr


def test_shipped_profiles_pass_the_static_check() -> None:
    try:
        builtin_profiles()
    except ProfileError as exc:  # pragma: no cover - shown on failure
        pytest.fail(str(exc))


# -- a hostile pass over numbering ----------------------------------------------------------------------------
CIRCLED = [chr(c) for c in [*range(0x2460, 0x2474), *range(0x3251, 0x3260), *range(0x32B1, 0x32C0)]]


@pytest.mark.parametrize("text, expected", [
    # ① … ㊿, alone and as the last part of a code
    ("基本目標1 安全なまち\n本文です。\n" + "".join(f"{c} 項目\n本文です。\n" for c in CIRCLED),
     ["基本目標1", *CIRCLED]),
    ("基本目標1 安全なまち\n本文です。\n" + "".join(f"1-{c} 項目\n本文です。\n" for c in CIRCLED),
     ["基本目標1", *[f"1-{c}" for c in CIRCLED]]),
    # full- and half-width mixed in one list
    ("基本目標１ 安全なまち\n本文です。\n（１）　防災\n本文です。\n(２) 防犯\n本文です。\n（3) 交通\n本文です。\n"
     "施策１－１ 題\n本文です。\n施策1ー2 題\n本文です。\n",
     ["基本目標1", "(1)", "(2)", "(3)", "施策1-1", "施策1-2"]),
    # a zero-width space before a marker hides it no longer
    ("\u200b基本目標1 安全なまち\n本文です。\n\u200b(1) 防災\n本文です。\n\u2060(2) 防犯\n本文です。\n",
     ["基本目標1", "(1)", "(2)"]),
    # (0) and (00) are no item numbers; (01) is 1
    ("基本目標1 安全なまち\n本文です。\n(0) 零\n本文です。\n(00) 零\n本文です。\n(01) 一\n本文です。\n(02) 二\n本文です。\n",
     ["基本目標1", "(01)", "(02)"]),
    # kanji numerals past 九十九
    ("第九十九章 付録\n本文です。\n第百章 索引\n本文です。\n第百一章 年表\n本文です。\n", ["第99章", "第100章", "第101章"]),
], ids=["circled 1-50", "codes ending in 1-50 circled", "full and half width", "zero-width space", "zeros",
        "kanji past 99"])
def test_odd_numbering(text: str, expected: list[str]) -> None:
    assert codes(seg(text)) == expected


@pytest.mark.parametrize("line", [
    "1" * 100_000,  # a number too long to read
    "(" + "1" * 5_000 + ") 題",
    "施策" + "2" * 5_000 + "-1 題",
    "第" + "3" * 5_000 + "章 題",
    "一" * 100_000 + " 題",  # a kanji numeral too long to read
    "(" + "十" * 50_000 + ") 題",
    " ".join(f"({i})" for i in range(1, 100_001)),  # a line of 100,000 markers
    "(" * 100_000,
    "-".join(["1"] * 50_000) + " 題",
], ids=["100k digits", "5k digits in brackets", "5k digits in a code", "5k digits after 第", "100k kanji digits",
        "50k kanji in brackets", "100k markers", "100k brackets", "a code of 50k parts"])
def test_hostile_lines_are_text_in_bounded_time(line: str) -> None:
    started = time.monotonic()
    doc = seg("基本目標1 安全なまち\n" + line + "\n本文です。\n")
    assert time.monotonic() - started < 60
    assert codes(doc)[0] == "基本目標1"
