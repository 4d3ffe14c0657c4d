"""The grant pages: asking for access from a data set's page, the owner's decisions on
pending requests, and the lists of grants held and given, with revocation.

Each page needs the permission its API counterpart needs (``access/router.py``); who
may decide or revoke (the data set's owning HQ unit) is checked by ``access.grants``,
whose refusals come back as messages on the page. Every form carries the CSRF token.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session
from starlette.responses import RedirectResponse, Response

from dargah.access import grants
from dargah.access.models import Grant, GrantLevel, GrantRequest, GrantRequestStatus
from dargah.access.policy import Permission, Principal, Role
from dargah.api.deps import IdPath, SessionDep
from dargah.catalogue import service as catalogue
from dargah.catalogue.models import Dataset
from dargah.db.base import utcnow
from dargah.db.session import atomic
from dargah.errors import DargahError
from dargah.members.models import INSTITUTION_TYPE_LABELS
from dargah.members.provinces import PROVINCES
from dargah.web.deps import FormFields, PortalUser, require_form, require_page
from dargah.web.forms import FormErrors
from dargah.web.grant_forms import (
    default_expiry,
    parse_approval,
    parse_reason,
    parse_request,
    request_values,
)
from dargah.web.i18n import Language, sort_key
from dargah.web.labels import (
    actor_label,
    field_titles,
    institution_names,
    institution_type_label,
    people_names,
    province_label,
)
from dargah.web.routes.queries import FormItems
from dargah.web.templating import language_of, render

router = APIRouter(include_in_schema=False)

CanRead = Annotated[PortalUser, require_page(Permission.GRANTS_READ)]
CanRequest = Annotated[PortalUser, require_page(Permission.GRANTS_REQUEST)]
CanPostRequest = Annotated[PortalUser, require_form(Permission.GRANTS_REQUEST)]
CanPostManage = Annotated[PortalUser, require_form(Permission.GRANTS_MANAGE)]

_NOTICES = frozenset({"requested", "approved", "refused", "revoked"})


def _owns(principal: Principal, dataset: Dataset | None) -> bool:
    if dataset is None:
        return False
    return principal.role is Role.ADMIN or (
        principal.role is Role.HQ and principal.hq_unit_id == dataset.owner_id
    )


def _held(session: Session, principal: Principal, item: Grant | GrantRequest) -> bool:
    hq_unit_id, member_id = grants.consumer_of(session, principal)
    return (hq_unit_id is not None and item.consumer_hq_unit_id == hq_unit_id) or (
        member_id is not None and item.consumer_member_id == member_id
    )


def _overview(
    request: Request,
    session: Session,
    user: PortalUser,
    *,
    error: DargahError | None = None,
    status_code: int = 200,
) -> Response:
    principal = user.principal
    with atomic(session):
        datasets = {dataset.slug: dataset for dataset in catalogue.list_datasets(session)}
    all_grants = grants.list_grants(session, principal=principal)
    all_requests = grants.list_requests(session, principal=principal)
    held = [grant for grant in all_grants if _held(session, principal, grant)]
    given = [
        grant
        for grant in all_grants
        if _owns(principal, datasets.get(grant.dataset_slug)) and grant not in held
    ]
    others = [grant for grant in all_grants if grant not in held and grant not in given]
    to_decide = [
        item
        for item in all_requests
        if item.status == GrantRequestStatus.PENDING.value
        and _owns(principal, datasets.get(item.dataset_slug))
    ]
    mine = [item for item in all_requests if _held(session, principal, item)]
    notice = request.query_params.get("notice")
    context = {
        **_labels(session, datasets, [*all_grants, *all_requests], language_of(request)),
        "held": held,
        "given": given,
        "others": others,
        "to_decide": to_decide,
        "mine": mine,
        "datasets": datasets,
        "now": utcnow(),
        "can_manage": user.can(Permission.GRANTS_MANAGE),
        "notice": notice if notice in _NOTICES else None,
        "error": error,
    }
    return render(request, "grants/list.html", context, status_code=status_code)


def _labels(
    session: Session,
    datasets: dict[str, Dataset],
    items: list[Grant | GrantRequest],
    language: Language,
) -> dict[str, Any]:
    """What the grant pages show instead of codes: field titles by data set, the names
    of the institutions in scopes and of the people who asked and decided."""
    titles: dict[str, dict[str, str]] = {}
    with atomic(session):
        for slug, dataset in datasets.items():
            version = catalogue.active_version(dataset)
            if version is not None:
                titles[slug] = field_titles(catalogue.schema_of(version).fields, language)
        ids = {number for item in items for number in item.institution_ids or ()}
        institutions = institution_names(session, ids, language)
        actors = [
            name
            for item in items
            for name in (
                item.created_by,
                getattr(item, "decided_by", None),
                getattr(item, "revoked_by", None),
            )
            if name
        ]
        people = people_names(session, actors)
    return {
        "field_titles": titles,
        "institution_names": institutions,
        "actor": lambda name: actor_label(name, language, people),
        "province": lambda code: province_label(code, language),
        "institution_type": lambda code: institution_type_label(code, language),
    }


@router.get("/grants")
def list_grants(request: Request, session: SessionDep, user: CanRead) -> Response:
    """Grants held and given, requests to decide and requests made."""
    return _overview(request, session, user)


def _done(notice: str) -> Response:
    return RedirectResponse(f"/grants?notice={notice}", status_code=303)


@router.post("/grant-requests/{request_id}/approve")
def approve(
    request: Request,
    session: SessionDep,
    user: CanPostManage,
    fields: FormFields,
    request_id: IdPath,
) -> Response:
    """The owner approves a request: a grant with its terms is made."""
    try:
        grants.approve_request(
            session, principal=user.principal, request_id=request_id, data=parse_approval(fields)
        )
    except DargahError as exc:
        return _overview(request, session, user, error=exc, status_code=exc.status)
    return _done("approved")


@router.post("/grant-requests/{request_id}/refuse")
def refuse(
    request: Request,
    session: SessionDep,
    user: CanPostManage,
    fields: FormFields,
    request_id: IdPath,
) -> Response:
    """The owner refuses a request, saying why."""
    try:
        grants.refuse_request(
            session, principal=user.principal, request_id=request_id, reason=parse_reason(fields)
        )
    except DargahError as exc:
        return _overview(request, session, user, error=exc, status_code=exc.status)
    return _done("refused")


@router.post("/grants/{grant_id}/revoke")
def revoke(
    request: Request,
    session: SessionDep,
    user: CanPostManage,
    fields: FormFields,
    grant_id: IdPath,
) -> Response:
    """The owner ends a grant now."""
    try:
        grants.revoke_grant(
            session, principal=user.principal, grant_id=grant_id, reason=parse_reason(fields)
        )
    except DargahError as exc:
        return _overview(request, session, user, error=exc, status_code=exc.status)
    return _done("revoked")


# -- asking for a grant ----------------------------------------------------------------------


def _request_page(
    request: Request,
    session: Session,
    slug: str,
    values: dict[str, Any],
    *,
    errors: FormErrors | None = None,
) -> Response:
    language: Language = language_of(request)
    pick = 0 if language == "fa" else 1
    with atomic(session):
        dataset = catalogue.get_dataset(session, slug)
        version = catalogue.active_version(dataset)
        fields = catalogue.schema_of(version).fields if version is not None else []
    errors = errors or FormErrors()
    provinces = sorted(
        PROVINCES, key=lambda p: sort_key(p.name_fa if pick == 0 else p.name_en, language)
    )
    context = {
        "dataset": dataset,
        "fields": fields,
        "values": values,
        "errors": errors,
        "levels": [level.value for level in GrantLevel],
        "provinces": [(p.code, p.name_fa if pick == 0 else p.name_en) for p in provinces],
        "institution_types": [
            (kind.value, labels[pick]) for kind, labels in INSTITUTION_TYPE_LABELS.items()
        ],
    }
    failed = bool(errors.fields or errors.general)
    return render(
        request, "grants/request.html", context, status_code=errors.status if failed else 200
    )


@router.get("/datasets/{slug}/grant-request")
def request_form(request: Request, session: SessionDep, user: CanRequest, slug: str) -> Response:
    """The form a consumer asks the data set's owner for access with."""
    del user
    values = request_values([("level", GrantLevel.AGGREGATE.value)])
    values["expires_at"] = default_expiry()
    return _request_page(request, session, slug, values)


@router.post("/datasets/{slug}/grant-request")
def send_request(
    request: Request, session: SessionDep, user: CanPostRequest, items: FormItems, slug: str
) -> Response:
    """Send the request to the owner; the form again with what to fix when refused."""
    language = language_of(request)
    values = request_values(items)
    try:
        data = parse_request(slug, values, language)
        grants.request_grant(session, principal=user.principal, data=data)
    except FormErrors as invalid:
        return _request_page(request, session, slug, values, errors=invalid)
    except DargahError as exc:
        refused = FormErrors(general=[exc.message(language)], status=exc.status)
        return _request_page(request, session, slug, values, errors=refused)
    return _done("requested")
