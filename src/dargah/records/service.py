"""Querying a data set's records under the caller's grant, audited with its purpose.

``run_query`` is the one entry point for every interface (API, portal, CLI): it
resolves what the caller may read (``access.grants.resolve_access``), checks every
field the query names before anything runs, compiles the query with the caller's row
scope built in, reads one page, suppresses small cells of aggregate answers over
personal data, masks personal values the grant does not open, and writes the audit
entry — purpose, grant, rows returned — in the same transaction as the read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final

from sqlalchemy.orm import Session

from dargah.access import grants
from dargah.access.masking import mask_value
from dargah.access.models import GrantLevel
from dargah.access.policy import Principal
from dargah.access.protection import Access, authorise_use
from dargah.access.suppression import Cell, suppress
from dargah.audit.events import AuditAction
from dargah.audit.service import record
from dargah.catalogue import service as catalogue
from dargah.catalogue.documents import DatasetDocument
from dargah.db.session import atomic
from dargah.errors import Conflict, InvalidInput, PermissionDenied
from dargah.records import tables as record_tables
from dargah.records.query import (
    MAX_GROUPS,
    QUERYABLE_SYSTEM_FIELDS,
    SYSTEM_FIELDS,
    CompiledQuery,
    OutputColumn,
    QuerySpec,
    compile_query,
    decode_cursor,
    encode_cursor,
    rollup_for,
)

SUPPRESSED: Final = "_suppressed"


@dataclass
class QueryAnswer:
    """One page of an answer, ready to serialise."""

    dataset: str
    version: str
    grant_id: int | None
    aggregate: bool
    columns: list[OutputColumn]
    rows: list[tuple[Any, ...]]
    next_cursor: str | None = None
    masked: list[str] = field(default_factory=list)
    suppressed_cells: int = 0

    @property
    def column_names(self) -> list[str]:
        """The names of the answer's columns, in order."""
        return [column.name for column in self.columns]


def run_query(
    session: Session,
    *,
    principal: Principal,
    slug: str,
    spec: QuerySpec,
    purpose: str,
    secret: bytes,
    grant_id: int | None = None,
    output: str = "json",
) -> QueryAnswer:
    """Answer ``spec`` over data set ``slug`` as far as the caller's access allows.

    A refusal (a field outside the grant, no grant, an aggregate-only grant asked for
    rows) is itself audited as ``dataset.query_refused`` before it is raised.
    """
    try:
        with atomic(session):
            return _run(
                session,
                principal=principal,
                slug=slug,
                spec=spec,
                purpose=purpose,
                secret=secret,
                grant_id=grant_id,
                output=output,
            )
    except PermissionDenied as exc:
        with atomic(session):
            record(
                session,
                principal=principal,
                action=AuditAction.DATASET_QUERY_REFUSED,
                entity_type="dataset",
                entity_id=slug,
                purpose=purpose,
                outcome="failure",
                details={"code": exc.code, **_jsonable(exc.details)},
            )
        raise


def _run(
    session: Session,
    *,
    principal: Principal,
    slug: str,
    spec: QuerySpec,
    purpose: str,
    secret: bytes,
    grant_id: int | None,
    output: str,
) -> QueryAnswer:
    dataset = catalogue.get_dataset(session, slug)
    version = catalogue.active_version(dataset)
    if version is None:
        raise Conflict(
            "این مجموعه‌داده هنوز نسخهٔ فعالی ندارد.",
            "This data set has no active version yet.",
            code="dataset_not_active",
            details={"dataset": slug},
        )
    document = catalogue.as_document(dataset, version)
    access = grants.resolve_access(session, principal=principal, dataset=dataset, grant_id=grant_id)
    fields = document.schema_.fields
    personal = {item.name for item in fields if item.sensitivity.is_personal}
    if spec.select is None and not spec.is_aggregate:
        visible = [item.name for item in fields if access.allows(item.name)]
        spec = spec.model_copy(update={"select": [*SYSTEM_FIELDS, *visible]})
    use = spec.field_use()
    masked = authorise_use(
        access,
        use,
        fields=[item.name for item in fields],
        personal=personal,
        system=QUERYABLE_SYSTEM_FIELDS,
    )
    digest = spec.digest(slug, version.major, access.grant_id, principal.name)
    after = decode_cursor(secret, spec.cursor, digest=digest) if spec.cursor else None
    connection = session.connection()
    rollup = rollup_for(spec, document)
    if rollup is not None and not record_tables.has_table(connection, rollup.table.name):
        rollup = None  # made at the first load after the version declared it
    compiled = compile_query(
        spec, document=document, limits=access.rows, after=after, rollup=rollup
    )
    if rollup is not None or record_tables.exists(
        connection, record_tables.record_tables(document)
    ):
        fetched = [tuple(row) for row in session.execute(compiled.statement).all()]
    else:
        fetched = []  # nothing was ever loaded for this version
    answer = QueryAnswer(
        dataset=slug,
        version=version.version,
        grant_id=access.grant_id,
        aggregate=compiled.aggregate,
        columns=list(compiled.columns),
        rows=[],
    )
    if compiled.aggregate:
        _aggregate_page(answer, compiled, fetched, document, access)
    else:
        _row_page(answer, compiled, fetched, secret=secret, digest=digest)
    shown = {column.name for column in answer.columns}
    answer.masked = sorted(masked & shown)
    if answer.masked:
        _mask(answer)
    used = {name for _, name in use.all()}
    record(
        session,
        principal=principal,
        action=AuditAction.DATASET_QUERIED,
        entity_type="dataset",
        entity_id=slug,
        purpose=purpose,
        personal_data=bool(used & personal),
        details={
            "grant": access.grant_id,
            "own_institution": access.own_institution,
            "version": version.version,
            "rows": len(answer.rows),
            "aggregate": compiled.aggregate,
            "fields": sorted(used),
            "masked": answer.masked,
            "suppressed_cells": answer.suppressed_cells,
            "as_of": str(spec.as_of) if spec.as_of is not None else None,
            "page": spec.cursor is not None,
            "format": output,
            "rollup": rollup is not None,
        },
    )
    return answer


def _row_page(
    answer: QueryAnswer,
    compiled: CompiledQuery,
    fetched: list[tuple[Any, ...]],
    *,
    secret: bytes,
    digest: str,
) -> None:
    width = len(compiled.columns)
    page = fetched[: compiled.limit]
    answer.rows = [row[:width] for row in page]
    if len(fetched) > compiled.limit and page:
        answer.next_cursor = encode_cursor(secret, digest=digest, values=list(page[-1][width:]))


def _suppression_applies(document: DatasetDocument, access: Access) -> bool:
    """Aggregates over personal data are suppressed for everyone but the institution
    itself and holders of a row-level grant that opens personal fields (who could read
    the rows anyway)."""
    personal = document.sensitivity.is_personal or any(
        item.sensitivity.is_personal for item in document.schema_.fields
    )
    opened = access.level is GrantLevel.ROWS and access.personal
    return personal and not access.own_institution and not opened


def _aggregate_page(
    answer: QueryAnswer,
    compiled: CompiledQuery,
    fetched: list[tuple[Any, ...]],
    document: DatasetDocument,
    access: Access,
) -> None:
    if len(fetched) > MAX_GROUPS:
        raise InvalidInput(
            f"پاسخ بیش از {MAX_GROUPS} گروه دارد؛ شرط‌ها را تنگ‌تر یا گروه‌بندی را کمتر کنید.",
            f"The answer has more than {MAX_GROUPS} groups; narrow the conditions or group "
            "by fewer fields.",
            code="too_many_groups",
            details={"max_groups": MAX_GROUPS},
        )
    width = len(compiled.columns)
    groups = compiled.groups
    count_at = width  # the hidden row count follows the shown columns
    hidden: set[int] = set()
    if _suppression_applies(document, access):
        cells = [Cell(dimensions=tuple(row[:groups]), count=int(row[count_at])) for row in fetched]
        hidden = suppress(cells, threshold=document.small_cell_threshold)
        answer.columns.append(OutputColumn(SUPPRESSED, "boolean"))
    rows: list[tuple[Any, ...]] = []
    for index, row in enumerate(fetched):
        shown = row[:width]
        if index in hidden:
            shown = (*shown[:groups], *(None for _ in range(width - groups)))
        if answer.columns[-1].name == SUPPRESSED:
            shown = (*shown, index in hidden)
        rows.append(shown)
    answer.suppressed_cells = len(hidden)
    answer.rows = rows[: compiled.limit]


def _mask(answer: QueryAnswer) -> None:
    positions = [
        (index, column)
        for index, column in enumerate(answer.columns)
        if column.name in answer.masked and column.field is not None
    ]
    for index, column in positions:
        answer.columns[index] = OutputColumn(column.name, "string", column.field)
    masked_rows = []
    for row in answer.rows:
        values = list(row)
        for index, column in positions:
            kind = column.dargah_type
            if kind is not None:
                values[index] = mask_value(kind, values[index])
        masked_rows.append(tuple(values))
    answer.rows = masked_rows


def _jsonable(details: dict[str, Any]) -> dict[str, Any]:
    return {
        key: value if isinstance(value, str | int | None) else str(value)
        for key, value in details.items()
    }
