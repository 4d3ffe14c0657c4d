"""The dashboard: what the gateway holds at a glance."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request
from starlette.responses import Response

from dargah.access.policy import Permission
from dargah.api.deps import SessionDep
from dargah.members.models import INSTITUTION_TYPE_LABELS
from dargah.web import queries
from dargah.web.deps import PortalUser, require_page
from dargah.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/")
def home(
    request: Request,
    session: SessionDep,
    user: Annotated[PortalUser, require_page(Permission.MEMBERS_READ)],
) -> Response:
    """Counts of members by kind, and of institutions by type and by province."""
    counts = queries.member_counts(session)
    return render(
        request,
        "home.html",
        {
            "counts": counts,
            "type_labels": INSTITUTION_TYPE_LABELS,
            "max_type": max((count for _, count in counts.by_type), default=0),
            "max_province": max((count for _, count in counts.by_province), default=0),
            "can_write": user.can(Permission.MEMBERS_WRITE),
        },
    )
