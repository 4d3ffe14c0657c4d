"""Grants: the owner gives and revokes, consumers ask, every change is audited."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from dargah.access.policy import Role
from dargah.audit.models import AuditEntry
from dargah.members import service as members
from support.factories import Actor, make_hq_unit
from support.queries import SLUG, sync_people


def _h(actor: Actor) -> dict[str, str]:
    return {"Authorization": f"Bearer {actor.token}"}


def _terms(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "dataset": SLUG,
        "fields": ["gender", "degree_level"],
        "level": "aggregate",
        "purpose": "آمار ملی دانشجویان",
        "legal_basis": "ماده ۶۲ قانون برنامه",
        "expires_at": (datetime.now(UTC) + timedelta(days=90)).isoformat(),
    }
    body.update(changes)
    return body


def _actions(session: Session) -> list[str]:
    return list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)))


def test_request_approve_refuse_and_revoke_are_audited(
    client: TestClient, session: Session, actor: Callable[..., Actor]
) -> None:
    sync_people(session)
    owner = actor(Role.HQ, hq_unit=members.get_hq_unit(session, "education"))
    consumer = actor(Role.HQ, hq_unit=make_hq_unit(session, code="grantasker"))

    asked = client.post("/api/v1/grant-requests", json=_terms(), headers=_h(consumer))
    assert asked.status_code == 201, asked.text
    request_id = asked.json()["id"]
    assert asked.json()["status"] == "pending"
    # The consumer cannot approve its own request.
    mine = client.post(
        f"/api/v1/grant-requests/{request_id}/approve", json={}, headers=_h(consumer)
    )
    assert mine.status_code == 403
    assert mine.json()["code"] == "not_dataset_owner"

    approved = client.post(
        f"/api/v1/grant-requests/{request_id}/approve", json={}, headers=_h(owner)
    )
    assert approved.status_code == 200, approved.text
    grant = approved.json()
    assert grant["consumer"] == "grantasker"
    assert grant["level"] == "aggregate"
    assert grant["fields"] == ["degree_level", "gender"]
    again = client.post(f"/api/v1/grant-requests/{request_id}/approve", json={}, headers=_h(owner))
    assert again.json()["code"] == "grant_request_decided"

    second = client.post("/api/v1/grant-requests", json=_terms(level="rows"), headers=_h(consumer))
    refused = client.post(
        f"/api/v1/grant-requests/{second.json()['id']}/refuse",
        json={"reason": "سطح ردیفی لازم نیست"},
        headers=_h(owner),
    )
    assert refused.json()["status"] == "refused"

    listed = client.get("/api/v1/grants", headers=_h(consumer)).json()
    assert [item["id"] for item in listed] == [grant["id"]]
    revoked = client.post(
        f"/api/v1/grants/{grant['id']}/revoke", json={"reason": "پایان طرح"}, headers=_h(owner)
    )
    assert revoked.json()["status"] == "revoked"

    actions = _actions(session)
    for action in (
        "grant_request.created",
        "grant_request.approved",
        "grant_request.refused",
        "grant.revoked",
    ):
        assert action in actions


def test_only_the_owner_grants_and_terms_are_checked(
    client: TestClient, session: Session, actor: Callable[..., Actor]
) -> None:
    sync_people(session)
    owner = actor(Role.HQ, hq_unit=members.get_hq_unit(session, "education"))
    stranger = actor(Role.HQ)
    body = _terms(consumer="research")

    refused = client.post("/api/v1/grants", json=body, headers=_h(stranger))
    unknown = client.post(
        "/api/v1/grants", json={**body, "fields": ["shoe_size"]}, headers=_h(owner)
    )
    past = client.post(
        "/api/v1/grants",
        json={**body, "expires_at": "2020-01-01T00:00:00Z"},
        headers=_h(owner),
    )
    no_basis = client.post("/api/v1/grants", json={**body, "legal_basis": ""}, headers=_h(owner))
    created = client.post("/api/v1/grants", json=body, headers=_h(owner))

    assert refused.json()["code"] == "not_dataset_owner"
    assert unknown.json()["code"] == "unknown_field"
    assert past.json()["code"] == "expiry_in_past"
    assert no_basis.status_code == 422
    assert created.status_code == 201
    assert "grant.created" in _actions(session)
    # A stranger does not learn that the grant exists.
    assert (
        client.get(f"/api/v1/grants/{created.json()['id']}", headers=_h(stranger)).status_code
        == 404
    )
