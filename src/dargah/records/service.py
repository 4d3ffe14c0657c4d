"""Querying a data set's records under the caller's grant, audited with its purpose.

Two entry points, one set of rules (``_answer``): resolve what the caller may read
(``access.grants.resolve_grant``), check every field the query names before anything
runs, compile the query with the caller's row scope built in, read one page, suppress
small cells of aggregate answers over personal data, mask personal values the grant
does not open — and audit the read (purpose, grant, rows returned) before the answer
is handed back.

- ``run_query`` (portal, CLI, statistics) does it all in the caller's session: the
  data set, the grant, the read and the audit entry in one transaction.
- ``QueryServer.serve`` (the query API) keeps the data set's active version, the
  caller's grant and the compiled statement per process (for ``access_cache_seconds``
  at most, dropped at once by a change committed in the process), reads outside any
  transaction, and returns only once its audit entry is committed by
  ``audit.group.GroupCommit`` together with those of concurrent requests (decision
  0014).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Final

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from dargah.access import grants
from dargah.access.masking import mask_value
from dargah.access.models import GrantLevel
from dargah.access.policy import Principal
from dargah.access.protection import Access, RowLimits, authorise_use
from dargah.access.suppression import Cell, suppress
from dargah.audit.events import AuditAction
from dargah.audit.group import GroupCommit
from dargah.audit.service import draft, record
from dargah.catalogue import codelists
from dargah.catalogue import service as catalogue
from dargah.catalogue.documents import DatasetDocument, version_tuple
from dargah.db.base import utcnow
from dargah.db.cache import ReadCache
from dargah.db.session import Database, atomic
from dargah.errors import Conflict, InvalidInput, PermissionDenied
from dargah.records import tables as record_tables
from dargah.records.query import (
    MAX_GROUPS,
    QUERYABLE_SYSTEM_FIELDS,
    SYSTEM_FIELDS,
    CodeChoice,
    CodeMatcher,
    CompiledQuery,
    OutputColumn,
    QuerySpec,
    code_matchers,
    compile_query,
    decode_cursor,
    encode_cursor,
    query_shape,
    rebind,
    resolve_code_values,
    rollup_for,
)
from dargah.records.rollups import Rollup

SUPPRESSED: Final = "_suppressed"
# What a cached active version and a cached grant are read from.
VERSION_TABLES: Final = (
    "datasets",
    "dataset_versions",
    "hq_units",
    "code_lists",
    "code_list_versions",
    "code_values",
)
GRANT_TABLES: Final = ("grants", "members", "hq_units")
_STATEMENTS_MAX: Final = 1024


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


@dataclass(frozen=True)
class ActiveVersion:
    """A data set at its active version, as a query reads it."""

    document: DatasetDocument
    schema_hash: str
    field_names: tuple[str, ...]
    personal: frozenset[str]
    # Coded fields (and system columns) by name: a filter's label is read as its code.
    codes: Mapping[str, CodeMatcher] = field(default_factory=dict)

    @property
    def slug(self) -> str:
        """The data set's slug."""
        return self.document.id


def active_version(session: Session, slug: str) -> ActiveVersion:
    """Data set ``slug`` at its active version; ``dataset_not_active`` if it has none."""
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
    fields = document.schema_.fields
    choices = {
        slug: [
            CodeChoice(value.code, value.label_fa, value.label_en, tuple(value.aliases))
            for value in codelists.active_values(session, slug)
        ]
        for slug in sorted(document.schema_.code_lists)
    }
    return ActiveVersion(
        document=document,
        schema_hash=version.schema_hash,
        field_names=tuple(item.name for item in fields),
        personal=frozenset(item.name for item in fields if item.sensitivity.is_personal),
        codes=code_matchers(document, choices),
    )


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
            active = active_version(session, slug)
            access = grants.resolve_grant(
                session, principal=principal, slug=slug, grant_id=grant_id
            ).access
            connection = session.connection()
            answer, terms = _answer(
                active,
                access,
                spec,
                principal=principal,
                purpose=purpose,
                secret=secret,
                output=output,
                connection=connection,
                present=lambda name: record_tables.has_table(connection, name),
            )
            record(session, principal=principal, **terms)
            return answer
    except PermissionDenied as exc:
        with atomic(session):
            record(session, principal=principal, **_refusal(slug, purpose, exc))
        raise


class QueryServer:
    """``run_query`` as the query API serves it: the same checks, answer and audit
    entries, at the cost of about one statement per query.

    Kept per process (one per app): data sets' active versions and callers' grants,
    for at most ``cache_seconds`` and only while this process commits no change to
    their tables; record tables seen to exist, as long; compiled statements by shape
    (a published version never changes, and the key names its schema's hash). The
    read runs outside any transaction; its audit entry is group-committed by
    ``audit_log``, and ``serve`` returns only once it is committed (decision 0014).
    """

    def __init__(
        self,
        database: Database,
        *,
        audit_log: GroupCommit,
        secret: bytes,
        cache_seconds: float,
    ) -> None:
        self.database = database
        self.audit_log = audit_log
        self._secret = secret
        self.versions: ReadCache[str, ActiveVersion] = ReadCache(
            seconds=cache_seconds, tables=VERSION_TABLES
        )
        self.grants: ReadCache[tuple[object, ...], grants.ResolvedAccess] = ReadCache(
            seconds=cache_seconds, tables=GRANT_TABLES
        )
        # Only tables found: one not made yet is looked for again at the next query.
        self.tables: ReadCache[str, bool] = ReadCache(seconds=cache_seconds, tables=())
        self._statements: dict[tuple[object, ...], CompiledQuery] = {}

    def serve(
        self,
        *,
        principal: Principal,
        slug: str,
        spec: QuerySpec,
        purpose: str,
        grant_id: int | None = None,
        output: str = "json",
    ) -> QueryAnswer:
        """Answer ``spec`` over data set ``slug`` as ``run_query`` does; refusals are
        audited as there."""
        with self.audit_log.expecting() as append:
            try:
                active = self.versions.load(slug, lambda: self._active_version(slug))
                access = self._access(principal=principal, slug=slug, grant=grant_id)
                with self.database.reading() as connection:
                    answer, terms = _answer(
                        active,
                        access,
                        spec,
                        principal=principal,
                        purpose=purpose,
                        secret=self._secret,
                        output=output,
                        connection=connection,
                        present=lambda name: self._present(connection, name),
                        statements=self,
                    )
            except PermissionDenied as exc:
                append(draft(principal=principal, **_refusal(slug, purpose, exc)))
                raise
            append(draft(principal=principal, **terms))
        return answer

    def statement(self, key: tuple[object, ...]) -> CompiledQuery | None:
        """The statement compiled for ``key``, if kept."""
        return self._statements.get(key)

    def keep_statement(self, key: tuple[object, ...], compiled: CompiledQuery) -> None:
        """Keep ``compiled`` for later queries of the same ``key``."""
        if len(self._statements) >= _STATEMENTS_MAX:
            for old in list(self._statements)[: _STATEMENTS_MAX // 8]:
                self._statements.pop(old, None)
        self._statements[key] = compiled

    @contextmanager
    def _session(self) -> Iterator[Session]:
        with self.database.reading() as connection, Session(bind=connection) as session:
            yield session

    def _active_version(self, slug: str) -> ActiveVersion:
        with self._session() as session:
            return active_version(session, slug)

    def _access(self, *, principal: Principal, slug: str, grant: int | None) -> Access:
        """The caller's access: read again when not kept, or when the kept grant has
        expired since (the read then refuses it as the database says)."""
        key = (
            principal.role,
            principal.institution_id,
            principal.hq_unit_id,
            principal.member_identifier,
            slug,
            grant,
        )

        def resolve() -> grants.ResolvedAccess:
            with self._session() as session:
                return grants.resolve_grant(session, principal=principal, slug=slug, grant_id=grant)

        resolved = self.grants.load(key, resolve)
        if resolved.expires_at is not None and resolved.expires_at <= utcnow():
            resolved = self.grants.load(key, resolve, refresh=True)
        return resolved.access

    def _present(self, connection: Connection, name: str) -> bool:
        if self.tables.get(name):
            return True
        found = record_tables.has_table(connection, name)
        if found:
            self.tables.load(name, lambda: True)
        return found


def _answer(
    active: ActiveVersion,
    access: Access,
    spec: QuerySpec,
    *,
    principal: Principal,
    purpose: str,
    secret: bytes,
    output: str,
    connection: Connection,
    present: Callable[[str], bool],
    statements: QueryServer | None = None,
) -> tuple[QueryAnswer, dict[str, Any]]:
    """Check, compile, read and shape one page; with the terms of its audit entry."""
    spec = resolve_code_values(spec, active.codes)
    document = active.document
    slug = active.slug
    if spec.select is None and not spec.is_aggregate:
        visible = [name for name in active.field_names if access.allows(name)]
        spec = spec.model_copy(update={"select": [*SYSTEM_FIELDS, *visible]})
    use = spec.field_use()
    masked = authorise_use(
        access,
        use,
        fields=active.field_names,
        personal=active.personal,
        system=QUERYABLE_SYSTEM_FIELDS,
    )
    major = version_tuple(document.version)[0]

    def digest() -> str:
        return spec.digest(slug, major, access.grant_id, principal.name)

    after = decode_cursor(secret, spec.cursor, digest=digest()) if spec.cursor else None
    rollup = rollup_for(spec, document)
    if rollup is not None and not present(rollup.table.name):
        rollup = None  # made at the first load after the version declared it
    tables = record_tables.record_tables(document)
    # SQLite's lookup tables (decision 0016), once made by a load.
    sqlite = connection.dialect.name == "sqlite"
    lookups = tuple(
        lookup.table.name for lookup in tables.lookups if sqlite and present(lookup.table.name)
    )
    compiled = _compiled(active, spec, access.rows, after, rollup, statements, lookups)
    if rollup is not None or present(tables.current.name):
        fetched = [
            tuple(row) for row in connection.execute(compiled.statement, dict(compiled.parameters))
        ]
    else:
        fetched = []  # nothing was ever loaded for this version
    answer = QueryAnswer(
        dataset=slug,
        version=document.version,
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
    terms = {
        "action": AuditAction.DATASET_QUERIED,
        "entity_type": "dataset",
        "entity_id": slug,
        "purpose": purpose,
        "personal_data": bool(used & active.personal),
        "details": {
            "grant": access.grant_id,
            "own_institution": access.own_institution,
            "version": document.version,
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
    }
    return answer, terms


def _compiled(
    active: ActiveVersion,
    spec: QuerySpec,
    limits: RowLimits,
    after: list[object] | None,
    rollup: Rollup | None,
    statements: QueryServer | None,
    lookups: tuple[str, ...],
) -> CompiledQuery:
    document = active.document
    shape = query_shape(spec, after) if statements is not None else None
    if statements is None or shape is None:
        return compile_query(
            spec, document=document, limits=limits, after=after, rollup=rollup, lookups=lookups
        )
    key = (
        active.slug,
        document.version,
        active.schema_hash,
        limits,
        None if rollup is None else rollup.table.name,
        lookups,
        shape,
    )
    kept = statements.statement(key)
    if kept is not None:
        return rebind(kept, spec, document=document, after=after)
    compiled = compile_query(
        spec, document=document, limits=limits, after=after, rollup=rollup, lookups=lookups
    )
    statements.keep_statement(key, compiled)
    return compiled


def _refusal(slug: str, purpose: str, exc: PermissionDenied) -> dict[str, Any]:
    return {
        "action": AuditAction.DATASET_QUERY_REFUSED,
        "entity_type": "dataset",
        "entity_id": slug,
        "purpose": purpose,
        "outcome": "failure",
        "details": {"code": exc.code, **_jsonable(exc.details)},
    }


def _row_page(
    answer: QueryAnswer,
    compiled: CompiledQuery,
    fetched: list[tuple[Any, ...]],
    *,
    secret: bytes,
    digest: Callable[[], str],
) -> None:
    width = len(compiled.columns)
    page = fetched[: compiled.limit]
    answer.rows = [row[:width] for row in page]
    if len(fetched) > compiled.limit and page:
        answer.next_cursor = encode_cursor(secret, digest=digest(), values=list(page[-1][width:]))


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
