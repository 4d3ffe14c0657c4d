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
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime as dt
import enum
import io
import itertools
import json
import math
import re
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from types import TracebackType
from typing import Any, Final, Self

import orjson
import polars as pl
import pyarrow as pa  # type: ignore[import-untyped]
from python_calamine import (
    CalamineError,
    CalamineSheet,
    CalamineWorkbook,
    SheetTypeEnum,
    SheetVisibleEnum,
)

from dargah.errors import InvalidInput
from dargah.persian import match_key
from dargah.submissions.headers import column_name

__all__ = [
    "DEFAULT_BATCH_SIZE",
    "ROW_COLUMN",
    "SourceFormat",
    "TableSource",
    "detect_format",
    "open_table",
    "read_head",
]

ROW_COLUMN: Final = "_row"
DEFAULT_BATCH_SIZE: Final = 100_000

# How much of a file is looked at to detect its format, encoding, delimiter and header.
_HEAD_BYTES: Final = 1 << 20
# Files are read in blocks of this size to check that they are UTF-8.
_BLOCK_BYTES = 8 << 20
# CSV is handed to polars in chunks cut at a record boundary, sized to hold about one
# batch of rows, within these bounds.
_MIN_CHUNK_BYTES = 1 << 20
_MAX_CHUNK_BYTES: Final = 64 << 20
# Records looked at when guessing the delimiter.
_SNIFF_RECORDS: Final = 50
_DELIMITERS: Final = (",", ";", "\t", "|")
_QUOTE: Final = '"'

_OLE_SIGNATURE: Final = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_SIGNATURE: Final = b"PK\x03\x04"
_UTF8_BOM: Final = codecs.BOM_UTF8
_OTHER_SIGNATURES: Final = {
    b"%PDF": "pdf",
    b"\x1f\x8b": "gzip",
    b"\x89PNG": "png",
    b"\xff\xd8\xff": "jpeg",
    b"Rar!": "rar",
    b"7z\xbc\xaf": "7z",
    b"PK\x05\x06": "zip",
}
# Control characters that never occur in a text file (tab, newlines, form feed excepted).
_BINARY_RE: Final = re.compile("[\x00-\x08\x0e-\x1f]")
_ROW_OFFSET_RE: Final = re.compile(r"row_offset (\d+)")
_EXCEL_TEXT_RE: Final = r'^="[^"]*"$'

# Encodings a caller may declare (as Python's codec registry names them).
_UTF8: Final = frozenset({"utf-8", "utf-8-sig"})
_DECLARABLE: Final = _UTF8 | {
    "ascii",
    "utf-16",
    "utf-16-le",
    "utf-16-be",
    "utf-32",
    "utf-32-le",
    "utf-32-be",
    "cp1256",
    "iso8859-6",
    "cp720",
    "iso8859-1",
    "cp1252",
}


class SourceFormat(enum.StrEnum):
    """The file formats a submission may arrive in."""

    CSV = "csv"
    XLSX = "xlsx"
    JSON = "json"
    NDJSON = "ndjson"


_EXTENSIONS: Final = {
    ".csv": SourceFormat.CSV,
    ".tsv": SourceFormat.CSV,
    ".tab": SourceFormat.CSV,
    ".txt": SourceFormat.CSV,
    ".xlsx": SourceFormat.XLSX,
    ".xlsm": SourceFormat.XLSX,
    ".json": SourceFormat.JSON,
    ".ndjson": SourceFormat.NDJSON,
    ".jsonl": SourceFormat.NDJSON,
}
_MEDIA_TYPES: Final = {
    "text/csv": SourceFormat.CSV,
    "application/csv": SourceFormat.CSV,
    "text/tab-separated-values": SourceFormat.CSV,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": SourceFormat.XLSX,
    "application/json": SourceFormat.JSON,
    "application/x-ndjson": SourceFormat.NDJSON,
    "application/ndjson": SourceFormat.NDJSON,
    "application/jsonl": SourceFormat.NDJSON,
    "application/x-jsonlines": SourceFormat.NDJSON,
}
# Labels that say nothing about the content: browsers on Windows send
# application/vnd.ms-excel for any .csv file.
_UNINFORMATIVE: Final = frozenset(
    {
        "",
        "application/octet-stream",
        "binary/octet-stream",
        "text/plain",
        "application/vnd.ms-excel",
    }
)


# --------------------------------------------------------------------------- errors


def _file_empty() -> InvalidInput:
    return InvalidInput(
        "فایل خالی است یا سطر سرستون ندارد.",
        "The file is empty or has no header row.",
        code="file_empty",
    )


def _unreadable(
    message_fa: str, message_en: str, *, reason: str | None = None, row: int | None = None
) -> InvalidInput:
    details: dict[str, Any] = {}
    if reason:
        details["reason"] = reason
    if row is not None:
        details["row"] = row
    return InvalidInput(message_fa, message_en, code="file_unreadable", details=details)


def _binary() -> InvalidInput:
    return _unreadable(
        "فایل متنی نیست؛ آن را با قالب CSV (UTF-8)، xlsx یا JSON بفرستید.",
        "The file is not text; send it as CSV (UTF-8), .xlsx or JSON.",
        reason="binary content",
    )


def _csv_broken(reason: str, row: int | None) -> InvalidInput:
    near_fa = f" (نزدیک سطر {row})" if row is not None else ""
    near_en = f" (near row {row})" if row is not None else ""
    return _unreadable(
        f'فایل CSV خوانده نشد{near_fa}؛ احتمالاً علامت نقل‌قول (") باز مانده یا نابجاست.',
        f'The CSV file could not be read{near_en}; a quote mark (") is probably '
        "unbalanced or misplaced.",
        reason=reason,
        row=row,
    )


def _xlsx_broken(reason: str) -> InvalidInput:
    return _unreadable(
        "فایل اکسل خوانده نشد؛ آن را دوباره با قالب xlsx ذخیره کنید.",
        "The Excel file could not be read; save it again as .xlsx.",
        reason=reason,
    )


def _json_broken(reason: str, row: int | None) -> InvalidInput:
    where_fa = f" در سطر {row}" if row is not None else ""
    where_en = f" at line {row}" if row is not None else ""
    return _unreadable(
        f"متن JSON فایل{where_fa} درست نیست.",
        f"The file's JSON is not valid{where_en}.",
        reason=reason,
        row=row,
    )


def _encoding_error(encoding: str, *, byte: int | None = None) -> InvalidInput:
    details: dict[str, Any] = {"encoding": encoding}
    if byte is not None:
        details["byte"] = byte
    return InvalidInput(
        f"نویسه‌های فایل با کدگذاری {encoding} خوانده نشد؛ فایل را با کدگذاری UTF-8 ذخیره کنید.",
        f"The file's characters could not be decoded as {encoding}; save it as UTF-8.",
        code="file_encoding",
        details=details,
    )


def _unknown_encoding(name: str) -> InvalidInput:
    return InvalidInput(
        f"کدگذاری «{name}» پشتیبانی نمی‌شود؛ UTF-8، UTF-16 یا Windows-1256 را برگزینید.",
        f"The encoding '{name}' is not supported; choose UTF-8, UTF-16 or Windows-1256.",
        code="file_encoding",
        details={"encoding": name},
    )


def _xls_refused() -> InvalidInput:
    return InvalidInput(
        "فایل اکسل قدیمی (xls) یا رمزدار پذیرفته نمی‌شود؛ آن را با قالب xlsx یا CSV (UTF-8) "
        "ذخیره کنید.",
        "Old Excel files (.xls) and password-protected workbooks are not accepted; save the "
        "file as .xlsx or CSV (UTF-8).",
        code="file_format_unsupported",
        details={"format": "xls"},
    )


def _format_refused(label: str) -> InvalidInput:
    return InvalidInput(
        "قالب فایل پشتیبانی نمی‌شود؛ فایل CSV، xlsx، JSON یا NDJSON بفرستید.",
        "The file format is not supported; send CSV, .xlsx, JSON or NDJSON.",
        code="file_format_unsupported",
        details={"format": label},
    )


def _row_too_long(row: int, cells: int, headers: int) -> InvalidInput:
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


def _json_shape(
    message_fa: str, message_en: str, *, row: int | None = None, key: str | None = None
) -> InvalidInput:
    details: dict[str, Any] = {}
    if row is not None:
        details["row"] = row
    if key is not None:
        details["key"] = key
    return InvalidInput(message_fa, message_en, code="json_shape", details=details)


def _not_an_array() -> InvalidInput:
    return _json_shape(
        'فایل JSON باید آرایه‌ای از شیءها باشد (یا شیئی با کلید "rows").',
        'A JSON file must be an array of objects (or an object with a "rows" array).',
    )


def _not_an_object(row: int) -> InvalidInput:
    return _json_shape(
        f"مورد {row} فایل JSON یک شیء (با کلیدهای سرستون) نیست.",
        f"Item {row} of the JSON file is not an object of column names and values.",
        row=row,
    )


def _nested_value(row: int, key: str) -> InvalidInput:
    return _json_shape(
        f"مقدار «{key}» در مورد {row} فایل JSON تودرتو است؛ "
        "هر مقدار باید متن، عدد یا بله/خیر باشد.",
        f"The value of '{key}' in item {row} is nested; each value must be text, a number "
        "or a boolean.",
        row=row,
        key=key,
    )


def _sheet_not_found(name: str, sheets: list[str]) -> InvalidInput:
    return InvalidInput(
        f"برگه «{name}» در فایل اکسل نیست؛ برگه‌های فایل: {'، '.join(sheets)}.",
        f"The workbook has no sheet '{name}'; its sheets are: {', '.join(sheets)}.",
        code="sheet_not_found",
        details={"sheet": name, "sheets": sheets},
    )


def _delimiter_invalid(delimiter: str) -> InvalidInput:
    return InvalidInput(
        "جداکننده ستون‌ها باید یک نویسه لاتین مانند , یا ; یا tab باشد.",
        "The column delimiter must be one ASCII character such as , or ; or tab.",
        code="file_delimiter_invalid",
        details={"delimiter": delimiter},
    )


# --------------------------------------------------------------------------- formats


def detect_format(filename: str | None, head: bytes, declared: str | None = None) -> SourceFormat:
    """The format of a file from its name, its first bytes and what the sender declared.

    A file's own signature is trusted first: an OLE container (an old .xls or a
    password-protected workbook) is refused, a ZIP container is read as XLSX, other
    binary formats (PDF, images, archives) are refused. Then ``declared`` (a format
    name such as ``"csv"`` or a media type such as ``"text/csv"``; labels that say
    nothing, like ``application/octet-stream``, are ignored), then the file name's
    extension, then the content: ``[`` starts JSON, a first line that is a whole JSON
    object starts NDJSON, anything else is CSV. JSON and NDJSON are told apart by the
    content even when the name says otherwise, since both are often called ``.json``.
    """
    if head.startswith(_OLE_SIGNATURE):
        raise _xls_refused()
    if head.startswith(_ZIP_SIGNATURE):
        return SourceFormat.XLSX
    for signature, label in _OTHER_SIGNATURES.items():
        if head.startswith(signature):
            raise _format_refused(label)
    claimed = _declared_format(declared) if declared is not None else None
    if claimed is None and filename:
        suffix = Path(filename).suffix.lower()
        if suffix == ".xls":
            # Some systems export HTML or tab-separated text under .xls.
            if head.lstrip(_UTF8_BOM + b" \t\r\n").startswith(b"<"):
                raise _xls_refused()
        else:
            claimed = _EXTENSIONS.get(suffix)
    sniffed = _sniff_json(head)
    if claimed in (SourceFormat.JSON, SourceFormat.NDJSON):
        return sniffed or claimed
    if claimed is not None:
        return claimed
    if sniffed is None and head.removeprefix(_UTF8_BOM).lstrip().startswith(b"{"):
        return SourceFormat.JSON
    return sniffed or SourceFormat.CSV


def _declared_format(declared: str) -> SourceFormat | None:
    label = declared.split(";", 1)[0].strip().lower()
    if label in _UNINFORMATIVE:
        return None
    if label in ("xls", "application/x-msexcel"):
        raise _xls_refused()
    try:
        return SourceFormat(label.removeprefix("."))
    except ValueError:
        pass
    if label in _MEDIA_TYPES:
        return _MEDIA_TYPES[label]
    raise _format_refused(label)


def _sniff_json(head: bytes) -> SourceFormat | None:
    """JSON or NDJSON when the content says so; None when it does not tell."""
    text = head.removeprefix(_UTF8_BOM).lstrip(b" \t\r\n")
    if text.startswith(b"["):
        return SourceFormat.JSON
    if not text.startswith(b"{"):
        return None
    first_line, newline, _ = text.partition(b"\n")
    try:
        first = orjson.loads(first_line)
    except orjson.JSONDecodeError:
        # An object spread over several lines is JSON; a first line longer than the
        # head may be either.
        return SourceFormat.JSON if newline else None
    if isinstance(first, dict) and not isinstance(first.get("rows"), list):
        return SourceFormat.NDJSON
    return SourceFormat.JSON


# --------------------------------------------------------------------------- sources


def read_head(path: Path, size: int = _HEAD_BYTES) -> bytes:
    """The first ``size`` bytes of the file at ``path`` (all of it if shorter)."""
    with path.open("rb") as handle:
        return handle.read(size)


def open_table(
    path: Path,
    *,
    format: SourceFormat | None = None,
    filename: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    sheet: str | None = None,
) -> TableSource:
    """Open the submitted file at ``path`` and read its header row.

    ``format`` overrides what the file name says (a file's own signature still wins,
    see ``detect_format``); ``filename`` is the name the sender gave it (``path`` is
    often a temporary file). ``encoding`` and ``delimiter`` apply to CSV and win over
    detection; ``sheet`` names the XLSX sheet (default: the first visible one).
    Raises ``InvalidInput`` when the file cannot be read.
    """
    head = read_head(path)
    if not head:
        raise _file_empty()
    kind = detect_format(filename or path.name, head, format.value if format else None)
    if kind is SourceFormat.CSV:
        return _CsvSource.open(path, head, encoding=encoding, delimiter=delimiter)
    if kind is SourceFormat.XLSX:
        return _XlsxSource(path, sheet)
    if kind is SourceFormat.JSON:
        return _JsonSource(path)
    return _NdjsonSource(path)


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


# --------------------------------------------------------------------------- CSV


class _CsvSource(TableSource):
    """A CSV file, parsed by polars one block of records at a time."""

    def __init__(
        self,
        path: Path,
        *,
        headers: list[str],
        encoding: str,
        delimiter: str,
        data_offset: int,
        first_row: int,
        row_bytes: float,
    ) -> None:
        super().__init__(
            format=SourceFormat.CSV, headers=headers, encoding=encoding, delimiter=delimiter
        )
        self._path = path
        self._data_offset = data_offset  # in the UTF-8 byte stream
        self._first_row = first_row
        self._row_bytes = row_bytes  # average size of a record, from the head
        self._polars_schema = dict.fromkeys(self.columns, pl.String)

    @classmethod
    def open(
        cls, path: Path, head: bytes, *, encoding: str | None, delimiter: str | None
    ) -> _CsvSource:
        """Detect encoding and delimiter and read the header row."""
        complete = path.stat().st_size <= len(head)
        codec = _csv_encoding(path, head, encoding, complete=complete)
        utf8_head = head if codec in _UTF8 else _transcode_head(head, codec, final=complete)
        try:
            text = codecs.getincrementaldecoder("utf-8-sig")().decode(utf8_head, final=complete)
        except UnicodeDecodeError as exc:
            raise _encoding_error(codec, byte=exc.start) from exc
        text = text.removeprefix("\ufeff")
        if len(_BINARY_RE.findall(text, 0, 65536)) > max(2, min(len(text), 65536) // 200):
            raise _binary()
        separator = _declared_delimiter(delimiter) if delimiter else _sniff_delimiter(text)
        headers, header_row, lines = _header_record(text, separator, complete=complete)
        return cls(
            path,
            headers=headers,
            encoding=codec,
            delimiter=separator,
            data_offset=_offset_after_lines(utf8_head, lines),
            first_row=header_row + 1,
            row_bytes=len(head) / max(1, head.count(b"\n")),
        )

    def _frames(self, size: int) -> Iterator[pl.DataFrame]:
        row = self._first_row
        block_bytes = int(
            min(max(size * self._row_bytes * 0.9, _MIN_CHUNK_BYTES), _MAX_CHUNK_BYTES)
        )
        for chunk in _record_chunks(self._utf8_blocks(block_bytes)):
            blank = _leading_blank_lines(chunk)
            if blank:
                row += chunk.count(b"\n", 0, blank)
                chunk = chunk[blank:]
                if not chunk:
                    continue
            frame = self._parse(chunk, row)
            row += frame.height
            yield self._tidy(frame, excel_text=b'="' in chunk)

    def _utf8_blocks(self, block_bytes: int) -> Iterator[bytes]:
        if self.encoding in _UTF8:
            with self._path.open("rb") as handle:
                handle.seek(self._data_offset)
                while block := handle.read(block_bytes):
                    yield block
            return
        skip = self._data_offset
        for block in _transcoded_blocks(self._path, self.encoding or "utf-8", block_bytes):
            if skip >= len(block):
                skip -= len(block)
                continue
            yield block[skip:] if skip else block
            skip = 0

    def _parse(self, chunk: bytes, first_row: int) -> pl.DataFrame:
        try:
            return pl.read_csv(
                chunk,
                has_header=False,
                schema=self._polars_schema,
                separator=self.delimiter or ",",
                quote_char=_QUOTE,
                null_values=[""],
                missing_columns="insert",
                row_index_name=ROW_COLUMN,
                row_index_offset=first_row,
                raise_if_empty=False,
            )
        except pl.exceptions.PolarsError as exc:
            raise self._explain(exc, chunk, first_row) from exc

    def _explain(self, exc: Exception, chunk: bytes, first_row: int) -> InvalidInput:
        message = str(exc)
        reason = message.strip().splitlines()[0] if message.strip() else type(exc).__name__
        if "more fields" in message or "not specified in schema" in message:
            found = _first_long_record(chunk, self.delimiter or ",", len(self.headers))
            if found is not None:
                index, cells = found
                return _row_too_long(first_row + index, cells, len(self.headers))
        if "utf-8" in message.lower() or "utf8" in message.lower():
            try:
                chunk.decode("utf-8")
            except UnicodeDecodeError as decode_error:
                near = first_row + chunk.count(b"\n", 0, decode_error.start)
                error = _encoding_error(self.encoding or "utf-8")
                error.details["row"] = near
                return error
        offset = _ROW_OFFSET_RE.search(message)
        return _csv_broken(reason, first_row + int(offset.group(1)) if offset else None)

    def _tidy(self, frame: pl.DataFrame, *, excel_text: bool) -> pl.DataFrame:
        columns = self.columns
        frame = frame.with_columns(pl.col(ROW_COLUMN).cast(pl.Int64)).filter(
            pl.any_horizontal(pl.col(columns).is_not_null())
        )
        if not excel_text:
            return frame
        # Excel's ="0012" (text that keeps its leading zeros) becomes 0012.
        wrapped = frame.select(pl.col(columns).str.starts_with('="').any())
        unwrap = [name for name in columns if wrapped[name][0]]
        if unwrap:
            frame = frame.with_columns(
                pl.when(pl.col(name).str.contains(_EXCEL_TEXT_RE))
                .then(pl.col(name).str.slice(2, pl.col(name).str.len_chars() - 3))
                .otherwise(pl.col(name))
                .replace("", None)
                .alias(name)
                for name in unwrap
            )
        return frame


def _csv_encoding(path: Path, head: bytes, declared: str | None, *, complete: bool) -> str:
    """The codec name a CSV file is read with."""
    if declared:
        name = _declared_encoding(declared)
        if name == "utf-8" and head.startswith(_UTF8_BOM):
            return "utf-8-sig"
        return name
    if head.startswith(_UTF8_BOM):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    bomless = _bomless_utf16(head)
    if bomless:
        return bomless
    if b"\x00" in head:
        raise _binary()
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=complete)
    except UnicodeDecodeError:
        return "cp1256"
    if complete or _is_utf8(path):
        return "utf-8"
    return "cp1256"


def _declared_encoding(declared: str) -> str:
    try:
        name = codecs.lookup(declared.strip()).name
    except LookupError:
        raise _unknown_encoding(declared) from None
    if name not in _DECLARABLE:
        raise _unknown_encoding(declared)
    return "utf-8" if name == "ascii" else name


def _bomless_utf16(head: bytes) -> str | None:
    """``utf-16-le``/``utf-16-be`` when the NUL bytes fall on one side of each pair.

    Text in UTF-16 without a BOM has a NUL in every ASCII character (digits, commas,
    newlines), always the high byte; Persian letters (U+06xx) have none.
    """
    sample = head[: 1 << 14]
    sample = sample[: len(sample) - len(sample) % 2]
    pairs = len(sample) // 2
    if not pairs:
        return None
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    if odd >= pairs // 10 and odd > 0 and even * 20 <= odd:
        return "utf-16-le"
    if even >= pairs // 10 and even > 0 and odd * 20 <= even:
        return "utf-16-be"
    return None


def _is_utf8(path: Path) -> bool:
    """Whether the whole file is valid UTF-8, checked by Arrow a block at a time."""
    buffer = bytearray(_BLOCK_BYTES + 4)
    view = memoryview(buffer)
    carried = 0
    with path.open("rb") as handle:
        while True:
            read = handle.readinto(view[carried : carried + _BLOCK_BYTES])
            total = carried + read
            if not read:
                return _utf8_valid(view[:total])
            cut = total
            # Keep a multi-byte sequence that the block cut in two for the next block.
            while cut > 0 and total - cut < 4 and 0x80 <= buffer[cut - 1] < 0xC0:
                cut -= 1
            if cut > 0 and buffer[cut - 1] >= 0xC0:
                cut -= 1
            if not _utf8_valid(view[:cut]):
                return False
            carried = total - cut
            buffer[:carried] = buffer[cut:total]


def _utf8_valid(data: memoryview) -> bool:
    if not len(data):
        return True
    offsets = pa.array([0, len(data)], type=pa.int64())
    array = pa.Array.from_buffers(
        pa.large_string(), 1, [None, offsets.buffers()[1], pa.py_buffer(data)]
    )
    try:
        array.validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


def _transcode_head(head: bytes, codec: str, *, final: bool) -> bytes:
    try:
        return codecs.getincrementaldecoder(codec)().decode(head, final=final).encode("utf-8")
    except UnicodeError as exc:
        raise _encoding_error(codec, byte=getattr(exc, "start", None)) from exc


def _transcoded_blocks(path: Path, codec: str, block_bytes: int) -> Iterator[bytes]:
    """The file's text as UTF-8, one block at a time."""
    decoder = codecs.getincrementaldecoder(codec)()
    offset = 0
    with path.open("rb") as handle:
        while True:
            block = handle.read(block_bytes)
            try:
                text = decoder.decode(block, final=not block)
            except UnicodeDecodeError as exc:
                raise _encoding_error(codec, byte=offset + exc.start) from exc
            if text:
                yield text.encode("utf-8")
            if not block:
                return
            offset += len(block)


def _declared_delimiter(delimiter: str) -> str:
    named = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}
    value = named.get(delimiter.lower(), delimiter)
    if len(value) != 1 or not value.isascii() or value in '"\r\n':
        raise _delimiter_invalid(delimiter)
    return value


def _records(text: str, delimiter: str) -> Iterator[list[str]]:
    return csv.reader(io.StringIO(text, newline="\n"), delimiter=delimiter, quotechar=_QUOTE)


def _sniff_delimiter(text: str) -> str:
    """The delimiter among , ; tab | that splits the first records most consistently.

    A candidate must split the header into at least two cells; among those, the one
    under which most data records have as many cells as the header wins, then the one
    giving more columns. A single-column file is read with commas.
    """
    best, best_score = ",", (-1.0, 0)
    for candidate in _DELIMITERS:
        widths = _record_widths(text, candidate)
        if not widths or widths[0] < 2:
            continue
        header, rest = widths[0], widths[1:]
        agreement = sum(1 for width in rest if width == header) / len(rest) if rest else 1.0
        score = (agreement, header)
        if score > best_score:
            best, best_score = candidate, score
    return best


def _record_widths(text: str, delimiter: str) -> list[int]:
    reader = _records(text, delimiter)
    widths: list[int] = []
    read = 0
    try:
        for record in itertools.islice(reader, _SNIFF_RECORDS * 2):
            read += 1
            if any(cell.strip() for cell in record):
                widths.append(len(record))
            if len(widths) > _SNIFF_RECORDS:
                break
    except csv.Error:
        return []
    if len(widths) > 2 and len(widths) <= _SNIFF_RECORDS:
        widths.pop()  # the last record of a head may be cut short
    return widths[:_SNIFF_RECORDS]


def _header_record(text: str, delimiter: str, *, complete: bool) -> tuple[list[str], int, int]:
    """The first non-blank record, its row number and the lines it ends on."""
    reader = csv.reader(io.StringIO(text, newline="\n"), delimiter=delimiter, quotechar=_QUOTE)
    total_lines = text.count("\n") + (0 if text.endswith("\n") else 1)
    try:
        for row, record in enumerate(reader, start=1):
            if not any(cell.strip() for cell in record):
                continue
            if not complete and reader.line_num >= total_lines:
                raise _csv_broken("the header row does not end within the first megabyte", 1)
            return record, row, reader.line_num
    except csv.Error as exc:
        raise _csv_broken(str(exc), None) from exc
    raise _file_empty()


def _offset_after_lines(data: bytes, lines: int) -> int:
    position = 0
    for _ in range(lines):
        newline = data.find(b"\n", position)
        if newline < 0:
            return len(data)
        position = newline + 1
    return position


def _record_chunks(blocks: Iterable[bytes]) -> Iterator[bytes]:
    """Regroup byte blocks into chunks that end at a record boundary.

    A newline ends a record when an even number of quote marks comes before it in the
    chunk (quoted cells open and close, and ``""`` inside them comes in pairs). A stray
    quote in an unquoted cell breaks this, but polars refuses such a file anyway.
    """
    carry = b""
    for block in blocks:
        data = carry + block if carry else block
        cut = _last_record_end(data)
        if cut:
            yield data[:cut]
            carry = data[cut:]
        else:
            carry = data
    if carry:
        yield carry


def _last_record_end(data: bytes) -> int:
    """Index just after the last newline outside quotes, or 0 if there is none."""
    newline = data.rfind(b"\n")
    if newline < 0:
        return 0
    if b'"' not in data:
        return newline + 1
    quotes = data.count(b'"', 0, newline)
    while True:
        if quotes % 2 == 0:
            return newline + 1
        previous = data.rfind(b"\n", 0, newline)
        if previous < 0:
            return 0
        quotes -= data.count(b'"', previous, newline)
        newline = previous


def _leading_blank_lines(chunk: bytes) -> int:
    """The length of the run of empty lines that starts ``chunk``."""
    position = 0
    while True:
        if chunk.startswith(b"\n", position):
            position += 1
        elif chunk.startswith(b"\r\n", position):
            position += 2
        else:
            return position


def _first_long_record(chunk: bytes, delimiter: str, width: int) -> tuple[int, int] | None:
    """The 0-based index and cell count of the first record with more than ``width`` cells."""
    text = chunk.decode("utf-8", errors="replace")
    try:
        for index, record in enumerate(_records(text, delimiter)):
            if len(record) > width:
                return index, len(record)
    except csv.Error:
        return None
    return None


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


def _cell_text(value: object, *, digits: int | None = None) -> str | None:
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


def _frame(numbers: list[int], rows: list[list[str | None]], width: int) -> pl.DataFrame:
    columns: list[Sequence[str | None]] = list(zip(*rows, strict=True)) if rows else []
    data: dict[str, Sequence[Any]] = {ROW_COLUMN: numbers}
    for index in range(width):
        data[column_name(index)] = columns[index] if columns else []
    return pl.DataFrame(data, schema=_text_schema(width))


# --------------------------------------------------------------------------- XLSX

# Excel keeps 15 significant digits; more are binary noise (0.1 + 0.2).
_EXCEL_DIGITS: Final = 15


class _XlsxSource(TableSource):
    """One sheet of an XLSX workbook, read with python-calamine."""

    def __init__(self, path: Path, sheet: str | None) -> None:
        try:
            self._workbook = CalamineWorkbook.from_path(str(path))
            name = _pick_sheet(self._workbook, sheet)
            self._sheet: CalamineSheet = self._workbook.get_sheet_by_name(name)
            self._header_index, headers = self._header()
        except CalamineError as exc:
            raise _xlsx_broken(str(exc)) from exc
        super().__init__(format=SourceFormat.XLSX, headers=headers, sheet=name)

    def _header(self) -> tuple[int, list[str]]:
        for index, values in enumerate(self._sheet.iter_rows()):
            cells = [_cell_text(value, digits=_EXCEL_DIGITS) for value in values]
            filled = [position for position, cell in enumerate(cells) if cell is not None]
            if filled:
                return index, [cell or "" for cell in cells[: filled[-1] + 1]]
        raise _file_empty()

    def _frames(self, size: int) -> Iterator[pl.DataFrame]:
        width = len(self.headers)
        numbers: list[int] = []
        rows: list[list[str | None]] = []
        try:
            sheet_rows = self._sheet.iter_rows()
            for index, values in enumerate(sheet_rows):
                if index <= self._header_index:
                    continue
                cells = [_cell_text(value, digits=_EXCEL_DIGITS) for value in values]
                if len(cells) > width:
                    extra = [position for position, cell in enumerate(cells) if cell is not None]
                    if extra and extra[-1] >= width:
                        raise _row_too_long(index + 1, extra[-1] + 1, width)
                    del cells[width:]
                elif len(cells) < width:
                    cells.extend([None] * (width - len(cells)))
                if all(cell is None for cell in cells):
                    continue
                numbers.append(index + 1)
                rows.append(cells)
                if len(rows) >= size:
                    yield _frame(numbers, rows, width)
                    numbers, rows = [], []
        except CalamineError as exc:
            raise _xlsx_broken(str(exc)) from exc
        if rows:
            yield _frame(numbers, rows, width)

    def close(self) -> None:
        """Close the workbook."""
        with contextlib.suppress(CalamineError):  # already closed
            self._workbook.close()


def _pick_sheet(workbook: CalamineWorkbook, wanted: str | None) -> str:
    names = workbook.sheet_names
    if not names:
        raise _file_empty()
    if wanted is None:
        for meta in workbook.sheets_metadata:
            if meta.typ == SheetTypeEnum.WorkSheet and meta.visible == SheetVisibleEnum.Visible:
                return meta.name
        return names[0]
    if wanted in names:
        return wanted
    key = match_key(wanted)
    for name in names:
        if match_key(name) == key:
            return name
    raise _sheet_not_found(wanted, names)


# --------------------------------------------------------------------------- JSON


# orjson reads integers beyond 64 bits as floats, losing digits of long identifiers;
# a document with such a number is read again by the standard library.
_EXACT_LIMIT: Final = 2.0**63


def _json_loads(data: bytes) -> Any:
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return json.loads(data)


def _inexact(item: dict[str, Any]) -> bool:
    return any(type(value) is float and abs(value) >= _EXACT_LIMIT for value in item.values())


def _json_text(value: object, row: int, key: str) -> str | None:
    if isinstance(value, dict | list):
        raise _nested_value(row, key)
    return _cell_text(value)


def _collect_keys(item: dict[str, Any], row: int, seen: dict[str, None]) -> None:
    for key, value in item.items():
        if key not in seen:
            seen[key] = None
        if isinstance(value, dict | list):
            raise _nested_value(row, key)


class _JsonSource(TableSource):
    """A JSON array of flat objects (or ``{"rows": [...]}``), held in memory."""

    def __init__(self, path: Path) -> None:
        data = path.read_bytes().removeprefix(_UTF8_BOM)
        try:
            items = _json_rows(_json_loads(data))
        except ValueError as exc:
            raise _json_broken(str(exc), getattr(exc, "lineno", None)) from exc
        if not items:
            raise _file_empty()
        seen: dict[str, None] = {}
        inexact = False
        for row, item in enumerate(items, start=1):
            if not isinstance(item, dict):
                raise _not_an_object(row)
            _collect_keys(item, row, seen)
            inexact = inexact or _inexact(item)
        self._items: list[dict[str, Any]] = _json_rows(json.loads(data)) if inexact else items
        super().__init__(format=SourceFormat.JSON, headers=list(seen))

    def _frames(self, size: int) -> Iterator[pl.DataFrame]:
        headers = self.headers
        for start in range(0, len(self._items), size):
            numbers: list[int] = []
            rows: list[list[str | None]] = []
            for row, item in enumerate(self._items[start : start + size], start=start + 1):
                cells = [_json_text(item.get(key), row, key) for key in headers]
                if any(cell is not None for cell in cells):
                    numbers.append(row)
                    rows.append(cells)
            yield _frame(numbers, rows, len(headers))


def _json_rows(document: Any) -> list[Any]:
    if isinstance(document, dict) and isinstance(document.get("rows"), list):
        document = document["rows"]
    if not isinstance(document, list):
        raise _not_an_array()
    return document


class _NdjsonSource(TableSource):
    """Newline-delimited JSON objects, streamed: one pass for the keys, one for the rows."""

    def __init__(self, path: Path) -> None:
        self._path = path
        seen: dict[str, None] = {}
        objects = 0
        for row, item in self._objects():
            _collect_keys(item, row, seen)
            objects += 1
        if not objects:
            raise _file_empty()
        super().__init__(format=SourceFormat.NDJSON, headers=list(seen))

    def _objects(self) -> Iterator[tuple[int, dict[str, Any]]]:
        with self._path.open("rb") as handle:
            for row, line in enumerate(handle, start=1):
                if row == 1:
                    line = line.removeprefix(_UTF8_BOM)
                if not line.strip():
                    continue
                try:
                    item = _json_loads(line)
                except ValueError as exc:
                    raise _json_broken(str(exc), row) from exc
                if not isinstance(item, dict):
                    raise _not_an_object(row)
                yield row, json.loads(line) if _inexact(item) else item

    def _frames(self, size: int) -> Iterator[pl.DataFrame]:
        headers = self.headers
        numbers: list[int] = []
        rows: list[list[str | None]] = []
        for row, item in self._objects():
            cells = [_json_text(item.get(key), row, key) for key in headers]
            if all(cell is None for cell in cells):
                continue
            numbers.append(row)
            rows.append(cells)
            if len(rows) >= size:
                yield _frame(numbers, rows, len(headers))
                numbers, rows = [], []
        if rows:
            yield _frame(numbers, rows, len(headers))
