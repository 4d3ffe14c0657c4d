"""Working on a column through its distinct values.

Most columns of a registrar's file repeat a few values (codes, terms, dates, grades):
a 100,000-row batch of birth dates has ~9,000 distinct ones, a status column four.
Converting the distinct values and spreading the results back to the rows gives the
same answer as converting every row (the conversions are row-by-row), for a fraction
of the work.
"""

from __future__ import annotations

import numpy as np
import polars as pl


class DistinctValues:
    """The distinct values of a string column and the way back to its rows.

    ``keys`` holds each distinct non-null value once, then null if the column has any;
    ``index`` gives, per row, the position of the row's value in ``keys``.
    """

    def __init__(self, column: pl.Series, keys: pl.Series) -> None:
        """``keys`` must be ``column.unique()`` (any order, null included if present)."""
        present = keys.drop_nulls()
        self._column = column
        self._present = present
        self._has_null = present.len() < keys.len()
        self.keys = present.extend_constant(None, 1) if self._has_null else present
        self._index: pl.Series | None = None

    @property
    def index(self) -> pl.Series:
        """Per row, the position of its value in ``keys`` (computed on first use)."""
        if self._index is None:
            # An Enum whose categories are the keys turns each value into its key's
            # position in one hashed pass (cheaper than a join).
            index = (
                self._column.cast(pl.Enum(self._present)).to_physical().cast(pl.UInt32)
                if self._present.len()
                else pl.Series(dtype=pl.UInt32).extend_constant(None, self._column.len())
            )
            self._index = index.fill_null(self._present.len()) if self._has_null else index
        return self._index

    def spread(self, per_key: pl.Series) -> pl.Series:
        """Per-row values from values given per key (aligned with ``keys``)."""
        if per_key.dtype == self._column.dtype and per_key.equals(self.keys):
            # Values that come out as they went in (codes typed as codes, clean
            # names) need no mapping back.
            return self._column.rename(per_key.name)
        if per_key.dtype.is_numeric() and _identical(
            per_key, self.keys.cast(per_key.dtype, strict=False)
        ):
            # Numbers typed plainly: a cast of the column is cheaper than mapping back.
            return self._column.cast(per_key.dtype, strict=False).rename(per_key.name)
        return per_key.gather(self.index)

    def spread_frame(self, frame: pl.DataFrame, rows: pl.Series, *, key: str) -> pl.DataFrame:
        """Rows of ``frame`` repeated for every row of the column with that key.

        ``frame[key]`` holds positions in ``keys``, each at most once; the result is in
        row order, with ``key`` replaced by the matching ``rows`` (cast to its dtype).
        """
        if frame.is_empty():
            return frame
        where = pl.Series(dtype=pl.UInt32).extend_constant(None, self.keys.len())
        where = where.scatter(frame[key], pl.int_range(frame.height, dtype=pl.UInt32, eager=True))
        per_row = where.gather(self.index)
        hit = per_row.is_not_null()
        return frame[per_row.filter(hit)].with_columns(
            rows.filter(hit).cast(frame.schema[key]).alias(key)
        )


def _identical(left: pl.Series, right: pl.Series) -> bool:
    """Same nulls and the same values, floats compared bit for bit (-0.0 is not 0.0)."""
    if left.dtype != right.dtype or not left.is_null().equals(right.is_null()):
        return False
    if left.dtype.is_float():
        left_bits, right_bits = (
            side.fill_null(0).to_numpy().view(np.uint8) for side in (left, right)
        )
        return bool(np.array_equal(left_bits, right_bits))
    return left.equals(right)
