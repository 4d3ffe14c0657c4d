"""Submissions through the HTTP API: open, upload (whole or resumable), complete,
report, receipt; institution scope; large bodies through the job runner."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any, cast

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from dargah.access.policy import Role, cli_principal
from dargah.config import Settings
from dargah.db.session import Database
from dargah.jobs import service as jobs_service
from dargah.jobs.runner import registered_handlers
from dargah.submissions import router as submissions_router
from support.catalogue import sync_test_students
from support.factories import Actor, make_institution

BODY = (
    "شماره دانشجویی,کد ملی,مقطع تحصیلی\n"
    "1,0012345679,کارشناسی\n"
    "2,۰۰۱۲۳۴۵۶۷۹,master\n"
    "3,1111111111,phd\n"
    '4,=HYPERLINK("http://x"),phd\n'
).encode()


@pytest.fixture
def staff(session: Session, actor: Callable[..., Actor]) -> Actor:
    sync_test_students(session, principal=cli_principal("api-test"))
    institution = make_institution(session, code="7101")
    return actor(Role.INSTITUTION, institution=institution)


def _auth(who: Actor) -> dict[str, str]:
    return {"Authorization": f"Bearer {who.token}"}


def _open(client: TestClient, who: Actor, **extra: Any) -> dict[str, Any]:
    response = client.post(
        "/api/v1/submissions",
        json={"dataset": "test_students", "period": "1403-1", "filename": "s.csv", **extra},
        headers=_auth(who),
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_upload_complete_report_and_receipt(client: TestClient, staff: Actor) -> None:
    opened = _open(client, staff, policy="accept_valid")
    base = opened["links"]["self"]
    assert client.put(f"{base}/body", content=BODY, headers=_auth(staff)).status_code == 200

    done = client.post(f"{base}/complete", headers=_auth(staff))

    assert done.status_code == 200, done.text
    body = done.json()
    assert body["status"] == "partially_accepted"
    assert body["counts"]["accepted"] == 2
    assert body["counts"]["rejected"] == 2
    report = client.get(f"{base}/report", headers=_auth(staff)).json()
    codes = [(item["row"], item["column"], item["code"]) for item in report["findings"]]
    assert (4, "کد ملی", "national_id_repeated") in codes
    receipt = client.get(f"{base}/receipt", headers=_auth(staff)).json()
    assert receipt["receipt"]["counts"]["inserted"] == 2
    assert receipt["signature"]["alg"] == "Ed25519"

    xlsx = client.get(f"{base}/report?format=xlsx", headers=_auth(staff))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    assert sheet.sheet_view.rightToLeft
    values = [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert all(not str(value).startswith("=") for value in values)  # injection neutralised
    csv_text = client.get(f"{base}/report?format=csv", headers=_auth(staff)).content.decode()
    assert "'=HYPERLINK" in csv_text


def test_resumable_upload_checks_offsets(client: TestClient, staff: Actor) -> None:
    base = _open(client, staff)["links"]["self"]
    first, rest = BODY[:40], BODY[40:]
    headers = _auth(staff)
    assert (
        client.patch(
            f"{base}/body", content=first, headers={**headers, "Upload-Offset": "0"}
        ).json()["size_bytes"]
        == 40
    )
    # The same piece again is accepted once; a gap is refused with the size to resume at.
    assert (
        client.patch(
            f"{base}/body", content=first, headers={**headers, "Upload-Offset": "0"}
        ).status_code
        == 200
    )
    gap = client.patch(f"{base}/body", content=rest, headers={**headers, "Upload-Offset": "99"})
    assert gap.status_code == 409
    assert gap.json()["code"] == "upload_offset_mismatch"
    size = client.get(base, headers=headers).json()["size_bytes"]
    client.patch(f"{base}/body", content=rest, headers={**headers, "Upload-Offset": str(size)})
    done = client.post(f"{base}/complete", headers=headers).json()
    assert done["status"] == "rejected"  # all or nothing: two bad rows
    assert done["counts"]["received"] == 4


def test_another_institution_sees_nothing(
    client: TestClient, session: Session, staff: Actor, actor: Callable[..., Actor]
) -> None:
    other = actor(Role.INSTITUTION, institution=make_institution(session, code="7102"))
    base = _open(client, staff)["links"]["self"]
    assert client.get(base, headers=_auth(other)).status_code == 403
    assert client.put(f"{base}/body", content=BODY, headers=_auth(other)).status_code == 403
    foreign = client.post(
        "/api/v1/submissions",
        json={"dataset": "test_students", "period": "1403-1", "institution": "IR/UNI/7101"},
        headers=_auth(other),
    )
    assert foreign.status_code == 403
    assert client.get("/api/v1/submissions", headers=_auth(other)).json() == []


def test_bad_requests_are_clear_errors(client: TestClient, staff: Actor) -> None:
    wrong_period = client.post(
        "/api/v1/submissions",
        json={"dataset": "test_students", "period": "1403"},
        headers=_auth(staff),
    )
    assert wrong_period.status_code == 422
    assert wrong_period.json()["code"] == "period_invalid"
    base = _open(client, staff)["links"]["self"]
    empty = client.post(f"{base}/complete", headers=_auth(staff))
    assert empty.status_code == 422
    assert empty.json()["code"] == "file_empty"


def test_large_bodies_run_as_jobs(
    client: TestClient,
    session: Session,
    staff: Actor,
    database: Database,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(submissions_router, "INLINE_LIMIT", 10)
    base = _open(client, staff)["links"]["self"]
    client.put(
        f"{base}/body", content=BODY.replace(b"3,1111111111,phd\n4,", b"3,"), headers=_auth(staff)
    )
    queued = client.post(f"{base}/complete", headers=_auth(staff))
    assert queued.status_code == 202
    assert queued.json()["status"] == "queued"

    # The job's handler, run as a worker would run it. (A Runner's heartbeat thread
    # would share this test's single connection, so the handler is called directly;
    # tests/integration/jobs run real workers on their own databases.)
    job = jobs_service.get_job(session, principal=staff.principal, job_id=queued.json()["job"])
    assert job.kind == "submission.process"
    context = SimpleNamespace(
        payload=job.payload,
        created_by_name=job.created_by_name,
        institution_id=job.institution_id,
        database=database,
        settings=settings,
        progress=lambda done, total=None: None,
    )
    assert registered_handlers()[job.kind](cast(Any, context))["status"] == "rejected"

    final = client.get(base, headers=_auth(staff)).json()
    assert final["status"] == "rejected", final  # row 3 has no national id … and a formula
    assert final["counts"]["received"] == 3


def test_same_body_twice_points_to_the_first(
    client: TestClient, staff: Actor, session: Session
) -> None:
    good = BODY.split(b"3,1111111111")[0]
    receipts = []
    for _ in range(2):
        base = _open(client, staff)["links"]["self"]
        client.put(f"{base}/body", content=good, headers=_auth(staff))
        receipts.append(client.post(f"{base}/complete", headers=_auth(staff)).json())
    assert receipts[0]["status"] == "accepted"
    assert receipts[1]["same_as"] == receipts[0]["id"]


def test_json_batch_answers_per_item(client: TestClient, staff: Actor) -> None:
    items = [
        {"student_number": "1", "national_id": "0012345679", "degree_level": "bachelor"},
        {"student_number": "2", "national_id": "1111111111", "degree_level": "phd"},
        {"student_number": "3", "national_id": "0012345679", "degree_level": "دکترا"},
    ]
    response = client.post(
        "/api/v1/datasets/test_students/batches",
        json={"period": "1403-1", "items": items},
        headers=_auth(staff),
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["submission"]["status"] == "partially_accepted"
    assert [item["accepted"] for item in body["items"]] == [True, False, True]
    assert body["items"][1]["findings"][0]["code"] == "national_id_repeated"


def test_a_batch_number_past_64_bits_is_refused_not_a_500(client: TestClient, staff: Actor) -> None:
    """Found by the schemathesis run: the JSON writer cannot hold such a number."""
    response = client.post(
        "/api/v1/datasets/test_students/batches",
        json={"period": "1403-1", "items": [{"student_number": 2**70}]},
        headers=_auth(staff),
    )
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "value_out_of_range"
    listed = client.get("/api/v1/submissions", headers=_auth(staff)).json()
    assert listed == []  # nothing half-done


@pytest.mark.parametrize("period", ["۱۴۰۳-۲", "١٤٠٣-٢", "1403\u20112", " \u200f۱۴۰۳–۲ "])
def test_a_period_typed_in_persian_or_arabic_digits_is_accepted(
    client: TestClient, staff: Actor, period: str
) -> None:
    opened = _open(client, staff, period=period)

    assert opened["period"] == "1403-2"
    listed = client.get(
        "/api/v1/submissions", params={"period": "۱۴۰۳-۲"}, headers=_auth(staff)
    ).json()
    assert [item["id"] for item in listed] == [opened["id"]]


def test_a_batch_period_in_persian_digits_is_accepted(client: TestClient, staff: Actor) -> None:
    response = client.post(
        "/api/v1/datasets/test_students/batches",
        json={
            "period": "۱۴۰۳-۱",
            "items": [{"student_number": "۷", "national_id": "۰۰۱۲۳۴۵۶۷۹", "degree_level": "phd"}],
        },
        headers=_auth(staff),
    )

    assert response.status_code == 201, response.text
    assert response.json()["submission"]["period"] == "1403-1"
    assert response.json()["items"][0]["accepted"] is True


def test_times_come_with_their_jalali_reading(client: TestClient, staff: Actor) -> None:
    opened = _open(client, staff)
    base = opened["links"]["self"]
    client.put(f"{base}/body", content=BODY, headers=_auth(staff))
    done = client.post(f"{base}/complete", headers=_auth(staff)).json()

    assert re.fullmatch(r"1[34]\d\d/\d\d/\d\d \d\d:\d\d", done["created_at_jalali"])
    assert re.fullmatch(r"1[34]\d\d/\d\d/\d\d \d\d:\d\d", done["finished_at_jalali"])
    receipt = client.get(f"{base}/receipt", headers=_auth(staff)).json()["receipt"]
    assert receipt["finished_at_jalali"] == done["finished_at_jalali"]


def test_the_list_filters_by_status_and_pages(client: TestClient, staff: Actor) -> None:
    first = _open(client, staff)
    second = _open(client, staff, period="1403-2")
    headers = _auth(staff)

    receiving = client.get(
        "/api/v1/submissions", params={"status": "receiving"}, headers=headers
    ).json()
    assert {item["id"] for item in receiving} == {first["id"], second["id"]}
    assert (
        client.get("/api/v1/submissions", params={"status": "accepted"}, headers=headers).json()
        == []
    )
    page = client.get(
        "/api/v1/submissions", params={"sort": "oldest", "limit": 1, "offset": 1}, headers=headers
    ).json()
    assert [item["id"] for item in page] == [second["id"]]
