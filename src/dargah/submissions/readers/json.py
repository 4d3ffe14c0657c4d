"""The JSON and NDJSON readers. Both are checked whole when opened: a JSON array is
held in memory, NDJSON is streamed line by line, twice (keys, then rows).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

import orjson
import polars as pl

from dargah.errors import InvalidInput
from dargah.submissions.readers.base import (
    UTF8_BOM,
    SourceFormat,
    TableSource,
    cell_text,
    file_empty,
    text_frame,
    unreadable,
)

# orjson reads integers beyond 64 bits as floats, losing digits of long identifiers;
# a document with such a number is read again by the standard library.
_EXACT_LIMIT: Final = 2.0**63


# --------------------------------------------------------------------------- errors


def _json_broken(reason: str, row: int | None) -> InvalidInput:
    where_fa = f" در سطر {row}" if row is not None else ""
    where_en = f" at line {row}" if row is not None else ""
    return unreadable(
        f"متن JSON فایل{where_fa} درست نیست.",
        f"The file's JSON is not valid{where_en}.",
        reason=reason,
        row=row,
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


# --------------------------------------------------------------------------- sources


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
    return cell_text(value)


def _collect_keys(item: dict[str, Any], row: int, seen: dict[str, None]) -> None:
    for key, value in item.items():
        if key not in seen:
            seen[key] = None
        if isinstance(value, dict | list):
            raise _nested_value(row, key)


class JsonSource(TableSource):
    """A JSON array of flat objects (or ``{"rows": [...]}``), held in memory."""

    def __init__(self, path: Path) -> None:
        data = path.read_bytes().removeprefix(UTF8_BOM)
        try:
            items = _json_rows(_json_loads(data))
        except ValueError as exc:
            raise _json_broken(str(exc), getattr(exc, "lineno", None)) from exc
        if not items:
            raise file_empty()
        seen: dict[str, None] = {}
        inexact = False
        for row, item in enumerate(items, start=1):
            if not isinstance(item, dict):
                raise _not_an_object(row)
            _collect_keys(item, row, seen)
            inexact = inexact or _inexact(item)
        self._items: list[dict[str, Any]] = _json_rows(json.loads(data)) if inexact else items
        super().__init__(format=SourceFormat.JSON, headers=list(seen))

    @property
    def expected_rows(self) -> int | None:
        """The items of the array."""
        return len(self._items)

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
            yield text_frame(numbers, rows, len(headers))


def _json_rows(document: Any) -> list[Any]:
    if isinstance(document, dict) and isinstance(document.get("rows"), list):
        document = document["rows"]
    if not isinstance(document, list):
        raise _not_an_array()
    return document


class NdjsonSource(TableSource):
    """Newline-delimited JSON objects, streamed: one pass for the keys, one for the rows."""

    def __init__(self, path: Path) -> None:
        self._path = path
        seen: dict[str, None] = {}
        objects = 0
        for row, item in self._objects():
            _collect_keys(item, row, seen)
            objects += 1
        if not objects:
            raise file_empty()
        self._count = objects
        super().__init__(format=SourceFormat.NDJSON, headers=list(seen))

    @property
    def expected_rows(self) -> int | None:
        """Counted when the keys were collected."""
        return self._count

    def _objects(self) -> Iterator[tuple[int, dict[str, Any]]]:
        with self._path.open("rb") as handle:
            for row, line in enumerate(handle, start=1):
                if row == 1:
                    line = line.removeprefix(UTF8_BOM)
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
                yield text_frame(numbers, rows, len(headers))
                numbers, rows = [], []
        if rows:
            yield text_frame(numbers, rows, len(headers))
