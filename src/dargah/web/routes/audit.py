"""The audit log for auditors: search by actor, entity, action and Jalali dates; one
entry; the chain's verification.

Read-only for the log itself: the only write is ``audit.verified``, recorded by
``audit.service.verify_audit_log`` when an auditor asks for a verification. Every
search and every entry opened is recorded by the service, as on the API. Dates are
typed in the Jalali calendar (Persian, Arabic-Indic or Latin digits) and taken as whole
days in Tehran time: "to" includes its day.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any, Final
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from dargah.access.policy import ROLE_LABELS, Permission
from dargah.api.deps import IdPath, SessionDep, id_from_text
from dargah.audit import service
from dargah.audit.events import AUDIT_ACTION_DESCRIPTIONS, AuditAction
from dargah.db.base import utcnow
from dargah.errors import InvalidInput
from dargah.persian import TEHRAN, format_jalali, parse_jalali_date
from dargah.persian.errors import InvalidJalaliDate
from dargah.web import dashboard
from dargah.web.deps import PortalUser, require_form, require_page
from dargah.web.i18n import Language, translate
from dargah.web.templating import language_of, render

router = APIRouter(include_in_schema=False)

CanRead = Annotated[PortalUser, require_page(Permission.AUDIT_READ)]
CanVerify = Annotated[PortalUser, require_form(Permission.AUDIT_READ)]

PAGE_SIZE: Final = 50
_PURPOSE: Final = "بازبینی گزارش ممیزی در درگاه"
_FILTERS: Final = ("actor", "entity_type", "entity_id", "action", "from", "to")
# The kinds of entity the services record (``entity_type`` of ``audit.record`` calls).
ENTITY_TYPES: Final = (
    "member",
    "hq_unit",
    "system",
    "api_key",
    "person",
    "dataset",
    "dataset_version",
    "code_list_version",
    "catalogue",
    "submission",
    "grant",
    "grant_request",
    "job",
    "signing_key",
    "schema",
    "audit_entry",
)


@dataclass
class AuditSearch:
    """The audit page's filters as typed, the service's filter, and the field errors."""

    values: dict[str, str]
    cursor: int | None
    filters: service.EntryFilter | None = None
    errors: dict[str, str] = field(default_factory=dict)

    def url(self, cursor: int | None = None) -> str:
        """This search at ``cursor`` (older entries), or its first page."""
        params = {name: value for name, value in self.values.items() if value}
        if cursor is not None:
            params["cursor"] = str(cursor)
        return "/audit" + ("?" + urlencode(params) if params else "")


def _day_start(day: date) -> datetime:
    """Midnight of ``day`` in Tehran, in UTC (stored times are UTC)."""
    return datetime.combine(day, time(0, 0), tzinfo=TEHRAN).astimezone(UTC)


def _jalali(text: str, name: str, errors: dict[str, str], language: Language) -> date | None:
    if not text.strip():
        return None
    try:
        return parse_jalali_date(text)
    except InvalidJalaliDate as exc:
        errors[name] = exc.message(language)
        return None


def read_search(params: dict[str, str], language: Language) -> AuditSearch:
    """The search from the query string; bad dates or codes become field errors."""
    values = {name: (params.get(name) or "").strip() for name in _FILTERS}
    cursor = id_from_text(params.get("cursor"), "cursor", title_fa="نشانگر صفحه")
    search = AuditSearch(values=values, cursor=cursor)
    since_day = _jalali(values["from"], "from", search.errors, language)
    until_day = _jalali(values["to"], "to", search.errors, language)
    if since_day and until_day and since_day > until_day:
        search.errors["to"] = translate(language, "audit.range_inverted")
    action = values["action"]
    if action and action not in {item.value for item in AuditAction}:
        search.errors["action"] = translate(language, "val.choice")
    if values["entity_type"] and values["entity_type"] not in ENTITY_TYPES:
        search.errors["entity_type"] = translate(language, "val.choice")
    if search.errors:
        return search
    try:
        search.filters = service.entry_filter(
            actions=[action] if action else [],
            actor=values["actor"],
            entity_type=values["entity_type"],
            entity_id=values["entity_id"],
            since=_day_start(since_day) if since_day else None,
            until=_day_start(until_day + timedelta(days=1)) if until_day else None,
        )
    except InvalidInput as exc:  # defensive: the checks above catch what it refuses
        search.errors["action"] = exc.message(language)
    return search


def _choices(language: Language) -> dict[str, list[tuple[str, str]]]:
    pick = 0 if language == "fa" else 1
    return {
        "action": [
            (action.value, AUDIT_ACTION_DESCRIPTIONS[action][pick])
            for action in AuditAction
            if action in AUDIT_ACTION_DESCRIPTIONS
        ],
        "entity_type": [
            (kind, translate(language, f"audit.entity.{kind}")) for kind in ENTITY_TYPES
        ],
    }


def labels_context(language: Language) -> dict[str, Any]:
    """What the entry templates need to label actions, roles and entities."""
    return {
        "actions": {action.value: labels for action, labels in AUDIT_ACTION_DESCRIPTIONS.items()},
        "role_labels": ROLE_LABELS,
        "entity_types": ENTITY_TYPES,
        "choices": _choices(language),
    }


@router.get("/audit")
def search(request: Request, session: SessionDep, user: CanRead) -> Response:
    """Entries matching the filters, newest first, with the chain's last verification."""
    language = language_of(request)
    query = read_search(dict(request.query_params), language)
    page = None
    if query.filters is not None:
        page = service.search_entries(
            session,
            principal=user.principal,
            filters=query.filters,
            limit=PAGE_SIZE,
            cursor=query.cursor,
            purpose=_PURPOSE,
        )
    with session.begin():
        verification = dashboard.last_verification(session)
    return render(
        request,
        "audit/list.html",
        {
            **labels_context(language),
            "query": query,
            "entries": page.items if page else [],
            "older_url": query.url(page.next_cursor) if page and page.next_cursor else None,
            "first_url": query.url() if query.cursor else None,
            "verification": verification,
            "notice": request.query_params.get("notice") == "verified",
            # The date hint's example is today (Jalali in both languages: the filter
            # takes Jalali dates), in the page's digits.
            "date_example": format_jalali(utcnow(), persian_digits=language == "fa"),
        },
        status_code=422 if query.errors else 200,
    )


@router.post("/audit/verify")
def verify(session: SessionDep, user: CanVerify) -> Response:
    """Verify the whole chain now (recorded as ``audit.verified``), then show the log."""
    service.verify_audit_log(session, principal=user.principal)
    return RedirectResponse("/audit?notice=verified", status_code=303)


@router.get("/audit/{seq}")
def show(
    request: Request,
    session: SessionDep,
    user: CanRead,
    seq: IdPath,
) -> Response:
    """One entry with every recorded field; opening it is recorded too."""
    entry = service.get_entry(session, principal=user.principal, seq=seq, purpose=_PURPOSE)
    return render(
        request,
        "audit/show.html",
        {**labels_context(language_of(request)), "entry": entry},
    )
