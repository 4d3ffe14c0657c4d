"""The XLSX reader: one sheet of a workbook, read with python-calamine and held in memory."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Final

import polars as pl
from python_calamine import (
    CalamineError,
    CalamineSheet,
    CalamineWorkbook,
    SheetTypeEnum,
    SheetVisibleEnum,
)

from dargah.errors import InvalidInput
from dargah.persian import match_key
from dargah.submissions.readers.base import (
    SourceFormat,
    TableSource,
    cell_text,
    file_empty,
    row_too_long,
    text_frame,
    unreadable,
)

# Excel keeps 15 significant digits; more are binary noise (0.1 + 0.2).
_EXCEL_DIGITS: Final = 15


def _xlsx_broken(reason: str) -> InvalidInput:
    return unreadable(
        "فایل اکسل خوانده نشد؛ آن را دوباره با قالب xlsx ذخیره کنید.",
        "The Excel file could not be read; save it again as .xlsx.",
        reason=reason,
    )


def _sheet_not_found(name: str, sheets: list[str]) -> InvalidInput:
    return InvalidInput(
        f"برگه «{name}» در فایل اکسل نیست؛ برگه‌های فایل: {'، '.join(sheets)}.",
        f"The workbook has no sheet '{name}'; its sheets are: {', '.join(sheets)}.",
        code="sheet_not_found",
        details={"sheet": name, "sheets": sheets},
    )


class XlsxSource(TableSource):
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
            cells = [cell_text(value, digits=_EXCEL_DIGITS) for value in values]
            filled = [position for position, cell in enumerate(cells) if cell is not None]
            if filled:
                return index, [cell or "" for cell in cells[: filled[-1] + 1]]
        raise file_empty()

    def _frames(self, size: int) -> Iterator[pl.DataFrame]:
        width = len(self.headers)
        numbers: list[int] = []
        rows: list[list[str | None]] = []
        try:
            sheet_rows = self._sheet.iter_rows()
            for index, values in enumerate(sheet_rows):
                if index <= self._header_index:
                    continue
                cells = [cell_text(value, digits=_EXCEL_DIGITS) for value in values]
                if len(cells) > width:
                    extra = [position for position, cell in enumerate(cells) if cell is not None]
                    if extra and extra[-1] >= width:
                        raise row_too_long(index + 1, extra[-1] + 1, width)
                    del cells[width:]
                elif len(cells) < width:
                    cells.extend([None] * (width - len(cells)))
                if all(cell is None for cell in cells):
                    continue
                numbers.append(index + 1)
                rows.append(cells)
                if len(rows) >= size:
                    yield text_frame(numbers, rows, width)
                    numbers, rows = [], []
        except CalamineError as exc:
            raise _xlsx_broken(str(exc)) from exc
        if rows:
            yield text_frame(numbers, rows, width)

    def close(self) -> None:
        """Close the workbook."""
        with contextlib.suppress(CalamineError):  # already closed
            self._workbook.close()


def _pick_sheet(workbook: CalamineWorkbook, wanted: str | None) -> str:
    names = workbook.sheet_names
    if not names:
        raise file_empty()
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
