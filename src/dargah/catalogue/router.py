"""HTTP routes of the catalogue: data sets, versions, dictionary, code lists, exports.

The search (``GET /catalogue/search``) lives in ``discovery``: it reports loads and the
caller's grants, which sit above the catalogue."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response, status
from fastapi.responses import JSONResponse

from dargah.access.policy import Permission, Principal
from dargah.api.deps import SessionDep, SettingsDep, require
from dargah.catalogue import codelists, presenters, publishing, service, templates
from dargah.catalogue.documents import DatasetDocument
from dargah.catalogue.schemas import (
    CodeListOut,
    CodeListSummary,
    CodeValueOut,
    DatasetOut,
    DatasetUpdate,
    Decision,
    DictionaryOut,
    NewVersion,
    Rejection,
    VersionDrafted,
    VersionOut,
    VersionSummary,
)
from dargah.errors import not_found
from dargah.persian.inputs import DigitsStr

router = APIRouter(tags=["catalogue"])

Reader = Annotated[Principal, require(Permission.CATALOGUE_READ)]
Writer = Annotated[Principal, require(Permission.CATALOGUE_WRITE)]
Approver = Annotated[Principal, require(Permission.CATALOGUE_APPROVE)]
Language = templates.TemplateLanguage
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/datasets", response_model=list[DatasetOut], summary="List data sets")
def list_datasets(
    session: SessionDep,
    _reader: Reader,
    domain: str | None = None,
    status: str | None = None,
    owner: DigitsStr | None = None,
) -> list[DatasetOut]:
    """Data sets by domain, lifecycle status or owning HQ unit."""
    rows = service.list_datasets(session, domain=domain, status=status, owner=owner)
    return [presenters.dataset_out(session, dataset) for dataset in rows]


@router.post(
    "/datasets",
    response_model=VersionOut,
    status_code=status.HTTP_201_CREATED,
    summary="Define a new data set (its first version awaits the owner's approval)",
)
def create_dataset(session: SessionDep, principal: Writer, body: DatasetDocument) -> VersionOut:
    """Define a data set from a full document (metadata and schema)."""
    version = service.create_dataset(session, principal=principal, document=body)
    return presenters.version_out(version)


@router.get("/datasets/{slug}", response_model=DatasetOut, summary="Show a data set")
def show_dataset(session: SessionDep, _reader: Reader, slug: str) -> DatasetOut:
    """A data set with its owner, steward, status and versions."""
    return presenters.dataset_out(session, service.get_dataset(session, slug))


@router.patch("/datasets/{slug}", response_model=DatasetOut)
def update_dataset(
    session: SessionDep, principal: Writer, slug: str, body: DatasetUpdate
) -> DatasetOut:
    """Change a data set's steward, status (deprecate, retire), descriptions or threshold."""
    dataset = service.update_dataset(
        session,
        principal=principal,
        slug=slug,
        changes=service.DatasetChanges(**body.model_dump(exclude_unset=True)),
    )
    return presenters.dataset_out(session, dataset)


@router.get("/datasets/{slug}/versions", response_model=list[VersionSummary])
def list_versions(session: SessionDep, _reader: Reader, slug: str) -> list[VersionSummary]:
    """Every version of a data set, oldest first."""
    dataset = service.get_dataset(session, slug)
    return [presenters.version_summary(version) for version in dataset.versions]


@router.post(
    "/datasets/{slug}/versions",
    response_model=VersionDrafted,
    status_code=status.HTTP_201_CREATED,
    summary="Draft the next version (minor or major is decided from the change)",
)
def draft_version(
    session: SessionDep, principal: Writer, slug: str, body: NewVersion
) -> VersionDrafted:
    """Draft a new schema version; by default it is submitted to the owner at once."""
    version, _evolution = service.draft_version(
        session,
        principal=principal,
        slug=slug,
        schema_document=body.table_schema,
        note=body.note,
        submit=body.submit,
    )
    return VersionDrafted(version=presenters.version_out(version), kind=version.change_kind)


@router.get("/datasets/{slug}/versions/{version}", response_model=VersionOut)
def show_version(session: SessionDep, _reader: Reader, slug: str, version: str) -> VersionOut:
    """One version (``1.2``, ``active`` or ``latest``) with its schema and change log."""
    return presenters.version_out(service.get_version(service.get_dataset(session, slug), version))


@router.post("/datasets/{slug}/versions/{version}/submit", response_model=VersionOut)
def submit_version(session: SessionDep, principal: Writer, slug: str, version: str) -> VersionOut:
    """Send a draft to the owner for approval."""
    found = service.submit_version(session, principal=principal, slug=slug, version=version)
    return presenters.version_out(found)


@router.post("/datasets/{slug}/versions/{version}/approve", response_model=VersionOut)
def approve_version(
    session: SessionDep, principal: Approver, slug: str, version: str, body: Decision
) -> VersionOut:
    """The owning HQ unit approves a pending version; it becomes active."""
    found = service.approve_version(
        session,
        principal=principal,
        slug=slug,
        version=version,
        note=body.note,
        transition=timedelta(days=body.transition_days),
    )
    return presenters.version_out(found)


@router.post("/datasets/{slug}/versions/{version}/reject", response_model=VersionOut)
def reject_version(
    session: SessionDep, principal: Approver, slug: str, version: str, body: Rejection
) -> VersionOut:
    """The owning HQ unit rejects a pending version, with a reason."""
    found = service.reject_version(
        session, principal=principal, slug=slug, version=version, reason=body.reason
    )
    return presenters.version_out(found)


@router.get("/datasets/{slug}/versions/{version}/dictionary", response_model=DictionaryOut)
def dictionary(session: SessionDep, _reader: Reader, slug: str, version: str) -> DictionaryOut:
    """The data dictionary of a version: fields, meanings, code lists, rules."""
    dataset = service.get_dataset(session, slug)
    return presenters.dictionary_out(session, dataset, service.get_version(dataset, version))


@router.get(
    "/datasets/{slug}/versions/{version}/template.xlsx",
    response_class=Response,
    responses={200: {"content": {XLSX_TYPE: {}}}},
)
def xlsx_template(
    session: SessionDep, _reader: Reader, slug: str, version: str, language: Language = "fa"
) -> Response:
    """The Excel template: headers, drop-downs from code lists, an instructions sheet."""
    found = service.get_version(service.get_dataset(session, slug), version)
    content = publishing.xlsx_template(session, found, language=language)
    return Response(
        content,
        media_type=XLSX_TYPE,
        headers={"Content-Disposition": _attachment(slug, found.version, "xlsx")},
    )


@router.get(
    "/datasets/{slug}/versions/{version}/template.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}},
)
def csv_template(
    session: SessionDep, _reader: Reader, slug: str, version: str, language: Language = "fa"
) -> Response:
    """The CSV template (UTF-8 with BOM, one header row)."""
    found = service.get_version(service.get_dataset(session, slug), version)
    return Response(
        publishing.csv_template(found, language=language),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": _attachment(slug, found.version, "csv")},
    )


def _attachment(slug: str, version: str, extension: str) -> str:
    return f'attachment; filename="{slug}-{version}.{extension}"'


@router.get("/codelists", response_model=list[CodeListSummary], summary="List code lists")
def list_code_lists(session: SessionDep, _reader: Reader) -> list[CodeListSummary]:
    """Every code list with its active version and size."""
    return [
        presenters.code_list_summary(session, code_list)
        for code_list in codelists.list_code_lists(session)
    ]


@router.get("/codelists/{slug}", response_model=CodeListOut, response_model_by_alias=True)
def show_code_list(
    session: SessionDep, _reader: Reader, slug: str, version: DigitsStr | None = None
) -> CodeListOut:
    """A code list's values at its active version or a named one."""
    code_list = codelists.get_code_list(session, slug)
    return presenters.code_list_out(session, code_list, codelists.find_version(code_list, version))


@router.get("/codelists/{slug}/lookup", response_model=CodeValueOut)
def lookup_code(
    session: SessionDep,
    _reader: Reader,
    slug: str,
    q: Annotated[str, Query(min_length=1, max_length=200)],
) -> CodeValueOut:
    """The code that ``q`` names: a code, a Persian or English label, or an alias."""
    value = codelists.lookup(session, slug, q)
    if value is None:
        raise not_found("مقدار", "Code value", f"{slug}: {q}")
    return presenters.code_value_out(value)


@router.get("/catalogue/export", summary="The catalogue as a Data Package or DCAT-AP JSON-LD")
def export(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    _reader: Reader,
    format: Literal["datapackage", "dcat"] = "datapackage",
) -> JSONResponse:
    """Every active data set: Frictionless Data Package or DCAT-AP JSON-LD."""
    base_url = str(request.base_url).rstrip("/")
    if format == "dcat":
        body = publishing.dcat(
            session, base_url=base_url, publisher=(settings.node_name_fa, settings.node_name_en)
        )
        return JSONResponse(body, media_type="application/ld+json")
    return JSONResponse(publishing.data_package(session, base_url=base_url))
