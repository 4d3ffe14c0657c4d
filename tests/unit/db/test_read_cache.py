"""A read cache serves a value for at most its seconds, and never past a change."""

from __future__ import annotations

import pytest

from dargah.db.cache import ReadCache, generation, note_changed


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Reads:
    """Counts the reads a cache makes and answers each with a new value."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self) -> str:
        self.count += 1
        return f"read {self.count}"


@pytest.fixture
def clock() -> Clock:
    return Clock()


def test_a_value_is_served_until_its_seconds_are_up(clock: Clock) -> None:
    cache: ReadCache[str, str] = ReadCache(seconds=2.0, tables=("grants",), clock=clock)
    read = Reads()

    assert cache.load("k", read) == "read 1"
    clock.now += 1.9
    assert cache.load("k", read) == "read 1"
    clock.now += 0.1
    assert cache.load("k", read) == "read 2"
    assert read.count == 2


def test_a_change_to_a_watched_table_drops_the_value_at_once(clock: Clock) -> None:
    cache: ReadCache[str, str] = ReadCache(seconds=60.0, tables=("grants",), clock=clock)
    read = Reads()
    cache.load("k", read)

    note_changed(["members"])  # not watched
    assert cache.load("k", read) == "read 1"
    note_changed(["grants"])
    assert cache.get("k") is None
    assert cache.load("k", read) == "read 2"


def test_a_change_during_the_read_leaves_the_value_stale(clock: Clock) -> None:
    cache: ReadCache[str, str] = ReadCache(seconds=60.0, tables=("grants",), clock=clock)

    def read_while_revoked() -> str:
        note_changed(["grants"])  # committed by another thread while this one read
        return "what was read"

    assert cache.load("k", read_while_revoked) == "what was read"
    assert cache.get("k") is None


def test_refresh_reads_even_a_fresh_value_and_failures_are_not_kept(clock: Clock) -> None:
    cache: ReadCache[str, str] = ReadCache(seconds=60.0, tables=(), clock=clock)
    read = Reads()
    cache.load("k", read)

    assert cache.load("k", read, refresh=True) == "read 2"

    def fail() -> str:
        raise LookupError("refused")

    with pytest.raises(LookupError):
        cache.load("other", fail)
    assert cache.get("other") is None


def test_zero_seconds_reads_every_time(clock: Clock) -> None:
    cache: ReadCache[str, str] = ReadCache(seconds=0, tables=(), clock=clock)
    read = Reads()

    cache.load("k", read)
    cache.load("k", read)

    assert read.count == 2
    assert len(cache) == 0


def test_the_cache_holds_at_most_its_size(clock: Clock) -> None:
    cache: ReadCache[int, int] = ReadCache(seconds=60.0, tables=(), size=16, clock=clock)

    for key in range(100):
        cache.load(key, lambda key=key: key)

    assert len(cache) <= 16
    assert cache.get(99) == 99


def test_generations_only_grow() -> None:
    before = generation(["grants", "members"])

    note_changed(["grants"])

    assert generation(["grants", "members"]) == before + 1
