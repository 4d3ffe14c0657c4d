"""A submission's findings as files a registrar opens: CSV and Excel.

Values are what the institution sent, so every text cell is neutralised against
spreadsheet formula injection.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from dargah.catalogue.templates import neutralise_formula
from dargah.submissions.models import SubmissionFinding

_HEADERS = (
    ("ردیف", "Row"),
    ("ستون", "Column"),
    ("مقدار", "Value"),
    ("کد خطا", "Code"),
    ("قاعده", "Rule"),
    ("شدت", "Severity"),
    ("پیام", "Message (fa)"),
    ("Message", "Message (en)"),
)


def _rows(findings: list[SubmissionFinding]) -> list[list[Any]]:
    return [
        [
            item.row,
            neutralise_formula(item.column or ""),
            neutralise_formula(item.value or ""),
            item.code,
            item.rule_id or "",
            item.severity,
            item.message_fa,
            item.message_en,
        ]
        for item in findings
    ]


def findings_csv(findings: list[SubmissionFinding]) -> bytes:
    """The findings as CSV (UTF-8 with BOM, bilingual headers), formulas neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([f"{fa} / {en}" for fa, en in _HEADERS])
    writer.writerows(_rows(findings))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def findings_xlsx(findings: list[SubmissionFinding]) -> bytes:
    """The findings as a right-to-left workbook, offending values highlighted."""
    workbook = Workbook()
    sheet = workbook.active
    if sheet is None:
        raise RuntimeError("sheet is missing")
    sheet.title = "گزارش"
    sheet.sheet_view.rightToLeft = True
    sheet.append([f"{fa} / {en}" for fa, en in _HEADERS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    error_fill = PatternFill("solid", fgColor="F8D7DA")
    warning_fill = PatternFill("solid", fgColor="FFF3CD")
    for index, row in enumerate(_rows(findings), start=2):
        sheet.append(row)
        # The offending value is highlighted by severity.
        sheet.cell(row=index, column=3).fill = error_fill if row[5] == "error" else warning_fill
    sheet.freeze_panes = "A2"
    for letter, width in zip("ABCDEFGH", (8, 24, 24, 22, 16, 10, 60, 60), strict=True):
        sheet.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
