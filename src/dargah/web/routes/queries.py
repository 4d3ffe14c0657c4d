"""The query pages: the data sets a person may query, and one data set's query builder
with its answer as a table and a bar chart, pages by cursor and downloads.

Every read goes through ``records.service.run_query`` — the same grant checks, row
scope, masking, suppression and audit entry (with the purpose typed in the form) as
the API. Running a query is a form post with the CSRF token, like every other form:
a query is audited, so another site must not be able to make a browser run one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Final

from fastapi import APIRouter, Depends, Request
from fastapi.responses import StreamingResponse
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.responses import Response

from dargah.access import grants
from dargah.access.models import Grant
from dargah.access.policy import Permission, Principal, Role
from dargah.access.protection import Access
from dargah.api.deps import SessionDep, SettingsDep, id_from_text
from dargah.catalogue import publishing
from dargah.catalogue import service as catalogue
from dargah.catalogue.documents import DatasetDocument
from dargah.catalogue.models import Dataset
from dargah.db.base import utcnow
from dargah.db.session import atomic
from dargah.errors import DargahError, PermissionDenied
from dargah.members.models import INSTITUTION_TYPE_LABELS, InstitutionType, Member, MemberKind
from dargah.members.provinces import PROVINCES
from dargah.records import exports, service
from dargah.records.exports import MEDIA_TYPES, ExportFormat
from dargah.records.query import INSTITUTION, INSTITUTION_TYPE, MAX_ROWS, PROVINCE
from dargah.web.deps import PortalUser, require_form, require_page
from dargah.web.downloads import answer_table, variant_of
from dargah.web.i18n import Language, display_name, label
from dargah.web.query_forms import (
    FUNCTIONS,
    OPERATORS,
    FieldChoice,
    Labels,
    PickerOption,
    QueryForm,
    code_pickers,
    column_headers,
    field_choices,
    group_count,
    present,
    read_form,
    to_spec,
)
from dargah.web.templating import language_of, render

router = APIRouter(include_in_schema=False)

CanQuery = Annotated[PortalUser, require_page(Permission.QUERY)]
CanPostQuery = Annotated[PortalUser, require_form(Permission.QUERY)]

EXPORTS: Final[tuple[ExportFormat, ...]] = ("csv", "xlsx", "parquet", "json")


async def form_items(request: Request) -> list[tuple[str, str]]:
    """Every text field of the posted form, several values per name kept."""
    form = await request.form()
    return [(key, value) for key, value in form.multi_items() if isinstance(value, str)]


FormItems = Annotated[list[tuple[str, str]], Depends(form_items)]


def query_url(slug: str) -> str:
    """The query builder of a data set."""
    return f"/datasets/{slug}/query"


def held_grants(session: Session, principal: Principal, slug: str | None = None) -> list[Grant]:
    """Active grants the caller's HQ unit or agency holds (not those it gives)."""
    hq_unit_id, member_id = grants.consumer_of(session, principal)
    if hq_unit_id is None and member_id is None:
        return []
    found = grants.list_grants(session, principal=principal, dataset=slug, active_only=True)
    return [
        grant
        for grant in found
        if (hq_unit_id is not None and grant.consumer_hq_unit_id == hq_unit_id)
        or (member_id is not None and grant.consumer_member_id == member_id)
    ]


# -- the list ------------------------------------------------------------------------------


@router.get("/queries")
def list_queryable(request: Request, session: SessionDep, user: CanQuery) -> Response:
    """The data sets the person can query now: under their grants, or (institution
    staff) their own data in every active data set."""
    with atomic(session):
        datasets = {
            dataset.slug: dataset
            for dataset in catalogue.list_datasets(session)
            if catalogue.active_version(dataset) is not None
        }
    items: list[dict[str, Any]] = []
    if user.principal.role is Role.INSTITUTION:
        items = [{"dataset": dataset, "grant": None} for dataset in datasets.values()]
    else:
        for grant in held_grants(session, user.principal):
            if grant.dataset_slug in datasets:
                items.append({"dataset": datasets[grant.dataset_slug], "grant": grant})
    context = {
        "items": items,
        "can_request": user.can(Permission.GRANTS_REQUEST),
    }
    return render(request, "queries/list.html", context)


# -- one data set ----------------------------------------------------------------------------


@dataclass
class _Setting:
    """What the builder needs to know about the data set and the caller's access."""

    dataset: Dataset
    document: DatasetDocument | None
    access: Access | None
    held: list[Grant]
    problem: DargahError | None
    choices: list[FieldChoice]
    pickers: dict[str, list[PickerOption]]


def _setting(
    session: Session, user: PortalUser, slug: str, grant_id: int | None, language: Language
) -> _Setting:
    with atomic(session):
        dataset = catalogue.get_dataset(session, slug)
        version = catalogue.active_version(dataset)
        document = catalogue.as_document(dataset, version) if version is not None else None
    held = held_grants(session, user.principal, slug)
    if grant_id is None and len(held) > 1:
        grant_id = held[0].id  # the form lets the person pick another
    access: Access | None = None
    problem: DargahError | None = None
    if document is None:
        problem = PermissionDenied(
            "این مجموعه‌داده هنوز نسخهٔ فعالی ندارد.",
            "This data set has no active version yet.",
            code="dataset_not_active",
        )
    else:
        try:
            with atomic(session):
                access = grants.resolve_access(
                    session, principal=user.principal, dataset=dataset, grant_id=grant_id
                )
        except DargahError as exc:
            problem = exc
    choices = field_choices(document, access, language) if document and access else []
    pickers: dict[str, list[PickerOption]] = {}
    if document is not None and choices:
        with atomic(session):
            values = publishing.code_values_for(session, document)
        pickers = code_pickers(document, values, choices, language)
    return _Setting(dataset, document, access, held, problem, choices, pickers)


def _grant_id(text: str) -> int | None:
    return id_from_text(text, "grant", title_fa="شمارهٔ مجوز")


def _labels(
    session: Session, setting: _Setting, answer: service.QueryAnswer, language: Language
) -> Labels:
    """Labels to show for the answer's coded columns: code lists' labels, and the names
    of the institutions (the rows carry their codes)."""
    pick = "label_fa" if language == "fa" else "label_en"
    shown = {column.name: column for column in answer.columns}
    found: Labels = {}
    if setting.document is not None:
        with atomic(session):
            values = publishing.code_values_for(session, setting.document)
        for name, column in shown.items():
            if column.field is not None and column.field.code_list in values:
                found[name] = {
                    item.code: str(getattr(item, pick) or item.label_fa)
                    for item in values[column.field.code_list]
                }
    if PROVINCE in shown and shown[PROVINCE].field is None:
        found[PROVINCE] = {
            province.code: province.name_fa if language == "fa" else province.name_en
            for province in PROVINCES
        }
    if INSTITUTION_TYPE in shown and shown[INSTITUTION_TYPE].field is None:
        found[INSTITUTION_TYPE] = {
            kind.value: label(INSTITUTION_TYPE_LABELS, kind, language) for kind in InstitutionType
        }
    if INSTITUTION in shown and answer.rows:
        position = answer.column_names.index(INSTITUTION)
        codes = {str(row[position]) for row in answer.rows if row[position] is not None}
        with atomic(session):
            institutions = session.scalars(
                select(Member).where(
                    Member.kind == MemberKind.INSTITUTION.value, Member.code.in_(codes)
                )
            ).all()
        found[INSTITUTION] = {
            member.code: display_name(member, language) for member in institutions
        }
    return found


def _page(
    request: Request,
    session: Session,
    setting: _Setting,
    form: QueryForm,
    *,
    answer: service.QueryAnswer | None = None,
    error: DargahError | None = None,
    status_code: int = 200,
) -> Response:
    language = language_of(request)
    titles = {choice.name: choice.title for choice in setting.choices}
    table = None
    if answer is not None:
        table = present(answer, titles, language, _labels(session, setting, answer, language))
    context = {
        "dataset": setting.dataset,
        "problem": setting.problem,
        "error": error,
        "held": setting.held,
        "access": setting.access,
        "fields": setting.choices,
        "usable": [choice for choice in setting.choices if choice.usable],
        "pickers": setting.pickers,
        "field_titles": {choice.name: choice.title for choice in setting.choices},
        "form": form.padded(),
        "operators": OPERATORS,
        "functions": FUNCTIONS,
        "answer": answer,
        "table": table,
        "exports": EXPORTS,
        "max_rows": MAX_ROWS,
        "now": utcnow(),
    }
    return render(request, "queries/builder.html", context, status_code=status_code)


@router.get("/datasets/{slug}/query")
def builder(request: Request, session: SessionDep, user: CanQuery, slug: str) -> Response:
    """The query builder: the fields the caller's grant allows, masked ones marked.

    ``group_by`` (repeatable), ``as_of`` and the filter rows (``where_field_N``,
    ``where_op_N``, ``where_value_N``) in the address fill the form in (the statistics
    dashboard and the ask-first search link here so); nothing runs until the person
    posts it.
    """
    params = request.query_params
    grant_id = _grant_id(params.get("grant", ""))
    setting = _setting(session, user, slug, grant_id, language_of(request))
    usable = {choice.name for choice in setting.choices if choice.usable}
    group_by = [name for name in params.getlist("group_by") if name in usable]
    # The ask-first search links here with the filters a question names, in the form's
    # own fields (where_field_N, where_op_N, where_value_N).
    filters = [
        row for row in read_form(list(params.multi_items())).filters if row["field"] in usable
    ]
    form = QueryForm(
        grant=str(setting.access.grant_id or "") if setting.access else "",
        filters=filters,
        group_by=group_by,
        count=bool(group_by),
        as_of=params.get("as_of", "")[:40],
    )
    return _page(request, session, setting, form)


def _run(
    session: Session,
    settings: SettingsDep,
    user: PortalUser,
    slug: str,
    form: QueryForm,
    *,
    export: ExportFormat | None = None,
    titles: dict[str, str] | None = None,
) -> service.QueryAnswer:
    return service.run_query(
        session,
        principal=user.principal,
        slug=slug,
        spec=to_spec(form, export=export is not None, titles=titles),
        purpose=form.purpose,
        secret=settings.secret_key.get_secret_value().encode(),
        grant_id=_grant_id(form.grant),
        output=export or "html",
    )


@router.post("/datasets/{slug}/query")
def run_query(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: CanPostQuery,
    items: FormItems,
    slug: str,
) -> Response:
    """Run the query (or its next page) and show the answer under the form."""
    form = read_form(items)
    setting = _setting(session, user, slug, _grant_id(form.grant), language_of(request))
    if setting.problem is not None:
        return _page(request, session, setting, form, status_code=setting.problem.status)
    try:
        titles = {choice.name: choice.title for choice in setting.choices}
        answer = _run(session, settings, user, slug, form, titles=titles)
    except DargahError as exc:
        return _page(request, session, setting, form, error=exc, status_code=exc.status)
    return _page(request, session, setting, form, answer=answer)


@router.post("/datasets/{slug}/query/export")
def export_query(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: CanPostQuery,
    items: FormItems,
    slug: str,
) -> Response:
    """The same query as a file, from its first row (up to a page's maximum): CSV and
    Excel for people (titles, labels, Jalali dates) unless ``variant=machine`` asks for
    codes and field names; Parquet and JSON always for programs."""
    form = read_form(items)
    chosen = dict(items).get("export", "csv")
    export: ExportFormat = next((known for known in EXPORTS if known == chosen), "csv")
    try:
        answer = _run(session, settings, user, slug, form, export=export)
    except DargahError as exc:
        setting = _setting(session, user, slug, _grant_id(form.grant), language_of(request))
        return _page(request, session, setting, form, error=exc, status_code=exc.status)
    headers = {
        "Content-Disposition": f'attachment; filename="{slug}.{export}"',
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
        "X-Row-Count": str(len(answer.rows)),
    }
    if answer.next_cursor:
        headers["X-Next-Cursor"] = answer.next_cursor
    people = export in ("csv", "xlsx") and variant_of(dict(items).get("variant")) == "people"
    if not people:
        return StreamingResponse(
            exports.chunks(answer, export), media_type=MEDIA_TYPES[export], headers=headers
        )
    language = language_of(request)
    setting = _setting(session, user, slug, _grant_id(form.grant), language)
    titles = {choice.name: choice.title for choice in setting.choices}
    table = answer_table(
        answer,
        title=setting.dataset.title_fa if language == "fa" else setting.dataset.title_en,
        headers=column_headers(answer, titles, language),
        labels=_labels(session, setting, answer, language),
        groups=group_count(answer, titles),
        language=language,
    )
    return StreamingResponse(
        exports.labelled_chunks(table, "xlsx" if export == "xlsx" else "csv"),
        media_type=MEDIA_TYPES[export],
        headers=headers,
    )
