"""The audit API: auditors search and verify; nobody else gets in; bad input is a 422."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from dargah.access.policy import Principal, Role
from dargah.audit.events import AuditAction
from dargah.audit.models import AuditEntry
from dargah.audit.service import record

Headers = Callable[..., dict[str, str]]
PROBLEM = "application/problem+json"
ROUTES = [
    ("GET", "/api/v1/audit/entries"),
    ("GET", "/api/v1/audit/entries/1"),
    ("POST", "/api/v1/audit/verify"),
]


@pytest.fixture
def auditor(as_role: Headers, session: Session) -> dict[str, str]:
    """An auditor's headers, on a log holding a few more entries than the login's."""
    headers = as_role(Role.AUDITOR)
    operator = Principal(kind="person", role=Role.OPERATOR, name="operator1")
    with session.begin():
        for number in range(5):
            record(session, principal=operator, action=AuditAction.MEMBER_UPDATED, entity_id=number)
    return headers


def test_an_auditor_searches_newest_first_and_pages(
    client: TestClient, auditor: dict[str, str]
) -> None:
    first = client.get("/api/v1/audit/entries", params={"limit": 2}, headers=auditor)

    assert first.status_code == 200, first.text
    page = first.json()
    seqs = [item["seq"] for item in page["items"]]
    assert len(seqs) == 2
    assert seqs == sorted(seqs, reverse=True)
    assert page["next_cursor"] == seqs[-1]
    second = client.get(
        "/api/v1/audit/entries",
        params={"limit": 2, "cursor": page["next_cursor"]},
        headers=auditor,
    ).json()
    assert all(item["seq"] < seqs[-1] for item in second["items"])


def test_entries_carry_descriptions_and_chain_hashes(client: TestClient, as_role: Headers) -> None:
    response = client.get(
        "/api/v1/audit/entries",
        params={"action": "person.created", "limit": 1},
        headers=as_role(Role.AUDITOR),
    )

    assert response.status_code == 200, response.text
    (item,) = response.json()["items"]
    assert item["action"] == "person.created"
    assert item["description_fa"] == "ایجاد حساب کاربری"
    assert item["description_en"] == "A person's account was created"
    assert len(item["entry_hash"]) == len(item["prev_hash"]) == 64


def test_a_search_is_itself_recorded_with_its_request_id(
    client: TestClient, as_role: Headers, session: Session
) -> None:
    response = client.get(
        "/api/v1/audit/entries",
        params={"action": "session.login", "personal_data": "false"},
        headers={**as_role(Role.AUDITOR), "Dargah-Purpose": "quarterly%20review"},
    )
    assert response.status_code == 200, response.text

    entry = session.scalar(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1))
    assert entry is not None
    assert entry.action == "audit.searched"
    assert entry.actor_role == "auditor"
    assert entry.purpose == "quarterly review"
    assert entry.request_id == response.headers["x-request-id"]
    assert entry.details["filters"] == {"actions": ["session.login"], "personal_data": False}


def test_an_auditor_reads_one_entry(client: TestClient, as_role: Headers) -> None:
    response = client.get("/api/v1/audit/entries/1", headers=as_role(Role.AUDITOR))

    assert response.status_code == 200, response.text
    assert response.json()["seq"] == 1


def test_an_unknown_entry_is_a_404_problem(client: TestClient, as_role: Headers) -> None:
    response = client.get("/api/v1/audit/entries/999999999", headers=as_role(Role.AUDITOR))

    assert response.status_code == 404
    assert response.headers["content-type"].startswith(PROBLEM)
    assert response.json()["code"] == "audit_entry_not_found"


def test_an_auditor_verifies_an_intact_chain(client: TestClient, auditor: dict[str, str]) -> None:
    response = client.post("/api/v1/audit/verify", headers=auditor)

    assert response.status_code == 200, response.text
    report = response.json()
    assert report["ok"] is True
    assert report["first_problem"] is None
    assert report["entries_checked"] == report["head_seq"] > 0
    latest = client.get("/api/v1/audit/entries", params={"limit": 1}, headers=auditor).json()[
        "items"
    ][0]
    assert latest["action"] == "audit.verified"
    assert latest["seq"] == report["head_seq"] + 1


def test_verify_reports_a_hand_edited_row(
    client: TestClient, auditor: dict[str, str], session: Session
) -> None:
    with session.begin():
        session.execute(text("UPDATE audit_entries SET actor = 'ghost' WHERE seq = 2"))

    response = client.post("/api/v1/audit/verify", headers=auditor)

    assert response.status_code == 200, response.text
    report = response.json()
    assert report["ok"] is False
    assert report["entries_checked"] == 1
    problem = report["first_problem"]
    assert (problem["seq"], problem["kind"]) == (2, "altered")
    assert "Entry 2" in problem["message_en"]
    assert "رویداد 2" in problem["message_fa"]


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_institution_staff_are_refused(
    client: TestClient, as_role: Headers, method: str, path: str
) -> None:
    response = client.request(method, path, headers=as_role(Role.INSTITUTION))

    assert response.status_code == 403
    assert response.headers["content-type"].startswith(PROBLEM)
    assert response.json()["code"] == "permission_denied"


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_anonymous_callers_must_authenticate(client: TestClient, method: str, path: str) -> None:
    response = client.request(method, path)

    assert response.status_code == 401
    assert response.headers["content-type"].startswith(PROBLEM)


@pytest.mark.parametrize(
    ("params", "code"),
    [
        (
            {"from": "2024-03-21T00:00:00Z", "to": "2024-03-20T00:00:00Z"},
            "audit_time_range_inverted",
        ),
        ({"action": "member.exploded"}, "audit_action_unknown"),
        ({"action": "member.created,nope"}, "audit_action_unknown"),
        ({"limit": "0"}, "audit_limit_out_of_range"),
        ({"limit": "501"}, "audit_limit_out_of_range"),
        ({"cursor": "-3"}, "audit_cursor_invalid"),
        ({"from": "yesterday"}, "invalid_request"),
        ({"personal_data": "perhaps"}, "invalid_request"),
        ({"limit": "many"}, "invalid_request"),
        ({"acton": "member.created"}, "invalid_request"),
    ],
    ids=[
        "inverted",
        "unknown-action",
        "one-unknown",
        "limit-0",
        "limit-501",
        "cursor",
        "bad-time",
        "bad-bool",
        "bad-int",
        "typo",
    ],
)
def test_bad_filters_are_422_problems_with_a_code(
    client: TestClient, as_role: Headers, params: dict[str, str], code: str
) -> None:
    response = client.get("/api/v1/audit/entries", params=params, headers=as_role(Role.AUDITOR))

    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["code"] == code
    assert body["message_fa"]
    assert body["message_en"]
