"""Seed the demo ministry into an empty database, through the domain services.

Nothing is inserted directly: every member, system, HQ unit, account and key goes
through the same service a person or the CLI would call, so the demo exercises the
validation and leaves the same audit trail a real registration would. The result is
deterministic (fixed catalogues plus ``random.Random(DEMO_SEED)``) except for the API
key secrets, which are fresh on every seed and returned in ``DemoCredentials``.
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dargah.access.policy import Principal, Role, cli_principal
from dargah.catalogue import service as catalogue
from dargah.catalogue.builtin import builtin_code_lists, builtin_datasets
from dargah.db.session import Database
from dargah.demo.institutions import INSTITUTIONS
from dargah.demo.ministry import (
    AGENCIES,
    MINISTRY_CODE,
    MINISTRY_NAME_EN,
    MINISTRY_NAME_FA,
    MINISTRY_SYSTEMS,
    MINISTRY_WEBSITE,
    SystemSpec,
)
from dargah.demo.people import DEMO_PASSWORD, KEYS, PEOPLE
from dargah.demo.systems import systems_for
from dargah.errors import Conflict
from dargah.identity import service as identity
from dargah.identity.schemas import ApiKeyCreate, PersonCreate
from dargah.members import service as members
from dargah.members.models import Member, MemberClass, MemberKind
from dargah.members.schemas import MemberCreate, SystemCreate

DEMO_SEED = 1403
"""Seed of the random generator behind the generated variation (the Jalali year)."""

ACTOR = "demo-seed"


@dataclass(frozen=True)
class DemoPerson:
    """A demo portal login; ``binding`` is the institution identifier or HQ unit code."""

    username: str
    full_name: str
    role: str
    password: str
    binding: str | None


@dataclass(frozen=True)
class DemoKey:
    """A demo API key: shown in full only here, stored hashed in the database."""

    system: str
    name: str
    role: str
    secret: str
    binding: str | None


@dataclass(frozen=True)
class DemoCredentials:
    """What a visitor needs to try the demo: portal logins and API keys."""

    people: tuple[DemoPerson, ...]
    keys: tuple[DemoKey, ...]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form, for the credentials file."""
        return {
            "people": [asdict(person) for person in self.people],
            "keys": [asdict(key) for key in self.keys],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DemoCredentials:
        """Read back what ``to_dict`` wrote."""
        return cls(
            people=tuple(DemoPerson(**person) for person in data.get("people", [])),
            keys=tuple(DemoKey(**key) for key in data.get("keys", [])),
        )

    def key_of_role(self, role: Role) -> DemoKey | None:
        """The first demo key acting with ``role``, if any."""
        return next((key for key in self.keys if key.role == role.value), None)


def already_seeded_error() -> Conflict:
    """The error for a database that already holds members."""
    return Conflict(
        "پایگاه داده از پیش عضو دارد؛ دادهٔ نمایشی فقط روی پایگاه دادهٔ خالی ساخته می‌شود.",
        "The database already has members; demo data is only seeded into an empty database.",
        code="demo_already_seeded",
    )


def seed_demo(database: Database) -> DemoCredentials:
    """Fill an empty, migrated database with the demo ministry and return its logins.

    Raises ``Conflict`` (``demo_already_seeded``) when any member exists, so the demo
    never lands on top of real data or on itself.
    """
    principal = cli_principal(ACTOR)
    with database.session() as session:
        with session.begin():
            # Inside its own transaction: the services below each open theirs.
            if session.scalar(select(Member.id).limit(1)) is not None:
                raise already_seeded_error()
        _seed_ministry(session, principal)
        _seed_agencies(session, principal)
        _seed_institutions(session, principal, random.Random(DEMO_SEED))
        people = _seed_people(session, principal)
        keys = _seed_keys(session, principal)
        # The catalogue a real node starts with: the shipped code lists and data sets.
        catalogue.sync_builtin(
            session,
            principal=principal,
            code_list_documents=builtin_code_lists(),
            dataset_documents=builtin_datasets(),
        )
    return DemoCredentials(people=people, keys=keys)


def _add_systems(
    session: Session, principal: Principal, member: str, systems: tuple[SystemSpec, ...]
) -> None:
    for system in systems:
        members.create_system(
            session,
            principal=principal,
            member_identifier=member,
            data=SystemCreate(
                code=system.code,
                name_fa=system.name_fa,
                name_en=system.name_en,
                description=system.description,
                is_producer=system.is_producer,
                is_consumer=system.is_consumer,
            ),
        )


def _seed_ministry(session: Session, principal: Principal) -> None:
    ministry = members.create_member(
        session,
        principal=principal,
        data=MemberCreate(
            kind=MemberKind.MINISTRY,
            code=MINISTRY_CODE,
            name_fa=MINISTRY_NAME_FA,
            name_en=MINISTRY_NAME_EN,
            province="23",
            city="تهران",
            website=MINISTRY_WEBSITE,
        ),
    )
    _add_systems(session, principal, ministry.identifier, MINISTRY_SYSTEMS)
    members.ensure_standard_hq_units(session, principal=principal)


def _seed_agencies(session: Session, principal: Principal) -> None:
    for agency in AGENCIES:
        member = members.create_member(
            session,
            principal=principal,
            data=MemberCreate(
                kind=MemberKind.AGENCY,
                code=agency.code,
                name_fa=agency.name_fa,
                name_en=agency.name_en,
                agency_role=agency.role,
                province="23",
                city="تهران",
                website=agency.website,
            ),
        )
        _add_systems(session, principal, member.identifier, agency.systems)


def _seed_institutions(session: Session, principal: Principal, rng: random.Random) -> None:
    # The catalogue lists parents before their branches, so one pass resolves them all.
    for spec in INSTITUTIONS:
        member = members.create_member(
            session,
            principal=principal,
            data=MemberCreate(
                kind=MemberKind.INSTITUTION,
                code=spec.code,
                name_fa=spec.name_fa,
                name_en=spec.name_en,
                institution_type=spec.type,
                province=spec.province,
                city=spec.city,
                parent=(
                    members.member_identifier(MemberClass.UNI, spec.parent) if spec.parent else None
                ),
                website=spec.website,
            ),
        )
        _add_systems(session, principal, member.identifier, systems_for(spec, rng))


def _seed_people(session: Session, principal: Principal) -> tuple[DemoPerson, ...]:
    people = []
    for spec in PEOPLE:
        identity.create_person(
            session,
            principal=principal,
            data=PersonCreate(
                username=spec.username,
                full_name=spec.full_name,
                role=spec.role,
                password=DEMO_PASSWORD,
                email=spec.email,
                institution=spec.institution,
                hq_unit=spec.hq_unit,
            ),
        )
        people.append(
            DemoPerson(
                username=spec.username,
                full_name=spec.full_name,
                role=spec.role.value,
                password=DEMO_PASSWORD,
                binding=spec.institution or spec.hq_unit,
            )
        )
    return tuple(people)


def _seed_keys(session: Session, principal: Principal) -> tuple[DemoKey, ...]:
    keys = []
    for spec in KEYS:
        issued = identity.issue_api_key(
            session,
            principal=principal,
            data=ApiKeyCreate(
                system=spec.system, name=spec.name, role=spec.role, hq_unit=spec.hq_unit
            ),
        )
        # Institution and agency keys act for their member; HQ keys for their unit.
        member = issued.key.system.member.identifier
        binding = spec.hq_unit or (member if spec.role is None else None)
        keys.append(
            DemoKey(
                system=spec.system,
                name=spec.name,
                role=issued.key.role,
                secret=issued.secret,
                binding=binding,
            )
        )
    return tuple(keys)
