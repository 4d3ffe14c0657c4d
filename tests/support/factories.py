"""Factories for the members and identity domains, writing through the services."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from sqlalchemy.orm import Session

from dargah.access.policy import Principal, Role, cli_principal
from dargah.identity import service as identity
from dargah.identity.schemas import ApiKeyCreate, PersonCreate
from dargah.members import service as members
from dargah.members.models import HqUnit, Member, System
from dargah.members.schemas import HqUnitCreate, MemberCreate, SystemCreate

ADMIN = cli_principal("factory")
PASSWORD = "Correct-Horse-Battery-9"
_sequence = itertools.count(1000)


def make_institution(
    session: Session,
    *,
    code: str | None = None,
    name_fa: str | None = None,
    institution_type: str = "state_university",
    province: str = "23",
    parent: str | None = None,
    city: str | None = "تهران",
) -> Member:
    """An institution registered through the members service."""
    number = next(_sequence)
    return members.create_member(
        session,
        principal=ADMIN,
        data=MemberCreate.model_validate(
            {
                "kind": "institution",
                "code": code or str(number),
                "name_fa": name_fa or f"دانشگاه آزمایشی {number}",
                "name_en": f"Test University {number}",
                "institution_type": institution_type,
                "province": province,
                "city": city,
                "parent": parent,
            }
        ),
    )


def make_agency(
    session: Session, *, code: str = "NIX", role: str = "national_exchange_center"
) -> Member:
    """An external agency."""
    return members.create_member(
        session,
        principal=ADMIN,
        data=MemberCreate.model_validate(
            {
                "kind": "agency",
                "code": code,
                "name_fa": "مرکز تبادل اطلاعات ملی",
                "agency_role": role,
            }
        ),
    )


def make_hq_unit(session: Session, *, code: str | None = None) -> HqUnit:
    """An HQ unit of the ministry."""
    code = code or f"unit{next(_sequence)}"
    return members.create_hq_unit(
        session,
        principal=ADMIN,
        data=HqUnitCreate(code=code, name_fa="معاونت آزمایشی", name_en="Test deputy"),
    )


def make_system(session: Session, member: Member, *, code: str = "golestan") -> System:
    """A system of ``member``."""
    return members.create_system(
        session,
        principal=ADMIN,
        member_identifier=member.identifier,
        data=SystemCreate(code=code, name_fa="سامانه گلستان"),
    )


@dataclass(frozen=True)
class Actor:
    """A test caller: its principal and a bearer token to send."""

    principal: Principal
    token: str
    username: str | None = None


def make_person(
    session: Session,
    role: Role,
    *,
    institution: Member | None = None,
    hq_unit: HqUnit | None = None,
    username: str | None = None,
) -> Actor:
    """A person with ``role`` (bound as the role needs) who has logged in."""
    username = username or f"{role.value}{next(_sequence)}"
    if role is Role.INSTITUTION and institution is None:
        institution = make_institution(session)
    if role is Role.AGENCY and institution is None:
        institution = make_agency(session, code=f"AG{next(_sequence)}")
    if role is Role.HQ and hq_unit is None:
        hq_unit = make_hq_unit(session)
    identity.create_person(
        session,
        principal=ADMIN,
        data=PersonCreate(
            username=username,
            full_name="کاربر آزمایشی",
            role=role,
            password=PASSWORD,
            institution=institution.identifier if institution else None,
            hq_unit=hq_unit.code if hq_unit else None,
        ),
    )
    result = identity.login(session, username=username, password=PASSWORD, session_hours=1)
    with session.begin():
        principal, _ = identity.authenticate_cookie(session, result.token)
    return Actor(principal=principal, token=result.token, username=username)


def make_system_key(session: Session, system: System, *, role: Role | None = None) -> Actor:
    """An API key of ``system``; ministry systems need ``role``."""
    issued = identity.issue_api_key(
        session,
        principal=ADMIN,
        data=ApiKeyCreate(system=system.identifier, name="test key", role=role),
    )
    with session.begin():
        principal = identity.authenticate_token(session, issued.secret)
    return Actor(principal=principal, token=issued.secret)
