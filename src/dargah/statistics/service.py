"""National statistics for dashboards: named pivots answered through the query service.

A pivot (``statistics.pivots``) is a count of one data set's records grouped by a few
fields. ``answer`` reads it for one period **through** ``records.service.run_query``, so
the caller's grant, its row scope, small-cell suppression, the rollups and the
``dataset.queried`` audit entry (purpose «داشبورد آمار ملی») apply exactly as to any
query (decisions 0011, 0012). Around that one read it adds what a dashboard needs: the
period to show (the latest loaded by default), labels for the coded cells, the total,
the freshness of the data (the period's last load) and its coverage (institutions
reporting of those expected), the last two from metadata only (slices and members),
within the caller's scope.

``visible_pivots`` lists the pivots a caller can read: institutions see their own
figures of every pivot; HQ units and agencies those whose data set they hold an active
grant on that allows the pivot's fields; other roles hold no grants and see none.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import Session

from dargah.access import grants
from dargah.access.models import Grant, GrantLevel, GrantStatus
from dargah.access.policy import Principal, Role
from dargah.access.protection import Access, RowLimits
from dargah.catalogue import codelists
from dargah.catalogue import service as catalogue
from dargah.catalogue.documents import Cadence, DatasetDocument, version_tuple
from dargah.catalogue.models import CodeValue, Dataset
from dargah.db.base import utcnow
from dargah.db.session import atomic
from dargah.errors import Conflict, DargahError, InvalidInput, NotFound, PermissionDenied
from dargah.members.models import (
    INSTITUTION_TYPE_LABELS,
    InstitutionType,
    Member,
    MemberKind,
    MemberStatus,
)
from dargah.members.provinces import PROVINCES
from dargah.persian import normalize, to_ascii_digits, to_persian_digits
from dargah.records import service as records
from dargah.records.models import RecordSlice
from dargah.records.query import (
    INSTITUTION,
    INSTITUTION_TYPE,
    PERIOD,
    PROVINCE,
    QUERYABLE_SYSTEM_FIELDS,
    Aggregate,
    QuerySpec,
)
from dargah.records.service import SUPPRESSED, QueryAnswer
from dargah.statistics.pivots import PIVOTS, Pivot, get_pivot

API_PREFIX: Final = "/api/v1"
PURPOSE: Final = "داشبورد آمار ملی"
# A period is national when the institutions reporting it reach this share of the
# period most reported (the default of Settings.statistics_national_share).
NATIONAL_SHARE: Final = 0.5
_PERIOD: Final = re.compile(r"^[0-9]{4}(-[0-9]{1,2})?$")
_CONSUMERS: Final = frozenset({Role.HQ, Role.AGENCY})
_NOT_GIVEN: Final = ("نامشخص", "Not given")
_LAST: Final = 1 << 30  # sorts values no code list knows after those it does


class AccessKind(enum.StrEnum):
    """How the caller reads a pivot's data set."""

    OWN_INSTITUTION = "own_institution"  # an institution, its own figures
    ROWS = "rows"  # under a row-level grant
    AGGREGATE = "aggregate"  # under an aggregate-only grant


def access_kind(access: Access) -> AccessKind:
    """The kind of ``access``, as the dashboard names it."""
    if access.own_institution:
        return AccessKind.OWN_INSTITUTION
    return AccessKind.ROWS if access.level is GrantLevel.ROWS else AccessKind.AGGREGATE


def national_periods(reporting: dict[str, int], share: float = NATIONAL_SHARE) -> list[str]:
    """The periods of ``reporting`` (institutions reporting, by period) that are
    national: reported by at least ``share`` of the institutions that reported the
    period most reported, oldest first. One university's early upload of a new term is
    not a national figure; the term becomes national as the others report."""
    if not reporting:
        return []
    most = max(reporting.values())
    return sorted(
        (period for period, count in reporting.items() if count >= share * most),
        key=period_key,
    )


@dataclass(frozen=True)
class PivotView:
    """A pivot the caller can read, with the periods loaded within its scope and how
    many institutions reported each."""

    pivot: Pivot
    dataset: Dataset
    access: Access
    periods: list[str]  # oldest first
    reporting: dict[str, int] = field(default_factory=dict)  # institutions, by period
    national_share: float = NATIONAL_SHARE

    @property
    def national(self) -> list[str]:
        """The national periods, oldest first (``national_periods``)."""
        return national_periods(self.reporting, self.national_share)

    @property
    def latest(self) -> str | None:
        """The period shown by default: the latest national one."""
        national = self.national
        return national[-1] if national else (self.periods[-1] if self.periods else None)

    @property
    def latest_loaded(self) -> str | None:
        """The latest period anyone loaded, national or not."""
        return self.periods[-1] if self.periods else None


@dataclass(frozen=True)
class Label:
    """One value of a dimension: its stored code and its labels."""

    code: Any
    label_fa: str
    label_en: str
    position: int = _LAST  # its place in its code list, for ordering

    def text(self, language: str) -> str:
        """The label in ``language`` (Persian unless ``en``)."""
        return self.label_en if language == "en" else self.label_fa


@dataclass(frozen=True)
class Dimension:
    """One grouping field of a pivot, with its titles."""

    name: str
    title_fa: str
    title_en: str

    def title(self, language: str) -> str:
        """The title in ``language`` (Persian unless ``en``)."""
        return self.title_en if language == "en" else self.title_fa


@dataclass(frozen=True)
class StatCell:
    """One cell: its place on every dimension and its count (None when withheld)."""

    labels: tuple[Label, ...]
    count: int | None
    suppressed: bool


@dataclass(frozen=True)
class Coverage:
    """Who reported the period, within the caller's scope."""

    institutions_reporting: int
    # Active institutions of the types the data set requires (None: it requires none).
    institutions_expected: int | None
    expected_reporting: int | None  # how many of those expected reported
    # Institutions reporting the period most reported in the caller's scope: what a
    # national period is measured against.
    most_reporting: int = 0

    @property
    def of(self) -> int:
        """What the reporting are counted against: those expected, else the most that
        reported any period."""
        if self.institutions_expected:
            return self.institutions_expected
        return max(self.most_reporting, self.institutions_reporting)

    @property
    def reporting(self) -> int:
        """Those reporting, of those expected when the data set names them."""
        if self.institutions_expected and self.expected_reporting is not None:
            return self.expected_reporting
        return self.institutions_reporting

    @property
    def share(self) -> float:
        """``reporting`` / ``of`` (0 when there is nothing to count against)."""
        return self.reporting / self.of if self.of else 0.0


@dataclass(frozen=True)
class Statistic:
    """A pivot's answer for one period."""

    pivot: Pivot
    dataset: Dataset
    version: str
    period: str
    requested_period: str | None
    access: Access
    dimensions: list[Dimension]
    cells: list[StatCell]
    total: int | None  # None when the total itself counts fewer than the threshold
    suppressed_cells: int
    small_cell_threshold: int
    loaded_at: datetime | None
    coverage: Coverage
    query: QueryAnswer  # the query service's answer the cells come from
    periods: list[str] = field(default_factory=list)  # loaded in the caller's scope
    national_periods: list[str] = field(default_factory=list)  # of those, the national

    @property
    def national(self) -> bool:
        """Whether the period read is a national one."""
        return self.period in self.national_periods

    @property
    def national_period(self) -> str | None:
        """The latest national period."""
        return self.national_periods[-1] if self.national_periods else None

    @property
    def kind(self) -> AccessKind:
        """How the caller read it."""
        return access_kind(self.access)


# -- periods -------------------------------------------------------------------------------


def normalise_period(value: str | None) -> str | None:
    """``value`` as a period label (Persian digits accepted), None if empty; refused
    unless it reads 1403 (a year) or 1403-1 (a term)."""
    if value is None or not value.strip():
        return None
    period = to_ascii_digits(normalize(value)).strip()
    if not _PERIOD.match(period):
        raise InvalidInput(
            "دوره باید به شکل ۱۴۰۳ (سال) یا ۱۴۰۳-۱ (نیمسال) باشد.",
            "The period must read 1403 (a year) or 1403-1 (a term).",
            code="statistics_period_invalid",
            details={"period": value},
        )
    return period


def period_key(period: str) -> tuple[int, int]:
    """Orders periods in time: 1402 < 1402-1 < 1402-2 < 1403."""
    year, _, term = period.partition("-")
    if not year.isdigit():
        return (-1, 0)
    return (int(year), int(term) if term.isdigit() else 0)


def resolve_period(dataset: Dataset, wanted: str, loaded: Sequence[str]) -> str | None:
    """The period read when ``wanted`` is asked of ``dataset``: itself if loaded; for
    data reported per academic year, the year of a term asked (1403-1 is in the
    academic year 1403), so one dashboard period serves every pivot. None when the data
    set holds neither."""
    if wanted in loaded:
        return wanted
    if dataset.cadence == Cadence.ACADEMIC_YEAR.value and "-" in wanted:
        year = wanted.partition("-")[0]
        if year in loaded:
            return year
    return None


def period_url(pivot: Pivot, period: str) -> str:
    """The API address of ``pivot`` for ``period``."""
    return f"{API_PREFIX}/statistics/{pivot.id}?period={period}"


def _resolve_period(
    pivot: Pivot, dataset: Dataset, wanted: str | None, loaded: Sequence[str], default: str | None
) -> str:
    """The period to read: the one asked for if held (``resolve_period``), the latest
    national period (``default``) if none was asked for; otherwise
    ``statistics_period_not_loaded``, naming the periods held and their addresses."""
    if wanted is None:
        if default is not None:
            return default
    else:
        found = resolve_period(dataset, wanted, loaded)
        if found is not None:
            return found
    title_fa, title_en = dataset.title_fa, dataset.title_en
    if not loaded:
        message_fa = f"هنوز داده‌ای از «{title_fa}» در دامنهٔ دسترسی شما بار نشده است."
        message_en = f"No data of '{title_en}' within your access has been loaded yet."
    else:
        shown = "، ".join(to_persian_digits(period) for period in reversed(loaded))
        message_fa = (
            f"«{title_fa}» برای دورهٔ {to_persian_digits(str(wanted))} در دامنهٔ دسترسی شما "
            f"داده ندارد؛ دوره‌هایی که دارد: {shown}."
        )
        message_en = (
            f"'{title_en}' holds no data within your access for period {wanted}; "
            f"the periods it holds: {', '.join(reversed(loaded))}."
        )
    raise NotFound(
        message_fa,
        message_en,
        code="statistics_period_not_loaded",
        details={
            "pivot": pivot.id,
            "period": wanted,
            "loaded": list(loaded),
            "links": [
                {"period": period, "url": period_url(pivot, period)} for period in reversed(loaded)
            ],
        },
    )


# -- scope (metadata only: slices and members) -----------------------------------------------


def _member_scope(limits: RowLimits) -> list[ColumnElement[bool]]:
    """The scope's conditions on the institution, as the query compiler applies them."""
    found: list[ColumnElement[bool]] = []
    if limits.institution_ids is not None:
        found.append(Member.id.in_(sorted(limits.institution_ids)))
    if limits.institution_types is not None:
        found.append(Member.institution_type.in_(sorted(limits.institution_types)))
    if limits.provinces is not None:
        found.append(Member.province_code.in_(sorted(limits.provinces)))
    return found


def _period_scope(limits: RowLimits) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    if limits.period_from is not None:
        found.append(RecordSlice.period >= limits.period_from)
    if limits.period_to is not None:
        # "Up to 1402" includes the terms 1402-1, 1402-2 …
        found.append(
            or_(
                RecordSlice.period <= limits.period_to,
                RecordSlice.period.like(f"{limits.period_to}-%"),
            )
        )
    return found


def _loads(columns: Sequence[Any], document: DatasetDocument, limits: RowLimits) -> Select[Any]:
    """``columns`` over the slices of ``document``'s major with a current load, in scope."""
    return (
        select(*columns)
        .select_from(RecordSlice)
        .join(Member, Member.id == RecordSlice.institution_id)
        .where(
            RecordSlice.dataset_slug == document.id,
            RecordSlice.major == version_tuple(document.version)[0],
            RecordSlice.current_submission_id.is_not(None),
            *_member_scope(limits),
            *_period_scope(limits),
        )
    )


def _reporting(session: Session, document: DatasetDocument, limits: RowLimits) -> dict[str, int]:
    """Institutions reporting each period loaded, within the scope, oldest first (one
    slice per institution and period: counting slices counts institutions)."""
    rows = session.execute(
        _loads(
            [RecordSlice.period, func.count(RecordSlice.institution_id.distinct())],
            document,
            limits,
        ).group_by(RecordSlice.period)
    )
    found = {str(period): int(count) for period, count in rows}
    return {period: found[period] for period in sorted(found, key=period_key)}


def _coverage(
    session: Session,
    dataset: Dataset,
    document: DatasetDocument,
    limits: RowLimits,
    period: str,
    most: int,
) -> tuple[Coverage, datetime | None]:
    """Institutions reporting ``period`` (and of those expected), and its last load."""
    required = sorted(dataset.required_institution_types or [])
    expected_type = Member.institution_type.in_(required)
    reporting, expected_reporting, loaded_at = session.execute(
        _loads(
            [
                func.count(RecordSlice.institution_id.distinct()),
                func.count(RecordSlice.institution_id.distinct()).filter(expected_type),
                func.max(RecordSlice.updated_at),
            ],
            document,
            limits,
        ).where(RecordSlice.period == period)
    ).one()
    if not required:
        return Coverage(int(reporting), None, None, most), loaded_at
    expected = session.scalar(
        select(func.count())
        .select_from(Member)
        .where(
            Member.kind == MemberKind.INSTITUTION.value,
            Member.status == MemberStatus.ACTIVE.value,
            expected_type,
            *_member_scope(limits),
        )
    )
    coverage = Coverage(int(reporting), int(expected or 0), int(expected_reporting), most)
    return coverage, loaded_at


# -- which grant -------------------------------------------------------------------------


def _active(session: Session, slug: str) -> tuple[Dataset, DatasetDocument]:
    dataset = catalogue.get_dataset(session, slug)
    version = catalogue.active_version(dataset)
    if version is None:
        raise Conflict(
            "این مجموعه‌داده هنوز نسخهٔ فعالی ندارد.",
            "This data set has no active version yet.",
            code="dataset_not_active",
            details={"dataset": slug},
        )
    return dataset, catalogue.as_document(dataset, version)


def serves(access: Access, pivot: Pivot, document: DatasetDocument) -> bool:
    """Whether ``access`` may group by every field of ``pivot`` (as ``authorise_use``
    decides: granted, and not a personal field the grant masks)."""
    fields = {item.name: item for item in document.schema_.fields}
    for name in pivot.group_by:
        if name not in fields:
            if name in QUERYABLE_SYSTEM_FIELDS:
                continue
            return False
        if not access.allows(name):
            return False
        if fields[name].sensitivity.is_personal and not access.personal:
            return False
    return True


def _held(session: Session, principal: Principal, slug: str) -> list[Grant]:
    """The caller's active grants on data set ``slug`` (none for non-consumers)."""
    hq_unit_id, member_id = grants.consumer_of(session, principal)
    if hq_unit_id is None and member_id is None:
        return []
    holder = (
        Grant.consumer_hq_unit_id == hq_unit_id
        if hq_unit_id is not None
        else Grant.consumer_member_id == member_id
    )
    return list(
        session.scalars(
            select(Grant)
            .where(
                Grant.dataset_slug == slug,
                holder,
                Grant.status == GrantStatus.ACTIVE.value,
                Grant.expires_at > utcnow(),
            )
            .order_by(Grant.id)
        )
    )


def _restrictions(limits: RowLimits) -> int:
    dimensions = (
        limits.institution_ids,
        limits.institution_types,
        limits.provinces,
        limits.period_from,
        limits.period_to,
    )
    return sum(value is not None for value in dimensions)


def _reader(
    session: Session,
    principal: Principal,
    dataset: Dataset,
    document: DatasetDocument,
    pivot: Pivot,
) -> tuple[Access | None, int | None]:
    """The access the caller reads ``pivot`` under, and the grant to name to the query
    service (None for institutions and callers holding none).

    An institution reads its own data. A consumer holding several grants on the data
    set reads under one that serves the pivot: the least restricted scope first, then
    row-level before aggregate-only, then the longest-lived (the answer names it; a
    caller may name another). Grants are never combined (decision 0011). Without one,
    ``(None, grant)``: the grant (if any) the query service will refuse, naming why.
    """
    if principal.role is Role.INSTITUTION and principal.institution_id is not None:
        return grants.resolve_access(session, principal=principal, dataset=dataset), None
    held = _held(session, principal, dataset.slug)
    serving: list[tuple[Grant, Access]] = []
    for grant in held:
        access = grants.resolve_access(
            session, principal=principal, dataset=dataset, grant_id=grant.id
        )
        if serves(access, pivot, document):
            serving.append((grant, access))
    if not serving:
        return None, held[0].id if held else None
    grant, access = min(
        serving,
        key=lambda item: (
            _restrictions(item[1].rows),
            item[1].level is not GrantLevel.ROWS,
            -item[0].expires_at.timestamp(),
            item[0].id,
        ),
    )
    return access, grant.id


def _named(
    session: Session, principal: Principal, dataset: Dataset, grant_id: int
) -> Access | None:
    """The access of the grant the caller named, or None when it may not use it."""
    try:
        return grants.resolve_access(
            session, principal=principal, dataset=dataset, grant_id=grant_id
        )
    except PermissionDenied:
        return None


# -- refusals ------------------------------------------------------------------------------


def _field_titles(dataset: Dataset, name: str) -> tuple[str, str]:
    """A field's Persian and English titles (its name when the schema has none)."""
    version = catalogue.active_version(dataset)
    if version is not None:
        for item in catalogue.schema_of(version).fields:
            if item.name == name:
                return item.title, item.title_en
    return name, name


def _refusal(
    pivot: Pivot, dataset: Dataset, principal: Principal, cause: str, field: str | None
) -> DargahError:
    """The dashboard's refusal for the query service's refusal ``cause`` (a code, and
    the field it names), with the next step."""
    if principal.role not in _CONSUMERS:
        return PermissionDenied(
            "نقش شما دادهٔ رکوردها را نمی‌خواند؛ حوزه‌های ستادی و دستگاه‌های همکار آمار را با "
            "مجوز دسترسی و دانشگاه‌ها آمار خود را می‌بینند.",
            "Your role reads no records; HQ units and agencies see statistics under a grant, "
            "institutions see their own.",
            code="statistics_not_a_consumer",
            details={"pivot": pivot.id, "role": principal.role.value},
        )
    owner_fa, owner_en = dataset.owner.name_fa, dataset.owner.name_en
    if field:
        title_fa, title_en = _field_titles(dataset, field)
        reason_fa = f"مجوز شما ستون «{title_fa}» را که این آمار بر پایهٔ آن است در بر نمی‌گیرد"
        reason_en = f"Your grant does not cover the field '{title_en}' this statistic groups by"
    else:
        reason_fa = f"برای «{dataset.title_fa}» مجوز دسترسی فعال ندارید"
        reason_en = f"You hold no active grant on '{dataset.title_en}'"
    fields = [name for name in pivot.group_by if name not in QUERYABLE_SYSTEM_FIELDS]
    return PermissionDenied(
        f"{reason_fa}؛ از مالک آن ({owner_fa}) دسترسی تجمیعی بخواهید.",
        f"{reason_en}; ask its owner ({owner_en}) for aggregate access.",
        code="statistics_grant_required",
        details={
            "pivot": pivot.id,
            "dataset": dataset.slug,
            "cause": cause,
            "field": field,
            "next_step": {
                "action": "request_grant",
                "method": "POST",
                "url": f"{API_PREFIX}/grant-requests",
                "portal_url": f"/datasets/{dataset.slug}/grant-request",
                "body": {
                    "dataset": dataset.slug,
                    "level": GrantLevel.AGGREGATE.value,
                    "fields": fields,
                    "scope": {},
                    "personal": False,
                    "purpose": "",
                    "legal_basis": "",
                    "expires_at": None,
                },
            },
        },
    )


# -- reading -------------------------------------------------------------------------------


def purpose_of(pivot: Pivot) -> str:
    """The purpose audited with a pivot's reads, as an auditor (and the reader's own
    home page) shows it: the dashboard and the pivot by its Persian title."""
    return f"{PURPOSE}: {pivot.title_fa}"


def _query(
    session: Session,
    *,
    principal: Principal,
    pivot: Pivot,
    dataset: Dataset,
    group_by: Sequence[str],
    period: str | None,
    grant_id: int | None,
    secret: bytes,
    output: str,
) -> QueryAnswer:
    spec = QuerySpec(group_by=list(group_by), aggregates=[Aggregate(fn="count")], as_of=period)
    try:
        return records.run_query(
            session,
            principal=principal,
            slug=pivot.dataset,
            spec=spec,
            purpose=purpose_of(pivot),
            secret=secret,
            grant_id=grant_id,
            output=output,
        )
    except PermissionDenied as exc:
        field = exc.details.get("field")
        raise _refusal(pivot, dataset, principal, exc.code, str(field) if field else None) from exc


def answer(
    session: Session,
    *,
    principal: Principal,
    pivot_id: str,
    period: str | None,
    secret: bytes,
    grant_id: int | None = None,
    output: str = "json",
    national_share: float = NATIONAL_SHARE,
) -> Statistic:
    """Pivot ``pivot_id`` for ``period`` (None: the latest national period within the
    caller's scope, ``national_periods``), read through the query service under the
    caller's access.

    Refusals of the query service (no grant, a field outside it) are audited there and
    raised here as ``statistics_grant_required`` with the next step, or
    ``statistics_not_a_consumer`` for roles that hold no grants.
    """
    pivot = get_pivot(pivot_id)
    wanted = normalise_period(period)
    chosen: int | None = grant_id
    with atomic(session):
        dataset, document = _active(session, pivot.dataset)
        if grant_id is not None:
            access = _named(session, principal, dataset, grant_id)
        else:
            access, chosen = _reader(session, principal, dataset, document, pivot)
        reporting = _reporting(session, document, access.rows) if access else {}
    loaded = list(reporting)
    national = national_periods(reporting, national_share)
    if access is None:
        # The query service refuses and audits the refusal, as for any other read.
        _query(
            session,
            principal=principal,
            pivot=pivot,
            dataset=dataset,
            group_by=pivot.group_by,
            period=None,
            grant_id=chosen,
            secret=secret,
            output=output,
        )
        # Not reached: ``serves`` mirrors the query service's field checks.
        raise _refusal(pivot, dataset, principal, "grant_required", None)
    read = _resolve_period(pivot, dataset, wanted, loaded, national[-1] if national else None)

    def count(group_by: Sequence[str]) -> QueryAnswer:
        return _query(
            session,
            principal=principal,
            pivot=pivot,
            dataset=dataset,
            group_by=group_by,
            period=read,
            grant_id=access.grant_id,
            secret=secret,
            output=output,
        )

    found = count(pivot.group_by)
    cells, hidden = _cells(found, len(pivot.group_by))
    total: int | None = sum(cell[1] or 0 for cell in cells)
    if hidden:
        # With cells withheld their sum is not the total: the coarser query says it,
        # itself withheld if it counts fewer than the threshold.
        totals = count(())
        total = totals.rows[0][0] if totals.rows else 0
    with atomic(session):
        labels = _labels(session, document, pivot.group_by, [cell[0] for cell in cells])
        most = max(reporting.values(), default=0)
        coverage, loaded_at = _coverage(session, dataset, document, access.rows, read, most)
    shown = [
        StatCell(
            labels=tuple(labels[index][value] for index, value in enumerate(dimensions)),
            count=count,
            suppressed=suppressed,
        )
        for dimensions, count, suppressed in cells
    ]
    return Statistic(
        pivot=pivot,
        dataset=dataset,
        version=found.version,
        period=read,
        requested_period=wanted,
        access=access,
        dimensions=_dimensions(document, pivot.group_by),
        cells=_ordered(pivot, shown),
        total=total,
        suppressed_cells=found.suppressed_cells,
        small_cell_threshold=document.small_cell_threshold,
        loaded_at=loaded_at,
        coverage=coverage,
        query=found,
        periods=loaded,
        national_periods=national,
    )


def _cells(
    answer: QueryAnswer, groups: int
) -> tuple[list[tuple[tuple[Any, ...], int | None, bool]], bool]:
    """(dimension values, count, withheld) per row, and whether any was withheld."""
    names = answer.column_names
    flag = names.index(SUPPRESSED) if SUPPRESSED in names else None
    cells = []
    for row in answer.rows:
        withheld = flag is not None and bool(row[flag])
        count = None if withheld or row[groups] is None else int(row[groups])
        cells.append((tuple(row[:groups]), count, withheld))
    return cells, any(withheld for _, _, withheld in cells)


def _ordered(pivot: Pivot, cells: list[StatCell]) -> list[StatCell]:
    """Cells by the groups' code-list order, or largest first. Withheld cells go last in
    either case, in code order: placing them among the counts would tell their size."""

    def by_groups(cell: StatCell) -> tuple[tuple[int, str], ...]:
        return tuple((label.position, str(label.code)) for label in cell.labels)

    if pivot.order == "groups":
        return sorted(cells, key=by_groups)
    visible = sorted(
        (cell for cell in cells if not cell.suppressed),
        key=lambda cell: (-(cell.count or 0), by_groups(cell)),
    )
    return visible + sorted((cell for cell in cells if cell.suppressed), key=by_groups)


# -- labels --------------------------------------------------------------------------------


def _dimensions(document: DatasetDocument, names: Iterable[str]) -> list[Dimension]:
    fields = {item.name: item for item in document.schema_.fields}
    system = {
        INSTITUTION: ("موسسه", "Institution"),
        PERIOD: ("دوره", "Period"),
        PROVINCE: ("استان موسسه", "Province of the institution"),
        INSTITUTION_TYPE: ("نوع موسسه", "Institution type"),
    }
    found = []
    for name in names:
        if name in fields:
            found.append(Dimension(name, fields[name].title, fields[name].title_en))
        else:
            title_fa, title_en = system.get(name, (name, name))
            found.append(Dimension(name, title_fa, title_en))
    return found


def _labels(
    session: Session,
    document: DatasetDocument,
    names: Sequence[str],
    rows: Sequence[tuple[Any, ...]],
) -> list[dict[Any, Label]]:
    """Per dimension, the label of every value the answer holds."""
    fields = {item.name: item for item in document.schema_.fields}
    found = []
    for index, name in enumerate(names):
        values = {row[index] for row in rows}
        field = fields.get(name)
        if field is not None and field.code_list:
            known = _code_labels(session, field.code_list, values)
        elif field is None and name == PROVINCE:
            known = {
                province.code: Label(province.code, province.name_fa, province.name_en, position)
                for position, province in enumerate(PROVINCES)
            }
        elif field is None and name == INSTITUTION_TYPE:
            known = {
                kind.value: Label(kind.value, *INSTITUTION_TYPE_LABELS[kind], position)
                for position, kind in enumerate(InstitutionType)
            }
        elif field is None and name == INSTITUTION:
            known = _institution_labels(session, values)
        else:
            known = {}
        found.append({value: known.get(value) or _plain(value) for value in values})
    return found


def _plain(value: Any) -> Label:
    if value is None:
        return Label(None, *_NOT_GIVEN)
    if isinstance(value, bool):
        return Label(value, "بله" if value else "خیر", "Yes" if value else "No", int(not value))
    if isinstance(value, int):
        return Label(value, to_persian_digits(str(value)), str(value), value)
    return Label(value, str(value), str(value))


def _code_labels(session: Session, slug: str, values: set[Any]) -> dict[Any, Label]:
    codes = sorted(str(value) for value in values if value is not None)
    if not codes:
        return {}
    try:
        version = codelists.active_version(codelists.get_code_list(session, slug))
    except NotFound:
        return {}
    rows = session.execute(
        select(CodeValue.code, CodeValue.label_fa, CodeValue.label_en, CodeValue.position).where(
            CodeValue.version_id == version.id, CodeValue.code.in_(codes)
        )
    )
    return {code: Label(code, fa, en or fa, position) for code, fa, en, position in rows}


def _institution_labels(session: Session, values: set[Any]) -> dict[Any, Label]:
    codes = sorted(str(value) for value in values if value is not None)
    members = session.execute(
        select(Member.code, Member.name_fa, Member.name_en).where(
            Member.kind == MemberKind.INSTITUTION.value, Member.code.in_(codes)
        )
    )
    return {code: Label(code, fa, en or fa) for code, fa, en in members}


# -- the listing -------------------------------------------------------------------------------


def visible_pivots(
    session: Session, *, principal: Principal, national_share: float = NATIONAL_SHARE
) -> list[PivotView]:
    """The pivots the caller can read now, in the catalogue's order, each with the
    periods loaded within the caller's scope and the institutions reporting each.
    Metadata only: not audited."""
    found: list[PivotView] = []
    if principal.role is not Role.INSTITUTION and principal.role not in _CONSUMERS:
        return found
    with atomic(session):
        reporting: dict[tuple[str, int | None], dict[str, int]] = {}
        for pivot in PIVOTS:
            try:
                dataset, document = _active(session, pivot.dataset)
            except (NotFound, Conflict):
                continue  # not in this node's catalogue, or not in force yet
            access, _ = _reader(session, principal, dataset, document, pivot)
            if access is None:
                continue
            key = (dataset.slug, access.grant_id)
            if key not in reporting:
                reporting[key] = _reporting(session, document, access.rows)
            counts = reporting[key]
            found.append(PivotView(pivot, dataset, access, list(counts), counts, national_share))
    return found


def dashboard_periods(views: Iterable[PivotView]) -> list[str]:
    """The periods a dashboard offers: every period loaded for some pivot (terms and
    years alike), oldest first."""
    return sorted({period for view in views for period in view.periods}, key=period_key)


def default_period(views: Iterable[PivotView]) -> str | None:
    """The dashboard's default period: the latest period that is national for every
    pivot holding it (``national_periods``) — one university's early upload of a new
    term does not make the dashboard open on it. With no such period, the latest
    loaded."""
    shown = list(views)
    periods = dashboard_periods(shown)
    for period in reversed(periods):
        holders = [view for view in shown if period in view.periods]
        if holders and all(period in view.national for view in holders):
            return period
    return periods[-1] if periods else None


def sees_any(session: Session, *, principal: Principal) -> bool:
    """Whether the caller can read at least one pivot (for showing the dashboard's link).

    Cheaper than ``visible_pivots``: no periods are read, and a consumer holding no
    grant on any pivot's data set is answered with one query.
    """
    if principal.role is not Role.INSTITUTION and principal.role not in _CONSUMERS:
        return False
    slugs = sorted({pivot.dataset for pivot in PIVOTS})
    with atomic(session):
        if principal.role in _CONSUMERS:
            hq_unit_id, member_id = grants.consumer_of(session, principal)
            holder = (
                Grant.consumer_hq_unit_id == hq_unit_id
                if hq_unit_id is not None
                else Grant.consumer_member_id == member_id
            )
            held = session.scalars(
                select(Grant.dataset_slug).where(
                    Grant.dataset_slug.in_(slugs),
                    holder,
                    Grant.status == GrantStatus.ACTIVE.value,
                    Grant.expires_at > utcnow(),
                )
            ).all()
            slugs = sorted(set(held))
        for slug in slugs:
            try:
                dataset, document = _active(session, slug)
            except (NotFound, Conflict):
                continue
            for pivot in PIVOTS:
                if pivot.dataset != slug:
                    continue
                access, _ = _reader(session, principal, dataset, document, pivot)
                if access is not None:
                    return True
    return False
