"""和暦 and 西暦 dates, table-driven (the cases the plans are full of)."""

from __future__ import annotations

import pytest

from keikaku.text.dates import find_dates


@pytest.mark.parametrize("text, year, year_end, month, day, fiscal, surface", [
    ("平成22年に策定", 2010, None, None, None, False, "平成22年"),
    ("平成 23 年に施行", 2011, None, None, None, False, "平成 23 年"),
    ("令和元年", 2019, None, None, None, False, "令和元年"),
    ("令和6(2024)年度から", 2024, None, None, None, True, "令和6(2024)年度"),
    ("令和 6 (2024) 年度から", 2024, None, None, None, True, "令和 6 (2024) 年度"),
    ("H27年度の実績", 2015, None, None, None, True, "H27年度"),
    ("令和6～10年度の5年間", 2024, 2028, None, None, True, "令和6～10年度"),
    ("令和６〜１０年度", 2024, 2028, None, None, True, "令和６〜１０年度"),
    ("令和2年12月18日議決", 2020, None, 12, 18, False, "令和2年12月18日"),
    ("平成 28 (2016) 年 3 月に", 2016, None, 3, None, False, "平成 28 (2016) 年 3 月"),
    ("昭和50年代", 1975, 1984, None, None, False, "昭和50年代"),  # a decade: 1975 to 1984 (and approximate)
    ("2016年3月", 2016, None, 3, None, False, "2016年3月"),
    ("２０３０年度までに", 2030, None, None, None, True, "２０３０年度"),
    ("2024～2028年度", 2024, 2028, None, None, True, "2024～2028年度"),
    ("4月12日を「西東京市平和の日」と定め", None, None, 4, 12, False, "4月12日"),  # 001: no year given
    ("毎年８月１５日に", None, None, 8, 15, False, "８月１５日"),
])
def test_single_date(text: str, year: int | None, year_end: int | None, month: int | None, day: int | None,
                     fiscal: bool, surface: str) -> None:
    (d,) = find_dates(text)
    assert (d.year, d.year_end, d.month, d.day, d.fiscal) == (year, year_end, month, day, fiscal)
    assert d.text == surface == text[d.start:d.end]
    assert d.consistent


@pytest.mark.parametrize("text", ["み1-1-1", "13月40日", "1,000円", "市民100人", "第2編", "HOME", "2-3 施策", "p.26～40"])
def test_no_date(text: str) -> None:
    assert find_dates(text) == []


def test_two_dates_and_inconsistency() -> None:
    dates = find_dates("令和 6 (2024) 年度から令和 10 (2028) 年度まで。平成30(2019)年")
    assert [(d.year, d.fiscal) for d in dates] == [(2024, True), (2028, True), (2018, False)]
    assert [d.consistent for d in dates] == [True, True, False]


@pytest.mark.parametrize("text, surface, year, year_end, approximate", [
    ("昭和40年代に開発された団地", "昭和40年代", 1965, 1974, True),
    ("1990年代前半から", "1990年代前半", 1990, 1999, True),
    ("令和10年頃までに", "令和10年頃", 2028, None, True),
    ("平成30年度末に", "平成30年度末", 2018, None, True),
    ("令和6年4月1日から", "令和6年4月1日", 2024, None, False),
    ("令和6～10年度", "令和6～10年度", 2024, 2028, False),
])
def test_decades_and_approximate_dates_say_so(text: str, surface: str, year: int, year_end: int | None,
                                             approximate: bool) -> None:
    (d,) = find_dates(text)
    assert (d.text, d.year, d.year_end, d.approximate) == (surface, year, year_end, approximate)
