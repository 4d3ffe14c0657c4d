"""Reading submitted files — CSV, XLSX, JSON and NDJSON — as batches of text columns.

``open_table`` looks at a file, works out its format, encoding and delimiter, reads the
header row and returns a ``TableSource``; its ``batches`` are polars frames in which
every column is text (``c0``, ``c1``, … by header position, nulls for empty cells)
plus ``_row``, the row number a person sees when they open the file. Nothing is typed
or normalised here: leading zeros of ids survive, and the validator decides what a
value means.

CSV is cut into chunks of about one batch at record boundaries and each chunk is
parsed by polars, so memory stays bounded whatever the file size (polars' own
``scan_csv(...).collect_batches()`` reads ahead without limit). UTF-8, with or without
BOM, goes to polars as it is; UTF-16 and Windows-1256 are transcoded chunk by chunk on
the way, in memory. XLSX (python-calamine) and JSON arrays are held in memory as their
libraries require; NDJSON is streamed line by line, twice (keys, then rows).

Every failure is an ``InvalidInput`` with a stable code (see docs/error-codes.md).
JSON and NDJSON are checked whole when opened; in CSV and XLSX a row with too many
cells, broken quoting or undecodable bytes is only met, and raised by ``batches``,
when that row is reached.

The modules: ``base`` (``SourceFormat``, ``TableSource`` and what the readers share),
``formats`` (``detect_format``, ``open_table``), one reader each in ``csv``, ``xlsx``
and ``json`` (JSON and NDJSON).
"""

from __future__ import annotations

from dargah.submissions.readers.base import (
    DEFAULT_BATCH_SIZE,
    ROW_COLUMN,
    SourceFormat,
    TableSource,
)
from dargah.submissions.readers.formats import detect_format, open_table, read_head

__all__ = [
    "DEFAULT_BATCH_SIZE",
    "ROW_COLUMN",
    "SourceFormat",
    "TableSource",
    "detect_format",
    "open_table",
    "read_head",
]
