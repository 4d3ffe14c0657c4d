"""API keys: the list (filtered, sorted, paged), issuing a key, rotating and revoking.

``keys:manage`` like the API (administrators, operators, institution staff); which keys
a person sees and may touch is the service's rule: institution staff only their own
institution's (``identity.service.list_api_keys`` / ``_key_in_scope``), so an
institution never sees another's keys, and a key id of another institution is refused.

A new secret is shown once, on the page that answers the form post (never in a URL,
never stored, ``Cache-Control: no-store`` like every portal page); afterwards only its
public prefix is shown. Every issue, rotation and revocation is recorded by the service.
An expiry is a Jalali day: the key works through the end of that day, Tehran time.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, time, timedelta
from typing import Annotated, Any, Final

from fastapi import APIRouter, Request
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.responses import RedirectResponse, Response

from dargah.access.policy import ROLE_LABELS, Permission, Principal, Role
from dargah.api.deps import IdPath, SessionDep
from dargah.db.base import utcnow
from dargah.db.session import atomic
from dargah.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from dargah.identity import service as identity
from dargah.identity.models import ApiKey
from dargah.identity.schemas import ApiKeyCreate
from dargah.members import service as members
from dargah.members.models import MemberKind, System
from dargah.persian import TEHRAN, parse_jalali_date
from dargah.persian.errors import InvalidJalaliDate
from dargah.web import forms
from dargah.web.deps import FormFields, PortalUser, require_form, require_page
from dargah.web.i18n import display_name, translate
from dargah.web.listing import ListQuery
from dargah.web.routes.people import domain_errors
from dargah.web.templating import language_of, render

router = APIRouter(include_in_schema=False)

CanManage = Annotated[PortalUser, require_page(Permission.KEYS_MANAGE)]
CanPostManage = Annotated[PortalUser, require_form(Permission.KEYS_MANAGE)]
KeyId = IdPath

FORM_FIELDS: Final = ("system", "name", "expires", "role", "hq_unit")
# Roles a key of a ministry system may act under (the service's ``_key_role``).
MINISTRY_KEY_ROLES: Final = (Role.OPERATOR, Role.HQ, Role.AUDITOR)
_STATES: Final = ("live", "expired", "revoked")


def key_state(key: ApiKey, now: datetime) -> str:
    """``live``, ``expired`` or ``revoked``."""
    if key.revoked_at is not None:
        return "revoked"
    if key.expires_at is not None and key.expires_at <= now:
        return "expired"
    return "live"


def _stamp(moment: datetime | None) -> float:
    return moment.timestamp() if moment is not None else 0.0


_SORTS: Final[dict[str, Callable[[ApiKey], Any]]] = {
    "created_at": lambda key: _stamp(key.created_at),
    "name": lambda key: key.name.casefold(),
    "system": lambda key: key.system.identifier,
    "expires_at": lambda key: _stamp(key.expires_at) or float("inf"),
    "last_used_at": lambda key: _stamp(key.last_used_at),
}


def _matches(key: ApiKey, filters: dict[str, str], now: datetime) -> bool:
    text = filters.get("q", "").casefold()
    if text and text not in key.name.casefold() and text not in key.prefix:
        return False
    state = filters.get("state")
    if state in _STATES and key_state(key, now) != state:
        return False
    member = filters.get("member")
    return not (member and key.system.member.identifier != member)


@router.get("/keys")
def list_keys(request: Request, session: SessionDep, user: CanManage) -> Response:
    """The keys the person manages, by system, member, state and name."""
    query = ListQuery.read(
        "/keys",
        request.query_params,
        filters=("q", "system", "member", "state"),
        sorts=tuple(_SORTS),
        default_sort="-created_at",
    )
    now = utcnow()
    with atomic(session):
        keys = identity.list_api_keys(
            session, principal=user.principal, system=query.filters.get("system")
        )
    matched = [key for key in keys if _matches(key, query.filters, now)]
    rows, pager = query.page_of(matched, _SORTS)
    return render(
        request,
        "keys/list.html",
        {
            "rows": rows,
            "pager": pager,
            "total": len(matched),
            "query": query,
            "now": now,
            "state_of": key_state,
            "role_labels": ROLE_LABELS,
            "notice": request.query_params.get("notice") == "revoked",
        },
    )


def systems_in_scope(session: Session, principal: Principal) -> Sequence[System]:
    """The active systems ``principal`` may issue keys for (institution staff: their own)."""
    query = select(System).where(System.status == "active").order_by(System.identifier)
    if principal.role is Role.INSTITUTION:
        query = query.where(System.member_id == principal.institution_id)
    return session.scalars(query).all()


def _form_page(
    request: Request,
    session: SessionDep,
    user: PortalUser,
    *,
    values: dict[str, str],
    errors: forms.FormErrors | None = None,
) -> Response:
    language = language_of(request)
    pick = 0 if language == "fa" else 1
    errors = errors or forms.FormErrors()
    with atomic(session):
        systems = systems_in_scope(session, user.principal)
        units = members.list_hq_units(session)
    return render(
        request,
        "keys/new.html",
        {
            "values": values,
            "errors": errors,
            "system_choices": [
                (
                    system.identifier,
                    f"{display_name(system, language)} — {display_name(system.member, language)}",
                )
                for system in systems
            ],
            "has_ministry_system": any(
                system.member.kind == MemberKind.MINISTRY.value for system in systems
            ),
            "role_choices": [(role.value, ROLE_LABELS[role][pick]) for role in MINISTRY_KEY_ROLES],
            "hq_choices": [
                (unit.code, unit.name_fa if pick == 0 else unit.name_en) for unit in units
            ],
            "field_names": FORM_FIELDS,
        },
        status_code=errors.status if errors.fields or errors.general else 200,
    )


def end_of_day(text: str) -> datetime:
    """The last second of Jalali day ``text`` in Tehran, in UTC: the key works that day."""
    day = parse_jalali_date(text)
    midnight = datetime.combine(day + timedelta(days=1), time(0, 0), tzinfo=TEHRAN)
    return (midnight - timedelta(seconds=1)).astimezone(UTC)


@router.get("/keys/new")
def new_key(request: Request, session: SessionDep, user: CanManage) -> Response:
    """The form for a new key; ``?system=`` picks the system."""
    return _form_page(
        request, session, user, values={"system": request.query_params.get("system", "")}
    )


def _issued_page(request: Request, issued: identity.IssuedKey, *, rotated: str | None) -> Response:
    return render(
        request,
        "keys/issued.html",
        {"issued": issued, "key": issued.key, "rotated": rotated, "role_labels": ROLE_LABELS},
    )


@router.post("/keys/new")
def issue_key(
    request: Request, session: SessionDep, user: CanPostManage, fields: FormFields
) -> Response:
    """Issue the key and show its secret this once."""
    language = language_of(request)
    values = {name: fields.get(name, "").strip() for name in FORM_FIELDS}
    errors = forms.FormErrors()
    expires_at = None
    if values["expires"]:
        try:
            expires_at = end_of_day(values["expires"])
        except InvalidJalaliDate as exc:
            errors.fields["expires"] = exc.message(language)
    if not values["system"]:
        errors.fields["system"] = translate(language, "val.missing")
    if errors.fields:
        return _form_page(request, session, user, values=values, errors=errors)
    try:
        data = ApiKeyCreate.model_validate(
            {
                "system": values["system"],
                "name": values["name"],
                "expires_at": expires_at,
                "role": values["role"] or None,
                "hq_unit": values["hq_unit"] or None,
            }
        )
        issued = identity.issue_api_key(session, principal=user.principal, data=data)
    except ValidationError as exc:
        return _form_page(
            request, session, user, values=values, errors=forms.validation_errors(exc, language)
        )
    except (InvalidInput, Conflict, NotFound, PermissionDenied) as exc:
        errors = domain_errors(exc, language)
        if exc.code == "system_not_found":
            errors = forms.FormErrors(status=exc.status, fields={"system": exc.message(language)})
        elif exc.code in ("expiry_in_past",):
            errors = forms.FormErrors(status=exc.status, fields={"expires": exc.message(language)})
        elif exc.code == "key_role_required":
            errors = forms.FormErrors(status=exc.status, fields={"role": exc.message(language)})
        return _form_page(request, session, user, values=values, errors=errors)
    return _issued_page(request, issued, rotated=None)


@router.post("/keys/{key_id}/rotate")
def rotate_key(
    request: Request, session: SessionDep, user: CanPostManage, key_id: KeyId
) -> Response:
    """Replace the key by a new one (same system, name, role) and revoke the old one."""
    with atomic(session):
        old_prefix = session.get(ApiKey, key_id)
        prefix = old_prefix.prefix if old_prefix is not None else None
    issued = identity.rotate_api_key(session, principal=user.principal, key_id=key_id)
    return _issued_page(request, issued, rotated=prefix)


@router.post("/keys/{key_id}/revoke")
def revoke_key(session: SessionDep, user: CanPostManage, key_id: KeyId) -> Response:
    """Revoke the key at once; calls with it fail from the next request on."""
    identity.revoke_api_key(session, principal=user.principal, key_id=key_id)
    return RedirectResponse("/keys?notice=revoked", status_code=303)
