"""The submission pages of the portal through the real app: the upload form, the
submission's page with its counts and findings, the report download, and the scope."""

from __future__ import annotations

import re
from collections.abc import Callable

import httpx2 as httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from dargah.access.policy import Role, cli_principal
from support.catalogue import sync_test_students
from support.factories import Actor, make_institution

MakeActor = Callable[..., Actor]

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
GOOD = "شماره دانشجویی,کد ملی,مقطع تحصیلی\n1,0012345679,کارشناسی\n2,0084575948,master\n".encode()
BAD_ID = "شماره دانشجویی,کد ملی,مقطع تحصیلی\n1,0012345679,کارشناسی\n2,1111111111,phd\n".encode()


@pytest.fixture
def staff(session: Session, actor: MakeActor) -> Actor:
    sync_test_students(session, principal=cli_principal("portal-test"))
    return actor(Role.INSTITUTION, institution=make_institution(session, code="7201"))


def _log_in_as(client: TestClient, who: Actor) -> None:
    client.cookies.set("dargah_session", who.token)


def _csrf_of(client: TestClient) -> str:
    form = client.get("/submissions/new")
    assert form.status_code == 200, form.text
    match = _CSRF.search(form.text)
    assert match is not None, "the form has no CSRF field"
    return match.group(1)


def _send(
    client: TestClient,
    body: bytes,
    *,
    period: str = "1403-1",
    policy: str = "all_or_nothing",
    filename: str = "students.csv",
) -> httpx.Response:
    return client.post(
        "/submissions/new",
        data={
            "csrf_token": _csrf_of(client),
            "dataset": "test_students",
            "period": period,
            "mode": "snapshot",
            "policy": policy,
        },
        files={"file": (filename, body, "text/csv")},
        follow_redirects=False,
    )


def _sent(client: TestClient, body: bytes, **extra: str) -> str:
    response = _send(client, body, **extra)
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert re.fullmatch(r"/submissions/\d+", location)
    return location


def test_a_good_file_is_accepted_and_listed(client: TestClient, staff: Actor) -> None:
    _log_in_as(client, staff)
    client.cookies.set("lang", "en")
    form = client.get("/submissions/new")
    assert 'accept=".csv,.xlsx,.json,.ndjson"' in form.text
    assert 'name="institution"' not in form.text  # staff send for their own institution
    assert 'value="test_students"' in form.text

    page = client.get(_sent(client, GOOD))

    assert page.status_code == 200
    assert "Accepted" in page.text
    assert re.search(r"<dt>Accepted</dt><dd>2</dd>", page.text)
    assert 'http-equiv="refresh"' not in page.text  # finished: no more refreshing
    listing = client.get("/submissions")
    assert "test_students" in listing.text
    assert 'href="/submissions/new"' in listing.text


def test_a_bad_national_id_rejects_the_file_and_is_reported(
    client: TestClient, staff: Actor
) -> None:
    _log_in_as(client, staff)
    client.cookies.set("lang", "en")
    location = _sent(client, BAD_ID)

    page = client.get(location)

    assert "Rejected" in page.text
    assert "national_id_repeated" in page.text  # 1111111111: one digit repeated
    assert re.search(r"<dt>Accepted</dt><dd>0</dd>", page.text)
    assert f'href="{location}/report.csv"' in page.text
    report = client.get(f"{location}/report.csv")
    assert report.status_code == 200
    assert report.headers["content-type"].startswith("text/csv")
    text = report.content.decode("utf-8-sig")
    assert "1111111111" in text
    assert text.splitlines()[0].startswith("ردیف / Row")
    xlsx = client.get(f"{location}/report.xlsx")
    assert xlsx.status_code == 200
    assert xlsx.content[:2] == b"PK"


def test_the_receipt_downloads(client: TestClient, staff: Actor) -> None:
    _log_in_as(client, staff)
    location = _sent(client, GOOD)
    receipt = client.get(f"{location}/receipt.json")
    assert receipt.status_code == 200
    assert receipt.json()["signature"]["alg"] == "Ed25519"


def test_another_institution_gets_the_403_page(
    client: TestClient, session: Session, staff: Actor, actor: MakeActor
) -> None:
    _log_in_as(client, staff)
    location = _sent(client, BAD_ID)
    other = actor(Role.INSTITUTION, institution=make_institution(session, code="7202"))
    _log_in_as(client, other)
    for path in (location, f"{location}/report.csv", f"{location}/receipt.json"):
        response = client.get(path)
        assert response.status_code == 403, path
        assert response.headers["content-type"].startswith("text/html")
    assert location not in client.get("/submissions").text


@pytest.mark.parametrize("path", ["/submissions", "/submissions/new", "/submissions/1"])
def test_anonymous_browser_is_sent_to_login(client: TestClient, path: str) -> None:
    response = client.get(path, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=%2Fsubmissions")


def test_people_without_the_permission_get_403(client: TestClient, actor: MakeActor) -> None:
    _log_in_as(client, actor(Role.AUDITOR))
    assert client.get("/submissions").status_code == 403
    assert 'href="/submissions"' not in client.get("/").text


def test_a_bad_period_shows_the_form_again(client: TestClient, staff: Actor) -> None:
    _log_in_as(client, staff)
    client.cookies.set("lang", "en")
    response = _send(client, GOOD, period="1403")
    assert response.status_code == 422
    text = response.text
    assert "The period does not fit the data set" in text
    assert 'value="1403"' in text  # the person's input is kept


def test_a_missing_file_shows_the_form_again(client: TestClient, staff: Actor) -> None:
    _log_in_as(client, staff)
    response = client.post(
        "/submissions/new",
        data={
            "csrf_token": _csrf_of(client),
            "dataset": "test_students",
            "period": "1403-1",
            "mode": "snapshot",
            "policy": "all_or_nothing",
        },
        follow_redirects=False,
    )
    assert response.status_code == 422
    assert "فایلی برای ارسال انتخاب کنید" in response.text


def test_the_form_needs_its_csrf_token(client: TestClient, staff: Actor) -> None:
    _log_in_as(client, staff)
    response = client.post(
        "/submissions/new",
        data={"dataset": "test_students", "period": "1403-1"},
        files={"file": ("s.csv", GOOD, "text/csv")},
        follow_redirects=False,
    )
    assert response.status_code == 403
