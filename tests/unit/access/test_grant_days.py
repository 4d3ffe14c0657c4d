"""A grant given "until 1406/06/31" is valid through the whole of that day in Tehran,
expired from the next midnight there, and shown back as that day."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from dargah.access.models import Grant, GrantStatus
from dargah.persian import TEHRAN, format_jalali, parse_jalali_date
from dargah.persian.dates import expiry_of_day, last_valid_day

DAY = parse_jalali_date("۱۴۰۶/۰۶/۳۱")


def _grant(expires_at: datetime) -> Grant:
    return Grant(status=GrantStatus.ACTIVE.value, expires_at=expires_at)


def test_the_day_is_read_from_persian_digits() -> None:
    assert date(2027, 9, 22) == DAY


def test_a_grant_is_valid_through_the_whole_day_in_tehran_and_expired_after_it() -> None:
    grant = _grant(expiry_of_day(DAY))
    start = datetime(2027, 9, 22, 0, 0, tzinfo=TEHRAN)
    last_moment = datetime(2027, 9, 22, 23, 59, 59, 999_999, tzinfo=TEHRAN)
    next_day = datetime(2027, 9, 23, 0, 0, tzinfo=TEHRAN)

    assert grant.is_active(start.astimezone(UTC))
    assert grant.is_active(last_moment.astimezone(UTC))
    assert not grant.is_active(next_day.astimezone(UTC))
    assert not grant.is_active((next_day + timedelta(hours=5)).astimezone(UTC))


def test_the_day_entered_is_the_day_shown() -> None:
    expires = expiry_of_day(DAY)

    assert expires.tzinfo is UTC
    assert last_valid_day(expires) == DAY
    assert format_jalali(last_valid_day(expires), persian_digits=True) == "۱۴۰۶/۰۶/۳۱"
    # The stored moment itself falls on the next day; shown as is it would read ۱۴۰۶/۰۷/۰۱.
    assert format_jalali(expires, persian_digits=True, with_time=False) == "۱۴۰۶/۰۷/۰۱"


def test_an_expiry_given_as_a_moment_is_shown_on_its_own_day() -> None:
    # An API caller may give any time; mid-day it is valid part of that day.
    noon = datetime(2027, 9, 22, 12, 0, tzinfo=TEHRAN).astimezone(UTC)

    assert last_valid_day(noon) == DAY
    assert last_valid_day(noon.replace(tzinfo=None)) == DAY  # naive times are UTC
