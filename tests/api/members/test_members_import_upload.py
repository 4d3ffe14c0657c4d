"""`POST /api/v1/members/import`: a multipart upload, allowed to operators only.

(HTTP through the app; kept next to the importer's other tests.)
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from dargah.access.policy import Role
from dargah.members.models import Member

Headers = Callable[..., dict[str, str]]
URL = "/api/v1/members/import"
FILE = (
    "کد;نام;نوع موسسه;استان\n"
    "7201;دانشگاه بارگذاری;دانشگاه دولتی;اصفهان\n"
    "7202;دانشگاه بی‌نوع;نوع ناشناخته;اصفهان\n"
    "7203;دانشگاه بارگذاری دو;دانشگاه فرهنگیان;یزد\n"
).encode("utf-8-sig")


def _codes(session: Session) -> set[str]:
    query = select(Member.code).where(Member.code.in_(["7201", "7202", "7203"]))
    return set(session.scalars(query))


def test_operator_uploads_a_file_and_gets_the_report(
    client: TestClient, session: Session, as_role: Headers
) -> None:
    response = client.post(
        URL,
        params={"policy": "accept_valid"},
        files={"file": ("institutions.csv", FILE, "text/csv")},
        headers=as_role(Role.OPERATOR),
    )

    assert response.status_code == 200, response.text
    report = response.json()
    assert report["applied"] is True
    assert [(row["row"], row["outcome"]) for row in report["rows"]] == [
        (2, "created"),
        (3, "rejected"),
        (4, "created"),
    ]
    assert report["rows"][2]["identifier"] == "IR/UNI/7203"
    assert report["rows"][1]["errors"][0]["field"] == "institution_type"
    assert _codes(session) == {"7201", "7203"}


def test_default_policy_writes_nothing_when_a_row_is_bad(
    client: TestClient, session: Session, as_role: Headers
) -> None:
    response = client.post(
        URL,
        files={"file": ("institutions.csv", FILE, "text/csv")},
        headers=as_role(Role.OPERATOR),
    )

    assert response.status_code == 200, response.text
    assert response.json()["applied"] is False
    assert response.json()["policy"] == "all_or_nothing"
    assert _codes(session) == set()


def test_hq_staff_may_not_import(client: TestClient, session: Session, as_role: Headers) -> None:
    response = client.post(
        URL,
        files={"file": ("institutions.csv", FILE, "text/csv")},
        headers=as_role(Role.HQ),
    )

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert _codes(session) == set()


def test_a_bad_upload_is_a_problem_not_a_server_error(client: TestClient, as_role: Headers) -> None:
    headers = as_role(Role.OPERATOR)
    cases = {
        "file_empty": ("empty.csv", b""),
        "import_headers": ("wrong.csv", "عنوان,تلفن\nالف,021\n".encode()),
        "xlsx_unreadable": ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512)),
        "file_unreadable": ("binary.csv", b"code,name\r\n1,\rx\r\n" + bytes(range(256)) * 4),
    }
    for code, (filename, data) in cases.items():
        response = client.post(URL, files={"file": (filename, data)}, headers=headers)

        assert response.status_code == 422, (code, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["code"] == code
        assert response.json()["message_fa"]
