"""What every reader shares: ``SourceFormat``, the ``TableSource`` base class, the
errors more than one format raises, and the text of XLSX and JSON cells.
"""

from __future__ import annotations

import codecs
import datetime as dt
import enum
import math
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from types import TracebackType
from typing import Any, Final, Self

import polars as pl

from dargah.errors import InvalidInput
from dargah.submissions.headers import column_name

ROW_COLUMN: Final = "_row"
DEFAULT_BATCH_SIZE: Final = 100_000

UTF8_BOM: Final = codecs.BOM_UTF8


class SourceFormat(enum.StrEnum):
    """The file formats a submission may arrive in."""

    CSV = "csv"
    XLSX = "xlsx"
    JSON = "json"
    NDJSON = "ndjson"


# --------------------------------------------------------------------------- errors


def file_empty() -> InvalidInput:
    return InvalidInput(
        "فایل خالی است یا سطر سرستون ندارد.",
        "The file is empty or has no header row.",
        code="file_empty",
    )


def unreadable(
    message_fa: str, message_en: str, *, reason: str | None = None, row: int | None = None
) -> InvalidInput:
    details: dict[str, Any] = {}
    if reason:
        details["reason"] = reason
    if row is not None:
        details["row"] = row
    return InvalidInput(message_fa, message_en, code="file_unreadable", details=details)


def row_too_long(row: int, cells: int, headers: int) -> InvalidInput:
    return InvalidInput(
        f"سطر {row} {cells} خانه دارد ولی سطر سرستون {headers} خانه دارد.",
        f"Row {row} has {cells} cells but the header row has {headers}.",
        code="file_row_too_long",
        details={"row": row, "cells": cells, "headers": headers},
    )


def _header_duplicate(header: str, first: int, second: int) -> InvalidInput:
    return InvalidInput(
        f"سرستون «{header}» دو بار آمده است (ستون‌های {first} و {second}).",
        f"The header '{header}' appears twice (columns {first} and {second}).",
        code="file_header_duplicate",
        details={"header": header, "columns": [first, second]},
    )


# --------------------------------------------------------------------------- sources


class TableSource:
    """An opened file: its header row and its rows in batches.

    Use it as a context manager (or call ``close``) to release what it holds open.
    """

    format: SourceFormat
    headers: list[str]
    """The header cells exactly as in the file (after decoding), empty ones as ``""``."""
    encoding: str | None
    """The text encoding read (``utf-8``, ``utf-8-sig``, ``utf-16``, ``cp1256`` …); None
    for XLSX and JSON."""
    delimiter: str | None
    """The CSV column delimiter; None for other formats."""
    sheet: str | None
    """The XLSX sheet read; None for other formats."""

    def __init__(
        self,
        *,
        format: SourceFormat,
        headers: list[str],
        encoding: str | None = None,
        delimiter: str | None = None,
        sheet: str | None = None,
    ) -> None:
        _refuse_duplicate_headers(headers)
        self.format = format
        self.headers = headers
        self.encoding = encoding
        self.delimiter = delimiter
        self.sheet = sheet

    @property
    def expected_rows(self) -> int | None:
        """How many rows the file holds, exactly or as estimated from its size; None
        when unknown. For progress reports only."""
        return None

    @property
    def columns(self) -> list[str]:
        """The names of the text columns of every batch, ``c0`` … in header order."""
        return [column_name(index) for index in range(len(self.headers))]

    def batches(self, size: int = DEFAULT_BATCH_SIZE) -> Iterator[pl.DataFrame]:
        """The rows, in batches of at most ``size`` rows (usually close to it).

        Every column is ``pl.String`` (null for an empty cell), named by header position
        (``c0``, ``c1``, …), plus ``_row`` (``pl.Int64``): the row number a person sees
        — in CSV and XLSX the header is row 1 (or wherever it is) and the first data row
        the next; in NDJSON the line number; in a JSON array the 1-based item index.
        Blank rows are skipped without renumbering the others. A header-only file gives
        no batches. Memory is bounded for CSV and NDJSON whatever the file size. May
        raise ``InvalidInput`` part-way, when a bad row is reached.
        """
        if size < 1:
            raise ValueError("batch size must be at least 1")
        return _split(self._frames(size), size)

    def _frames(self, size: int) -> Iterator[pl.DataFrame]:
        raise NotImplementedError

    def close(self) -> None:
        """Release the open file, if any. Safe to call twice."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def _refuse_duplicate_headers(headers: Sequence[str]) -> None:
    first_seen: dict[str, int] = {}
    for position, header in enumerate(headers, start=1):
        if not header.strip():
            continue
        if header in first_seen:
            raise _header_duplicate(header, first_seen[header], position)
        first_seen[header] = position


def _split(frames: Iterable[pl.DataFrame], size: int) -> Iterator[pl.DataFrame]:
    """Frames of at most ``size`` rows: taller ones are sliced (no copy), empty ones dropped.

    Frames are not merged, since concatenating copies every string column.
    """
    for frame in frames:
        for offset in range(0, frame.height, size):
            yield frame.slice(offset, size)


def _text_schema(width: int) -> dict[str, type[pl.DataType]]:
    return {ROW_COLUMN: pl.Int64, **{column_name(index): pl.String for index in range(width)}}


# --------------------------------------------------------------------------- cells


def _number_text(value: float, *, digits: int | None = None) -> str:
    """A number as a person would type it: no ``.0`` on whole numbers, no exponent."""
    if value.is_integer():
        return str(int(value))
    if not math.isfinite(value):
        return str(value)
    if digits is not None:
        value = float(f"{value:.{digits}g}")
        if value.is_integer():
            return str(int(value))
    text = repr(value)
    if "e" in text:
        text = format(Decimal(text), "f")
    return text


def cell_text(value: object, *, digits: int | None = None) -> str | None:
    """The text of an XLSX or JSON cell; None for an empty one."""
    # Text and numbers first, by exact type: this runs once per cell.
    if type(value) is str:
        return value or None
    if type(value) is float:
        return _number_text(value, digits=digits)
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return value or None
    if isinstance(value, float):
        return _number_text(value, digits=digits)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.timedelta):
        seconds = round(value.total_seconds())
        sign, seconds = ("-" if seconds < 0 else ""), abs(seconds)
        return f"{sign}{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
    return str(value)


def text_frame(numbers: list[int], rows: list[list[str | None]], width: int) -> pl.DataFrame:
    columns: list[Sequence[str | None]] = list(zip(*rows, strict=True)) if rows else []
    data: dict[str, Sequence[Any]] = {ROW_COLUMN: numbers}
    for index in range(width):
        data[column_name(index)] = columns[index] if columns else []
    return pl.DataFrame(data, schema=_text_schema(width))
