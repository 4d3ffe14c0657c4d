"""HTTP routes of grants and grant requests: thin wrappers over ``access.grants``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from dargah.access import grants
from dargah.access.models import GrantRequestStatus
from dargah.access.policy import Permission, Principal
from dargah.access.schemas import (
    GrantCreate,
    GrantOut,
    GrantRequestApprove,
    GrantRequestCreate,
    GrantRequestOut,
    GrantRequestRefuse,
    GrantRevoke,
    grant_out,
    request_out,
)
from dargah.api.deps import IdPath, SessionDep, require
from dargah.db.base import utcnow
from dargah.persian.inputs import DigitsStr

router = APIRouter(tags=["grants"])

CanRead = Annotated[Principal, require(Permission.GRANTS_READ)]
CanManage = Annotated[Principal, require(Permission.GRANTS_MANAGE)]
CanRequest = Annotated[Principal, require(Permission.GRANTS_REQUEST)]


@router.get("/grants", response_model=list[GrantOut], summary="Grants the caller may see")
def list_grants(
    session: SessionDep,
    principal: CanRead,
    dataset: Annotated[DigitsStr | None, Query(max_length=63)] = None,
    active: bool = False,
) -> list[GrantOut]:
    """Grants the caller holds or gives (all of them for operators and auditors)."""
    now = utcnow()
    items = grants.list_grants(session, principal=principal, dataset=dataset, active_only=active)
    return [grant_out(item, now=now) for item in items]


@router.post(
    "/grants",
    response_model=GrantOut,
    status_code=status.HTTP_201_CREATED,
    summary="Give a consumer access to a data set",
)
def create_grant(session: SessionDep, principal: CanManage, data: GrantCreate) -> GrantOut:
    """The owning HQ unit (or an administrator) grants an HQ unit or agency access."""
    grant = grants.create_grant(session, principal=principal, data=data)
    return grant_out(grant, now=utcnow())


@router.get("/grants/{grant_id}", response_model=GrantOut, summary="One grant")
def get_grant(session: SessionDep, principal: CanRead, grant_id: IdPath) -> GrantOut:
    """A grant the caller holds, gives, or may see by role."""
    grant = grants.get_grant(session, principal=principal, grant_id=grant_id)
    return grant_out(grant, now=utcnow())


@router.post("/grants/{grant_id}/revoke", response_model=GrantOut, summary="Revoke a grant")
def revoke_grant(
    session: SessionDep, principal: CanManage, grant_id: IdPath, data: GrantRevoke
) -> GrantOut:
    """End a grant now, with the reason."""
    grant = grants.revoke_grant(session, principal=principal, grant_id=grant_id, reason=data.reason)
    return grant_out(grant, now=utcnow())


@router.get("/grant-requests", response_model=list[GrantRequestOut], summary="Requests for grants")
def list_requests(
    session: SessionDep,
    principal: CanRead,
    dataset: Annotated[DigitsStr | None, Query(max_length=63)] = None,
    status: GrantRequestStatus | None = None,
) -> list[GrantRequestOut]:
    """Requests the caller made or may decide."""
    items = grants.list_requests(
        session,
        principal=principal,
        dataset=dataset,
        status=status.value if status is not None else None,
    )
    return [request_out(item) for item in items]


@router.post(
    "/grant-requests",
    response_model=GrantRequestOut,
    status_code=201,
    summary="Ask a data set's owner for access",
)
def request_grant(
    session: SessionDep, principal: CanRequest, data: GrantRequestCreate
) -> GrantRequestOut:
    """An HQ unit or agency asks for a grant, stating purpose and legal basis."""
    return request_out(grants.request_grant(session, principal=principal, data=data))


@router.post(
    "/grant-requests/{request_id}/approve",
    response_model=GrantOut,
    summary="Approve a request (a grant is made)",
)
def approve_request(
    session: SessionDep, principal: CanManage, request_id: IdPath, data: GrantRequestApprove
) -> GrantOut:
    """The owner approves; the grant takes the request's terms (expiry may be shortened)."""
    grant = grants.approve_request(session, principal=principal, request_id=request_id, data=data)
    return grant_out(grant, now=utcnow())


@router.post(
    "/grant-requests/{request_id}/refuse",
    response_model=GrantRequestOut,
    summary="Refuse a request",
)
def refuse_request(
    session: SessionDep, principal: CanManage, request_id: IdPath, data: GrantRequestRefuse
) -> GrantRequestOut:
    """The owner refuses, saying why."""
    request = grants.refuse_request(
        session, principal=principal, request_id=request_id, reason=data.reason
    )
    return request_out(request)
