"""HTTP routes of identity: login, the caller, people, API keys."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, status

from dargah.access.policy import Permission, Principal, Role
from dargah.api.deps import IdPath, SessionDep, SettingsDep, purpose_of, require
from dargah.identity import service
from dargah.identity.models import ApiKey, Person
from dargah.identity.schemas import (
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyOut,
    LoginRequest,
    LoginResponse,
    PasswordChange,
    PersonCreate,
    PersonOut,
    PersonUpdate,
    PrincipalOut,
)
from dargah.persian.inputs import DigitsStr

router = APIRouter(tags=["identity"])

Self = Annotated[Principal, require(Permission.SELF)]
PeopleReader = Annotated[Principal, require(Permission.PEOPLE_READ)]
PeopleWriter = Annotated[Principal, require(Permission.PEOPLE_WRITE)]
KeyManager = Annotated[Principal, require(Permission.KEYS_MANAGE)]


def person_out(person: Person) -> PersonOut:
    """The API view of an account."""
    return PersonOut(
        username=person.username,
        full_name=person.full_name,
        role=person.role,
        email=person.email,
        mobile=person.mobile,
        institution=person.institution.identifier if person.institution else None,
        hq_unit=person.hq_unit.code if person.hq_unit else None,
        is_active=person.is_active,
        last_login_at=person.last_login_at,
        created_at=person.created_at,
    )


def key_out(key: ApiKey) -> ApiKeyOut:
    """The API view of a key (never its secret)."""
    return ApiKeyOut(
        id=key.id,
        prefix=key.prefix,
        name=key.name,
        system=key.system.identifier,
        role=key.role,
        created_at=key.created_at,
        created_by=key.created_by,
        expires_at=key.expires_at,
        revoked_at=key.revoked_at,
        last_used_at=key.last_used_at,
    )


@router.post("/auth/login", response_model=LoginResponse, summary="Log in (session token)")
def login(
    request: Request, session: SessionDep, settings: SettingsDep, body: LoginRequest
) -> LoginResponse:
    """Exchange a username and password for a session token usable as a bearer token."""
    result = service.login(
        session,
        username=body.username,
        password=body.password,
        session_hours=settings.session_hours,
        client_address=request.client.host if request.client else None,
        user_agent=request.headers.get("user-agent"),
    )
    return LoginResponse(
        token=result.token,
        csrf_token=result.csrf_token,
        expires_at=result.expires_at,
        person=person_out(result.person),
    )


@router.post("/auth/logout", status_code=status.HTTP_204_NO_CONTENT)
def logout(session: SessionDep, principal: Self) -> None:
    """End the caller's session."""
    service.logout(session, principal=principal)


@router.get("/auth/me", response_model=PrincipalOut, summary="Who am I")
def me(principal: Self) -> PrincipalOut:
    """The caller as the gateway sees it: role, member, system, binding."""
    return PrincipalOut(
        kind=principal.kind,
        name=principal.name,
        role=principal.role.value,
        member=principal.member_identifier,
        system=principal.system_identifier,
        institution_id=principal.institution_id,
        hq_unit_id=principal.hq_unit_id,
    )


@router.post("/auth/password", status_code=status.HTTP_204_NO_CONTENT)
def change_password(session: SessionDep, principal: Self, body: PasswordChange) -> None:
    """Change the caller's own password."""
    service.change_own_password(
        session,
        principal=principal,
        current_password=body.current_password,
        new_password=body.new_password,
    )


@router.get("/people", response_model=list[PersonOut], summary="List accounts (audited)")
def list_people(
    request: Request,
    session: SessionDep,
    principal: PeopleReader,
    role: Role | None = None,
    institution: DigitsStr | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> list[PersonOut]:
    """Accounts; personal data, so the ``Dargah-Purpose`` header is required and audited."""
    people = service.list_people(
        session,
        principal=principal,
        purpose=purpose_of(request),
        role=role,
        institution=institution,
        limit=limit,
        offset=offset,
    )
    return [person_out(person) for person in people]


@router.post("/people", response_model=PersonOut, status_code=status.HTTP_201_CREATED)
def create_person(session: SessionDep, principal: PeopleWriter, body: PersonCreate) -> PersonOut:
    """Create a portal account."""
    return person_out(service.create_person(session, principal=principal, data=body))


@router.patch("/people/{username}", response_model=PersonOut)
def update_person(
    session: SessionDep, principal: PeopleWriter, username: str, body: PersonUpdate
) -> PersonOut:
    """Change an account, deactivate it or reset its password."""
    return person_out(
        service.update_person(session, principal=principal, username=username, data=body)
    )


@router.get("/keys", response_model=list[ApiKeyOut], summary="List API keys")
def list_keys(
    session: SessionDep, principal: KeyManager, system: DigitsStr | None = None
) -> list[ApiKeyOut]:
    """API keys the caller manages (institution staff: their institution's)."""
    return [
        key_out(key) for key in service.list_api_keys(session, principal=principal, system=system)
    ]


@router.post("/keys", response_model=ApiKeyCreated, status_code=status.HTTP_201_CREATED)
def issue_key(session: SessionDep, principal: KeyManager, body: ApiKeyCreate) -> ApiKeyCreated:
    """Issue an API key; the ``key`` field is shown this once and never again."""
    issued = service.issue_api_key(session, principal=principal, data=body)
    return ApiKeyCreated(**key_out(issued.key).model_dump(), key=issued.secret)


@router.delete("/keys/{key_id}", response_model=ApiKeyOut, summary="Revoke an API key")
def revoke_key(session: SessionDep, principal: KeyManager, key_id: IdPath) -> ApiKeyOut:
    """Revoke a key immediately."""
    return key_out(service.revoke_api_key(session, principal=principal, key_id=key_id))
