"""The CSV reader: encoding and delimiter detection, the header row, and cutting the
file into chunks at record boundaries for polars to parse.

UTF-8, with or without BOM, goes to polars as it is; UTF-16 and Windows-1256 are
transcoded chunk by chunk on the way, in memory. A row with too many cells, broken
quoting or undecodable bytes is only met, and raised by ``batches``, when it is reached.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Final

import numpy as np
import polars as pl
import pyarrow as pa  # type: ignore[import-untyped]

from dargah.errors import InvalidInput
from dargah.submissions.lines import ASCII_COMPATIBLE, LINE, line_hashes
from dargah.submissions.readers.base import (
    ROW_COLUMN,
    UTF8_BOM,
    SourceFormat,
    TableSource,
    file_empty,
    row_too_long,
    unreadable,
)

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


# --------------------------------------------------------------------------- errors


def _binary() -> InvalidInput:
    return unreadable(
        "فایل متنی نیست؛ آن را با قالب CSV (UTF-8)، xlsx یا JSON بفرستید.",
        "The file is not text; send it as CSV (UTF-8), .xlsx or JSON.",
        reason="binary content",
    )


def _csv_broken(reason: str, row: int | None) -> InvalidInput:
    near_fa = f" (نزدیک سطر {row})" if row is not None else ""
    near_en = f" (near row {row})" if row is not None else ""
    return unreadable(
        f'فایل CSV خوانده نشد{near_fa}؛ احتمالاً علامت نقل‌قول (") باز مانده یا نابجاست.',
        f'The CSV file could not be read{near_en}; a quote mark (") is probably '
        "unbalanced or misplaced.",
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


def _delimiter_invalid(delimiter: str) -> InvalidInput:
    return InvalidInput(
        "جداکننده ستون‌ها باید یک نویسه لاتین مانند , یا ; یا tab باشد.",
        "The column delimiter must be one ASCII character such as , or ; or tab.",
        code="file_delimiter_invalid",
        details={"delimiter": delimiter},
    )


# --------------------------------------------------------------------------- source


def _with_line_hashes(frame: pl.DataFrame, chunk: bytes) -> pl.DataFrame:
    """Add ``_line`` to a chunk's rows, or nulls when its lines are not its records."""
    hashes, balanced = line_hashes(chunk)
    if not balanced or hashes.len() != frame.height:
        hashes = pl.Series(LINE, [None] * frame.height, dtype=pl.UInt64)
    return frame.with_columns(hashes)


class CsvSource(TableSource):
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
        lines_offset: int | None = None,
        line_hashes: bool = False,
    ) -> None:
        super().__init__(
            format=SourceFormat.CSV, headers=headers, encoding=encoding, delimiter=delimiter
        )
        self._path = path
        self._data_offset = data_offset  # in the UTF-8 byte stream
        self._first_row = first_row
        self._row_bytes = row_bytes  # average size of a record, from the head
        self._polars_schema = dict.fromkeys(self.columns, pl.String)
        self.lines_offset = lines_offset
        """Where the data lines start in the file's own bytes, when a line break is the
        byte 0x0A there (``submissions.lines``); None for UTF-16 and UTF-32."""
        self._line_hashes = line_hashes and lines_offset is not None

    @property
    def expected_rows(self) -> int | None:
        """Estimated from the file's size and the average record in its head."""
        size = self._path.stat().st_size - (self.lines_offset or self._data_offset)
        return max(1, round(size / max(self._row_bytes, 1.0)))

    @property
    def first_row(self) -> int:
        """The row number of the first line after the header."""
        return self._first_row

    @classmethod
    def open(
        cls,
        path: Path,
        head: bytes,
        *,
        encoding: str | None,
        delimiter: str | None,
        line_hashes: bool = False,
    ) -> CsvSource:
        """Detect encoding and delimiter and read the header row.

        With ``line_hashes``, every batch also has ``_line``: the hash of the line each
        row was read from (see ``submissions.lines``), or null when a quoted field
        spans lines and lines are not rows.
        """
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
            lines_offset=_offset_after_lines(head, lines) if codec in ASCII_COMPATIBLE else None,
            line_hashes=line_hashes,
        )

    def changed_lines(self, text: bytes, rows: np.ndarray) -> TableSource:
        """The given lines of this file (UTF-8, whole lines) as a source of their own,
        each row numbered as in the file: a re-sent file's new and changed lines."""
        return _SelectedLines(self, text, rows)

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
            if self._line_hashes:
                frame = _with_line_hashes(frame, chunk)
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
                return row_too_long(first_row + index, cells, len(self.headers))
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
        if name == "utf-8" and head.startswith(UTF8_BOM):
            return "utf-8-sig"
        return name
    if head.startswith(UTF8_BOM):
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
    # Persian text in the head that reads as UTF-8 is UTF-8: Windows-1256 bytes almost
    # never form valid UTF-8 sequences. Only an all-ASCII head needs the whole file
    # checked; a file that changes encoding part-way fails later, at the bad row.
    if complete or not head.isascii() or _is_utf8(path):
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
    raise file_empty()


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


class _SelectedLines(CsvSource):
    """Some lines of a CSV file, parsed with its settings, numbered as in the file."""

    def __init__(self, file: CsvSource, text: bytes, rows: np.ndarray) -> None:
        super().__init__(
            file._path,
            headers=file.headers,
            encoding="utf-8",
            delimiter=file.delimiter or ",",
            data_offset=0,
            first_row=file.first_row,
            row_bytes=file._row_bytes,
            lines_offset=file.lines_offset,
            line_hashes=file._line_hashes,
        )
        self._text = text
        self._rows = rows

    @property
    def expected_rows(self) -> int | None:
        """Exactly the lines selected."""
        return len(self._rows)

    def _frames(self, size: int) -> Iterator[pl.DataFrame]:
        if not self._text:
            return
        try:
            frame = self._parse(self._text, 0)
        except InvalidInput:
            # Numbered from 0 here; parse line by line to name the file's row instead.
            for line, row in zip(self._text.splitlines(keepends=True), self._rows, strict=False):
                self._parse(line, int(row))
            raise
        if frame.height != len(self._rows):
            raise RuntimeError("selected lines and their row numbers differ in count")
        frame = frame.with_columns(pl.Series(ROW_COLUMN, self._rows, dtype=pl.Int64))
        if self._line_hashes:
            frame = _with_line_hashes(frame, self._text)
        yield self._tidy(frame, excel_text=b'="' in self._text)
