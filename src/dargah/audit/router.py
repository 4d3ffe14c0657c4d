"""HTTP routes of the audit log: thin wrappers over ``audit.service``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from dargah.access.policy import Permission, Principal
from dargah.api.deps import SessionDep, purpose_of, require
from dargah.audit import service
from dargah.audit.schemas import ChainReportOut, EntryOut, EntryPageOut, EntrySearchQuery

router = APIRouter(prefix="/audit", tags=["audit"])

CanReadAudit = Annotated[Principal, require(Permission.AUDIT_READ)]

# Reading the audit log is itself audited; a purpose is welcome but not demanded.
_DEFAULT_PURPOSE = "audit review"


@router.get("/entries", response_model=EntryPageOut, summary="Search the audit log")
def search_entries(
    request: Request,
    session: SessionDep,
    principal: CanReadAudit,
    query: Annotated[EntrySearchQuery, Query()],
) -> EntryPageOut:
    """Entries matching the filters, newest first; follow ``next_cursor`` for more."""
    filters = service.entry_filter(
        actions=query.action,
        actor=query.actor,
        member=query.member,
        entity_type=query.entity_type,
        entity_id=query.entity_id,
        request_id=query.request_id,
        personal_data=query.personal_data,
        since=query.since,
        until=query.until,
    )
    page = service.search_entries(
        session,
        principal=principal,
        filters=filters,
        limit=query.limit,
        cursor=query.cursor,
        purpose=purpose_of(request, default=_DEFAULT_PURPOSE),
    )
    return EntryPageOut.of(page)


@router.get("/entries/{seq}", response_model=EntryOut, summary="Show one audit entry")
def show_entry(
    request: Request, session: SessionDep, principal: CanReadAudit, seq: int
) -> EntryOut:
    """One entry by its sequence number."""
    entry = service.get_entry(
        session,
        principal=principal,
        seq=seq,
        purpose=purpose_of(request, default=_DEFAULT_PURPOSE),
    )
    return EntryOut.of(entry)


@router.post("/verify", response_model=ChainReportOut, summary="Verify the audit chain")
def verify(session: SessionDep, principal: CanReadAudit) -> ChainReportOut:
    """Recompute every hash and report the first problem; recorded as ``audit.verified``."""
    return ChainReportOut.of(service.verify_audit_log(session, principal=principal))
