"""The national-period rule (decision 0015): the latest period whose reporting
institutions reach a share of the period most reported."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, cast

from dargah.statistics.service import PivotView, default_period, national_periods


def test_an_early_upload_is_not_national() -> None:
    reporting = {"1402-2": 180, "1403-1": 190, "1403-2": 1}
    assert national_periods(reporting) == ["1402-2", "1403-1"]


def test_the_share_is_configurable() -> None:
    reporting = {"1403-1": 190, "1403-2": 100}
    assert national_periods(reporting, 0.5) == ["1403-1", "1403-2"]
    assert national_periods(reporting, 0.6) == ["1403-1"]
    assert national_periods({}) == []


def test_periods_are_ordered_in_time_not_as_text() -> None:
    assert national_periods({"1403": 5, "1402-2": 5, "1403-1": 5}) == ["1402-2", "1403", "1403-1"]


def _view(reporting: dict[str, int]) -> PivotView:
    fake = cast(Any, SimpleNamespace())
    return PivotView(fake, fake, fake, list(reporting), reporting)


def test_the_dashboard_default_is_national_for_every_pivot_holding_it() -> None:
    students = _view({"1403-1": 190, "1403-2": 1})
    faculty = _view({"1403-1": 150, "1403-2": 140})
    research = _view({"1402": 90})  # yearly: holds none of the terms
    assert default_period([students, faculty, research]) == "1403-1"
    assert default_period([faculty, research]) == "1403-2"
    assert default_period([]) is None
    assert students.latest == "1403-1"
    assert students.latest_loaded == "1403-2"
