"""Jalali (Solar Hijri) dates: parse what people type, format what people read.

Dates are stored and computed as Gregorian ``datetime.date``/``datetime``; the Jalali
form exists only at the edges (forms, imports, exports, display). Calendar arithmetic
and leap years come from ``jdatetime``.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Final, Literal
from zoneinfo import ZoneInfo

import jdatetime

from dargah.persian.errors import InvalidJalaliDate
from dargah.persian.text import normalize, to_persian_digits

__all__ = [
    "DEFAULT_MAX_YEAR",
    "DEFAULT_MIN_YEAR",
    "TEHRAN",
    "expiry_of_day",
    "format_jalali",
    "jalali_month_name",
    "jalali_year_of",
    "last_valid_day",
    "parse_jalali_date",
]

TEHRAN: Final = ZoneInfo("Asia/Tehran")

# Years a Jalali field accepts by default: 1200-1599 is Gregorian 1821-2221, which covers
# every date the ministry handles, while a Gregorian year typed into a Jalali field
# (e.g. 2023/10/07, which would otherwise silently become Gregorian 2644) is refused.
DEFAULT_MIN_YEAR: Final = 1200
DEFAULT_MAX_YEAR: Final = 1599

_MONTHS_FA: Final = (
    "فروردین",
    "اردیبهشت",
    "خرداد",
    "تیر",
    "مرداد",
    "شهریور",
    "مهر",
    "آبان",
    "آذر",
    "دی",
    "بهمن",
    "اسفند",
)
_MONTHS_EN: Final = (
    "Farvardin",
    "Ordibehesht",
    "Khordad",
    "Tir",
    "Mordad",
    "Shahrivar",
    "Mehr",
    "Aban",
    "Azar",
    "Dey",
    "Bahman",
    "Esfand",
)

# Separators people use between year, month and day: slash (and its look-alikes),
# hyphen and dash variants, dot, backslash, the Arabic decimal separator ٫ that the
# Persian keyboard puts near the digits, or plain space. normalize() has already turned
# digits into ASCII and whitespace runs into one space.
_SEP: Final = "(?: ?[/\\\\.\u066b\u2044\u2215\uff0f\\-\u2010-\u2015\u2212] ?| )"
_SEPARATED_RE: Final = re.compile(f"([0-9]+){_SEP}([0-9]+){_SEP}([0-9]+)")
_COMPACT_RE: Final = re.compile("[0-9]{8}")

_EXAMPLE_FA: Final = "۱۴۰۲/۰۷/۱۵"


def _fa(n: int) -> str:
    return to_persian_digits(str(n))


def _is_leap(year: int) -> bool:
    return bool(jdatetime.date(year, 1, 1).isleap())


def _days_in_month(year: int, month: int) -> int:
    if month <= 6:
        return 31
    if month <= 11:
        return 30
    return 30 if _is_leap(year) else 29


def _bad_format() -> InvalidJalaliDate:
    return InvalidJalaliDate(
        "jalali_date_invalid",
        f"تاریخ را به شکل سال/ماه/روز بنویسید، مانند {_EXAMPLE_FA}.",
        "Write the date as year/month/day, e.g. 1402/07/15.",
    )


def _split(cleaned: str) -> tuple[str, str, str]:
    match = _SEPARATED_RE.fullmatch(cleaned)
    if match is not None:
        year_s, month_s, day_s = match.groups()
    elif _COMPACT_RE.fullmatch(cleaned) is not None:
        year_s, month_s, day_s = cleaned[:4], cleaned[4:6], cleaned[6:]
    else:
        raise _bad_format()
    if len(year_s) != 4:
        if len(day_s) == 4 and len(year_s) <= 2:
            # 15/07/1402: day first. Refused rather than guessed (could be m/d/y too).
            raise InvalidJalaliDate(
                "jalali_date_invalid",
                f"ترتیب تاریخ باید سال/ماه/روز باشد، مانند {_EXAMPLE_FA}.",
                "The date must be in year/month/day order, e.g. 1402/07/15.",
            )
        # Two-digit years (02/07/15) are ambiguous between centuries: refused.
        raise InvalidJalaliDate(
            "jalali_date_invalid",
            f"سال باید چهاررقمی نوشته شود، مانند {_EXAMPLE_FA}.",
            "The year must have four digits, e.g. 1402/07/15.",
        )
    if len(month_s) > 2 or len(day_s) > 2:
        raise _bad_format()
    return year_s, month_s, day_s


def parse_jalali_date(
    text: str,
    *,
    min_year: int = DEFAULT_MIN_YEAR,
    max_year: int = DEFAULT_MAX_YEAR,
) -> date:
    """Parse a Jalali date as people type it and return the Gregorian ``date``.

    Accepted: ``1402/07/15``, ``1402/7/15``, ``1402-07-15``, ``1402.7.15``,
    ``1402 07 15``, ``14020715``, with Persian or Arabic-Indic digits, spaces around
    separators and stray bidi marks. The year must have four digits and lie in
    ``min_year..max_year`` (by default 1200-1599, which also catches Gregorian years
    typed by mistake); the order is always year, month, day.

    Raises ``InvalidJalaliDate`` (code ``jalali_date_invalid``) for anything else,
    including dates that do not exist (month 13, 31 Mehr, 30 Esfand of a common year).
    """
    if not isinstance(text, str):
        raise TypeError(f"parse_jalali_date expects str, got {type(text).__name__}")
    cleaned = normalize(text)
    if not cleaned:
        raise InvalidJalaliDate("jalali_date_invalid", "تاریخ وارد نشده است.", "The date is empty.")
    year_s, month_s, day_s = _split(cleaned)
    year, month, day = int(year_s), int(month_s), int(day_s)

    if not min_year <= year <= max_year:
        hint_fa = " آیا تاریخ میلادی وارد شده است؟" if year > max_year else ""
        hint_en = " Was a Gregorian date entered?" if year > max_year else ""
        raise InvalidJalaliDate(
            "jalali_date_invalid",
            f"سال {_fa(year)} پذیرفته نیست؛ سال باید بین {_fa(min_year)} و "
            f"{_fa(max_year)} باشد.{hint_fa}",
            f"Year {year} is not accepted; it must be between {min_year} and {max_year}.{hint_en}",
        )
    if not 1 <= month <= 12:
        raise InvalidJalaliDate(
            "jalali_date_invalid",
            "ماه باید عددی از ۱ تا ۱۲ باشد.",
            "The month must be a number from 1 to 12.",
        )
    days = _days_in_month(year, month)
    if not 1 <= day <= days:
        if month == 12 and day == 30:
            raise InvalidJalaliDate(
                "jalali_date_invalid",
                f"سال {_fa(year)} کبیسه نیست و اسفند آن ۲۹ روز دارد.",
                f"{year} is not a leap year; its Esfand has 29 days.",
            )
        raise InvalidJalaliDate(
            "jalali_date_invalid",
            f"روز باید عددی از ۱ تا {_fa(days)} باشد؛ {_MONTHS_FA[month - 1]} "
            f"{_fa(days)} روز دارد.",
            f"The day must be from 1 to {days}; {_MONTHS_EN[month - 1]} has {days} days.",
        )
    try:
        gregorian: date = jdatetime.date(year, month, day).togregorian()
    except (ValueError, OverflowError) as exc:  # defensive: checked above
        raise _bad_format() from exc
    return gregorian


def _local_date(d: date) -> date:
    # An aware datetime is converted to Tehran time first: 22:00 UTC is already the
    # next day in Tehran. A naive datetime is taken as Tehran wall-clock time.
    if isinstance(d, datetime):
        if d.tzinfo is not None and d.utcoffset() is not None:
            d = d.astimezone(TEHRAN)
        return d.date()
    return d


def format_jalali(
    d: date | datetime,
    *,
    persian_digits: bool = False,
    with_time: bool = False,
) -> str:
    """Format ``d`` as a zero-padded Jalali date: ``1402/07/15`` (``1402/07/15 14:05``).

    Aware datetimes are converted to Asia/Tehran first (so the date is Tehran's date,
    with or without ``with_time``); naive datetimes are taken as Tehran wall-clock time.
    ``with_time`` appends `` HH:MM`` and needs a ``datetime``. ``persian_digits`` is for
    display only; the ASCII form round-trips through ``parse_jalali_date``.
    """
    if with_time and not isinstance(d, datetime):
        raise TypeError("format_jalali(with_time=True) needs a datetime, not a date")
    local = _local_date(d)
    jd = jdatetime.date.fromgregorian(date=local)
    text = f"{jd.year:04d}/{jd.month:02d}/{jd.day:02d}"
    if with_time and isinstance(d, datetime):
        if d.tzinfo is not None and d.utcoffset() is not None:
            d = d.astimezone(TEHRAN)
        text += f" {d.hour:02d}:{d.minute:02d}"
    return to_persian_digits(text) if persian_digits else text


def jalali_year_of(d: date | datetime) -> int:
    """The Jalali year ``d`` falls in (aware datetimes are taken in Tehran time)."""
    year: int = jdatetime.date.fromgregorian(date=_local_date(d)).year
    return year


def jalali_month_name(month: int, lang: Literal["fa", "en"] = "fa") -> str:
    """The name of Jalali ``month`` (1-12): ``"مهر"`` in Persian, ``"Mehr"`` in English."""
    if not 1 <= month <= 12:
        raise ValueError(f"Jalali month must be 1..12, got {month}")
    if lang == "fa":
        return _MONTHS_FA[month - 1]
    if lang == "en":
        return _MONTHS_EN[month - 1]
    raise ValueError(f"lang must be 'fa' or 'en', got {lang!r}")


# A validity typed as a day ("until 1406/06/31") means the whole of that day in Tehran:
# it is stored as the moment it ends, the next midnight, and shown as the day typed.


def expiry_of_day(day: date) -> datetime:
    """The moment a grant valid through the whole of ``day`` (Tehran) expires, in UTC."""
    return datetime.combine(day + timedelta(days=1), time(), tzinfo=TEHRAN).astimezone(UTC)


def last_valid_day(expires_at: datetime) -> date:
    """The last day, in Tehran, on which a grant expiring at ``expires_at`` is valid:
    the day ``expiry_of_day`` was given, for an expiry typed as a day."""
    moment = expires_at if expires_at.tzinfo is not None else expires_at.replace(tzinfo=UTC)
    return (moment.astimezone(TEHRAN) - timedelta(microseconds=1)).date()
