"""Bulk import of institutions from CSV or XLSX, with a report for every row.

The default policy is all-or-nothing: every row is applied inside one transaction and,
if any row is rejected, the whole transaction is rolled back, so the report is exact
(parents defined earlier in the same file resolve) and nothing half-loaded remains.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any, Literal

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from dargah.access.policy import Permission, Principal, authorize
from dargah.audit import service as audit
from dargah.audit.events import AuditAction
from dargah.db.session import atomic
from dargah.errors import DargahError, InvalidInput
from dargah.members.models import INSTITUTION_TYPE_LABELS, Member, MemberClass, MemberKind
from dargah.members.schemas import ImportReport, ImportRowResult, MemberCreate, MemberUpdate
from dargah.members.service import _apply_create, _apply_update, member_identifier
from dargah.persian import match_key, normalize

MAX_IMPORT_BYTES = 20 * 1024 * 1024
MAX_IMPORT_ROWS = 20_000
_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# Accepted headers per field: the field name and its Persian and English titles.
COLUMNS: dict[str, tuple[str, ...]] = {
    "code": ("code", "کد", "کد موسسه", "institution code"),
    "name_fa": ("name_fa", "نام", "نام فارسی", "نام موسسه", "persian name"),
    "name_en": ("name_en", "نام انگلیسی", "english name", "name"),
    "institution_type": ("institution_type", "type", "نوع", "نوع موسسه", "institution type"),
    "province": ("province", "استان", "province code", "کد استان"),
    "city": ("city", "شهر"),
    "parent": ("parent", "موسسه مادر", "والد", "parent identifier"),
    "status": ("status", "وضعیت"),
    "website": ("website", "وبگاه", "وب‌سایت", "site"),
}
REQUIRED_COLUMNS = ("code", "name_fa", "institution_type", "province")
_HEADER_LOOKUP = {match_key(title): field for field, titles in COLUMNS.items() for title in titles}
_TYPE_LOOKUP: dict[str, str] = {}
for _type, (_fa, _en) in INSTITUTION_TYPE_LABELS.items():
    for _label in (_type.value, _fa, _en):
        _TYPE_LOOKUP[match_key(_label)] = _type.value


class _Rollback(Exception):
    """Raised inside the import transaction to undo it after writing the report."""


def decode_text(data: bytes) -> str:
    """Decode a text file from UTF-8 (with or without BOM), UTF-16 or Windows-1256."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1256")


def read_table(data: bytes, filename: str) -> list[dict[str, str]]:
    """Rows of a CSV or XLSX file as dicts keyed by field name (headers matched loosely).

    The first non-blank row is the header. ``rows[i]`` is row ``i + 2`` of the file, as
    a spreadsheet numbers it: blank rows (and blank rows above the header) come back as
    empty dicts holding their place, so reported row numbers match what people see.
    """
    if not data.strip():
        raise InvalidInput("فایل خالی است.", "The file is empty.", code="file_empty")
    if len(data) > MAX_IMPORT_BYTES:
        raise InvalidInput(
            "فایل بزرگ‌تر از ۲۰ مگابایت است.",
            "The file is larger than 20 MB.",
            code="file_too_large",
        )
    if data.startswith(_OLE_SIGNATURE):  # an Excel 97-2003 .xls, not a text file
        raise _xlsx_unreadable()
    if filename.lower().endswith(".xlsx") or data[:4] == b"PK\x03\x04":
        raw_rows = _xlsx_rows(data)
    else:
        raw_rows = _csv_rows(data)
    # Blank rows keep their place (as empty rows) so row numbers match the file's.
    filled = [index for index, row in enumerate(raw_rows) if any(cell.strip() for cell in row)]
    if not filled:
        raise InvalidInput("فایل خالی است.", "The file is empty.", code="file_empty")
    first, last = filled[0], filled[-1]
    header = raw_rows[first]
    body: list[list[str]] = [[] for _ in range(first)] + raw_rows[first + 1 : last + 1]
    fields = [_HEADER_LOOKUP.get(match_key(title)) for title in header]
    unknown = [
        title for title, field in zip(header, fields, strict=True) if field is None and title
    ]
    missing = [name for name in REQUIRED_COLUMNS if name not in fields]
    if missing or unknown:
        raise InvalidInput(
            "سرستون‌های فایل با قالب ورود موسسات نمی‌خواند.",
            "The file's headers do not match the institution import template.",
            code="import_headers",
            details={"missing": missing, "unknown": unknown, "expected": list(COLUMNS)},
        )
    if len(body) > MAX_IMPORT_ROWS:
        raise InvalidInput(
            f"حداکثر {MAX_IMPORT_ROWS} سطر در هر بار مجاز است.",
            f"At most {MAX_IMPORT_ROWS} rows per import.",
            code="import_too_many_rows",
        )
    return [
        {
            field: normalize(cell)
            for field, cell in zip(fields, row + [""] * (len(fields) - len(row)), strict=False)
            if field is not None and cell.strip()
        }
        for row in body
    ]


MAX_CELL_CHARS = 10_000
"""No institution field comes near this; a longer cell means a broken file."""


def _csv_rows(data: bytes) -> list[list[str]]:
    text = decode_text(data)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    try:
        rows = [list(row) for row in csv.reader(io.StringIO(text), dialect)]
        # Our own limit: csv.field_size_limit is process-wide and other libraries raise it.
        if any(len(cell) > MAX_CELL_CHARS for row in rows for cell in row):
            raise csv.Error(f"a cell is longer than {MAX_CELL_CHARS} characters")
        return rows
    except csv.Error as exc:  # binary content, stray line breaks, a cell over the limit
        raise InvalidInput(
            "فایل به شکل CSV خوانده نشد؛ آن را با قالب CSV (UTF-8) یا xlsx ذخیره کنید.",
            "The file could not be read as CSV; save it as CSV (UTF-8) or .xlsx.",
            code="file_unreadable",
            details={"reason": str(exc)},
        ) from exc


def _xlsx_unreadable() -> InvalidInput:
    return InvalidInput(
        "فایل اکسل خوانده نشد؛ آن را با قالب xlsx ذخیره کنید.",
        "The Excel file could not be read; save it as .xlsx.",
        code="xlsx_unreadable",
    )


def _xlsx_rows(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise _xlsx_unreadable() from exc
    sheet = workbook.worksheets[0]
    rows = [
        ["" if cell is None else _cell_text(cell) for cell in row]
        for row in sheet.iter_rows(values_only=True)
    ]
    workbook.close()
    return rows


def _cell_text(value: Any) -> str:
    # Excel turns codes like 1001 into floats; keep them as the digits people typed.
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _to_create(row: dict[str, str]) -> MemberCreate:
    values: dict[str, Any] = dict(row)
    if "institution_type" in values:
        values["institution_type"] = _TYPE_LOOKUP.get(
            match_key(values["institution_type"]), values["institution_type"]
        )
    values["kind"] = MemberKind.INSTITUTION
    return MemberCreate.model_validate(values)


def _row_errors(exc: ValidationError) -> list[dict[str, str]]:
    return [
        {
            "field": ".".join(str(part) for part in error["loc"]),
            "code": str(error["type"]),
            "value": str(error.get("input", ""))[:100],
            "message_fa": "مقدار معتبر نیست.",
            "message_en": str(error["msg"]),
        }
        for error in exc.errors()
    ]


def _depth_order(rows: list[dict[str, str]]) -> list[int]:
    """Row indexes ordered so a parent defined in the file is applied before its branches."""
    by_identifier = {
        member_identifier(MemberClass.UNI, row["code"]): index
        for index, row in enumerate(rows)
        if row.get("code")
    }

    def depth(index: int, seen: frozenset[int] = frozenset()) -> int:
        parent = rows[index].get("parent")
        parent_index = by_identifier.get(parent or "")
        if parent_index is None or parent_index in seen or parent_index == index:
            return 0
        return 1 + depth(parent_index, seen | {index})

    return sorted(range(len(rows)), key=depth)


def import_institutions(
    session: Session,
    *,
    principal: Principal,
    rows: Iterable[dict[str, str]],
    policy: Literal["all_or_nothing", "accept_valid"] = "all_or_nothing",
    dry_run: bool = False,
    source: str = "upload",
) -> ImportReport:
    """Create or update institutions from rows; report each row's outcome."""
    authorize(principal, Permission.MEMBERS_WRITE)
    rows = list(rows)
    results: dict[int, ImportRowResult] = {}
    try:
        with atomic(session):
            repeated = _repeated_codes(rows)
            for index in _depth_order(rows):
                if index in repeated:
                    results[index] = _repeated_row(index + 2, rows[index], repeated[index] + 2)
                elif rows[index]:  # blank rows keep their place only for numbering
                    results[index] = _import_row(session, index + 2, rows[index], policy)
            rejected = sum(1 for result in results.values() if result.outcome == "rejected")
            applied = not dry_run and (rejected == 0 or policy == "accept_valid")
            if not applied:
                raise _Rollback
            audit.record(
                session,
                principal=principal,
                action=AuditAction.MEMBERS_IMPORTED,
                entity_type="member",
                details={"source": source, "policy": policy, "counts": _counts(results)},
            )
    except _Rollback:
        applied = False
    ordered = [results[index] for index in sorted(results)]
    return ImportReport(
        applied=applied, policy=policy, dry_run=dry_run, counts=_counts(results), rows=ordered
    )


def _repeated_codes(rows: list[dict[str, str]]) -> dict[int, int]:
    """Rows whose code an earlier row of the file already has, mapped to that row."""
    first: dict[str, int] = {}
    repeated: dict[int, int] = {}
    for index, row in enumerate(rows):
        code = row.get("code")
        if code is None:
            continue
        if code in first:
            repeated[index] = first[code]
        else:
            first[code] = index
    return repeated


def _repeated_row(line: int, row: dict[str, str], first_line: int) -> ImportRowResult:
    # A second row with the same code would silently overwrite the first one.
    error = {
        "field": "code",
        "code": "duplicate_code",
        "value": row["code"],
        "message_fa": f"این کد در سطر {first_line} همین فایل هم آمده است.",
        "message_en": f"Row {first_line} of this file has the same code.",
    }
    return ImportRowResult(row=line, code=row["code"], outcome="rejected", errors=[error])


def _import_row(session: Session, line: int, row: dict[str, str], policy: str) -> ImportRowResult:
    code = row.get("code")
    try:
        data = _to_create(row)
    except ValidationError as exc:
        return ImportRowResult(row=line, code=code, outcome="rejected", errors=_row_errors(exc))
    identifier = member_identifier(MemberClass.UNI, data.code)
    nested = session.begin_nested() if policy == "accept_valid" else None
    try:
        existing = session.scalar(select(Member).where(Member.identifier == identifier))
        if existing is None:
            _apply_create(session, data)
            outcome: Literal["created", "updated", "unchanged"] = "created"
        else:
            update = MemberUpdate.model_validate(
                data.model_dump(exclude={"kind", "code"}, exclude_unset=True)
            )
            outcome = "updated" if _apply_update(session, existing, update) else "unchanged"
    except DargahError as exc:
        if nested is not None:
            nested.rollback()
        error = {
            "field": "",
            "code": exc.code,
            "value": "",
            "message_fa": exc.message_fa,
            "message_en": exc.message_en,
        }
        return ImportRowResult(row=line, code=code, outcome="rejected", errors=[error, *exc.errors])
    if nested is not None:
        nested.commit()
    return ImportRowResult(row=line, code=code, outcome=outcome, identifier=identifier)


def _counts(results: dict[int, ImportRowResult]) -> dict[str, int]:
    counts = {"created": 0, "updated": 0, "unchanged": 0, "rejected": 0}
    for result in results.values():
        counts[result.outcome] += 1
    counts["rows"] = len(results)
    return counts
