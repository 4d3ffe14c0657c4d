"""Jalali dates: parsing what people type, formatting, month names, round trips."""

from __future__ import annotations

import pickle
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dargah.persian import (
    InvalidJalaliDate,
    PersianValueError,
    format_jalali,
    jalali_month_name,
    jalali_year_of,
    parse_jalali_date,
    to_persian_digits,
)

MEHR_15_1402 = date(2023, 10, 7)


@pytest.mark.parametrize(
    "text",
    [
        "1402/07/15",
        "1402/7/15",
        "۱۴۰۲/۷/۱۵",
        "۱۴۰۲/۰۷/۱۵",
        "١٤٠٢/٠٧/١٥",
        "1402-07-15",
        "1402.7.15",
        "1402٫07٫15",
        "1402 07 15",
        "14020715",
        "۱۴۰۲۰۷۱۵",
        "  1402 / 07 / 15  ",
        "\u200f۱۴۰۲/۰۷/۱۵\u200e",
        "1402\xa0/\xa007/15",
    ],
)
def test_parse_accepted_forms(text: str) -> None:
    assert parse_jalali_date(text) == MEHR_15_1402


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1396/12/29", date(2018, 3, 20)),
        ("1397/01/01", date(2018, 3, 21)),
        ("1403/01/01", date(2024, 3, 20)),
        ("1403/12/30", date(2025, 3, 20)),  # 1403 is a leap year
        ("1404/01/01", date(2025, 3, 21)),
        ("1399/12/30", date(2021, 3, 20)),  # 1399 is a leap year
        ("1299/10/11", date(1921, 1, 1)),
        ("1357/11/22", date(1979, 2, 11)),
    ],
)
def test_parse_known_vectors(text: str, expected: date) -> None:
    assert parse_jalali_date(text) == expected


@pytest.mark.parametrize(
    ("text", "fragment_en"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("\u200f", "empty"),
        ("abc", "year/month/day"),
        ("1402/07", "year/month/day"),
        ("1402/07/15/01", "year/month/day"),
        ("1402/07/15 10:00", "year/month/day"),
        ("140207150", "year/month/day"),
        ("1402/007/15", "year/month/day"),
        ("1402/07/015", "year/month/day"),
        ("02/07/15", "four digits"),
        ("402/07/15", "four digits"),
        ("15/07/1402", "order"),
        ("2023/10/07", "Gregorian"),
        ("1402/13/01", "month"),
        ("1402/00/10", "month"),
        ("1402/01/00", "day"),
        ("1402/01/32", "day"),
        ("1402/07/31", "Mehr has 30"),
        ("1402/11/31", "Bahman has 30"),
        ("1402/12/30", "not a leap year"),
        ("1404/12/30", "not a leap year"),
    ],
)
def test_parse_refused(text: str, fragment_en: str) -> None:
    with pytest.raises(InvalidJalaliDate) as info:
        parse_jalali_date(text)
    err = info.value
    assert err.code == "jalali_date_invalid"
    assert fragment_en in err.message_en
    assert any("\u0600" <= ch <= "\u06ff" for ch in err.message_fa)
    assert isinstance(err, ValueError)
    assert isinstance(err, PersianValueError)


def test_parse_year_window_is_configurable() -> None:
    with pytest.raises(InvalidJalaliDate):
        parse_jalali_date("1199/01/01")
    assert format_jalali(parse_jalali_date("1199/01/01", min_year=1100)) == "1199/01/01"
    assert parse_jalali_date("1396/12/29", min_year=1396, max_year=1396) == date(2018, 3, 20)
    for kwargs in ({"min_year": 1397}, {"max_year": 1395}):
        with pytest.raises(InvalidJalaliDate):
            parse_jalali_date("1396/12/29", **kwargs)


def test_parse_rejects_non_str() -> None:
    with pytest.raises(TypeError):
        parse_jalali_date(14020715)  # type: ignore[arg-type]


def test_error_pickles_and_reads_both_languages() -> None:
    with pytest.raises(InvalidJalaliDate) as info:
        parse_jalali_date("1402/13/01")
    copy = pickle.loads(pickle.dumps(info.value))  # noqa: S301 - our own object
    assert type(copy) is InvalidJalaliDate
    assert (copy.code, copy.message_fa, copy.message_en) == (
        info.value.code,
        info.value.message_fa,
        info.value.message_en,
    )
    assert copy.message("en") == copy.message_en
    assert copy.message("fa") == copy.message_fa
    assert "jalali_date_invalid" in str(copy)


def test_format_date() -> None:
    assert format_jalali(MEHR_15_1402) == "1402/07/15"
    assert format_jalali(date(2024, 3, 20)) == "1403/01/01"
    assert format_jalali(date(2024, 3, 20), persian_digits=True) == "۱۴۰۳/۰۱/۰۱"


def test_format_aware_datetime_is_shown_in_tehran() -> None:
    utc = datetime(2023, 10, 7, 10, 35, tzinfo=UTC)
    assert format_jalali(utc, with_time=True) == "1402/07/15 14:05"
    assert format_jalali(utc, with_time=True, persian_digits=True) == "۱۴۰۲/۰۷/۱۵ ۱۴:۰۵"
    # 22:00 UTC on 6 October is already 7 October (15 Mehr) in Tehran.
    late = datetime(2023, 10, 6, 22, 0, tzinfo=UTC)
    assert format_jalali(late) == "1402/07/15"
    assert format_jalali(late, with_time=True) == "1402/07/15 01:30"
    other = datetime(2023, 10, 7, 14, 5, tzinfo=ZoneInfo("Asia/Tehran"))
    assert format_jalali(other, with_time=True) == "1402/07/15 14:05"


def test_format_naive_datetime_is_taken_as_tehran_time() -> None:
    naive = datetime(2023, 10, 7, 23, 59)  # noqa: DTZ001 - the naive case is the point
    assert format_jalali(naive, with_time=True) == "1402/07/15 23:59"
    assert format_jalali(naive) == "1402/07/15"


def test_format_with_time_needs_datetime() -> None:
    with pytest.raises(TypeError):
        format_jalali(MEHR_15_1402, with_time=True)


def test_month_names() -> None:
    assert jalali_month_name(1) == "فروردین"
    assert jalali_month_name(7) == "مهر"
    assert jalali_month_name(12) == "اسفند"
    assert jalali_month_name(7, lang="en") == "Mehr"
    assert jalali_month_name(12, "en") == "Esfand"
    for bad in (0, 13, -1):
        with pytest.raises(ValueError, match=r"1\.\.12"):
            jalali_month_name(bad)
    with pytest.raises(ValueError, match="lang"):
        jalali_month_name(1, lang="de")  # type: ignore[arg-type]


def test_jalali_year_of() -> None:
    assert jalali_year_of(date(2024, 3, 19)) == 1402
    assert jalali_year_of(date(2024, 3, 20)) == 1403
    # 21:00 UTC on 19 March 2024 is 00:30 on 1 Farvardin 1403 in Tehran.
    assert jalali_year_of(datetime(2024, 3, 19, 21, 0, tzinfo=UTC)) == 1403


_FIRST = date(1921, 1, 1)
_LAST = date(2121, 12, 31)
gregorian_dates = st.dates(min_value=_FIRST, max_value=_LAST)


@given(gregorian_dates)
def test_round_trip(d: date) -> None:
    assert parse_jalali_date(format_jalali(d)) == d


@given(gregorian_dates, st.sampled_from(["/", "-", ".", " "]))
def test_round_trip_persian_digits_and_separators(d: date, sep: str) -> None:
    text = format_jalali(d, persian_digits=True).replace("/", sep)
    assert parse_jalali_date(text) == d


@given(gregorian_dates)
def test_format_is_zero_padded_and_consecutive_days_differ(d: date) -> None:
    text = format_jalali(d)
    assert len(text) == 10
    assert text[4] == text[7] == "/"
    assert format_jalali(d + timedelta(days=1)) > text
    assert to_persian_digits(text) == format_jalali(d, persian_digits=True)
