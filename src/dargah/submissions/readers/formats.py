"""Which format a submitted file is in (``detect_format``), and ``open_table``, which
hands the file to that format's reader.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

import orjson

from dargah.errors import InvalidInput
from dargah.submissions.readers.base import UTF8_BOM, SourceFormat, TableSource, file_empty
from dargah.submissions.readers.csv import CsvSource
from dargah.submissions.readers.json import JsonSource, NdjsonSource
from dargah.submissions.readers.xlsx import XlsxSource

# How much of a file is looked at to detect its format, encoding, delimiter and header.
_HEAD_BYTES: Final = 1 << 20

_OLE_SIGNATURE: Final = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_SIGNATURE: Final = b"PK\x03\x04"
_OTHER_SIGNATURES: Final = {
    b"%PDF": "pdf",
    b"\x1f\x8b": "gzip",
    b"\x89PNG": "png",
    b"\xff\xd8\xff": "jpeg",
    b"Rar!": "rar",
    b"7z\xbc\xaf": "7z",
    b"PK\x05\x06": "zip",
}
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
            if head.lstrip(UTF8_BOM + b" \t\r\n").startswith(b"<"):
                raise _xls_refused()
        else:
            claimed = _EXTENSIONS.get(suffix)
    sniffed = _sniff_json(head)
    if claimed in (SourceFormat.JSON, SourceFormat.NDJSON):
        return sniffed or claimed
    if claimed is not None:
        return claimed
    if sniffed is None and head.removeprefix(UTF8_BOM).lstrip().startswith(b"{"):
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
    text = head.removeprefix(UTF8_BOM).lstrip(b" \t\r\n")
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


# --------------------------------------------------------------------------- opening


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
    line_hashes: bool = False,
) -> TableSource:
    """Open the submitted file at ``path`` and read its header row.

    ``format`` overrides what the file name says (a file's own signature still wins,
    see ``detect_format``); ``filename`` is the name the sender gave it (``path`` is
    often a temporary file). ``encoding`` and ``delimiter`` apply to CSV and win over
    detection; ``sheet`` names the XLSX sheet (default: the first visible one);
    ``line_hashes`` adds ``_line`` to CSV batches (``submissions.lines``).
    Raises ``InvalidInput`` when the file cannot be read.
    """
    head = read_head(path)
    if not head:
        raise file_empty()
    kind = detect_format(filename or path.name, head, format.value if format else None)
    if kind is SourceFormat.CSV:
        return CsvSource.open(
            path, head, encoding=encoding, delimiter=delimiter, line_hashes=line_hashes
        )
    if kind is SourceFormat.XLSX:
        return XlsxSource(path, sheet)
    if kind is SourceFormat.JSON:
        return JsonSource(path)
    return NdjsonSource(path)
