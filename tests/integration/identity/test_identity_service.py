"""Identity operations against the database: accounts, roles, sessions and API keys."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from dargah.access.policy import Principal, Role
from dargah.audit.models import AuditEntry
from dargah.db.base import utcnow
from dargah.db.session import atomic
from dargah.errors import DargahError, InvalidInput, NotAuthenticated, PermissionDenied
from dargah.identity import service as identity
from dargah.identity.models import ApiKey, Person
from dargah.identity.schemas import ApiKeyCreate, PersonCreate, PersonUpdate
from dargah.members import service as members
from dargah.members.models import System
from dargah.members.schemas import MemberCreate
from support.factories import (
    ADMIN,
    PASSWORD,
    make_hq_unit,
    make_institution,
    make_person,
    make_system,
)

OPERATOR = Principal(kind="person", role=Role.OPERATOR, name="operator-under-test")


def _new_person(session: Session, username: str, **fields: object) -> Person:
    data = {"username": username, "full_name": "کاربر آزمایشی", "password": PASSWORD, **fields}
    return identity.create_person(
        session, principal=ADMIN, data=PersonCreate.model_validate({"role": "auditor", **data})
    )


def _login(session: Session, username: str, password: str) -> identity.LoginResult:
    return identity.login(session, username=username, password=password, session_hours=1)


def _refused_login(session: Session, username: str, password: str) -> NotAuthenticated:
    with pytest.raises(NotAuthenticated) as caught:
        _login(session, username, password)
    return caught.value


def _ministry_system(session: Session) -> System:
    ministry = members.create_member(
        session,
        principal=ADMIN,
        data=MemberCreate(kind="ministry", code="MSRT", name_fa="وزارت علوم"),
    )
    return make_system(session, ministry, code="mapfa")


def test_right_password_opens_a_session_the_token_authenticates(session: Session) -> None:
    _new_person(session, "login.ok")

    result = _login(session, "  LOGIN.OK ", PASSWORD)
    with atomic(session):
        principal, csrf_token = identity.authenticate_cookie(session, result.token)

    assert result.token.startswith("dgs_")
    assert principal.name == "login.ok"
    assert principal.role is Role.AUDITOR
    assert csrf_token == result.csrf_token


def test_five_failures_lock_the_account_even_against_the_right_password(
    session: Session,
) -> None:
    _new_person(session, "lock.me")

    codes = [_refused_login(session, "lock.me", "wrong-password-1").code for _ in range(5)]
    locked = _refused_login(session, "lock.me", PASSWORD)

    assert codes == ["bad_credentials"] * 5
    assert locked.code == "account_locked"
    assert "15" in locked.message_en
    person = identity.get_person(session, "lock.me")
    session.refresh(person)
    assert person.locked_until is not None
    assert person.locked_until > utcnow() + timedelta(minutes=14)


def _lock_until(session: Session, username: str, until: datetime) -> None:
    with atomic(session):
        session.execute(
            update(Person).where(Person.username == username).values(locked_until=until)
        )


def test_the_lock_lifts_after_its_time(session: Session) -> None:
    _new_person(session, "lock.lifts")
    _lock_until(session, "lock.lifts", utcnow() + timedelta(minutes=1))
    assert _refused_login(session, "lock.lifts", PASSWORD).code == "account_locked"

    _lock_until(session, "lock.lifts", utcnow() - timedelta(seconds=1))

    assert _login(session, "lock.lifts", PASSWORD).person.username == "lock.lifts"


def test_a_successful_login_resets_the_failure_count(session: Session) -> None:
    _new_person(session, "almost.locked")
    for _ in range(4):
        _refused_login(session, "almost.locked", "wrong-password-1")
    _login(session, "almost.locked", PASSWORD)

    # Without the reset this would be the fifth failure in a row and lock the account.
    fifth = _refused_login(session, "almost.locked", "wrong-password-1")

    assert fifth.code == "bad_credentials"
    assert _login(session, "almost.locked", PASSWORD).token


def test_failed_logins_are_in_the_audit_log(session: Session) -> None:
    _new_person(session, "audited.person")

    _refused_login(session, "audited.person", "wrong-password-1")
    _refused_login(session, "nobody.here", PASSWORD)

    entries = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.action == "session.login_failed")
        .order_by(AuditEntry.seq)
    ).all()
    recorded = [(e.entity_id, e.actor, e.actor_role, e.outcome) for e in entries]
    assert ("audited.person", "audited.person", "anonymous", "failure") in recorded
    assert ("nobody.here", "nobody.here", "anonymous", "failure") in recorded


def test_a_deactivated_person_cannot_log_in_or_use_a_session(session: Session) -> None:
    _new_person(session, "leaving.soon")
    token = _login(session, "leaving.soon", PASSWORD).token

    identity.update_person(
        session, principal=ADMIN, username="leaving.soon", data=PersonUpdate(is_active=False)
    )

    with pytest.raises(NotAuthenticated) as caught, atomic(session):
        identity.authenticate_cookie(session, token)
    assert caught.value.code == "invalid_token"
    assert _refused_login(session, "leaving.soon", PASSWORD).code == "bad_credentials"


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("Sh0rt-pw", "too_short"),
        ("weak.user-Secret-99", "contains_username"),
        ("ababababababab", "too_simple"),
    ],
)
def test_weak_passwords_are_refused(session: Session, password: str, problem: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        _new_person(session, "weak.user", password=password)

    assert caught.value.code == "weak_password"
    assert problem in caught.value.details["problems"]
    assert session.scalar(select(Person.id).where(Person.username == "weak.user")) is None


@pytest.mark.parametrize("role", [Role.ADMIN, Role.OPERATOR, Role.AUDITOR])
def test_operators_cannot_create_privileged_accounts(session: Session, role: Role) -> None:
    data = PersonCreate(username="climber", full_name="بالارونده", role=role, password=PASSWORD)

    with pytest.raises(PermissionDenied) as caught:
        identity.create_person(session, principal=OPERATOR, data=data)

    assert caught.value.code == "role_not_assignable"
    assert caught.value.details == {"role": role.value}
    assert session.scalar(select(Person.id).where(Person.username == "climber")) is None


def test_operators_create_institution_staff_bound_to_their_institution(
    session: Session,
) -> None:
    institution = make_institution(session)

    person = identity.create_person(
        session,
        principal=OPERATOR,
        data=PersonCreate(
            username="registrar",
            full_name="كارشناس آموزش",
            role=Role.INSTITUTION,
            password=PASSWORD,
            institution=institution.identifier,
        ),
    )

    assert person.role == "institution"
    assert person.institution_id == institution.id
    assert person.full_name == "کارشناس آموزش"


@pytest.mark.parametrize(
    ("role", "field", "binding"),
    [
        (Role.INSTITUTION, "institution", None),
        (Role.HQ, "hq_unit", None),
        (Role.INSTITUTION, "institution", "IR/GOV/NIX"),  # an agency is not an institution
        (Role.AGENCY, "institution", None),  # an agency's liaison acts for the agency
        (Role.AGENCY, "institution", "IR/UNI/5001"),  # and a university is no agency
    ],
)
def test_staff_roles_need_their_binding(
    session: Session, role: Role, field: str, binding: str | None
) -> None:
    members.create_member(
        session,
        principal=ADMIN,
        data=MemberCreate(kind="agency", code="NIX", name_fa="مرکز ملی", agency_role="other"),
    )
    make_institution(session, code="5001")
    data = PersonCreate(
        username="unbound",
        full_name="بی‌پیوند",
        role=role,
        password=PASSWORD,
        institution=binding,
    )

    with pytest.raises(InvalidInput) as caught:
        identity.create_person(session, principal=ADMIN, data=data)

    assert caught.value.code == "role_binding_required"
    assert caught.value.details == {"field": field}


def test_an_agency_person_acts_for_the_agency_and_is_no_institution(session: Session) -> None:
    agency = members.create_member(
        session,
        principal=ADMIN,
        data=MemberCreate(kind="agency", code="NIX", name_fa="مرکز ملی", agency_role="other"),
    )
    identity.create_person(
        session,
        principal=ADMIN,
        data=PersonCreate(
            username="liaison",
            full_name="رابط مرکز",
            role=Role.AGENCY,
            password=PASSWORD,
            institution=agency.identifier,
        ),
    )
    result = _login(session, "liaison", PASSWORD)
    with atomic(session):
        principal, _ = identity.authenticate_cookie(session, result.token)

    assert principal.member_identifier == "IR/GOV/NIX"
    assert principal.institution_id is None


def test_api_key_secret_is_returned_once_and_stored_only_as_a_digest(
    session: Session,
) -> None:
    system = make_system(session, make_institution(session))

    issued = identity.issue_api_key(
        session, principal=ADMIN, data=ApiKeyCreate(system=system.identifier, name="golestan")
    )

    row = session.execute(select(ApiKey.__table__).where(ApiKey.id == issued.key.id)).one()
    stored = [str(value) for value in row]
    secret = issued.secret
    assert secret.startswith(f"dgk_{issued.key.prefix}_")
    assert all(secret not in value for value in stored)
    assert all(secret.split("_", 2)[2] not in value for value in stored)
    assert row.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    with atomic(session):
        principal = identity.authenticate_token(session, secret)
    assert principal.system_identifier == system.identifier
    assert principal.role is Role.INSTITUTION


def test_a_key_with_the_right_prefix_but_wrong_secret_is_refused(session: Session) -> None:
    system = make_system(session, make_institution(session))
    issued = identity.issue_api_key(
        session, principal=ADMIN, data=ApiKeyCreate(system=system.identifier, name="golestan")
    )
    forged = f"dgk_{issued.key.prefix}_{'A' * 43}"

    with pytest.raises(NotAuthenticated) as caught, atomic(session):
        identity.authenticate_token(session, forged)

    assert caught.value.code == "invalid_token"


def test_an_expired_key_is_refused(session: Session) -> None:
    system = make_system(session, make_institution(session))
    issued = identity.issue_api_key(
        session,
        principal=ADMIN,
        data=ApiKeyCreate(
            system=system.identifier, name="short lived", expires_at=utcnow() + timedelta(hours=1)
        ),
    )
    with atomic(session):
        identity.authenticate_token(session, issued.secret)  # valid until it expires
        session.execute(
            update(ApiKey)
            .where(ApiKey.id == issued.key.id)
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )

    with pytest.raises(NotAuthenticated) as caught, atomic(session):
        identity.authenticate_token(session, issued.secret)

    assert caught.value.code == "invalid_token"


def test_an_expiry_in_the_past_is_refused_at_issue(session: Session) -> None:
    system = make_system(session, make_institution(session))
    data = ApiKeyCreate(
        system=system.identifier, name="born dead", expires_at=utcnow() - timedelta(minutes=1)
    )

    with pytest.raises(InvalidInput) as caught:
        identity.issue_api_key(session, principal=ADMIN, data=data)

    assert caught.value.code == "expiry_in_past"


def test_a_revoked_key_is_refused(session: Session) -> None:
    system = make_system(session, make_institution(session))
    issued = identity.issue_api_key(
        session, principal=ADMIN, data=ApiKeyCreate(system=system.identifier, name="golestan")
    )

    revoked = identity.revoke_api_key(session, principal=OPERATOR, key_id=issued.key.id)

    assert revoked.revoked_by == "operator-under-test"
    with pytest.raises(NotAuthenticated), atomic(session):
        identity.authenticate_token(session, issued.secret)


@pytest.mark.parametrize("role", [None, Role.ADMIN, Role.INSTITUTION])
def test_a_ministry_system_key_needs_a_ministry_role(session: Session, role: Role | None) -> None:
    system = _ministry_system(session)

    with pytest.raises(InvalidInput) as caught:
        identity.issue_api_key(
            session,
            principal=ADMIN,
            data=ApiKeyCreate(system=system.identifier, name="mapfa", role=role),
        )

    assert caught.value.code == "key_role_required"
    assert session.scalar(select(func.count()).select_from(ApiKey)) == 0


def test_a_ministry_system_key_acts_for_the_hq_unit_it_names(session: Session) -> None:
    system = _ministry_system(session)
    unit = make_hq_unit(session, code="research")

    issued = identity.issue_api_key(
        session,
        principal=ADMIN,
        data=ApiKeyCreate(system=system.identifier, name="mapfa", role=Role.HQ, hq_unit="research"),
    )
    with atomic(session):
        principal = identity.authenticate_token(session, issued.secret)

    assert principal.role is Role.HQ
    assert principal.hq_unit_id == unit.id


def test_operators_cannot_mint_operator_keys(session: Session) -> None:
    system = _ministry_system(session)

    with pytest.raises(DargahError) as caught:
        identity.issue_api_key(
            session,
            principal=OPERATOR,
            data=ApiKeyCreate(system=system.identifier, name="mapfa", role=Role.OPERATOR),
        )

    assert caught.value.code == "role_not_assignable"


def test_institution_staff_revoke_only_their_own_keys(session: Session) -> None:
    own = make_institution(session)
    staff = make_person(session, Role.INSTITUTION, institution=own)
    other_key = identity.issue_api_key(
        session,
        principal=ADMIN,
        data=ApiKeyCreate(
            system=make_system(session, make_institution(session)).identifier, name="other"
        ),
    )

    with pytest.raises(PermissionDenied) as caught:
        identity.revoke_api_key(session, principal=staff.principal, key_id=other_key.key.id)

    assert caught.value.code == "institution_scope"
    session.refresh(other_key.key)
    assert other_key.key.revoked_at is None
