"""Operations on the members registry. Each public write owns its transaction and audit."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from dargah.access.policy import Permission, Principal, authorize
from dargah.audit import service as audit
from dargah.audit.events import AuditAction
from dargah.db.session import atomic
from dargah.errors import Conflict, InvalidInput, not_found
from dargah.members.hq_units import STANDARD_HQ_UNITS
from dargah.members.models import (
    INSTITUTION_TYPE_LABELS,
    MEMBER_STATUS_LABELS,
    HqUnit,
    InstitutionType,
    Member,
    MemberClass,
    MemberKind,
    MemberStatus,
    System,
)
from dargah.members.provinces import PROVINCES_BY_CODE
from dargah.members.schemas import (
    HqUnitCreate,
    MemberCreate,
    MemberDetail,
    MemberFilter,
    MemberOut,
    MemberUpdate,
    ParentRef,
    SystemCreate,
    SystemOut,
    SystemUpdate,
)
from dargah.persian import match_key
from dargah.persian.collation import sort_key

INSTANCE = "IR"


def member_identifier(member_class: MemberClass, code: str) -> str:
    """The X-Road style identifier of a member: ``IR/UNI/1001``."""
    return f"{INSTANCE}/{member_class.value}/{code}"


def class_of(kind: MemberKind) -> MemberClass:
    """Institutions are of class UNI; the ministry and agencies of class GOV."""
    return MemberClass.UNI if kind is MemberKind.INSTITUTION else MemberClass.GOV


def search_key_of(*names: str | None) -> str:
    """The key a member is searched by: its names and code, letter-variant insensitive."""
    return " ".join(match_key(name) for name in names if name)


# -- reading -----------------------------------------------------------------------


def get_member(session: Session, identifier: str) -> Member:
    """The member with ``identifier`` or a not-found error."""
    member = session.scalar(select(Member).where(Member.identifier == identifier))
    if member is None:
        raise not_found("عضو", "Member", identifier)
    return member


def get_member_by_id(session: Session, member_id: int) -> Member:
    """The member with database id ``member_id``."""
    member = session.get(Member, member_id)
    if member is None:
        raise not_found("عضو", "Member", member_id)
    return member


def list_members(
    session: Session, filters: MemberFilter, *, language: str = "fa"
) -> tuple[Sequence[Member], int]:
    """Members matching ``filters`` in the order it names (code order by default), and
    how many match in all; names and labels are compared in ``language``."""
    query = select(Member)
    if filters.q:
        for word in filters.q.split():
            key = match_key(word)
            if key:
                query = query.where(
                    or_(Member.search_key.contains(key, autoescape=True), Member.code == word)
                )
    if filters.kind is not None:
        query = query.where(Member.kind == filters.kind.value)
    if filters.institution_type is not None:
        query = query.where(Member.institution_type == filters.institution_type.value)
    if filters.province is not None:
        query = query.where(Member.province_code == filters.province)
    if filters.status is not None:
        query = query.where(Member.status == filters.status.value)
    if filters.parent is not None:
        parent = get_member(session, filters.parent)
        query = query.where(Member.parent_id == parent.id)
    if filters.top_level is True:
        query = query.where(Member.parent_id.is_(None))
    elif filters.top_level is False:
        query = query.where(Member.parent_id.is_not(None))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    order = filters.sort.removeprefix("-")
    descending = filters.sort.startswith("-")
    if order == "code":
        columns = (
            (Member.kind.desc(), Member.code.desc()) if descending else (Member.kind, Member.code)
        )
        rows = session.scalars(
            query.order_by(*columns).limit(filters.limit).offset(filters.offset)
        ).all()
        return rows, total
    # Names and labels sort in Persian alphabetical order (or English, for ``language``),
    # which no database collation here gives; the registry holds thousands of members,
    # not millions, so the matching ones are ordered in Python and the page cut from them.
    ordered = sorted(
        session.scalars(query.order_by(Member.code)).all(),
        key=_member_sort_key(order, language),
    )
    if descending:
        ordered.reverse()
    return ordered[filters.offset : filters.offset + filters.limit], total


def _member_sort_key(order: str, language: str) -> Callable[[Member], tuple[Any, ...]]:
    """The sort key of a member list ordered by ``order``, labels in ``language``."""
    english = language == "en"

    def text_key(text: str | None) -> tuple[Any, ...]:
        # Members without the value (an agency's province) go last, whatever the order.
        return (text is None, sort_key(text or ""))

    def name(member: Member) -> str:
        return (member.name_en or member.name_fa) if english else member.name_fa

    def province(member: Member) -> str | None:
        found = PROVINCES_BY_CODE.get(member.province_code or "")
        if found is None:
            return None
        return found.name_en if english else found.name_fa

    def institution_type(member: Member) -> str | None:
        if not member.institution_type:
            return None
        fa, en = INSTITUTION_TYPE_LABELS[InstitutionType(member.institution_type)]
        return en if english else fa

    def status(member: Member) -> str:
        fa, en = MEMBER_STATUS_LABELS[MemberStatus(member.status)]
        return en if english else fa

    value: Callable[[Member], str | None] = {
        "name": name,
        "province": province,
        "institution_type": institution_type,
        "status": status,
    }[order]
    return lambda member: (*text_key(value(member)), sort_key(name(member)))


def branches_of(session: Session, member: Member) -> Sequence[Member]:
    """The branches and campuses directly under ``member``."""
    return session.scalars(
        select(Member).where(Member.parent_id == member.id).order_by(Member.code)
    ).all()


def to_out(member: Member) -> MemberOut:
    """The API view of a member, with labels resolved."""
    province = PROVINCES_BY_CODE.get(member.province_code or "")
    type_label = (
        INSTITUTION_TYPE_LABELS[InstitutionType(member.institution_type)][0]
        if member.institution_type
        else None
    )
    parent = (
        ParentRef(identifier=member.parent.identifier, name_fa=member.parent.name_fa)
        if member.parent is not None
        else None
    )
    return MemberOut(
        identifier=member.identifier,
        member_class=member.member_class,
        code=member.code,
        kind=member.kind,
        name_fa=member.name_fa,
        name_en=member.name_en,
        status=member.status,
        institution_type=member.institution_type,
        institution_type_fa=type_label,
        province_code=member.province_code,
        province_fa=province.name_fa if province else None,
        province_en=province.name_en if province else None,
        city=member.city,
        parent=parent,
        agency_role=member.agency_role,
        website=member.website,
        created_at=member.created_at,
        updated_at=member.updated_at,
    )


def to_detail(session: Session, member: Member) -> MemberDetail:
    """The API view of a member with its systems and branches."""
    return MemberDetail(
        **to_out(member).model_dump(),
        systems=[SystemOut.model_validate(system) for system in member.systems],
        branches=[
            ParentRef(identifier=branch.identifier, name_fa=branch.name_fa)
            for branch in branches_of(session, member)
        ],
    )


# -- writing -----------------------------------------------------------------------


def _check_kind_fields(
    kind: MemberKind,
    institution_type: str | None,
    province_code: str | None,
    agency_role: str | None,
) -> None:
    errors: list[dict[str, Any]] = []
    if kind is MemberKind.INSTITUTION:
        if institution_type is None:
            errors.append(_field_error("institution_type", "نوع موسسه لازم است.", "required"))
        if province_code is None:
            errors.append(_field_error("province", "استان لازم است.", "required"))
    elif agency_role is None and kind is MemberKind.AGENCY:
        errors.append(_field_error("agency_role", "نقش دستگاه لازم است.", "required"))
    if errors:
        raise InvalidInput(
            "اطلاعات عضو کامل نیست.",
            "The member's details are incomplete.",
            code="member_incomplete",
            errors=errors,
        )


def _field_error(field: str, message_fa: str, message_en: str) -> dict[str, Any]:
    return {"field": field, "code": "required", "message_fa": message_fa, "message_en": message_en}


def _resolve_parent(
    session: Session, identifier: str | None, *, child: Member | None
) -> int | None:
    if identifier is None or not identifier.strip():
        return None
    parent = session.scalar(select(Member).where(Member.identifier == identifier.strip()))
    if parent is None or parent.kind != MemberKind.INSTITUTION.value:
        raise InvalidInput(
            f"موسسهٔ مادر «{identifier}» پیدا نشد.",
            f"Parent institution '{identifier}' was not found.",
            code="parent_not_found",
        )
    # Walk up from the parent: a member may not become its own ancestor.
    ancestor: Member | None = parent
    while child is not None and ancestor is not None:
        if ancestor.id == child.id:
            raise InvalidInput(
                "یک موسسه نمی‌تواند زیرمجموعهٔ خودش باشد.",
                "An institution cannot be placed under itself.",
                code="parent_cycle",
            )
        ancestor = ancestor.parent
    return parent.id


def _apply_create(session: Session, data: MemberCreate) -> Member:
    member_class = class_of(data.kind)
    identifier = member_identifier(member_class, data.code)
    if session.scalar(select(Member.id).where(Member.identifier == identifier)) is not None:
        raise Conflict(
            f"عضوی با شناسهٔ «{identifier}» از پیش ثبت شده است.",
            f"A member with identifier '{identifier}' already exists.",
            code="member_exists",
            details={"identifier": identifier},
        )
    institution_type = data.institution_type.value if data.institution_type else None
    agency_role = data.agency_role.value if data.agency_role else None
    _check_kind_fields(data.kind, institution_type, data.province, agency_role)
    member = Member(
        identifier=identifier,
        member_class=member_class.value,
        code=data.code,
        kind=data.kind.value,
        name_fa=data.name_fa,
        name_en=data.name_en,
        search_key=search_key_of(data.name_fa, data.name_en, data.code),
        status=data.status.value,
        institution_type=institution_type,
        province_code=data.province,
        city=data.city,
        parent_id=_resolve_parent(session, data.parent, child=None),
        agency_role=agency_role,
        website=data.website,
        notes=data.notes,
    )
    session.add(member)
    session.flush()
    return member


def create_member(session: Session, *, principal: Principal, data: MemberCreate) -> Member:
    """Register a member; audited as ``member.created``."""
    authorize(principal, Permission.MEMBERS_WRITE)
    with atomic(session):
        member = _apply_create(session, data)
        audit.record(
            session,
            principal=principal,
            action=AuditAction.MEMBER_CREATED,
            entity_type="member",
            entity_id=member.identifier,
            details={"kind": member.kind, "name_fa": member.name_fa},
        )
    return member


def _apply_update(session: Session, member: Member, data: MemberUpdate) -> dict[str, Any]:
    changes = data.model_dump(exclude_unset=True)
    before: dict[str, Any] = {}
    if "parent" in changes:
        parent_id = _resolve_parent(session, changes.pop("parent"), child=member)
        if parent_id != member.parent_id:
            before["parent_id"] = member.parent_id
            member.parent_id = parent_id
    if "province" in changes:
        changes["province_code"] = changes.pop("province")
    for field, value in changes.items():
        stored = value.value if hasattr(value, "value") else value
        if getattr(member, field) != stored:
            before[field] = getattr(member, field)
            setattr(member, field, stored)
    _check_kind_fields(
        MemberKind(member.kind), member.institution_type, member.province_code, member.agency_role
    )
    member.search_key = search_key_of(member.name_fa, member.name_en, member.code)
    session.flush()
    return before


def update_member(
    session: Session, *, principal: Principal, identifier: str, data: MemberUpdate
) -> Member:
    """Change a member's details; audited with the previous values."""
    authorize(principal, Permission.MEMBERS_WRITE)
    with atomic(session):
        member = get_member(session, identifier)
        before = _apply_update(session, member, data)
        if before:
            audit.record(
                session,
                principal=principal,
                action=AuditAction.MEMBER_UPDATED,
                entity_type="member",
                entity_id=member.identifier,
                details={"before": {k: _jsonable(v) for k, v in before.items()}},
            )
    return member


def _jsonable(value: object) -> object:
    return value if value is None or isinstance(value, str | int | float | bool) else str(value)


# -- HQ units ----------------------------------------------------------------------


def list_hq_units(session: Session) -> Sequence[HqUnit]:
    """All HQ units of the ministry."""
    return session.scalars(select(HqUnit).order_by(HqUnit.code)).all()


def get_hq_unit(session: Session, code: str) -> HqUnit:
    """The HQ unit with ``code``."""
    unit = session.scalar(select(HqUnit).where(HqUnit.code == code))
    if unit is None:
        raise not_found("حوزه ستادی", "HQ unit", code)
    return unit


def create_hq_unit(session: Session, *, principal: Principal, data: HqUnitCreate) -> HqUnit:
    """Register an HQ unit of the ministry."""
    authorize(principal, Permission.MEMBERS_WRITE)
    with atomic(session):
        if session.scalar(select(HqUnit.id).where(HqUnit.code == data.code)) is not None:
            raise Conflict(
                f"حوزهٔ ستادی «{data.code}» از پیش ثبت شده است.",
                f"HQ unit '{data.code}' already exists.",
                code="hq_unit_exists",
            )
        unit = HqUnit(code=data.code, name_fa=data.name_fa, name_en=data.name_en)
        session.add(unit)
        session.flush()
        audit.record(
            session,
            principal=principal,
            action=AuditAction.HQ_UNIT_CREATED,
            entity_type="hq_unit",
            entity_id=unit.code,
        )
    return unit


# -- systems -----------------------------------------------------------------------


def get_system(session: Session, identifier: str) -> System:
    """The system with ``identifier`` (``IR/UNI/1001/golestan``)."""
    system = session.scalar(select(System).where(System.identifier == identifier))
    if system is None:
        raise not_found("سامانه", "System", identifier)
    return system


def create_system(
    session: Session, *, principal: Principal, member_identifier: str, data: SystemCreate
) -> System:
    """Register a system (subsystem) under a member."""
    authorize(principal, Permission.SYSTEMS_WRITE)
    with atomic(session):
        member = get_member(session, member_identifier)
        identifier = f"{member.identifier}/{data.code}"
        if session.scalar(select(System.id).where(System.identifier == identifier)) is not None:
            raise Conflict(
                f"سامانهٔ «{identifier}» از پیش ثبت شده است.",
                f"System '{identifier}' already exists.",
                code="system_exists",
            )
        system = System(
            member=member,
            code=data.code,
            identifier=identifier,
            name_fa=data.name_fa,
            name_en=data.name_en,
            description=data.description,
            is_producer=data.is_producer,
            is_consumer=data.is_consumer,
        )
        session.add(system)
        session.flush()
        audit.record(
            session,
            principal=principal,
            action=AuditAction.SYSTEM_CREATED,
            entity_type="system",
            entity_id=identifier,
        )
    return system


def update_system(
    session: Session, *, principal: Principal, identifier: str, data: SystemUpdate
) -> System:
    """Change a system's details."""
    authorize(principal, Permission.SYSTEMS_WRITE)
    with atomic(session):
        system = get_system(session, identifier)
        before: dict[str, Any] = {}
        for field, value in data.model_dump(exclude_unset=True).items():
            stored = value.value if hasattr(value, "value") else value
            if getattr(system, field) != stored:
                before[field] = _jsonable(getattr(system, field))
                setattr(system, field, stored)
        if before:
            audit.record(
                session,
                principal=principal,
                action=AuditAction.SYSTEM_UPDATED,
                entity_type="system",
                entity_id=identifier,
                details={"before": before},
            )
    return system


def ensure_standard_hq_units(session: Session, *, principal: Principal) -> list[HqUnit]:
    """Create whichever of the ministry's standard HQ units are missing; return all."""
    existing = {unit.code for unit in list_hq_units(session)}
    for unit in STANDARD_HQ_UNITS:
        if unit.code not in existing:
            create_hq_unit(session, principal=principal, data=unit)
    return list(list_hq_units(session))
