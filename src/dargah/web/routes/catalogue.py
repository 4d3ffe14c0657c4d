"""The catalogue section: browse and search data sets, read a data set's dictionary and
history, download its templates, read code lists, and draft, submit, approve or reject
versions.

Each page needs the permission its JSON API counterpart needs (``catalogue/router.py``):
reading ``CATALOGUE_READ``, drafting and submitting ``CATALOGUE_WRITE``, deciding
``CATALOGUE_APPROVE`` — and the catalogue service checks once more that the person
deciding belongs to the HQ unit that owns the data set (else the 403 page).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, Any, Final
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Request
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile
from starlette.responses import RedirectResponse, Response
from starlette.routing import Match

from dargah.access.policy import Permission, Principal
from dargah.api.deps import SessionDep
from dargah.catalogue import codelists, presenters, publishing, service, templates
from dargah.catalogue.documents import DOMAIN_LABELS
from dargah.catalogue.evolution import Evolution
from dargah.catalogue.models import (
    DATASET_STATUS_LABELS,
    VERSION_STATUS_LABELS,
    CodeList,
    Dataset,
    DatasetVersion,
    VersionStatus,
)
from dargah.catalogue.schemas import DatasetOut
from dargah.catalogue.search import search_catalogue
from dargah.discovery import service as discovery
from dargah.errors import Conflict, InvalidInput
from dargah.members.models import INSTITUTION_TYPE_LABELS
from dargah.persian.inputs import DigitsStr
from dargah.web import catalogue_forms as cf
from dargah.web.deps import FormFields, PortalUser, require_form, require_page
from dargah.web.forms import Choices, FormErrors
from dargah.web.i18n import Language
from dargah.web.labels import (
    actor_label,
    constraint_words,
    field_titles,
    people_names,
    rule_kind_label,
    type_label,
)
from dargah.web.templating import language_of, render

router = APIRouter(include_in_schema=False)

CanRead = Annotated[PortalUser, require_page(Permission.CATALOGUE_READ)]
CanWrite = Annotated[PortalUser, require_page(Permission.CATALOGUE_WRITE)]
CanPostWrite = Annotated[PortalUser, require_form(Permission.CATALOGUE_WRITE)]
CanApprove = Annotated[PortalUser, require_page(Permission.CATALOGUE_APPROVE)]
CanPostApprove = Annotated[PortalUser, require_form(Permission.CATALOGUE_APPROVE)]

XLSX_TYPE: Final = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_NOTICES: Final = {
    "drafted": "cat.notice.drafted",
    "submitted": "cat.notice.submitted",
    "approved": "cat.notice.approved",
    "rejected": "cat.notice.rejected",
}
_OPEN: Final = frozenset({VersionStatus.DRAFT.value, VersionStatus.PENDING_APPROVAL.value})
_LABELS: Final = {
    "domain": DOMAIN_LABELS,
    "dataset_status": DATASET_STATUS_LABELS,
    "version_status": VERSION_STATUS_LABELS,
    "institution_type": INSTITUTION_TYPE_LABELS,
}
# What the decision forms post, kept to show the form again after an error.
_DECISION_FIELDS: Final = ("note", "transition_days", "reason")


def dataset_url(slug: str, *, version: str | None = None, notice: str | None = None) -> str:
    """The portal page of a data set, at ``version``, with a notice to show."""
    query = {name: value for name, value in (("version", version), ("notice", notice)) if value}
    return f"/catalogue/datasets/{slug}" + (f"?{urlencode(query)}" if query else "")


def _redirect(url: str) -> Response:
    return RedirectResponse(url, status_code=303)


async def uploaded_schema(request: Request) -> bytes | None:
    """The bytes of the schema file chosen in the draft form, if any (capped)."""
    form = await request.form()
    upload = form.get("schema_file")
    if not isinstance(upload, UploadFile):
        return None
    try:
        return await upload.read(cf.MAX_SCHEMA_BYTES + 1) if upload.filename else None
    finally:
        await upload.close()  # nothing else closes a form this route parsed itself


UploadedSchema = Annotated[bytes | None, Depends(uploaded_schema)]


def _choices(language: Language) -> dict[str, Choices]:
    pick = 0 if language == "fa" else 1
    return {
        "institution_type": [
            (kind.value, labels[pick]) for kind, labels in INSTITUTION_TYPE_LABELS.items()
        ],
        "domain": [(domain.value, labels[pick]) for domain, labels in DOMAIN_LABELS.items()],
        "status": [
            (status.value, labels[pick]) for status, labels in DATASET_STATUS_LABELS.items()
        ],
    }


def _awaiting(session: Session, principal: Principal) -> list[DatasetVersion]:
    """Versions waiting for a decision that ``principal`` may take."""
    return [
        version
        for dataset in service.list_datasets(session)
        if cf.may_decide(principal, dataset)
        for version in dataset.versions
        if version.status == VersionStatus.PENDING_APPROVAL.value
    ]


# -- browsing ------------------------------------------------------------------------------


# Portal pages a next step leads to, built alongside this one (web/routes/queries.py,
# grants.py); a step links to its page only where this node serves it, else the step
# is shown as text — never a dead link.
_STEP_PAGES: Final = {
    discovery.Action.QUERY: "/datasets/{slug}/query",
    discovery.Action.REQUEST_GRANT: "/datasets/{slug}/grant-request",
}


def _step_link(request: Request, action: discovery.Action, slug: str) -> str | None:
    """The portal page for ``action`` on data set ``slug``, if this node serves one."""
    template = _STEP_PAGES.get(action)
    if template is None:
        return None
    path = template.replace("{slug}", quote(slug, safe=""))
    # Matched as the app would route a GET of it (included routers are not flattened).
    scope = {"type": "http", "method": "GET", "path": path, "root_path": ""}
    served = any(route.matches(scope)[0] is Match.FULL for route in request.app.router.routes)
    return path if served else None


@dataclass(frozen=True)
class _Hit:
    """One data set found by a search, as the page shows it."""

    dataset: DatasetOut  # labels resolved
    answer: discovery.DatasetAnswer
    link: str | None

    @property
    def builder(self) -> str | None:
        """The query builder with the suggested filters, where the next step is a query
        on a page this node serves (else the filters are shown as text)."""
        if self.link is None or self.answer.next_step.action is not discovery.Action.QUERY:
            return None
        return self.answer.builder_url

    @property
    def match_kind(self) -> str:
        """The strongest reason it was found."""
        return self.answer.matches[0].kind.value


@dataclass(frozen=True)
class _FieldRef:
    """A field named by a search, as the page's list of fields found shows it."""

    name: str
    title: str
    title_en: str


@dataclass(frozen=True)
class _FieldFound:
    dataset: Dataset
    field: _FieldRef


@dataclass(frozen=True)
class _ValueRef:
    code: str
    label_fa: str
    label_en: str


@dataclass(frozen=True)
class _ValueFound:
    code_list: CodeList
    value: _ValueRef


def _found_by_words(
    session: Session, answers: list[discovery.DatasetAnswer]
) -> tuple[list[_FieldFound], list[_ValueFound]]:
    """The fields and code values the question's words met, from the ask-first answer
    (so the lists agree with the data sets found)."""
    fields: list[_FieldFound] = []
    seen: set[tuple[str, str]] = set()
    wanted: dict[tuple[str, str], _ValueRef] = {}
    for hit in answers:
        for match in hit.matches:
            if match.kind is discovery.MatchKind.FIELD and match.field:
                fields.append(
                    _FieldFound(
                        hit.dataset,
                        _FieldRef(match.field, match.title_fa or "", match.title_en or ""),
                    )
                )
            elif match.kind is discovery.MatchKind.CODE_VALUE and match.code_list and match.code:
                key = (match.code_list, match.code)
                if key not in seen:
                    seen.add(key)
                    wanted[key] = _ValueRef(
                        match.code, match.title_fa or "", match.title_en or match.title_fa or ""
                    )
    lists = {
        item.slug: item
        for item in session.scalars(
            select(CodeList).where(CodeList.slug.in_(sorted({slug for slug, _ in wanted})))
        )
    }
    # Values of the institution types (a column of every record) have no code list page.
    values = [
        _ValueFound(lists[slug], value) for (slug, _), value in wanted.items() if slug in lists
    ]
    return fields, values


@router.get("/catalogue")
def browse(request: Request, session: SessionDep, user: CanRead) -> Response:
    """Data sets, searched (letter-variant insensitive) and filtered by domain and status.

    Query: ``q``, ``domain``, ``status``, and for a search ``period`` and
    ``institution_type``. A search answers "ask first": each data set found with the
    periods the gateway holds, institutions reporting, the person's access and the next
    step (query, ask for a grant, or an information request); it also lists matching
    fields, code lists and codes.
    """
    query = cf.CatalogueQuery.from_params(request.query_params)
    context: dict[str, Any] = {
        "field_hits": [],
        "value_hits": [],
        "list_hits": [],
        "hits": [],
        "ask_step": None,
        "unmatched": [],
    }
    if query.q:
        answer = discovery.ask_first(
            session,
            principal=user.principal,
            text=query.q,
            period=query.period or None,
            institution_type=query.institution_type or None,
        )
        found = [hit for hit in answer.datasets if query.admits(hit.dataset)]
        datasets: list[Dataset] = [hit.dataset for hit in found]
        context["hits"] = [
            _Hit(
                dataset=presenters.dataset_out(session, hit.dataset),
                answer=hit,
                link=_step_link(request, hit.next_step.action, hit.dataset.slug),
            )
            for hit in found
        ]
        context["ask_step"] = answer.next_step  # set when the gateway holds none of it
        context["unmatched"] = answer.unmatched
        context["field_hits"], context["value_hits"] = _found_by_words(session, found)
        context["list_hits"] = search_catalogue(session, query.q).code_lists
    else:
        datasets = list(
            service.list_datasets(session, domain=query.domain or None, status=query.status or None)
        )
    can_approve = user.can(Permission.CATALOGUE_APPROVE)
    context.update(
        {
            "rows": [presenters.dataset_out(session, dataset) for dataset in datasets],
            "filters": query.filters,
            "choices": _choices(language_of(request)),
            "labels": _LABELS,
            "awaiting": len(_awaiting(session, user.principal)) if can_approve else 0,
            "can_approve": can_approve,
        }
    )
    return render(request, "catalogue/list.html", context)


@router.get("/catalogue/approvals")
def approvals(request: Request, session: SessionDep, user: CanApprove) -> Response:
    """Versions waiting for the decision of the person's HQ unit (all, for admins)."""
    versions = _awaiting(session, user.principal)
    language = language_of(request)
    people = people_names(session, [v.submitted_by or v.created_by for v in versions])
    return render(
        request,
        "catalogue/approvals.html",
        {
            "versions": versions,
            "labels": _LABELS,
            "actor": lambda name: actor_label(name, language, people),
        },
    )


# -- one data set --------------------------------------------------------------------------


def _shown_version(dataset: Dataset, version: str | None) -> DatasetVersion | None:
    if version:
        return service.get_version(dataset, version)
    return service.active_version(dataset) or (dataset.versions[-1] if dataset.versions else None)


def _dataset_page(
    request: Request,
    session: Session,
    user: PortalUser,
    slug: str,
    *,
    version: str | None,
    notice: str | None = None,
    errors: FormErrors | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    dataset = service.get_dataset(session, slug)
    shown = _shown_version(dataset, version)
    errors = errors or FormErrors()
    context: dict[str, Any] = {
        "dataset": presenters.dataset_out(session, dataset),
        "shown": presenters.version_out(shown) if shown else None,
        "dictionary": presenters.dictionary_out(session, dataset, shown) if shown else None,
        "natural_key": service.schema_of(shown).primary_key if shown else [],
        "history": [presenters.version_out(item) for item in reversed(dataset.versions)],
        "open_version": next((v.version for v in dataset.versions if v.status in _OPEN), None),
        "can_write": user.can(Permission.CATALOGUE_WRITE),
        "can_decide": cf.may_decide(user.principal, dataset),
        "notice": notice,
        "errors": errors,
        "values": values or {},
        "labels": _LABELS,
        "template_languages": templates.LANGUAGES,
        **_words(session, dataset, shown, language_of(request)),
    }
    failed = bool(errors.fields or errors.general)
    return render(
        request, "catalogue/dataset.html", context, status_code=errors.status if failed else 200
    )


def _words(
    session: Session, dataset: Dataset, shown: DatasetVersion | None, language: Language
) -> dict[str, Any]:
    """Words for the data set page's codes: field titles, types, constraints, rule
    kinds and the people who made and decided versions (web/labels.py)."""
    actors = [name for item in dataset.versions for name in (item.created_by, item.decided_by)]
    people = people_names(session, [name for name in actors if name])
    titles = field_titles(service.schema_of(shown).fields, language) if shown else {}
    return {
        "field_titles": titles,
        "actor": lambda name: actor_label(name, language, people),
        "type_words": lambda kind: type_label(kind, language),
        "constraint_words": lambda given: constraint_words(given, language),
        "rule_kind": lambda kind: rule_kind_label(kind, language),
    }


@router.get("/catalogue/datasets/{slug}")
def show_dataset(
    request: Request,
    session: SessionDep,
    user: CanRead,
    slug: str,
    version: DigitsStr | None = None,
    notice: str | None = None,
) -> Response:
    """A data set: metadata, the dictionary and rules of one version, its history."""
    return _dataset_page(
        request, session, user, slug, version=version, notice=_NOTICES.get(notice or "")
    )


def _template_response(content: bytes, media_type: str, slug: str, filename: str) -> Response:
    return Response(
        content,
        media_type=media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{slug}-{filename}"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.get("/catalogue/datasets/{slug}/versions/{version}/template.xlsx")
def xlsx_template(
    session: SessionDep,
    _user: CanRead,
    slug: str,
    version: str,
    language: str = "fa",
) -> Response:
    """The Excel template of a version: headers, code-list drop-downs, instructions."""
    headers = cf.template_language(language)
    found = service.get_version(service.get_dataset(session, slug), version)
    content = publishing.xlsx_template(session, found, language=headers)
    return _template_response(content, XLSX_TYPE, slug, f"{found.version}.xlsx")


@router.get("/catalogue/datasets/{slug}/versions/{version}/template.csv")
def csv_template(
    session: SessionDep,
    _user: CanRead,
    slug: str,
    version: str,
    language: str = "fa",
) -> Response:
    """The CSV template of a version (UTF-8 with BOM, one header row)."""
    headers = cf.template_language(language)
    found = service.get_version(service.get_dataset(session, slug), version)
    content = publishing.csv_template(found, language=headers)
    return _template_response(content, "text/csv; charset=utf-8", slug, f"{found.version}.csv")


# -- drafting and deciding -----------------------------------------------------------------


def _draft_page(
    request: Request,
    dataset: Dataset,
    *,
    values: dict[str, str],
    errors: FormErrors | None = None,
    evolution: Evolution | None = None,
) -> Response:
    errors = errors or FormErrors()
    active = service.active_version(dataset)
    context = {
        "dataset": dataset,
        "active": active.version if active else None,
        "open_version": next((v.version for v in dataset.versions if v.status in _OPEN), None),
        "values": values,
        "errors": errors,
        "evolution": evolution,
        "max_note": cf.MAX_NOTE,
    }
    failed = bool(errors.fields or errors.general)
    return render(
        request, "catalogue/draft.html", context, status_code=errors.status if failed else 200
    )


@router.get("/catalogue/datasets/{slug}/draft")
def new_draft(request: Request, session: SessionDep, _user: CanWrite, slug: str) -> Response:
    """The form for the next version, filled with the current schema to edit."""
    dataset = service.get_dataset(session, slug)
    base = _shown_version(dataset, None)
    text = json.dumps(base.table_schema, ensure_ascii=False, indent=2) if base else ""
    return _draft_page(request, dataset, values={"schema": text, "note": ""})


@router.post("/catalogue/datasets/{slug}/draft")
def save_draft(
    request: Request,
    session: SessionDep,
    user: CanPostWrite,
    fields: FormFields,
    upload: UploadedSchema,
    slug: str,
) -> Response:
    """Check a new schema (``action=check``: how big a change, nothing saved), save it
    as a draft (``save``) or save and submit it to the owner (``submit``)."""
    language = language_of(request)
    action = fields.get("action", "save")
    dataset = service.get_dataset(session, slug)
    values = {"schema": fields.get("schema", ""), "note": fields.get("note", "")}
    try:
        values["schema"] = cf.schema_text(values["schema"], upload, language)
        document = cf.read_schema(values["schema"], language)
        note = cf.check_note(values["note"], language)
        if action == "check":
            evolution = cf.preview(dataset, document, language)
            return _draft_page(request, dataset, values=values, evolution=evolution)
        version, _ = service.draft_version(
            session,
            principal=user.principal,
            slug=slug,
            schema_document=document,
            note=note,
            submit=action == "submit",
        )
    except FormErrors as exc:
        return _draft_page(request, dataset, values=values, errors=exc)
    except (InvalidInput, Conflict) as exc:
        return _draft_page(request, dataset, values=values, errors=cf.service_errors(exc, language))
    notice = "submitted" if action == "submit" else "drafted"
    return _redirect(dataset_url(slug, version=version.version, notice=notice))


@router.post("/catalogue/datasets/{slug}/versions/{version}/submit")
def submit_version(
    request: Request, session: SessionDep, user: CanPostWrite, slug: str, version: str
) -> Response:
    """Send a draft to the owning HQ unit for approval."""
    try:
        found = service.submit_version(
            session, principal=user.principal, slug=slug, version=version
        )
    except Conflict as exc:
        errors = cf.service_errors(exc, language_of(request))
        return _dataset_page(request, session, user, slug, version=version, errors=errors)
    return _redirect(dataset_url(slug, version=found.version, notice="submitted"))


def _kept(fields: dict[str, str]) -> dict[str, str]:
    return {name: fields[name] for name in _DECISION_FIELDS if name in fields}


@router.post("/catalogue/datasets/{slug}/versions/{version}/approve")
def approve_version(
    request: Request,
    session: SessionDep,
    user: CanPostApprove,
    fields: FormFields,
    slug: str,
    version: str,
) -> Response:
    """The owner approves a pending version; it becomes active."""
    language = language_of(request)
    try:
        decision = cf.parse_decision(fields, language)
        found = service.approve_version(
            session,
            principal=user.principal,
            slug=slug,
            version=version,
            note=decision.note,
            transition=timedelta(days=decision.transition_days),
        )
    except (FormErrors, Conflict) as exc:
        errors = exc if isinstance(exc, FormErrors) else cf.service_errors(exc, language)
        return _dataset_page(
            request, session, user, slug, version=version, errors=errors, values=_kept(fields)
        )
    return _redirect(dataset_url(slug, version=found.version, notice="approved"))


@router.post("/catalogue/datasets/{slug}/versions/{version}/reject")
def reject_version(
    request: Request,
    session: SessionDep,
    user: CanPostApprove,
    fields: FormFields,
    slug: str,
    version: str,
) -> Response:
    """The owner sends a pending version back, with the reason the operator will read."""
    language = language_of(request)
    try:
        rejection = cf.parse_rejection(fields, language)
        found = service.reject_version(
            session, principal=user.principal, slug=slug, version=version, reason=rejection.reason
        )
    except (FormErrors, Conflict) as exc:
        errors = exc if isinstance(exc, FormErrors) else cf.service_errors(exc, language)
        return _dataset_page(
            request, session, user, slug, version=version, errors=errors, values=_kept(fields)
        )
    return _redirect(dataset_url(slug, version=found.version, notice="rejected"))


# -- code lists ----------------------------------------------------------------------------


@router.get("/catalogue/codelists")
def list_code_lists(request: Request, session: SessionDep, _user: CanRead) -> Response:
    """Every code list with its active version and size."""
    rows = [
        presenters.code_list_summary(session, item) for item in codelists.list_code_lists(session)
    ]
    return render(request, "catalogue/codelists.html", {"rows": rows})


def _used_by(session: Session, slug: str) -> list[Dataset]:
    """Data sets whose active version takes values from code list ``slug``."""
    found = []
    for dataset in service.list_datasets(session):
        active = service.active_version(dataset)
        if active is not None and slug in service.schema_of(active).code_lists:
            found.append(dataset)
    return found


@router.get("/catalogue/codelists/{slug}")
def show_code_list(
    request: Request,
    session: SessionDep,
    _user: CanRead,
    slug: str,
    version: DigitsStr | None = None,
    q: str | None = None,
) -> Response:
    """A code list's values at its active version (or ``?version=``), its versions, the
    data sets that use it, and the lookup box (``?q=``: a code, label or alias)."""
    code_list = codelists.get_code_list(session, slug)
    found = codelists.find_version(code_list, cf.code_list_version(version))
    query = (q or "").strip()[: cf.MAX_QUERY]
    match = codelists.lookup(session, slug, query) if query else None
    context = {
        "code_list": presenters.code_list_out(session, code_list, found),
        "versions": list(reversed(code_list.versions)),
        "active": codelists.active_version(code_list).version,
        "query": query,
        "match": presenters.code_value_out(match) if match is not None else None,
        "used_by": _used_by(session, slug),
    }
    return render(request, "catalogue/codelist.html", context)
