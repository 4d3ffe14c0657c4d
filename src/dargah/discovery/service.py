"""Ask first: what the gateway holds for a question, and what the caller can do next.

The ministry's HQ units must ask the gateway before anyone contacts a university.
``ask_first`` matches a question, word by word, against the catalogue (data-set titles,
descriptions, fields, code values — Persian or English; letter variants, digits,
half-spaces, plural and adjective suffixes, stop words and small typos taken care of:
``discovery.text`` and ``discovery.index``), ranks the data sets it meets, turns every
code value the question names into a suggested filter and, for each data set found,
reports what is loaded (periods, institutions reporting against those required),
whether the caller can already read it (a grant, or an institution's own data) and the
next step: query it, ask its owner for a grant, or file an information request when the
gateway does not hold it.

Only metadata is read: slices (who reported which period), members (how many must
report) and the caller's own grants. No record value and no row count is read or
returned, so the answer reveals nothing about any person and is not a read of
personal data (it is not audited as one; decision 0013).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final
from urllib.parse import quote, urlencode

from sqlalchemy import ColumnElement, and_, case, func, literal, or_, select
from sqlalchemy.orm import Session

from dargah.access.grants import consumer_of
from dargah.access.models import Grant, GrantLevel, GrantRequest, GrantRequestStatus, GrantStatus
from dargah.access.policy import Principal, Role
from dargah.catalogue.models import Dataset
from dargah.catalogue.service import active_version
from dargah.db.base import utcnow
from dargah.db.session import atomic
from dargah.discovery import index
from dargah.errors import InvalidInput
from dargah.members.models import (
    INSTITUTION_TYPE_LABELS,
    InstitutionType,
    Member,
    MemberKind,
    MemberStatus,
)
from dargah.persian import match_key, normalize, to_ascii_digits, to_persian_digits
from dargah.records.models import RecordSlice

API_PREFIX: Final = "/api/v1"
MAX_QUERY: Final = 200
SAMPLES_PER_LIST: Final = 5
# The query builder's filter rows (web/query_forms.FILTER_ROWS): a link fills at most
# these in.
FILTER_ROWS: Final = 4
# A data set scoring under this share of the best one is noise next to it («دانشجویان
# پزشکی» meets a dormitory through «دانشجویی» and a study field).
RELEVANT_SHARE: Final = 0.35
# Under this share of the question's words met anywhere, the question is about
# something else than what the gateway holds.
MIN_UNDERSTOOD: Final = 0.5
_PERIOD: Final = re.compile(r"^(current|[0-9]{4}(-[0-9]{1,2})?)$")
# A year or term written in the question («دانشجویان ۱۴۰۲-۱»): 13xx or 14xx, a term after
# a dash or slash.
_PERIOD_IN_TEXT: Final = re.compile(
    r"(?<![0-9])(1[34][0-9]{2})(?:\s*[-/]\s*([0-9]{1,2}))?(?![0-9])"
)


class MatchKind(enum.StrEnum):
    """Where a question matched a data set, strongest first."""

    TITLE = "title"  # its title or identifier
    DESCRIPTION = "description"  # its description
    FIELD = "field"  # a field's name, title or description
    CODE_VALUE = "code_value"  # a value of a code list one of its fields takes


_WEIGHT: Final = {
    MatchKind.TITLE: 4,
    MatchKind.DESCRIPTION: 3,
    MatchKind.FIELD: 2,
    MatchKind.CODE_VALUE: 1,
}


class AccessStatus(enum.StrEnum):
    """What the caller may read of a data set now."""

    OWN_INSTITUTION = "own_institution"  # an institution reads its own rows
    ROWS = "rows"  # a row-level grant
    AGGREGATE = "aggregate"  # an aggregate-only grant
    NONE = "none"  # a consumer without an active grant
    NOT_A_CONSUMER = "not_a_consumer"  # operators, auditors, administrators hold no grants


class Action(enum.StrEnum):
    """The caller's next step for a data set (or for the whole question)."""

    QUERY = "query"
    REQUEST_GRANT = "request_grant"
    INFORMATION_REQUEST = "information_request"
    NONE = "none"


@dataclass(frozen=True)
class Match:
    """One reason a data set was found."""

    kind: MatchKind
    field: str | None = None
    title_fa: str | None = None  # the field's title, or the value's label
    title_en: str | None = None
    code_list: str | None = None
    code: str | None = None
    field_title_fa: str | None = None
    field_title_en: str | None = None
    named_entirely: bool = False  # a code value every word of one of its names met


@dataclass(frozen=True)
class FilterValue:
    """One value of a suggested filter: its code and labels."""

    code: str
    label_fa: str
    label_en: str


@dataclass(frozen=True)
class SuggestedFilter:
    """A filter the question names: ``field`` equal to a value (or one of several)."""

    field: str
    field_title_fa: str
    field_title_en: str
    values: list[FilterValue]

    @property
    def op(self) -> str:
        """``=`` for one value, ``in`` for several."""
        return "=" if len(self.values) == 1 else "in"

    def text(self, language: str) -> str:
        """«رشته تحصیلی = پزشکی», in ``language``."""
        english = language == "en"
        title = self.field_title_en if english else self.field_title_fa
        labels = [value.label_en if english else value.label_fa for value in self.values]
        joiner = ", " if english else "، "
        return f"{title} = {joiner.join(labels)}"


@dataclass(frozen=True)
class PeriodCoverage:
    """Who reported one period: institutions in all, and of those required to report."""

    period: str
    institutions_reporting: int
    required_reporting: int
    last_loaded_at: datetime


@dataclass(frozen=True)
class Coverage:
    """What the gateway holds of a data set's active version (after the filters)."""

    version: str | None
    periods: list[PeriodCoverage]
    required_institution_types: list[str]
    institutions_required: int
    last_loaded_at: datetime | None


@dataclass(frozen=True)
class GrantView:
    """One of the caller's active grants on the data set."""

    grant: Grant
    covers: bool  # reaches some loaded period and institution the question asks about


@dataclass(frozen=True)
class AccessView:
    """The caller's access to a data set."""

    status: AccessStatus
    grants: list[GrantView] = field(default_factory=list)
    pending_requests: list[int] = field(default_factory=list)
    own_periods: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class NextStep:
    """What to do next: the action, where (for the API), and why in both languages."""

    action: Action
    message_fa: str
    message_en: str
    method: str | None = None
    url: str | None = None
    body: dict[str, Any] | None = None
    grant_id: int | None = None


@dataclass(frozen=True)
class DatasetAnswer:
    """One data set found for the question."""

    dataset: Dataset
    score: int
    matches: list[Match]
    coverage: Coverage
    access: AccessView
    next_step: NextStep
    filters: list[SuggestedFilter] = field(default_factory=list)
    strong: bool = True  # found by more than part of a code value's name

    @property
    def builder_url(self) -> str:
        """The query builder for this data set, the suggested filters filled in."""
        return builder_url(self.dataset.slug, self.filters)


@dataclass(frozen=True)
class Answer:
    """The gateway's answer to a question, best data sets first."""

    query: str
    period: str | None
    institution_type: str | None
    datasets: list[DatasetAnswer]
    # Set when nothing found can be read or asked for: file an information request.
    next_step: NextStep | None
    unmatched: list[str] = field(default_factory=list)  # words that met nothing
    # The catalogue answers the question (whether or not anything is loaded yet): some
    # data set found by more than a near miss, and most of the question's words met.
    held: bool = True


# -- the question ------------------------------------------------------------------------


def _check_text(text: str) -> None:
    if len(text) > MAX_QUERY:
        raise InvalidInput(
            f"پرسش بلندتر از {to_persian_digits(str(MAX_QUERY))} نویسه است.",
            f"The question is longer than {MAX_QUERY} characters.",
            code="search_query_too_long",
            details={"max": MAX_QUERY},
        )
    if not any(match_key(word) for word in normalize(text).split()):
        raise InvalidInput(
            "عبارتی برای جست‌وجو بنویسید (نام داده، فیلد یا مقدار، فارسی یا انگلیسی).",
            "Write something to search for (a data set, field or value, Persian or English).",
            code="search_query_empty",
        )


def _period_in(text: str) -> tuple[str, str | None]:
    """The question without the periods written in it, and the first of them: a year
    or term typed in the question narrows the coverage as the period filter does."""
    plain = to_ascii_digits(normalize(text))
    found = _PERIOD_IN_TEXT.search(plain)
    if found is None:
        return text, None
    year, term = found.group(1), found.group(2)
    return _PERIOD_IN_TEXT.sub(" ", plain), f"{year}-{int(term)}" if term else year


def _period(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    period = to_ascii_digits(normalize(value)).strip()
    if not _PERIOD.match(period):
        raise InvalidInput(
            "دوره باید به شکل ۱۴۰۳ (سال)، ۱۴۰۳-۱ (نیمسال) یا current باشد.",
            "The period must read 1403 (a year), 1403-1 (a term) or current.",
            code="search_period_invalid",
            details={"period": value},
        )
    return period


def _institution_type(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    known = {item.value for item in InstitutionType}
    if value.strip() not in known:
        raise InvalidInput(
            f"نوع موسسهٔ «{value}» شناخته نیست.",
            f"The institution type '{value}' is not known.",
            code="institution_type_unknown",
            details={"institution_type": value, "known": sorted(known)},
        )
    return value.strip()


def _in_period(column: Any, period: str) -> ColumnElement[bool]:
    """A year names itself and its terms (1403 → 1403, 1403-1, 1403-2)."""
    if "-" in period or period == "current":
        return column == period  # type: ignore[no-any-return]
    return or_(column == period, column.like(f"{period}-%"))


# -- matching ------------------------------------------------------------------------------


def _value_label(entry: index.ValueEntry) -> tuple[str, str]:
    return entry.label_fa, entry.label_en or entry.label_fa


def _matches(hit: index.DatasetHit) -> list[Match]:
    """Why the data set was found, strongest first: title, description, fields, then
    the code values (those the question names entirely first), at most a few per list."""
    found: list[Match] = []
    if hit.title:
        found.append(Match(MatchKind.TITLE))
    elif hit.description:
        found.append(Match(MatchKind.DESCRIPTION))
    for item in hit.fields:
        field = item.field
        found.append(
            Match(
                MatchKind.FIELD,
                field.name,
                field.title_fa,
                field.title_en,
                field_title_fa=field.title_fa,
                field_title_en=field.title_en,
            )
        )
    shown: dict[str, int] = {}
    for field, value_hit in sorted(hit.values, key=lambda pair: not pair[1].full):
        if shown.get(field.name, 0) >= SAMPLES_PER_LIST:
            continue
        shown[field.name] = shown.get(field.name, 0) + 1
        label_fa, label_en = _value_label(value_hit.value)
        found.append(
            Match(
                MatchKind.CODE_VALUE,
                field.name,
                label_fa,
                label_en,
                code_list=value_hit.value.code_list,
                code=value_hit.value.code,
                field_title_fa=field.title_fa,
                field_title_en=field.title_en,
                named_entirely=value_hit.full,
            )
        )
    return sorted(found, key=lambda match: -_WEIGHT[match.kind])


def _filters(hit: index.DatasetHit) -> list[SuggestedFilter]:
    return [
        SuggestedFilter(
            field=item.field.name,
            field_title_fa=item.field.title_fa,
            field_title_en=item.field.title_en,
            values=[FilterValue(value.code, *_value_label(value)) for value in item.values],
        )
        for item in hit.filters
    ]


def builder_url(slug: str, filters: Sequence[SuggestedFilter]) -> str:
    """The portal's query builder for data set ``slug``, with ``filters`` filled in (its
    own form fields: ``where_field_N``, ``where_op_N``, ``where_value_N``)."""
    params: list[tuple[str, str]] = []
    for number, item in enumerate(filters[:FILTER_ROWS]):
        params.append((f"where_field_{number}", item.field))
        params.append((f"where_op_{number}", item.op))
        params.append((f"where_value_{number}", ", ".join(value.code for value in item.values)))
    query = f"?{urlencode(params)}" if params else ""
    return f"/datasets/{quote(slug, safe='')}/query{query}"


# -- coverage ------------------------------------------------------------------------------


def _coverage(
    session: Session, dataset: Dataset, *, period: str | None, institution_type: str | None
) -> Coverage:
    required_types = sorted(dataset.required_institution_types or [])
    if institution_type is not None:
        required_types = [kind for kind in required_types if kind == institution_type]
    required = 0
    if required_types:
        required = int(
            session.scalar(
                select(func.count())
                .select_from(Member)
                .where(
                    Member.kind == MemberKind.INSTITUTION.value,
                    Member.status == MemberStatus.ACTIVE.value,
                    Member.institution_type.in_(required_types),
                )
            )
            or 0
        )
    version = active_version(dataset)
    if version is None:
        return Coverage(None, [], required_types, required, None)
    # One slice per institution and period, so counting slices counts institutions.
    of_required = (
        func.sum(case((Member.institution_type.in_(required_types), 1), else_=0))
        if required_types
        else literal(0)
    )
    query = (
        select(
            RecordSlice.period,
            func.count(RecordSlice.institution_id.distinct()),
            of_required,
            func.max(RecordSlice.updated_at),
        )
        .join(Member, Member.id == RecordSlice.institution_id)
        .where(*_slice_conditions(dataset, version.major, period, institution_type))
        .group_by(RecordSlice.period)
        .order_by(RecordSlice.period)
    )
    periods = [
        PeriodCoverage(str(name), int(reporting), int(of_required or 0), loaded)
        for name, reporting, of_required, loaded in session.execute(query)
    ]
    last = max((item.last_loaded_at for item in periods), default=None)
    return Coverage(version.version, periods, required_types, required, last)


def _slice_conditions(
    dataset: Dataset, major: int, period: str | None, institution_type: str | None
) -> list[ColumnElement[bool]]:
    """Current loads of the data set's active major, within the question's filters."""
    conditions: list[ColumnElement[bool]] = [
        RecordSlice.dataset_slug == dataset.slug,
        RecordSlice.major == major,
        RecordSlice.current_submission_id.is_not(None),
    ]
    if period is not None:
        conditions.append(_in_period(RecordSlice.period, period))
    if institution_type is not None:
        conditions.append(Member.institution_type == institution_type)
    return conditions


# -- the caller's access -------------------------------------------------------------------


def _grant_reaches(
    session: Session,
    grant: Grant,
    dataset: Dataset,
    major: int,
    *,
    period: str | None,
    institution_type: str | None,
) -> bool:
    """Whether some loaded slice the question asks about lies in the grant's scope."""
    conditions = _slice_conditions(dataset, major, period, institution_type)
    if grant.institution_ids is not None:
        conditions.append(RecordSlice.institution_id.in_(grant.institution_ids))
    if grant.institution_types is not None:
        conditions.append(Member.institution_type.in_(grant.institution_types))
    if grant.provinces is not None:
        conditions.append(Member.province_code.in_(grant.provinces))
    if grant.period_from is not None:
        conditions.append(RecordSlice.period >= grant.period_from)
    if grant.period_to is not None:
        conditions.append(
            or_(
                RecordSlice.period <= grant.period_to,
                RecordSlice.period.like(f"{grant.period_to}-%"),
            )
        )
    found = session.scalar(
        select(RecordSlice.id)
        .join(Member, Member.id == RecordSlice.institution_id)
        .where(and_(*conditions))
        .limit(1)
    )
    return found is not None


def _access(
    session: Session,
    principal: Principal,
    dataset: Dataset,
    *,
    period: str | None,
    institution_type: str | None,
    now: datetime,
) -> AccessView:
    version = active_version(dataset)
    if principal.role is Role.INSTITUTION and principal.institution_id is not None:
        own: list[str] = []
        if version is not None:
            own = list(
                session.scalars(
                    select(RecordSlice.period)
                    .join(Member, Member.id == RecordSlice.institution_id)
                    .where(
                        *_slice_conditions(dataset, version.major, period, institution_type),
                        RecordSlice.institution_id == principal.institution_id,
                    )
                    .order_by(RecordSlice.period)
                )
            )
        return AccessView(AccessStatus.OWN_INSTITUTION, own_periods=own)
    hq_unit_id, member_id = consumer_of(session, principal)
    if hq_unit_id is None and member_id is None:
        return AccessView(AccessStatus.NOT_A_CONSUMER)
    holder = (
        Grant.consumer_hq_unit_id == hq_unit_id
        if hq_unit_id is not None
        else Grant.consumer_member_id == member_id
    )
    active = session.scalars(
        select(Grant)
        .where(
            Grant.dataset_slug == dataset.slug,
            holder,
            Grant.status == GrantStatus.ACTIVE.value,
            Grant.expires_at > now,
        )
        .order_by(Grant.id)
    ).all()
    asker = (
        GrantRequest.consumer_hq_unit_id == hq_unit_id
        if hq_unit_id is not None
        else GrantRequest.consumer_member_id == member_id
    )
    pending = list(
        session.scalars(
            select(GrantRequest.id)
            .where(
                GrantRequest.dataset_slug == dataset.slug,
                asker,
                GrantRequest.status == GrantRequestStatus.PENDING.value,
            )
            .order_by(GrantRequest.id)
        )
    )
    views = [
        GrantView(
            grant,
            covers=version is not None
            and _grant_reaches(
                session,
                grant,
                dataset,
                version.major,
                period=period,
                institution_type=institution_type,
            ),
        )
        for grant in active
    ]
    if not views:
        return AccessView(AccessStatus.NONE, pending_requests=pending)
    rows = any(view.grant.level == GrantLevel.ROWS.value for view in views)
    status = AccessStatus.ROWS if rows else AccessStatus.AGGREGATE
    return AccessView(status, grants=views, pending_requests=pending)


# -- the next step -------------------------------------------------------------------------


def _information_request(reason_fa: str, reason_en: str) -> NextStep:
    # The information-request workflow is the next piece of work; until it exists the
    # step is explained, never linked to an address that does not answer.
    return NextStep(
        Action.INFORMATION_REQUEST,
        message_fa=(
            f"{reason_fa} درخواست اطلاعات را به متصدیان درگاه بدهید تا آن را از دانشگاه‌ها "
            "و منابع دیگر بخواهند و پاسخ از راه درگاه برسد. ثبت درخواست اطلاعات در درگاه "
            "به‌زودی فراهم می‌شود؛ تا آن زمان با متصدیان درگاه تماس بگیرید."
        ),
        message_en=(
            f"{reason_en} Ask the gateway operators for it: they request it from the "
            "institutions and other sources, and the answer comes back through the gateway. "
            "Filing information requests on the gateway is coming soon; until then, contact "
            "the gateway operators."
        ),
    )


def _query_step(
    dataset: Dataset,
    grant: Grant | None,
    periods: Sequence[str] | None,
    filters: Sequence[SuggestedFilter] = (),
) -> NextStep:
    """``periods``: the loaded periods the question asked for (None: it named none);
    ``filters``: those the question names, kept where the grant allows their field."""
    body: dict[str, Any] = {"purpose": ""}
    if grant is not None:
        body["grant"] = grant.id
    where: list[dict[str, Any]] = []
    if periods is not None:
        # A year asked for names its terms too, which as_of (one label) cannot.
        where.append({"field": "period", "op": "in", "value": list(periods)})
    for item in filters:
        allowed = grant is None or grant.fields is None or item.field in grant.fields
        if not allowed and item.field != index.INSTITUTION_TYPE:
            continue
        codes = [value.code for value in item.values]
        where.append(
            {"field": item.field, "op": item.op, "value": codes[0] if len(codes) == 1 else codes}
        )
    if where:
        body["where"] = where
    if grant is not None and grant.level == GrantLevel.AGGREGATE.value:
        body.update({"group_by": ["period"], "aggregates": [{"fn": "count"}]})
    else:
        body["limit"] = 100
    return NextStep(
        Action.QUERY,
        message_fa=(
            "این داده را می‌توانید بخوانید: پرسش را با هدف آن به این نشانی بفرستید (هدف ثبت می‌شود)."
        ),
        message_en=(
            "You can read this data: send your query, with its purpose (it is audited), "
            "to this address."
        ),
        method="POST",
        url=f"{API_PREFIX}/datasets/{dataset.slug}/query",
        body=body,
        grant_id=grant.id if grant is not None else None,
    )


def _grant_step(
    dataset: Dataset, access: AccessView, period: str | None, institution_type: str | None
) -> NextStep:
    if access.grants:
        reason_fa = "مجوزهای شما دادهٔ بارشدهٔ این پرسش (دوره یا موسسه‌ها) را در بر نمی‌گیرد؛ "
        reason_en = (
            "Your grants do not reach the loaded data you ask about (period or institutions); "
        )
    else:
        reason_fa = "برای خواندن این داده مجوز دسترسی ندارید؛ "
        reason_en = "You hold no grant to read this data; "
    if access.pending_requests:
        reason_fa += f"درخواست شما (شمارهٔ {access.pending_requests[0]}) در انتظار مالک است؛ "
        reason_en += f"your request #{access.pending_requests[0]} awaits the owner; "
    # The scope asked for is what the question named; a grant's period range takes
    # years and terms, not "current".
    scope: dict[str, Any] = {}
    if period is not None and period != "current":
        scope.update({"period_from": period, "period_to": period})
    if institution_type is not None:
        scope["institution_types"] = [institution_type]
    return NextStep(
        Action.REQUEST_GRANT,
        message_fa=reason_fa + f"از مالک آن ({dataset.owner.name_fa}) درخواست دسترسی کنید.",
        message_en=reason_en + f"ask its owner ({dataset.owner.name_en}) for a grant.",
        method="POST",
        url=f"{API_PREFIX}/grant-requests",
        body={
            "dataset": dataset.slug,
            "level": GrantLevel.AGGREGATE.value,
            "fields": None,
            "scope": scope,
            "personal": False,
            "purpose": "",
            "legal_basis": "",
            "expires_at": None,
        },
    )


def _next_step(
    dataset: Dataset,
    coverage: Coverage,
    access: AccessView,
    *,
    period: str | None,
    institution_type: str | None,
    filters: Sequence[SuggestedFilter] = (),
) -> NextStep:
    if coverage.version is None:
        return _information_request(
            "این مجموعه‌داده هنوز تعریف نهایی ندارد و درگاه داده‌ای از آن نگه نمی‌دارد.",
            "This data set is not yet in force; the gateway holds no data of it.",
        )
    if not coverage.periods:
        wanted_fa = f" برای دورهٔ {period}" if period else ""
        wanted_en = f" for period {period}" if period else ""
        kind_fa = kind_en = ""
        if institution_type is not None:
            labels = INSTITUTION_TYPE_LABELS[InstitutionType(institution_type)]
            kind_fa = f" از موسسه‌های «{labels[0]}»"
            kind_en = f" from institutions of type '{labels[1]}'"
        return _information_request(
            f"درگاه داده‌ای از این مجموعه{kind_fa}{wanted_fa} ندارد.",
            f"The gateway holds no data of this data set{kind_en}{wanted_en}.",
        )
    if access.status is AccessStatus.OWN_INSTITUTION:
        if access.own_periods:
            return _query_step(dataset, None, access.own_periods if period else None, filters)
        return NextStep(
            Action.NONE,
            message_fa=(
                "درگاه دادهٔ دانشگاه/موسسهٔ شما را برای این پرسش ندارد؛ موسسه‌ها فقط "
                "دادهٔ خود را می‌خوانند."
            ),
            message_en=(
                "The gateway holds none of your institution's data for this question; "
                "institutions read only their own data."
            ),
        )
    if access.status is AccessStatus.NOT_A_CONSUMER:
        return NextStep(
            Action.NONE,
            message_fa=(
                "نقش شما دادهٔ رکوردها را نمی‌خواند؛ حوزه‌های ستادی و دستگاه‌های همکار "
                "با مجوز دسترسی آن را می‌خوانند."
            ),
            message_en=(
                "Your role reads no records; HQ units and agencies read them under grants."
            ),
        )
    covering = [view.grant for view in access.grants if view.covers]
    if covering:
        # Rows before aggregates, then the grant that lasts longest.
        best = max(
            covering, key=lambda grant: (grant.level == GrantLevel.ROWS.value, grant.expires_at)
        )
        held = [item.period for item in coverage.periods] if period else None
        return _query_step(dataset, best, held, filters)
    return _grant_step(dataset, access, period, institution_type)


# -- the answer ----------------------------------------------------------------------------


def ask_first(
    session: Session,
    *,
    principal: Principal,
    text: str,
    period: str | None = None,
    institution_type: str | None = None,
) -> Answer:
    """What the gateway holds for ``text``, ranked, with the caller's access and next step.

    ``period`` (1403, 1403-1, current; Persian digits accepted) and ``institution_type``
    narrow the coverage looked at: a data set with nothing loaded for them gets the
    information-request step.
    """
    _check_text(text)
    words, written = _period_in(text)
    wanted_period = _period(period) or written
    wanted_type = _institution_type(institution_type)
    now = utcnow()
    with atomic(session):
        datasets = {
            item.slug: item for item in session.scalars(select(Dataset).order_by(Dataset.slug))
        }
        catalogue = index.catalogue_index(session, list(datasets.values()))
        terms, unmatched = index.question_terms(catalogue, words)
        values = index.value_hits(catalogue, terms)
        hits = [
            hit
            for hit in (
                index.score_dataset(entry, terms, values) for entry in catalogue.datasets.values()
            )
            if hit is not None
        ]
        best = max((hit.score for hit in hits), default=0.0)
        found: list[DatasetAnswer] = []
        for hit in hits:
            if hit.score < RELEVANT_SHARE * best:
                continue
            dataset = datasets[hit.slug]
            coverage = _coverage(
                session, dataset, period=wanted_period, institution_type=wanted_type
            )
            access = _access(
                session,
                principal,
                dataset,
                period=wanted_period,
                institution_type=wanted_type,
                now=now,
            )
            filters = _filters(hit)
            step = _next_step(
                dataset,
                coverage,
                access,
                period=wanted_period,
                institution_type=wanted_type,
                filters=filters,
            )
            found.append(
                DatasetAnswer(
                    dataset,
                    round(hit.score * 10),
                    _matches(hit),
                    coverage,
                    access,
                    step,
                    filters=filters,
                    strong=hit.strong,
                )
            )
    found.sort(key=_rank_key)
    understood = len(terms) / max(1, len(terms) + len(unmatched))
    held = understood >= MIN_UNDERSTOOD and any(item.strong for item in found)
    return Answer(
        query=normalize(text),
        period=wanted_period,
        institution_type=wanted_type,
        datasets=found,
        next_step=_overall_step(found, held=held),
        unmatched=unmatched,
        held=held,
    )


def _rank_key(answer: DatasetAnswer) -> tuple[int, int, str]:
    reporting = max((item.institutions_reporting for item in answer.coverage.periods), default=0)
    return (-answer.score, -reporting, answer.dataset.slug)


def _overall_step(found: Iterable[DatasetAnswer], *, held: bool) -> NextStep | None:
    """The information request, when the gateway holds nothing the question asks for:
    no data set met, only near misses (part of a code value's name, a typo), most of
    the question's words met nowhere («قیمت نفت خام» meets only the study field
    petroleum engineering), or nothing loaded."""
    answers = list(found)
    if not held:
        return _information_request(
            "درگاه مجموعه‌داده، فیلد یا مقداری برای این پرسش ندارد.",
            "The gateway holds no data set, field or value for this question.",
        )
    if any(item.next_step.action is not Action.INFORMATION_REQUEST for item in answers):
        return None
    return _information_request(
        "درگاه داده‌ای که این پرسش بخواهد (برای دوره و موسسه‌های خواسته‌شده) ندارد.",
        "The gateway holds no data this question asks for (for the period and "
        "institutions asked about).",
    )
