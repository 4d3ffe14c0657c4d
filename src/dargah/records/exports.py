"""An answer as JSON, CSV, XLSX or Parquet, produced in chunks for streaming.

JSON and CSV are written a few thousand rows at a time; XLSX (openpyxl's write-only
mode) and Parquet (pyarrow, one row group per chunk) are built in a temporary file that
spills to disk past a few megabytes, then sent in pieces. Text cells of CSV and XLSX go
through ``neutralise_formula``: values come from institutions, and a cell starting
with ``=`` must not run when a registrar opens the file.

Two variants: the answer as it is, for programs (field names, codes, ISO dates — the
API's default), and a ``LabelledTable`` for people, built by the portal (column titles,
labels, Jalali dates) and written by ``labelled_chunks`` as CSV or as an XLSX sheet
named in the reader's language, right to left for Persian.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Final, Literal

import orjson
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from dargah.catalogue.templates import neutralise_formula
from dargah.records.query import OutputColumn
from dargah.records.service import QueryAnswer

ExportFormat = Literal["json", "csv", "xlsx", "parquet"]
MEDIA_TYPES: Final[dict[str, str]] = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "parquet": "application/vnd.apache.parquet",
}
CHUNK_ROWS: Final = 5_000
_PIECE: Final = 1 << 20
_SPILL: Final = 8 << 20
_ARROW_TYPES: Final = {
    "string": pa.string(),
    "integer": pa.int64(),
    "number": pa.float64(),
    "boolean": pa.bool_(),
    "date": pa.date32(),
}


def chunks(answer: QueryAnswer, export: ExportFormat) -> Iterator[bytes]:
    """The answer serialised as ``export``, in pieces."""
    if export == "csv":
        return _csv(answer)
    if export == "xlsx":
        return _xlsx(answer)
    if export == "parquet":
        return _parquet(answer)
    return _json(answer)


def _batches(rows: Sequence[tuple[Any, ...]]) -> Iterator[Sequence[tuple[Any, ...]]]:
    for offset in range(0, len(rows), CHUNK_ROWS):
        yield rows[offset : offset + CHUNK_ROWS]


def _json(answer: QueryAnswer) -> Iterator[bytes]:
    head = {
        "dataset": answer.dataset,
        "version": answer.version,
        "grant": answer.grant_id,
        "aggregate": answer.aggregate,
        "columns": [{"name": column.name, "type": column.type} for column in answer.columns],
        "masked": answer.masked,
        "suppressed_cells": answer.suppressed_cells,
        "row_count": len(answer.rows),
        "next_cursor": answer.next_cursor,
    }
    yield orjson.dumps(head)[:-1] + b',"rows":['
    names = answer.column_names
    first = True
    for batch in _batches(answer.rows):
        body = b",".join(orjson.dumps(dict(zip(names, row, strict=True))) for row in batch)
        yield body if first else b"," + body
        first = False
    yield b"]}"


def _text_cell(value: Any) -> Any:
    return neutralise_formula(value) if isinstance(value, str) else value


def _csv(answer: QueryAnswer) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    # A BOM so that Excel reads the Persian text as UTF-8.
    buffer.write("\ufeff")
    writer.writerow([neutralise_formula(name) for name in answer.column_names])
    for batch in _batches(answer.rows):
        writer.writerows([[_csv_value(value) for value in row] for row in batch])
        yield buffer.getvalue().encode("utf-8")
        buffer.seek(0)
        buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode("utf-8")


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    return _text_cell(value)


def _spooled_pieces(spool: Any) -> Iterator[bytes]:
    spool.seek(0)
    try:
        while piece := spool.read(_PIECE):
            yield piece
    finally:
        spool.close()


def _xlsx(answer: QueryAnswer) -> Iterator[bytes]:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("data")
    sheet.sheet_view.rightToLeft = True
    sheet.append([neutralise_formula(name) for name in answer.column_names])
    for row in answer.rows:
        sheet.append([_text_cell(value) for value in row])
    spool = tempfile.SpooledTemporaryFile(max_size=_SPILL)  # noqa: SIM115 (closed by the reader)
    workbook.save(spool)
    return _spooled_pieces(spool)


# -- for people ----------------------------------------------------------------------------

# Characters Excel refuses in a sheet's name, and its length limit.
_SHEET_FORBIDDEN: Final = str.maketrans(dict.fromkeys("[]:*?/\\", " "))
_SHEET_MAX: Final = 31
PeopleFormat = Literal["csv", "xlsx"]


@dataclass(frozen=True)
class LabelledTable:
    """A table as people read it: titled columns and values already labelled (text,
    numbers, or None for an empty cell)."""

    sheet_title: str
    headers: list[str]
    rows: list[list[Any]]
    right_to_left: bool


def sheet_name(title: str) -> str:
    """``title`` as a valid Excel sheet name: forbidden characters dropped, 31 at most."""
    cleaned = " ".join(title.translate(_SHEET_FORBIDDEN).split()).strip("'")
    return cleaned[:_SHEET_MAX].strip() or "Sheet1"


def labelled_chunks(table: LabelledTable, export: PeopleFormat) -> Iterator[bytes]:
    """``table`` as CSV (UTF-8 with a BOM, for Excel) or a one-sheet XLSX, in pieces;
    every text cell formula-safe."""
    if export == "xlsx":
        return _labelled_xlsx(table)
    return _labelled_csv(table)


def _labelled_csv(table: LabelledTable) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow([neutralise_formula(title) for title in table.headers])
    for offset in range(0, len(table.rows), CHUNK_ROWS):
        writer.writerows(
            [
                ["" if value is None else _text_cell(value) for value in row]
                for row in table.rows[offset : offset + CHUNK_ROWS]
            ]
        )
        yield buffer.getvalue().encode("utf-8")
        buffer.seek(0)
        buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode("utf-8")


def _labelled_xlsx(table: LabelledTable) -> Iterator[bytes]:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_name(table.sheet_title))
    sheet.sheet_view.rightToLeft = table.right_to_left
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for title in table.headers:
        cell = WriteOnlyCell(sheet, value=neutralise_formula(title))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in table.rows:
        sheet.append([_text_cell(value) for value in row])
    spool = tempfile.SpooledTemporaryFile(max_size=_SPILL)  # noqa: SIM115 (closed by the reader)
    workbook.save(spool)
    return _spooled_pieces(spool)


def _arrow_schema(columns: Sequence[OutputColumn]) -> pa.Schema:
    return pa.schema([(column.name, _ARROW_TYPES[column.type]) for column in columns])


def _parquet(answer: QueryAnswer) -> Iterator[bytes]:
    schema = _arrow_schema(answer.columns)
    spool = tempfile.SpooledTemporaryFile(max_size=_SPILL)  # noqa: SIM115 (closed by the reader)
    with pq.ParquetWriter(spool, schema) as writer:
        for batch in _batches(answer.rows):
            columns = list(zip(*batch, strict=True))
            writer.write_table(
                pa.table(
                    [
                        pa.array(list(values), type=field.type)
                        for values, field in zip(columns, schema, strict=True)
                    ],
                    schema=schema,
                )
            )
        if not answer.rows:
            writer.write_table(schema.empty_table())
    return _spooled_pieces(spool)
