"""Working days in the Iranian calendar: Friday off, Thursday optionally half, official
holidays kept out, dates in and out as the rest of the code uses them."""

from __future__ import annotations

from datetime import date

import pytest

from dargah.persian import parse_jalali_date
from dargah.persian.workdays import WorkingCalendar, solar_holidays


def j(text: str) -> date:
    return parse_jalali_date(text)


def test_the_solar_holidays_fall_on_their_jalali_days() -> None:
    days = solar_holidays(1404)
    assert days[j("1404/01/01")] == "نوروز"
    assert days[j("1404/11/22")] == "پیروزی انقلاب اسلامی"
    assert j("1404/12/29") in days
    assert len(days) == 10


def test_friday_is_off_and_a_plain_week_has_six_working_days() -> None:
    calendar = WorkingCalendar()
    saturday = j("1405/09/14")  # a Saturday, no holiday that week
    assert saturday.weekday() == 5
    assert not calendar.is_working_day(j("1405/09/20"))  # the Friday
    assert calendar.working_days_between(saturday, j("1405/09/21")) == 6


def test_thursday_as_a_half_day_when_configured() -> None:
    calendar = WorkingCalendar.for_years([1405], thursday_half_day=True)
    assert calendar.worth(j("1405/09/19")) == 0.5  # a Thursday
    assert calendar.working_days_between(j("1405/09/14"), j("1405/09/21")) == 5.5
    # Two and a half days from Wednesday: Thursday's half, Saturday, Sunday's first half.
    assert calendar.add_working_days(j("1405/09/18"), 2.5) == j("1405/09/22")


def test_a_deadline_skips_fridays_and_nowruz() -> None:
    calendar = WorkingCalendar.for_years([1404, 1405])
    # Sent on Wednesday 27 Esfand 1404 with 5 working days: Thursday 28 (1); Friday 29
    # Esfand, a Friday and a holiday; Nowruz, 1-4 Farvardin (Saturday to Tuesday), off;
    # Wednesday 5 (2), Thursday 6 (3), Friday 7 off, Saturday 8 (4), Sunday 9 (5).
    sent = j("1404/12/27")
    assert calendar.add_working_days(sent, 1) == j("1404/12/28")
    assert calendar.add_working_days(sent, 5) == j("1405/01/09")
    assert calendar.working_days_between(sent, j("1405/01/09")) == 5
    assert all(not calendar.is_working_day(j(f"1405/01/0{day}")) for day in range(1, 5))


def test_a_lunar_holiday_from_the_operator_counts_as_off() -> None:
    tasua = j("1405/04/04")  # 9 Muharram 1448, a Thursday
    plain = WorkingCalendar.for_years([1405])
    kept = WorkingCalendar.for_years([1405], extra_holidays=[tasua])
    assert plain.is_working_day(tasua)
    assert not kept.is_working_day(tasua)
    start = j("1405/04/01")  # a Monday
    assert plain.add_working_days(start, 3) == tasua
    assert kept.add_working_days(start, 3) == j("1405/04/06")  # past Friday, to Saturday


def test_lateness_is_negative_working_days() -> None:
    calendar = WorkingCalendar()
    assert calendar.working_days_between(j("1405/09/21"), j("1405/09/14")) == -6
    assert calendar.add_working_days(j("1405/09/14"), 0) == j("1405/09/14")


def test_a_calendar_with_no_working_day_is_an_error_not_a_hang() -> None:
    every_day_off = WorkingCalendar(weekend=frozenset(range(7)))
    with pytest.raises(ValueError, match="no working day"):
        every_day_off.add_working_days(j("1405/01/01"), 1)
    with pytest.raises(ValueError, match="negative"):
        WorkingCalendar().add_working_days(j("1405/01/01"), -1)
