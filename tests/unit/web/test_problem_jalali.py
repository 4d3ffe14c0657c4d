"""Problem details carry a Jalali reading beside every ISO date or time they name."""

from __future__ import annotations

from dargah.api.problems import with_jalali


def test_times_and_dates_get_a_jalali_companion() -> None:
    details = with_jalali(
        {
            "from": "2025-03-20T20:30:00+00:00",  # already 21 March (1 Farvardin) in Tehran
            "until": "2025-03-21",
            "period": "1403-1",
            "count": 3,
        }
    )

    assert details["from_jalali"] == "1404/01/01 00:00"
    assert details["until_jalali"] == "1404/01/01"
    assert "period_jalali" not in details  # a period is not a date
    assert details["count"] == 3


def test_a_zoneless_time_is_left_alone_and_nothing_is_overwritten() -> None:
    details = with_jalali({"at": "2025-03-20T10:00:00", "to": "2025-03-21", "to_jalali": "x"})
    assert "at_jalali" not in details
    assert details["to_jalali"] == "x"
