"""Identity through HTTP: login, sessions, bearer and cookie auth, people, API keys."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from dargah.access.policy import Role
from dargah.audit.models import AuditEntry
from dargah.db.base import utcnow
from dargah.db.session import atomic
from dargah.identity import service as identity
from dargah.identity.models import ApiKey
from dargah.identity.schemas import ApiKeyCreate
from support.factories import (
    ADMIN,
    PASSWORD,
    Actor,
    make_institution,
    make_system,
    make_system_key,
)

Headers = Callable[..., dict[str, str]]
MakeActor = Callable[..., Actor]


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _login(client: TestClient, username: str, password: str) -> tuple[int, dict[str, object]]:
    response = client.post("/api/v1/auth/login", json={"username": username, "password": password})
    return response.status_code, response.json()


def _last_used(session: Session, key_id: int) -> datetime | None:
    return session.scalar(select(ApiKey.last_used_at).where(ApiKey.id == key_id))


# -- login and sessions --------------------------------------------------------------


def test_login_returns_a_token_usable_as_bearer(client: TestClient, actor: MakeActor) -> None:
    person = actor(Role.AUDITOR)

    status, body = _login(client, str(person.username), PASSWORD)

    assert status == 200, body
    assert isinstance(body["token"], str)
    me = client.get("/api/v1/auth/me", headers=_bearer(body["token"]))
    assert me.status_code == 200, me.text
    assert me.json()["name"] == person.username
    assert me.json()["role"] == "auditor"
    assert me.json()["kind"] == "person"


def test_wrong_password_is_a_401_problem(client: TestClient, actor: MakeActor) -> None:
    person = actor(Role.HQ)

    response = client.post(
        "/api/v1/auth/login",
        json={"username": person.username, "password": "not-the-password-1"},
    )

    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["www-authenticate"] == "Bearer"
    body = response.json()
    assert body["code"] == "bad_credentials"
    assert body["message_fa"] == "نام کاربری یا گذرواژه نادرست است."
    assert "token" not in body


def test_unknown_user_gets_the_same_answer_as_a_wrong_password(client: TestClient) -> None:
    status, body = _login(client, "no.such.person", PASSWORD)

    assert status == 401
    assert body["code"] == "bad_credentials"


def test_five_failures_lock_the_account_and_are_audited(
    client: TestClient, session: Session, actor: MakeActor
) -> None:
    username = str(actor(Role.AGENCY).username)

    failures = [_login(client, username, f"wrong-password-{n}") for n in range(5)]
    status, body = _login(client, username, PASSWORD)

    assert [(code, body["code"]) for code, body in failures] == [(401, "bad_credentials")] * 5
    assert (status, body["code"]) == (401, "account_locked")
    audited = session.execute(
        select(AuditEntry.outcome, AuditEntry.request_id).where(
            AuditEntry.action == "session.login_failed", AuditEntry.entity_id == username
        )
    ).all()
    assert [outcome for outcome, _ in audited] == ["failure"] * 6
    assert all(request_id for _, request_id in audited)  # traceable to each HTTP request


def test_logout_ends_the_session(client: TestClient, actor: MakeActor) -> None:
    person = actor(Role.OPERATOR)
    headers = _bearer(person.token)
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 200

    response = client.post("/api/v1/auth/logout", headers=headers)

    assert response.status_code == 204
    refused = client.get("/api/v1/auth/me", headers=headers)
    assert refused.status_code == 401
    assert refused.json()["code"] == "invalid_token"


def test_a_deactivated_persons_session_stops_working(
    client: TestClient, actor: MakeActor, as_role: Headers
) -> None:
    staff = actor(Role.INSTITUTION)
    assert client.get("/api/v1/members", headers=_bearer(staff.token)).status_code == 200

    response = client.patch(
        f"/api/v1/people/{staff.username}",
        json={"is_active": False},
        headers=as_role(Role.OPERATOR),
    )

    assert response.status_code == 200, response.text
    assert response.json()["is_active"] is False
    refused = client.get("/api/v1/members", headers=_bearer(staff.token))
    assert refused.status_code == 401
    assert refused.json()["code"] == "invalid_token"


@pytest.mark.parametrize(
    "authorization",
    ["Basic dXNlcjpwYXNzd29yZA==", "Bearer", "Token dgk_abc", "dgk_only_the_key"],
)
def test_a_malformed_authorization_header_is_a_401(client: TestClient, authorization: str) -> None:
    response = client.get("/api/v1/members", headers={"Authorization": authorization})

    assert response.status_code == 401
    assert response.json()["code"] == "bad_authorization_header"
    assert response.json()["message_fa"]


def test_no_credentials_at_all_is_a_401(client: TestClient) -> None:
    response = client.get("/api/v1/members")

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_cookie_sessions_need_the_csrf_header_to_write(
    client: TestClient, actor: MakeActor
) -> None:
    operator = actor(Role.OPERATOR)
    status, login = _login(client, str(operator.username), PASSWORD)
    assert status == 200, login
    client.cookies.set("dargah_session", str(login["token"]))
    institution = {
        "code": "8101",
        "name_fa": "دانشگاه کوکی",
        "institution_type": "state_university",
        "province": "23",
    }

    without = client.post("/api/v1/members", json=institution)
    wrong = client.post("/api/v1/members", json=institution, headers={"X-CSRF-Token": "nope"})
    read = client.get("/api/v1/members/IR/UNI/8101")
    right = client.post(
        "/api/v1/members", json=institution, headers={"X-CSRF-Token": str(login["csrf_token"])}
    )

    assert (without.status_code, without.json()["code"]) == (403, "csrf_failed")
    assert (wrong.status_code, wrong.json()["code"]) == (403, "csrf_failed")
    assert read.status_code == 404  # reads need no CSRF token, and nothing was written
    assert right.status_code == 201, right.text


# -- people ------------------------------------------------------------------------


def test_listing_people_requires_a_purpose(client: TestClient, as_role: Headers) -> None:
    response = client.get("/api/v1/people", headers=as_role(Role.OPERATOR))

    assert response.status_code == 422
    assert response.json()["code"] == "purpose_required"
    assert "Dargah-Purpose" in response.json()["message_en"]


@pytest.mark.parametrize("encoding", ["percent", "raw-utf8"])
def test_a_persian_purpose_is_accepted_and_audited(
    client: TestClient, session: Session, actor: MakeActor, encoding: str
) -> None:
    auditor = actor(Role.AUDITOR)
    purpose = "بررسی دسترسی‌های کاربران دانشگاه"
    header = quote(purpose).encode("ascii") if encoding == "percent" else purpose.encode("utf-8")

    response = client.get(
        "/api/v1/people",
        headers=[
            (b"Authorization", f"Bearer {auditor.token}".encode("ascii")),
            (b"Dargah-Purpose", header),
        ],
    )

    assert response.status_code == 200, response.text
    assert auditor.username in [person["username"] for person in response.json()]
    entry = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.action == "person.read", AuditEntry.actor == auditor.username)
        .order_by(AuditEntry.seq.desc())
    ).first()
    assert entry is not None
    assert entry.personal_data is True
    assert entry.purpose == purpose


def test_operator_creates_institution_staff_but_not_admins(
    client: TestClient, session: Session, as_role: Headers
) -> None:
    institution = make_institution(session)
    headers = as_role(Role.OPERATOR)
    person = {"full_name": "کارشناس", "password": PASSWORD}

    staff = client.post(
        "/api/v1/people",
        json={
            **person,
            "username": "staff.one",
            "role": "institution",
            "institution": institution.identifier,
        },
        headers=headers,
    )
    admin = client.post(
        "/api/v1/people", json={**person, "username": "admin.two", "role": "admin"}, headers=headers
    )
    unbound = client.post(
        "/api/v1/people",
        json={**person, "username": "staff.three", "role": "institution"},
        headers=headers,
    )

    assert staff.status_code == 201, staff.text
    assert staff.json()["institution"] == institution.identifier
    assert (admin.status_code, admin.json()["code"]) == (403, "role_not_assignable")
    assert (unbound.status_code, unbound.json()["code"]) == (422, "role_binding_required")


def test_a_weak_password_is_a_422(client: TestClient, as_role: Headers) -> None:
    response = client.post(
        "/api/v1/people",
        json={"username": "weakling", "full_name": "کاربر", "role": "hq", "password": "1234"},
        headers=as_role(Role.ADMIN),
    )

    assert response.status_code == 422
    assert response.json()["code"] == "weak_password"
    assert "too_short" in response.json()["details"]["problems"]


def test_an_overlong_mobile_number_is_a_422_not_a_server_error(
    client: TestClient, as_role: Headers
) -> None:
    response = client.post(
        "/api/v1/people",
        json={
            "username": "long.mobile",
            "full_name": "کاربر",
            "role": "agency",
            "password": PASSWORD,
            "mobile": "0912 345 6789 ext 12345",
        },
        headers=as_role(Role.ADMIN),
    )

    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == "mobile"


def test_bad_account_changes_are_422s_not_server_errors(
    client: TestClient, actor: MakeActor, as_role: Headers
) -> None:
    url = f"/api/v1/people/{actor(Role.AGENCY).username}"
    headers = as_role(Role.ADMIN)
    changes = [
        ({"full_name": None}, "full_name"),
        ({"is_active": None}, "is_active"),
        ({"password": None}, "password"),
        ({"email": "not-an-address"}, "email"),
        ({"mobile": "0912 345 6789 ext 12345"}, "mobile"),
    ]

    for change, field in changes:
        response = client.patch(url, json=change, headers=headers)

        assert response.status_code == 422, (change, response.text)
        assert response.json()["code"] == "invalid_request"
        assert [error["field"] for error in response.json()["errors"]] == [field]


def test_account_changes_are_normalised_like_new_accounts(
    client: TestClient, actor: MakeActor, as_role: Headers
) -> None:
    person = actor(Role.AGENCY)

    response = client.patch(
        f"/api/v1/people/{person.username}",
        json={"full_name": "علي كريمي", "email": " Ali.Karimi@Example.IR "},
        headers=as_role(Role.ADMIN),
    )

    assert response.status_code == 200, response.text
    assert response.json()["full_name"] == "علی کریمی"
    assert response.json()["email"] == "ali.karimi@example.ir"


# -- API keys ----------------------------------------------------------------------


def test_a_new_key_is_shown_once(client: TestClient, session: Session, as_role: Headers) -> None:
    system = make_system(session, make_institution(session))
    headers = as_role(Role.OPERATOR)

    created = client.post(
        "/api/v1/keys", json={"system": system.identifier, "name": "golestan"}, headers=headers
    )

    assert created.status_code == 201, created.text
    secret = created.json()["key"]
    assert secret.startswith("dgk_")
    listed = client.get("/api/v1/keys", headers=headers)
    assert listed.status_code == 200
    assert [key["prefix"] for key in listed.json()] == [created.json()["prefix"]]
    assert secret not in listed.text
    assert "key" not in listed.json()[0]
    assert client.get("/api/v1/members", headers=_bearer(secret)).status_code == 200


def test_an_expiry_without_a_time_zone_is_read_as_utc(
    client: TestClient, session: Session, as_role: Headers
) -> None:
    system = make_system(session, make_institution(session))

    response = client.post(
        "/api/v1/keys",
        json={"system": system.identifier, "name": "dated", "expires_at": "2099-03-20T12:00:00"},
        headers=as_role(Role.OPERATOR),
    )

    assert response.status_code == 201, response.text
    expires = datetime.fromisoformat(response.json()["expires_at"].replace("Z", "+00:00"))
    assert expires == datetime(2099, 3, 20, 12, tzinfo=UTC)


def test_using_a_key_records_when_it_was_last_used(client: TestClient, session: Session) -> None:
    system = make_system(session, make_institution(session))
    issued = identity.issue_api_key(
        session, principal=ADMIN, data=ApiKeyCreate(system=system.identifier, name="fresh")
    )
    assert _last_used(session, issued.key.id) is None
    before = utcnow()

    response = client.get("/api/v1/members", headers=_bearer(issued.secret))

    assert response.status_code == 200
    used = _last_used(session, issued.key.id)
    assert used is not None
    assert before - timedelta(seconds=1) <= used <= utcnow()


def test_an_expired_key_is_a_401(
    client: TestClient, session: Session, institution_key: Actor
) -> None:
    headers = _bearer(institution_key.token)
    assert client.get("/api/v1/members", headers=headers).status_code == 200
    with atomic(session):
        session.execute(
            update(ApiKey)
            .where(ApiKey.id == institution_key.principal.api_key_id)
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )

    response = client.get("/api/v1/members", headers=headers)

    assert response.status_code == 401
    assert response.json()["code"] == "invalid_token"


def test_a_revoked_key_is_a_401(
    client: TestClient, session: Session, institution_key: Actor, as_role: Headers
) -> None:
    headers = _bearer(institution_key.token)
    revoke = client.delete(
        f"/api/v1/keys/{institution_key.principal.api_key_id}", headers=as_role(Role.OPERATOR)
    )

    assert revoke.status_code == 200, revoke.text
    assert revoke.json()["revoked_at"] is not None
    response = client.get("/api/v1/members", headers=headers)
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_token"


def test_institution_staff_manage_keys_of_their_own_institution_only(
    client: TestClient, session: Session, actor: MakeActor
) -> None:
    own = make_institution(session)
    own_system = make_system(session, own)
    other_system = make_system(session, make_institution(session))
    other_key = make_system_key(session, other_system)
    headers = _bearer(actor(Role.INSTITUTION, institution=own).token)

    mine = client.post(
        "/api/v1/keys", json={"system": own_system.identifier, "name": "mine"}, headers=headers
    )
    theirs = client.post(
        "/api/v1/keys", json={"system": other_system.identifier, "name": "theirs"}, headers=headers
    )
    listed = client.get("/api/v1/keys", headers=headers)
    revoke_theirs = client.delete(f"/api/v1/keys/{other_key.principal.api_key_id}", headers=headers)

    assert mine.status_code == 201, mine.text
    assert mine.json()["role"] == "institution"
    assert (theirs.status_code, theirs.json()["code"]) == (403, "institution_scope")
    assert [key["system"] for key in listed.json()] == [own_system.identifier]
    assert (revoke_theirs.status_code, revoke_theirs.json()["code"]) == (403, "institution_scope")


def test_hq_staff_cannot_manage_keys(client: TestClient, as_role: Headers) -> None:
    response = client.get("/api/v1/keys", headers=as_role(Role.HQ))

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
