"""The home page: each role lands on what it must do.

An institution sees the data sets it sends (the last period loaded, the last attempt)
and its latest submissions with their findings; HQ staff their grants, the requests
they decide or wait for, and their recent queries; an operator what waits (catalogue
drafts and approvals, grant requests, refused submissions, institutions without a
key); an administrator the people and keys summary; an auditor the audit log and its
last verification. Everyone keeps the members' counts below (``queries.member_counts``).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from dargah.access.policy import ROLE_LABELS, Permission
from dargah.api.deps import SessionDep
from dargah.catalogue import service as catalogue
from dargah.db.session import atomic
from dargah.members.models import INSTITUTION_TYPE_LABELS
from dargah.submissions.models import SUBMISSION_STATUS_LABELS
from dargah.web import dashboard, queries
from dargah.web.deps import PortalUser, require_page
from dargah.web.routes import audit
from dargah.web.templating import language_of, render

router = APIRouter(include_in_schema=False)


@router.get("/")
def home(
    request: Request,
    session: SessionDep,
    user: Annotated[PortalUser, require_page(Permission.MEMBERS_READ)],
) -> Response:
    """The role's own dashboard above the members' counts."""
    principal = user.principal
    kind = dashboard.sees_home_of(principal)
    context: dict[str, Any] = {"home": kind}
    with atomic(session):
        if kind == "institution":
            context["mine"] = dashboard.institution_home(session, principal)
        elif kind == "hq":
            context["hq"] = dashboard.hq_home(session, principal)
        elif kind == "operator":
            context["ops"] = dashboard.operator_home(session)
        elif kind == "admin":
            context["admin"] = dashboard.admin_home(session)
            context["ops"] = dashboard.operator_home(session)
        counts = queries.member_counts(session)
        datasets = {item.slug: item for item in catalogue.list_datasets(session)}
    if kind == "auditor":
        context["auditor"] = dashboard.auditor_home(session, principal)
        context.update(audit.labels_context(language_of(request)))
    context.update(
        {
            "counts": counts,
            "datasets": datasets,
            "type_labels": INSTITUTION_TYPE_LABELS,
            "status_labels": SUBMISSION_STATUS_LABELS,
            "role_labels": ROLE_LABELS,
            "max_type": max((count for _, count in counts.by_type), default=0),
            "max_province": max((count for _, count in counts.by_province), default=0),
            "can_write": user.can(Permission.MEMBERS_WRITE),
        }
    )
    return render(request, "home.html", context)
