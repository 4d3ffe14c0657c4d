"""Authentication and account operations: people, portal sessions, API keys."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from dargah.access.policy import (
    OPERATOR_ASSIGNABLE_ROLES,
    Permission,
    Principal,
    Role,
    anonymous_principal,
    authorize,
    require_institution_access,
)
from dargah.audit import service as audit
from dargah.audit.events import AuditAction
from dargah.db.base import utcnow
from dargah.db.session import atomic
from dargah.errors import Conflict, InvalidInput, NotAuthenticated, PermissionDenied, not_found
from dargah.identity import secrets
from dargah.identity.models import ApiKey, Person, PortalSession
from dargah.identity.schemas import ApiKeyCreate, PersonCreate, PersonUpdate
from dargah.members import service as members
from dargah.members.models import HqUnit, MemberKind

_DUMMY_HASH = secrets.hash_password("not-a-real-password-for-timing-only")
MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
# Writing last-used times on every call would turn each read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)

_BAD_CREDENTIALS = NotAuthenticated(
    "نام کاربری یا گذرواژه نادرست است.",
    "Wrong username or password.",
    code="bad_credentials",
)


def _bad_token() -> NotAuthenticated:
    return NotAuthenticated(
        "کلید یا نشست نامعتبر، منقضی یا باطل شده است.",
        "The key or session is invalid, expired or revoked.",
        code="invalid_token",
    )


# -- principals --------------------------------------------------------------------


def person_principal(person: Person, *, session_id: int | None = None) -> Principal:
    """The principal of a logged-in person."""
    return Principal(
        kind="person",
        role=Role(person.role),
        name=person.username,
        person_id=person.id,
        session_id=session_id,
        member_identifier=person.institution.identifier if person.institution else None,
        # An agency's person names its member, as an agency system's key does, but is no
        # institution: institution_id is the institution staff's binding only.
        institution_id=person.institution_id if person.role == Role.INSTITUTION.value else None,
        hq_unit_id=person.hq_unit_id,
    )


def key_principal(key: ApiKey) -> Principal:
    """The principal of a system calling with an API key."""
    return Principal(
        kind="system",
        role=Role(key.role),
        name=f"{key.system.identifier}#{key.prefix}",
        api_key_id=key.id,
        member_identifier=key.system.member.identifier,
        system_identifier=key.system.identifier,
        institution_id=key.institution_id,
        hq_unit_id=key.hq_unit_id,
    )


# What an API key's principal is read from: a cache of authenticated keys watches these.
KEY_TABLES = ("api_keys", "systems", "members", "hq_units")


@dataclass(frozen=True)
class KeyHolder:
    """The principal of an API key and the time the key expires (None: never)."""

    principal: Principal
    expires_at: datetime | None

    def valid_at(self, moment: datetime) -> bool:
        """Whether the key has not expired at ``moment``."""
        return self.expires_at is None or moment < self.expires_at


def authenticate_token(session: Session, token: str) -> Principal:
    """The principal behind a bearer token: an API key or a portal session token."""
    if token.startswith(secrets.SESSION_TOKEN_PREFIX):
        principal, _ = authenticate_cookie(session, token)
        return principal
    return authenticate_api_key(session, token).principal


def authenticate_api_key(session: Session, token: str) -> KeyHolder:
    """The holder of API key ``token``: refused if unknown, revoked or expired, or if
    its system or member is not active."""
    prefix = secrets.api_key_prefix(token)
    if prefix is None:
        raise _bad_token()
    key = session.scalar(select(ApiKey).where(ApiKey.prefix == prefix))
    now = utcnow()
    if (
        key is None
        or not secrets.same_digest(token, key.key_hash)
        or key.revoked_at is not None
        or (key.expires_at is not None and key.expires_at <= now)
        or key.system.status != "active"
        or key.system.member.status != "active"
    ):
        raise _bad_token()
    if key.last_used_at is None or now - key.last_used_at > LAST_USED_RESOLUTION:
        # Bookkeeping, not a change of what the key may do: written on the connection,
        # past the session, so that caches of authenticated keys are not dropped for it.
        session.connection().execute(
            update(ApiKey).where(ApiKey.id == key.id).values(last_used_at=now)
        )
    return KeyHolder(key_principal(key), key.expires_at)


def authenticate_cookie(session: Session, token: str) -> tuple[Principal, str]:
    """The principal and CSRF token of a live portal session."""
    portal_session = session.scalar(
        select(PortalSession).where(PortalSession.token_hash == secrets.digest(token))
    )
    now = utcnow()
    if (
        portal_session is None
        or portal_session.ended_at is not None
        or portal_session.expires_at <= now
        or not portal_session.person.is_active
    ):
        raise _bad_token()
    if now - portal_session.last_seen_at > LAST_USED_RESOLUTION:
        portal_session.last_seen_at = now
    return (
        person_principal(portal_session.person, session_id=portal_session.id),
        portal_session.csrf_token,
    )


# -- portal sessions ---------------------------------------------------------------


@dataclass(frozen=True)
class LoginResult:
    """A new session: the token to hand to the browser, once."""

    token: str
    csrf_token: str
    expires_at: datetime
    person: Person


def login(
    session: Session,
    *,
    username: str,
    password: str,
    session_hours: int,
    client_address: str | None = None,
    user_agent: str | None = None,
) -> LoginResult:
    """Check a password and open a session; failures are audited and lock the account
    for a while after repeated attempts."""
    username = username.strip().lower()
    with atomic(session):
        person = session.scalar(select(Person).where(Person.username == username))
        now = utcnow()
        locked = (
            person is not None and person.locked_until is not None and person.locked_until > now
        )
        # Hash even for unknown users, so the answer's timing does not reveal who exists.
        stored_hash = person.password_hash if person is not None else _DUMMY_HASH
        password_ok = secrets.verify_password(stored_hash, password)
        if person is None or not person.is_active or locked or not password_ok:
            if person is not None and not locked:
                person.failed_logins += 1
                if person.failed_logins >= MAX_FAILED_LOGINS:
                    person.locked_until = now + LOCKOUT
                    person.failed_logins = 0
            audit.record(
                session,
                principal=anonymous_principal(username),
                action=AuditAction.SESSION_LOGIN_FAILED,
                entity_type="person",
                entity_id=username,
                outcome="failure",
                details={"locked": bool(locked)},
            )
            failure: NotAuthenticated | None = (
                NotAuthenticated(
                    "حساب به دلیل تلاش‌های ناموفق پیاپی موقتاً قفل است؛ ۱۵ دقیقه دیگر بکوشید.",
                    "The account is locked after repeated failures; try again in 15 minutes.",
                    code="account_locked",
                )
                if locked
                else _BAD_CREDENTIALS
            )
        else:
            failure = None
            if secrets.password_needs_rehash(person.password_hash):
                person.password_hash = secrets.hash_password(password)
            person.failed_logins = 0
            person.locked_until = None
            person.last_login_at = now
            token = secrets.new_session_token()
            csrf_token = secrets.new_csrf_token()
            expires_at = now + timedelta(hours=session_hours)
            portal_session = PortalSession(
                token_hash=secrets.digest(token),
                csrf_token=csrf_token,
                person_id=person.id,
                created_at=now,
                expires_at=expires_at,
                last_seen_at=now,
                client_address=client_address,
                user_agent=(user_agent or "")[:300] or None,
            )
            session.add(portal_session)
            session.flush()
            audit.record(
                session,
                principal=person_principal(person, session_id=portal_session.id),
                action=AuditAction.SESSION_LOGIN,
                entity_type="person",
                entity_id=person.username,
            )
    # Raised after commit so the failed attempt and the lockout counter are kept.
    if failure is not None or person is None:
        raise failure or _BAD_CREDENTIALS
    return LoginResult(token=token, csrf_token=csrf_token, expires_at=expires_at, person=person)


def logout(session: Session, *, principal: Principal) -> None:
    """End the caller's portal session."""
    if principal.session_id is None:
        return
    with atomic(session):
        portal_session = session.get(PortalSession, principal.session_id)
        if portal_session is not None and portal_session.ended_at is None:
            portal_session.ended_at = utcnow()
            audit.record(
                session,
                principal=principal,
                action=AuditAction.SESSION_LOGOUT,
                entity_type="person",
                entity_id=principal.name,
            )


# -- people ------------------------------------------------------------------------


def _check_password(password: str, username: str) -> None:
    problems = secrets.password_problems(password, username=username)
    if problems:
        raise InvalidInput(
            f"گذرواژه باید دست‌کم {secrets.MIN_PASSWORD_LENGTH} نویسه باشد، نام کاربری را "
            "در خود نداشته باشد و بیش از چند نویسهٔ متفاوت داشته باشد.",
            f"The password needs at least {secrets.MIN_PASSWORD_LENGTH} characters, must not "
            "contain the username and needs several different characters.",
            code="weak_password",
            details={"problems": problems},
        )


def _check_can_assign(principal: Principal, role: Role) -> None:
    if principal.role is Role.ADMIN:
        return
    if principal.role is Role.OPERATOR and role in OPERATOR_ASSIGNABLE_ROLES:
        return
    raise PermissionDenied(
        "فقط مدیر سامانه می‌تواند این نقش را بدهد.",
        "Only an administrator can grant this role.",
        code="role_not_assignable",
        details={"role": role.value},
    )


def get_person(session: Session, username: str) -> Person:
    """The account named ``username``."""
    person = session.scalar(select(Person).where(Person.username == username.lower()))
    if person is None:
        raise not_found("کاربر", "Person", username)
    return person


# The member a person of these roles is bound to: institution staff to their institution,
# a peer agency's liaison to the agency (its grants are the agency's).
_MEMBER_OF_ROLE: Final = {Role.INSTITUTION: MemberKind.INSTITUTION, Role.AGENCY: MemberKind.AGENCY}


def create_person(session: Session, *, principal: Principal, data: PersonCreate) -> Person:
    """Create a portal account bound to an institution or HQ unit when its role needs one."""
    authorize(principal, Permission.PEOPLE_WRITE)
    _check_can_assign(principal, data.role)
    _check_password(data.password, data.username)
    with atomic(session):
        if session.scalar(select(Person.id).where(Person.username == data.username)) is not None:
            raise Conflict(
                f"نام کاربری «{data.username}» گرفته شده است.",
                f"Username '{data.username}' is taken.",
                code="username_taken",
            )
        institution_id = hq_unit_id = None
        member_kind = _MEMBER_OF_ROLE.get(data.role)
        if member_kind is not None:
            if not data.institution:
                raise _binding_required("institution")
            member = members.get_member(session, data.institution)
            if member.kind != member_kind.value:
                raise _binding_required("institution")
            institution_id = member.id
        elif data.role is Role.HQ:
            if not data.hq_unit:
                raise _binding_required("hq_unit")
            hq_unit_id = members.get_hq_unit(session, data.hq_unit).id
        person = Person(
            username=data.username,
            full_name=data.full_name,
            email=data.email,
            mobile=data.mobile,
            password_hash=secrets.hash_password(data.password),
            password_changed_at=utcnow(),
            role=data.role.value,
            institution_id=institution_id,
            hq_unit_id=hq_unit_id,
        )
        session.add(person)
        session.flush()
        audit.record(
            session,
            principal=principal,
            action=AuditAction.PERSON_CREATED,
            entity_type="person",
            entity_id=person.username,
            details={"role": person.role},
            personal_data=True,
        )
    return person


def _binding_required(field: str) -> InvalidInput:
    return InvalidInput(
        "کاربر دانشگاه باید به یک موسسه، کاربر دستگاه همکار به آن دستگاه و کاربر ستادی به "
        "یک حوزهٔ ستادی وصل باشد.",
        "Institution staff need an institution, agency staff their agency, HQ staff an HQ unit.",
        code="role_binding_required",
        details={"field": field},
    )


def update_person(
    session: Session, *, principal: Principal, username: str, data: PersonUpdate
) -> Person:
    """Change an account (name, contact, active flag, password reset)."""
    authorize(principal, Permission.PEOPLE_WRITE)
    with atomic(session):
        person = get_person(session, username)
        _check_can_assign(principal, Role(person.role))
        changed = data.model_dump(exclude_unset=True)
        if "password" in changed:
            password = changed.pop("password")
            _check_password(password, person.username)
            person.password_hash = secrets.hash_password(password)
            person.password_changed_at = utcnow()
        for field, value in changed.items():
            setattr(person, field, value)
        if data.is_active is False:
            _end_sessions(session, person.id)
        audit.record(
            session,
            principal=principal,
            action=AuditAction.PERSON_UPDATED,
            entity_type="person",
            entity_id=person.username,
            details={"fields": sorted(data.model_dump(exclude_unset=True))},
            personal_data=True,
        )
    return person


def change_own_password(
    session: Session, *, principal: Principal, current_password: str, new_password: str
) -> None:
    """A person replaces their own password; other sessions are ended."""
    if principal.person_id is None:
        raise PermissionDenied(
            "فقط اشخاص گذرواژه دارند.", "Only people have passwords.", code="not_a_person"
        )
    with atomic(session):
        person = session.get(Person, principal.person_id)
        if person is None or not secrets.verify_password(person.password_hash, current_password):
            raise _BAD_CREDENTIALS
        _check_password(new_password, person.username)
        person.password_hash = secrets.hash_password(new_password)
        person.password_changed_at = utcnow()
        _end_sessions(session, person.id, keep=principal.session_id)
        audit.record(
            session,
            principal=principal,
            action=AuditAction.PERSON_PASSWORD_CHANGED,
            entity_type="person",
            entity_id=person.username,
        )


def _end_sessions(session: Session, person_id: int, *, keep: int | None = None) -> None:
    query = update(PortalSession).where(
        PortalSession.person_id == person_id, PortalSession.ended_at.is_(None)
    )
    if keep is not None:
        query = query.where(PortalSession.id != keep)
    session.execute(query.values(ended_at=utcnow()))


def list_people(
    session: Session,
    *,
    principal: Principal,
    purpose: str,
    role: Role | None = None,
    institution: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> Sequence[Person]:
    """Accounts, filtered; a read of personal data, audited with its purpose."""
    authorize(principal, Permission.PEOPLE_READ)
    with atomic(session):
        query = select(Person).order_by(Person.username)
        if role is not None:
            query = query.where(Person.role == role.value)
        if institution is not None:
            query = query.where(
                Person.institution_id == members.get_member(session, institution).id
            )
        people = session.scalars(query.limit(limit).offset(offset)).all()
        audit.record(
            session,
            principal=principal,
            action=AuditAction.PERSON_READ,
            entity_type="person",
            purpose=purpose,
            personal_data=True,
            details={"returned": len(people), "role": role.value if role else None},
        )
    return people


# -- API keys ----------------------------------------------------------------------


@dataclass(frozen=True)
class IssuedKey:
    """A new API key: the secret is only available here, once."""

    secret: str
    key: ApiKey


def _key_role(
    session: Session, data: ApiKeyCreate, member_kind: str, member_id: int
) -> tuple[Role, int | None, int | None]:
    if member_kind == MemberKind.INSTITUTION.value:
        return Role.INSTITUTION, member_id, None
    if member_kind == MemberKind.AGENCY.value:
        return Role.AGENCY, None, None
    # Ministry systems act for an HQ unit or as operators; never as administrators.
    if data.role is Role.HQ:
        if not data.hq_unit:
            raise _binding_required("hq_unit")
        return Role.HQ, None, members.get_hq_unit(session, data.hq_unit).id
    if data.role in (Role.OPERATOR, Role.AUDITOR):
        return data.role, None, None
    raise InvalidInput(
        "برای سامانه‌های وزارت، نقش کلید (operator، hq یا auditor) را تعیین کنید.",
        "For the ministry's systems, give the key's role (operator, hq or auditor).",
        code="key_role_required",
    )


def issue_api_key(session: Session, *, principal: Principal, data: ApiKeyCreate) -> IssuedKey:
    """Issue an API key for a system; the secret is returned once and stored hashed."""
    authorize(principal, Permission.KEYS_MANAGE)
    with atomic(session):
        system = members.get_system(session, data.system)
        if principal.role is Role.INSTITUTION:
            require_institution_access(principal, system.member_id)
        role, institution_id, hq_unit_id = _key_role(
            session, data, system.member.kind, system.member_id
        )
        if role in (Role.OPERATOR, Role.AUDITOR) and principal.role is not Role.ADMIN:
            _check_can_assign(principal, role)
        if data.expires_at is not None and data.expires_at <= utcnow():
            raise InvalidInput(
                "تاریخ انقضا باید در آینده باشد.",
                "The expiry must be in the future.",
                code="expiry_in_past",
            )
        secret, prefix = secrets.new_api_key()
        key = ApiKey(
            prefix=prefix,
            key_hash=secrets.digest(secret),
            name=data.name,
            system_id=system.id,
            role=role.value,
            institution_id=institution_id,
            hq_unit_id=hq_unit_id,
            created_at=utcnow(),
            created_by=principal.name,
            expires_at=data.expires_at,
        )
        session.add(key)
        session.flush()
        audit.record(
            session,
            principal=principal,
            action=AuditAction.API_KEY_CREATED,
            entity_type="api_key",
            entity_id=prefix,
            details={"system": system.identifier, "role": role.value},
        )
    return IssuedKey(secret=secret, key=key)


def _key_in_scope(session: Session, principal: Principal, key_id: int) -> ApiKey:
    key = session.get(ApiKey, key_id)
    if key is None:
        raise not_found("کلید API", "API key", key_id)
    if principal.role is Role.INSTITUTION:
        require_institution_access(principal, key.system.member_id)
    return key


def revoke_api_key(session: Session, *, principal: Principal, key_id: int) -> ApiKey:
    """Revoke a key at once; calls with it fail from the next request on."""
    authorize(principal, Permission.KEYS_MANAGE)
    with atomic(session):
        key = _key_in_scope(session, principal, key_id)
        if key.revoked_at is None:
            key.revoked_at = utcnow()
            key.revoked_by = principal.name
            audit.record(
                session,
                principal=principal,
                action=AuditAction.API_KEY_REVOKED,
                entity_type="api_key",
                entity_id=key.prefix,
            )
    return key


def list_api_keys(
    session: Session, *, principal: Principal, system: str | None = None
) -> Sequence[ApiKey]:
    """Keys the caller may manage: all for operators, their institution's for staff."""
    authorize(principal, Permission.KEYS_MANAGE)
    query = select(ApiKey).order_by(ApiKey.id)
    if system is not None:
        query = query.where(ApiKey.system_id == members.get_system(session, system).id)
    if principal.role is Role.INSTITUTION:
        query = query.where(ApiKey.institution_id == principal.institution_id)
    return session.scalars(query).all()


def rotate_api_key(session: Session, *, principal: Principal, key_id: int) -> IssuedKey:
    """Replace a key by a new one for the same system, name, role and expiry, and revoke
    the old one, in one transaction: the system never holds two live keys by accident,
    and a failure leaves the old key working. The new secret is returned once."""
    authorize(principal, Permission.KEYS_MANAGE)
    with atomic(session):
        old = _key_in_scope(session, principal, key_id)
        if old.revoked_at is not None:
            raise Conflict(
                "این کلید باطل شده است و نمی‌توان آن را جایگزین کرد؛ کلید تازه صادر کنید.",
                "This key is revoked and cannot be rotated; issue a new key.",
                code="api_key_revoked",
                details={"key": old.prefix},
            )
        expires_at = old.expires_at if old.expires_at and old.expires_at > utcnow() else None
        hq_unit = session.get(HqUnit, old.hq_unit_id) if old.hq_unit_id is not None else None
        issued = issue_api_key(
            session,
            principal=principal,
            data=ApiKeyCreate(
                system=old.system.identifier,
                name=old.name,
                expires_at=expires_at,
                role=Role(old.role) if old.system.member.kind == MemberKind.MINISTRY else None,
                hq_unit=hq_unit.code if hq_unit is not None else None,
            ),
        )
        old.revoked_at = utcnow()
        old.revoked_by = principal.name
        audit.record(
            session,
            principal=principal,
            action=AuditAction.API_KEY_REVOKED,
            entity_type="api_key",
            entity_id=old.prefix,
            details={"replaced_by": issued.key.prefix},
        )
    return issued
