"""HTTP routes of the members registry: thin wrappers over ``members.service``."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, UploadFile, status

from dargah.access.policy import Permission, Principal
from dargah.api.deps import SessionDep, require
from dargah.members import importer, service
from dargah.members.schemas import (
    HqUnitCreate,
    HqUnitOut,
    ImportReport,
    MemberCreate,
    MemberDetail,
    MemberFilter,
    MemberPage,
    MemberUpdate,
    SystemCreate,
    SystemOut,
    SystemUpdate,
)

router = APIRouter(tags=["members"])

CanRead = Annotated[Principal, require(Permission.MEMBERS_READ)]
CanWrite = Annotated[Principal, require(Permission.MEMBERS_WRITE)]
CanWriteSystems = Annotated[Principal, require(Permission.SYSTEMS_WRITE)]


@router.get("/members", response_model=MemberPage, summary="List and filter members")
def list_members(
    session: SessionDep, _principal: CanRead, filters: Annotated[MemberFilter, Query()]
) -> MemberPage:
    """Members filtered by kind, type, province (code or name), status, parent or text."""
    rows, total = service.list_members(session, filters)
    return MemberPage(
        items=[service.to_out(member) for member in rows],
        total=total,
        limit=filters.limit,
        offset=filters.offset,
    )


@router.post(
    "/members",
    response_model=MemberDetail,
    status_code=status.HTTP_201_CREATED,
    summary="Register a member",
)
def create_member(session: SessionDep, principal: CanWrite, data: MemberCreate) -> MemberDetail:
    """Register an institution, agency or the ministry itself."""
    member = service.create_member(session, principal=principal, data=data)
    return service.to_detail(session, member)


@router.post(
    "/members/import", response_model=ImportReport, summary="Import institutions from CSV/XLSX"
)
def import_members(
    session: SessionDep,
    principal: CanWrite,
    file: UploadFile,
    policy: Literal["all_or_nothing", "accept_valid"] = "all_or_nothing",
    dry_run: bool = False,
) -> ImportReport:
    """Create or update institutions from a file; every row gets an outcome."""
    data = file.file.read(importer.MAX_IMPORT_BYTES + 1)
    rows = importer.read_table(data, file.filename or "upload.csv")
    return importer.import_institutions(
        session,
        principal=principal,
        rows=rows,
        policy=policy,
        dry_run=dry_run,
        source=file.filename or "upload",
    )


@router.get("/members/{identifier:path}/systems", response_model=list[SystemOut])
def list_systems(session: SessionDep, _principal: CanRead, identifier: str) -> list[SystemOut]:
    """The systems registered under a member."""
    member = service.get_member(session, identifier)
    return [SystemOut.model_validate(system) for system in member.systems]


@router.post(
    "/members/{identifier:path}/systems",
    response_model=SystemOut,
    status_code=status.HTTP_201_CREATED,
)
def create_system(
    session: SessionDep, principal: CanWriteSystems, identifier: str, data: SystemCreate
) -> SystemOut:
    """Register a system (subsystem) under a member."""
    system = service.create_system(
        session, principal=principal, member_identifier=identifier, data=data
    )
    return SystemOut.model_validate(system)


@router.get("/members/{identifier:path}", response_model=MemberDetail, summary="Show a member")
def show_member(session: SessionDep, _principal: CanRead, identifier: str) -> MemberDetail:
    """One member with its systems and branches, by identifier (``IR/UNI/1001``)."""
    return service.to_detail(session, service.get_member(session, identifier))


@router.patch("/members/{identifier:path}", response_model=MemberDetail)
def update_member(
    session: SessionDep, principal: CanWrite, identifier: str, data: MemberUpdate
) -> MemberDetail:
    """Change a member's details; codes and identifiers never change."""
    member = service.update_member(session, principal=principal, identifier=identifier, data=data)
    return service.to_detail(session, member)


@router.patch("/systems/{identifier:path}", response_model=SystemOut)
def update_system(
    session: SessionDep, principal: CanWriteSystems, identifier: str, data: SystemUpdate
) -> SystemOut:
    """Change a system's details or status."""
    system = service.update_system(session, principal=principal, identifier=identifier, data=data)
    return SystemOut.model_validate(system)


@router.get("/hq-units", response_model=list[HqUnitOut], summary="List the ministry's HQ units")
def list_hq_units(session: SessionDep, _principal: CanRead) -> list[HqUnitOut]:
    """The ministry's headquarters units."""
    return [HqUnitOut.model_validate(unit) for unit in service.list_hq_units(session)]


@router.post("/hq-units", response_model=HqUnitOut, status_code=status.HTTP_201_CREATED)
def create_hq_unit(session: SessionDep, principal: CanWrite, data: HqUnitCreate) -> HqUnitOut:
    """Register an HQ unit of the ministry."""
    return HqUnitOut.model_validate(service.create_hq_unit(session, principal=principal, data=data))
