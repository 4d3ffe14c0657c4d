"""Working days in the Iranian calendar: deadlines given as "ten working days".

Friday is the weekend; Thursday can be configured as a half day (government offices
close at noon on many Thursdays, and some ministries count it so); official holidays are
given by the caller: the solar ones fall on fixed Jalali days (``solar_holidays``), the
lunar ones (Tasua, Ashura, Eid al-Fitr…) move each year and are kept as a yearly
calendar an operator maintains. Everything here is pure: the holidays come in, dates
come out, in the Gregorian ``date`` the rest of the code computes with.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Final

import jdatetime

__all__ = ["FRIDAY", "SOLAR_HOLIDAYS", "THURSDAY", "WorkingCalendar", "solar_holidays"]

THURSDAY: Final = 3  # date.weekday()
FRIDAY: Final = 4

# The official holidays on fixed Jalali days (month, day), as the law lists them.
SOLAR_HOLIDAYS: Final[dict[tuple[int, int], str]] = {
    (1, 1): "نوروز",
    (1, 2): "نوروز",
    (1, 3): "نوروز",
    (1, 4): "نوروز",
    (1, 12): "روز جمهوری اسلامی",
    (1, 13): "روز طبیعت",
    (3, 14): "رحلت امام خمینی",
    (3, 15): "قیام ۱۵ خرداد",
    (11, 22): "پیروزی انقلاب اسلامی",
    (12, 29): "ملی شدن صنعت نفت",
}
# A deadline further than this many days never comes: the calendar is wrong (every day a
# holiday), not the deadline.
_LONGEST_SEARCH: Final = 3660


def solar_holidays(jalali_year: int) -> dict[date, str]:
    """The fixed-day official holidays of ``jalali_year``, by Gregorian date, named."""
    days: dict[date, str] = {}
    for (month, day), name in SOLAR_HOLIDAYS.items():
        days[jdatetime.date(jalali_year, month, day).togregorian()] = name
    return days


@dataclass(frozen=True)
class WorkingCalendar:
    """Which days count, and how much: 1 a working day, 0.5 a half day, 0 a day off."""

    holidays: frozenset[date] = field(default_factory=frozenset)
    weekend: frozenset[int] = frozenset({FRIDAY})
    half_days: frozenset[int] = frozenset()

    @classmethod
    def for_years(
        cls,
        jalali_years: Iterable[int],
        *,
        extra_holidays: Iterable[date] = (),
        thursday_half_day: bool = False,
    ) -> WorkingCalendar:
        """The calendar of ``jalali_years``: their solar holidays, the operator's
        ``extra_holidays`` (the lunar ones, days the government closes), Friday off and,
        if configured, Thursday as half a day."""
        days = {day for year in jalali_years for day in solar_holidays(year)}
        return cls(
            holidays=frozenset(days | set(extra_holidays)),
            half_days=frozenset({THURSDAY}) if thursday_half_day else frozenset(),
        )

    def worth(self, day: date) -> float:
        """How much of a working day ``day`` is: 1, 0.5 or 0."""
        if day in self.holidays or day.weekday() in self.weekend:
            return 0.0
        return 0.5 if day.weekday() in self.half_days else 1.0

    def is_working_day(self, day: date) -> bool:
        """Whether any work is done on ``day`` (a half day counts)."""
        return self.worth(day) > 0

    def add_working_days(self, start: date, days: float) -> date:
        """The day on which ``days`` working days after ``start`` are complete (``start``
        itself not counted): a request sent on Saturday with 10 days is due the day the
        tenth working day after it ends. Zero days is ``start``."""
        if days < 0:
            raise ValueError("a number of working days cannot be negative")
        counted = 0.0
        day = start
        for _ in range(_LONGEST_SEARCH):
            if counted >= days:
                return day
            day += timedelta(days=1)
            counted += self.worth(day)
        raise ValueError("no working day in ten years: the calendar's holidays are wrong")

    def working_days_between(self, start: date, end: date) -> float:
        """Working days after ``start`` up to and including ``end``; negative when
        ``end`` is before ``start`` (how late something is, in working days)."""
        if end < start:
            return -self.working_days_between(end, start)
        total = 0.0
        day = start
        while day < end:
            day += timedelta(days=1)
            total += self.worth(day)
        return total
