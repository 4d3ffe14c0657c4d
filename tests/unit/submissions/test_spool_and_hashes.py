"""Keeping what a load remembers out of memory: the frame spool and sorted hash runs."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from dargah.submissions.hashes import HashRuns, in_sorted
from dargah.submissions.spool import FrameSpool


def test_the_spool_gives_back_every_row_in_order_in_parts_of_the_set_size() -> None:
    spool = FrameSpool(part_rows=4)
    for start in range(0, 10, 3):  # 3 + 3 + 3 + 1 rows
        spool.append(pl.DataFrame({"n": list(range(start, min(start + 3, 10)))}))
    spool.append(pl.DataFrame({"n": []}, schema={"n": pl.Int64}))
    assert spool.height == 10
    frames = list(spool.frames())
    assert [frame.height for frame in frames] == [4, 4, 2]
    assert pl.concat(frames)["n"].to_list() == list(range(10))
    # Read again, and after more rows: nothing is lost or repeated.
    spool.append(pl.DataFrame({"n": [10]}))
    assert pl.concat(list(spool.frames()))["n"].to_list() == list(range(11))
    assert [frame["n"].to_list() for frame in spool.frames(columns=["n"])][-1] == [10]


def test_a_closed_or_empty_spool_has_nothing() -> None:
    spool = FrameSpool(part_rows=2)
    assert list(spool.parts()) == []
    spool.append(pl.DataFrame({"n": [1, 2, 3]}))
    spool.close()
    assert spool.height == 0
    assert list(spool.parts()) == []


def test_in_sorted_finds_exactly_the_members() -> None:
    ordered = np.array([2, 5, 9], dtype=np.uint64)
    values = np.array([9, 1, 5, 10, 2, 2], dtype=np.uint64)
    assert in_sorted(ordered, values).tolist() == [True, False, True, False, True, True]
    assert in_sorted(np.empty(0, dtype=np.uint64), values).tolist() == [False] * 6


def test_hash_runs_answer_like_a_set_across_runs() -> None:
    generator = np.random.default_rng(1403)
    runs = HashRuns(run_entries=1_000)
    added: list[np.ndarray] = []
    for _ in range(12):
        batch = generator.integers(0, 2**63, size=400, dtype=np.uint64)
        runs.add(batch)
        added.append(batch)
    everything = np.concatenate(added)
    assert len(runs) == everything.size
    assert len(runs._full) >= 4  # several runs, none merged beyond its size
    assert all(run.size <= 1_000 for run in runs._full)
    probe = np.concatenate((everything[::7], generator.integers(0, 2**63, 500, dtype=np.uint64)))
    assert np.array_equal(runs.contains(probe), np.isin(probe, everything))


def test_marking_finds_members_tells_a_repeat_and_leaves_the_rest_unmarked() -> None:
    runs = HashRuns(run_entries=3)
    runs.add(np.array([5, 1, 9], dtype=np.uint64))
    runs.add(np.array([7, 7, 3], dtype=np.uint64))  # stored twice in its run
    found, twice = runs.mark(np.array([9, 4, 7], dtype=np.uint64))
    assert found.tolist() == [True, False, True]
    assert not twice
    # Neither copy of 7 is left unmarked; what the file did not have is.
    assert runs.unmarked().tolist() == [1, 3, 5]
    _, twice = runs.mark(np.array([1], dtype=np.uint64))
    assert not twice
    _, twice = runs.mark(np.array([9], dtype=np.uint64))
    assert twice  # met again since marking began
    _, twice = runs.mark(np.array([3, 3], dtype=np.uint64))
    assert twice  # met twice in one batch
    assert runs.unmarked().tolist() == [5]


def test_a_set_being_marked_cannot_grow() -> None:
    runs = HashRuns()
    runs.add(np.array([2], dtype=np.uint64))
    runs.mark(np.array([2], dtype=np.uint64))
    with pytest.raises(RuntimeError):
        runs.add(np.array([3], dtype=np.uint64))
    assert HashRuns().unmarked().tolist() == []
