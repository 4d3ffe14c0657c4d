"""Applying an institution import: policies, dry runs, re-imports, parents, row numbers."""

from __future__ import annotations

import io
from typing import Literal

from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dargah.audit.models import AuditEntry
from dargah.members.importer import import_institutions, read_table
from dargah.members.models import Member
from dargah.members.schemas import ImportReport
from support.factories import ADMIN

HEADER = "کد,نام,نوع موسسه,استان,شهر,موسسه مادر"
GOOD_1 = "7101,دانشگاه صنعتی نمونه,دانشگاه دولتی,تهران,تهران,"
GOOD_2 = "7102,دانشگاه علوم پايه نمونه,دانشگاه دولتي,فارس,شيراز,"
BAD_PROVINCE = "7103,دانشگاه بی‌استان,دانشگاه دولتی,آتلانتیس,,"
Policy = Literal["all_or_nothing", "accept_valid"]


def _csv(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8")


def _import(
    session: Session,
    data: bytes,
    *,
    policy: Policy = "all_or_nothing",
    dry_run: bool = False,
    filename: str = "institutions.csv",
) -> ImportReport:
    return import_institutions(
        session,
        principal=ADMIN,
        rows=read_table(data, filename),
        policy=policy,
        dry_run=dry_run,
        source=filename,
    )


def _stored_codes(session: Session, *codes: str) -> set[str]:
    return set(session.scalars(select(Member.code).where(Member.code.in_(codes))))


def _import_audits(session: Session) -> int:
    query = select(func.count()).where(AuditEntry.action == "member.imported")
    return session.scalar(query) or 0


def test_all_or_nothing_reports_the_bad_row_and_writes_nothing(session: Session) -> None:
    audits_before = _import_audits(session)

    report = _import(session, _csv(HEADER, GOOD_1, BAD_PROVINCE, GOOD_2))

    assert report.applied is False
    assert report.policy == "all_or_nothing"
    assert [(row.row, row.code, row.outcome) for row in report.rows] == [
        (2, "7101", "created"),
        (3, "7103", "rejected"),
        (4, "7102", "created"),
    ]
    assert report.counts["rejected"] == 1
    assert report.rows[1].errors[0]["field"] == "province"
    assert "آتلانتیس" in report.rows[1].errors[0]["value"]
    assert _stored_codes(session, "7101", "7102", "7103") == set()
    assert _import_audits(session) == audits_before


def test_accept_valid_writes_the_good_rows_and_reports_the_bad_one(session: Session) -> None:
    report = _import(session, _csv(HEADER, GOOD_1, BAD_PROVINCE, GOOD_2), policy="accept_valid")

    assert report.applied is True
    assert [(row.row, row.outcome) for row in report.rows] == [
        (2, "created"),
        (3, "rejected"),
        (4, "created"),
    ]
    assert _stored_codes(session, "7101", "7102", "7103") == {"7101", "7102"}
    assert _import_audits(session) >= 1


def test_accept_valid_survives_a_row_the_service_refuses(session: Session) -> None:
    # A parent that does not exist fails inside the service, after the row validated;
    # only that row's savepoint is undone.
    orphan = "7104,دانشکده بی‌مادر,دانشگاه آزاد اسلامی,قم,قم,IR/UNI/9999"

    report = _import(session, _csv(HEADER, orphan, GOOD_1), policy="accept_valid")

    assert [(row.row, row.outcome) for row in report.rows] == [(2, "rejected"), (3, "created")]
    assert report.rows[0].errors[0]["code"] == "parent_not_found"
    assert report.rows[0].errors[0]["message_fa"]
    assert _stored_codes(session, "7101", "7104") == {"7101"}


def test_rows_are_stored_normalised_with_type_label_and_province_name_resolved(
    session: Session,
) -> None:
    report = _import(session, _csv(HEADER, GOOD_2))

    assert report.applied is True
    member = session.scalars(select(Member).where(Member.code == "7102")).one()
    assert member.identifier == "IR/UNI/7102"
    assert member.name_fa == "دانشگاه علوم پایه نمونه"  # Arabic ي normalised
    assert member.institution_type == "state_university"
    assert member.province_code == "07"
    assert member.city == "شیراز"


def test_dry_run_reports_outcomes_but_writes_nothing(session: Session) -> None:
    report = _import(session, _csv(HEADER, GOOD_1, GOOD_2), dry_run=True)

    assert report.dry_run is True
    assert report.applied is False
    assert [row.outcome for row in report.rows] == ["created", "created"]
    assert _stored_codes(session, "7101", "7102") == set()


def test_importing_the_same_file_again_changes_nothing(session: Session) -> None:
    data = _csv(HEADER, GOOD_1, GOOD_2)
    first = _import(session, data)
    member = session.scalars(select(Member).where(Member.code == "7101")).one()
    updated_at = member.updated_at

    again = _import(session, data)

    assert first.counts["created"] == 2
    assert again.applied is True
    assert [row.outcome for row in again.rows] == ["unchanged", "unchanged"]
    assert again.counts == {"created": 0, "updated": 0, "unchanged": 2, "rejected": 0, "rows": 2}
    session.refresh(member)
    assert member.updated_at == updated_at


def test_changed_row_on_reimport_is_reported_as_updated(session: Session) -> None:
    _import(session, _csv(HEADER, GOOD_1, GOOD_2))

    report = _import(session, _csv(HEADER, GOOD_1, GOOD_2.replace("شيراز", "مرودشت")))

    assert [row.outcome for row in report.rows] == ["unchanged", "updated"]
    member = session.scalars(select(Member).where(Member.code == "7102")).one()
    session.refresh(member)
    assert member.city == "مرودشت"


def test_branch_listed_before_its_parent_resolves(session: Session) -> None:
    branch = "7106,واحد نمونه,دانشگاه آزاد اسلامی,البرز,کرج,IR/UNI/7105"
    parent = "7105,دانشگاه آزاد اسلامی نمونه,دانشگاه آزاد اسلامی,تهران,تهران,"

    report = _import(session, _csv(HEADER, branch, parent))

    assert report.applied is True
    assert [(row.row, row.code, row.outcome) for row in report.rows] == [
        (2, "7106", "created"),
        (3, "7105", "created"),
    ]
    stored = {
        m.code: m for m in session.scalars(select(Member).where(Member.code.in_(["7105", "7106"])))
    }
    assert stored["7106"].parent_id == stored["7105"].id


def test_row_numbers_match_the_file_even_with_blank_rows(session: Session) -> None:
    data = _csv(HEADER, GOOD_1, "", ",,,,,", BAD_PROVINCE, GOOD_2)

    report = _import(session, data)

    assert [(row.row, row.code) for row in report.rows] == [
        (2, "7101"),
        (5, "7103"),
        (6, "7102"),
    ]
    assert report.counts["rows"] == 3


def test_xlsx_row_numbers_match_the_sheet(session: Session) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["code", "name_fa", "institution_type", "province"])
    sheet.append([7107.0, "دانشگاه اکسل", "دانشگاه دولتی", 23])
    sheet["A5"], sheet["B5"], sheet["C5"], sheet["D5"] = 7108, "بدون استان", "non_profit", "؟"
    buffer = io.BytesIO()
    workbook.save(buffer)

    report = _import(session, buffer.getvalue(), filename="institutions.xlsx")

    assert [(row.row, row.code, row.outcome) for row in report.rows] == [
        (2, "7107", "created"),
        (5, "7108", "rejected"),
    ]


def test_formula_looking_names_are_stored_as_text(session: Session) -> None:
    data = _csv(
        "code,name_fa,name_en,institution_type,province",
        '7109,=1+2,"=HYPERLINK(""http://evil.example"",""x"")",state_university,23',
    )

    report = _import(session, data)

    assert report.applied is True
    member = session.scalars(select(Member).where(Member.code == "7109")).one()
    assert member.name_fa == "=1+2"
    assert member.name_en == '=HYPERLINK("http://evil.example","x")'


def test_overlong_values_are_rejected_rows_not_database_errors(session: Session) -> None:
    long_city = "7110,دانشگاه شهر دراز,دانشگاه دولتی,تهران," + "ش" * 200 + ","

    report = _import(session, _csv(HEADER, GOOD_1, long_city), policy="accept_valid")

    assert [(row.row, row.outcome) for row in report.rows] == [(2, "created"), (3, "rejected")]
    assert report.rows[1].errors[0]["field"] == "city"
    assert _stored_codes(session, "7101", "7110") == {"7101"}


def test_a_code_repeated_in_the_file_is_rejected_not_overwritten(session: Session) -> None:
    repeated = GOOD_1.replace("دانشگاه صنعتی نمونه", "نام دیگر").replace("تهران,تهران", "قم,قم")

    strict = _import(session, _csv(HEADER, GOOD_1, GOOD_2, repeated))
    lenient = _import(session, _csv(HEADER, GOOD_1, GOOD_2, repeated), policy="accept_valid")

    assert strict.applied is False
    assert [(row.row, row.outcome) for row in lenient.rows] == [
        (2, "created"),
        (3, "created"),
        (4, "rejected"),
    ]
    assert lenient.rows[2].errors[0]["code"] == "duplicate_code"
    assert "2" in lenient.rows[2].errors[0]["message_en"]
    member = session.scalars(select(Member).where(Member.code == "7101")).one()
    assert (member.name_fa, member.province_code) == ("دانشگاه صنعتی نمونه", "23")
