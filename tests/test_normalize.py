"""Table-driven cases for the matching form, broken-space joining and numerals."""

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from keikaku.text.normalize import compact_code, join_broken, matchable, numeral


@pytest.mark.parametrize(
    "source, expected",
    [
        ("み１－１－１", "み1-1-1"),  # full-width digits and minus
        ("み 2-1-1", "み 2-1-1"),  # the space stays; patterns allow it, compact_code removes it
        ("１ー２", "1-2"),  # katakana long vowel between digits is a dash
        ("ソーシャル", "ソーシャル"),  # …but not inside katakana
        ("基本目標Ⅱ", "基本目標II"),  # Roman-numeral character → Latin letters
        ("基本目標 I", "基本目標 I"),
        ("①まち全体", "①まち全体"),  # circled numbers survive NFKC
        ("\u3000全角\u3000", " 全角 "),  # ideographic space
        ("（図・表）", "(図・表)"),
        ("令和6～10年度", "令和6~10年度"),  # the full-width tilde survives as a range mark
        ("1‐2−3", "1-2-3"),  # hyphen and minus sign variants
        ("― 副題 ―", "― 副題 ―"),  # an em dash outside codes stays a dash of the title
    ],
)
def test_matching_form(source: str, expected: str) -> None:
    assert matchable(source).text == expected


@pytest.mark.parametrize("source", ["基本目標Ⅲ ひとづくり", "み１－１", "①ａｂｃ", "㈱テスト", ""])
def test_column_map_points_into_source(source: str) -> None:
    m = matchable(source)
    assert len(m.cols) == len(m.text) + 1
    assert all(0 <= c <= len(source) for c in m.cols)
    assert list(m.cols) == sorted(m.cols)
    if m.text:
        a, b = m.source_slice(0, len(m.text))
        assert (a, b) == (0, len(source))


def _reference(line: str) -> tuple[str, list[int]]:
    """The matching form character by character, as the module docstring defines it."""
    chars: list[str] = []
    cols: list[int] = []
    for i, ch in enumerate(line):
        if 0x2460 <= ord(ch) < 0x2500 or 0x3251 <= ord(ch) < 0x3260 or 0x32B1 <= ord(ch) < 0x32C0:
            f = ch
        elif ch in "\u2010\u2011\u2012\u2013\u2212\uff0d\ufe63":
            f = "-"
        else:
            f = unicodedata.normalize("NFKC", ch)
        chars.extend(f)
        cols.extend([i] * len(f))
    for i in range(1, len(chars) - 1):
        if chars[i] in "\u30fc\u2014\u2015\uff70" and chars[i - 1].isdigit() and chars[i + 1].isdigit():
            chars[i] = "-"
    return "".join(chars), cols + [len(line)]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("12１２ーｰ—―-－①⑳ⅡⅢ㈱ｶﾞ㍻ﬁ 　基本目標\u3099")) | st.characters(), max_size=40))
def test_matching_form_agrees_with_a_character_by_character_reference(line: str) -> None:
    m = matchable(line)
    assert (m.text, list(m.cols)) == _reference(line)


@pytest.mark.parametrize(
    "source, expected",
    [
        ("いいね!と評価できる魅力 づくりと情報発信", "いいね!と評価できる魅力づくりと情報発信"),
        ("多様な世代の活動・交流を 促進", "多様な世代の活動・交流を促進"),
        ("「やる気・勇気」 魅力ある新産業の育成", "「やる気・勇気」魅力ある新産業の育成"),
        ("FC 東京", "FC 東京"),  # a space next to a Latin letter is real
        ("平成 28 (2016) 年", "平成 28 (2016) 年"),  # spaces around digits are kept
    ],
)
def test_join_broken(source: str, expected: str) -> None:
    assert join_broken(source) == expected


@pytest.mark.parametrize(
    "text, value",
    [("3", 3), ("I", 1), ("II", 2), ("III", 3), ("IV", 4), ("IX", 9), ("XII", 12), ("三", 3), ("十二", 12),
     ("二十", 20), ("abc", None), ("", None)],
)
def test_numeral(text: str, value: int | None) -> None:
    assert numeral(text) == value


def test_compact_code() -> None:
    assert compact_code("み 2-1-1") == "み2-1-1"
    assert compact_code(" 4 - 1 ") == "4-1"
