"""Sets of 64-bit hashes kept as sorted numpy arrays: eight bytes an entry, no hash table.

A submission remembers the hash of every key it has seen, to find duplicates, and a
re-sent file's lines are looked up among the line hashes of the last one. Sorted
arrays searched with ``searchsorted`` do both with the least memory there is.
"""

from __future__ import annotations

from typing import Final

import numpy as np

RUN_ENTRIES: Final = 1 << 20
"""Entries of a run beyond which it is no longer merged (8 MB)."""


def in_sorted(ordered: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Whether each value is in the sorted array."""
    return _in_runs([ordered], values)


def _in_runs(runs: list[np.ndarray], values: np.ndarray) -> np.ndarray:
    # Searching in sorted order walks each run once instead of jumping around it:
    # five times quicker for a million entries. The values are sorted once for all runs.
    order = np.argsort(values)
    wanted = values[order]
    hits = np.zeros(values.size, dtype=bool)
    for run in runs:
        if run.size:
            hits |= run[np.minimum(np.searchsorted(run, wanted), run.size - 1)] == wanted
    found = np.empty(values.size, dtype=bool)
    found[order] = hits
    return found


class HashRuns:
    """A growing set of uint64 hashes, as sorted runs of at most ``RUN_ENTRIES``.

    Merging every batch into one sorted array would briefly need three copies of
    everything seen so far; runs are merged only while small, so adding a batch
    needs memory for two runs at most, whatever the size of the set.
    """

    def __init__(self, run_entries: int = RUN_ENTRIES) -> None:
        self._run_entries = run_entries
        self._full: list[np.ndarray] = []
        self._open = np.empty(0, dtype=np.uint64)
        self._marks: list[np.ndarray] | None = None

    def __len__(self) -> int:
        return sum(run.size for run in self._full) + self._open.size

    def add(self, hashes: np.ndarray) -> None:
        """Add the hashes (duplicates among them are kept; they do no harm)."""
        if self._marks is not None:
            raise RuntimeError("a set being marked cannot grow")
        new = np.sort(hashes.astype(np.uint64, copy=False))
        if self._open.size + new.size > self._run_entries and self._open.size:
            self._full.append(self._open)
            self._open = np.empty(0, dtype=np.uint64)
        # Two sorted runs: a stable sort (timsort) merges them in linear time.
        self._open = np.sort(np.concatenate((self._open, new)), kind="stable")

    def contains(self, values: np.ndarray) -> np.ndarray:
        """Whether each value is in the set."""
        return _in_runs([*self._full, self._open], values)

    def mark(self, values: np.ndarray) -> tuple[np.ndarray, bool]:
        """Whether each value is in the set, marking the members found; and whether
        a member was met twice (among ``values`` or since marking began).

        Once marking has begun the set can no longer grow.
        """
        if self._marks is None:
            if self._open.size:
                self._full.append(self._open)
                self._open = np.empty(0, dtype=np.uint64)
            self._marks = [np.zeros(run.size, dtype=bool) for run in self._full]
        order = np.argsort(values)
        wanted = values[order]
        hits = np.zeros(values.size, dtype=bool)
        twice = False
        for run, marks in zip(self._full, self._marks, strict=True):
            at = np.minimum(np.searchsorted(run, wanted), run.size - 1)
            found = run[at] == wanted
            positions = at[found]
            if positions.size:
                twice = twice or bool(marks[positions].any())
                twice = twice or bool((positions[1:] == positions[:-1]).any())
                marks[positions] = True
            hits |= found
        result = np.empty(values.size, dtype=bool)
        result[order] = hits
        return result, twice

    def unmarked(self) -> np.ndarray:
        """The members never marked, sorted."""
        if self._marks is None:
            left = [*self._full, self._open]
        else:
            # A member stored twice in one run is marked at its first place only.
            left = [
                run[~marks][~in_sorted(run[marks], run[~marks])]
                for run, marks in zip(self._full, self._marks, strict=True)
            ]
        return np.sort(np.concatenate(left)) if left else np.empty(0, dtype=np.uint64)
