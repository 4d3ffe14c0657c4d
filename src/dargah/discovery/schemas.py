"""HTTP models of the ask-first search, and their making from the service's answer."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field

from dargah.catalogue.documents import DOMAIN_LABELS, Domain
from dargah.catalogue.models import DATASET_STATUS_LABELS, DatasetStatus
from dargah.catalogue.schema import SENSITIVITY_LABELS, Sensitivity
from dargah.catalogue.schemas import LabelledCode
from dargah.discovery.service import (
    AccessView,
    Answer,
    DatasetAnswer,
    Match,
    NextStep,
    SuggestedFilter,
)
from dargah.persian import format_jalali
from dargah.persian.dates import last_valid_day


class MatchOut(BaseModel):
    """Why a data set was found."""

    kind: str = Field(description="title, description, field or code_value")
    field: str | None = None
    title_fa: str | None = Field(None, description="The field's title, or the value's label")
    title_en: str | None = None
    code_list: str | None = None
    code: str | None = None
    field_title_fa: str | None = None
    field_title_en: str | None = None
    named_entirely: bool = Field(
        False, description="A code value every word of one of its names was given for"
    )


class FilterValueOut(BaseModel):
    """One value of a suggested filter."""

    code: str
    label_fa: str
    label_en: str


class SuggestedFilterOut(BaseModel):
    """A filter the question names: the field equal to the value (or one of them)."""

    field: str
    field_title_fa: str
    field_title_en: str
    op: str = Field(description="= for one value, in for several")
    values: list[FilterValueOut]
    text_fa: str = Field(description="«رشته تحصیلی = پزشکی»")
    text_en: str


class PeriodOut(BaseModel):
    """Who reported one period."""

    period: str
    institutions_reporting: int
    required_reporting: int = Field(description="Of those reporting, how many must report")
    last_loaded_at: datetime


class CoverageOut(BaseModel):
    """What the gateway holds of the data set's active version."""

    version: str | None
    periods: list[PeriodOut]
    required_institution_types: list[str]
    institutions_required: int
    last_loaded_at: datetime | None


class GrantAccessOut(BaseModel):
    """One of the caller's active grants on the data set."""

    id: int
    level: str
    personal: bool
    fields: list[str] | None
    institution_types: list[str] | None
    provinces: list[str] | None
    institutions: int | None = Field(description="How many institutions the scope names")
    period_from: str | None
    period_to: str | None
    expires_at: datetime
    valid_until: date = Field(description="The last day (Tehran) it is valid")
    valid_until_jalali: str = Field(description="valid_until as a Jalali date")
    covers: bool = Field(description="Reaches some loaded data the question asks about")


class AccessOut(BaseModel):
    """The caller's access to the data set now."""

    status: str = Field(description="own_institution, rows, aggregate, none or not_a_consumer")
    grants: list[GrantAccessOut]
    pending_requests: list[int]
    own_periods: list[str]


class NextStepOut(BaseModel):
    """What to do next, where, and why."""

    action: str = Field(description="query, request_grant, information_request or none")
    method: str | None
    url: str | None
    body: dict[str, Any] | None = Field(description="A body to start from; fill in the blanks")
    grant: int | None
    message_fa: str
    message_en: str


class DatasetHitOut(BaseModel):
    """One data set found, with its coverage, the caller's access and the next step."""

    id: str
    title_fa: str
    title_en: str
    domain: LabelledCode
    owner: LabelledCode
    sensitivity: LabelledCode
    status: LabelledCode
    score: int
    matches: list[MatchOut]
    filters: list[SuggestedFilterOut] = Field(
        description="Filters the question names, labelled; the query step's body holds them"
    )
    query_builder: str = Field(description="The portal's query builder, filters filled in")
    coverage: CoverageOut
    access: AccessOut
    next_step: NextStepOut


class AskFirstOut(BaseModel):
    """What the gateway holds for a question."""

    query: str
    period: str | None
    institution_type: str | None
    datasets: list[DatasetHitOut]
    unmatched: list[str] = Field(description="Words of the question that met nothing")
    held: bool = Field(
        description="The catalogue answers the question (false: only near misses, or "
        "most of its words met nothing; next_step is then an information request)"
    )
    next_step: NextStepOut | None = Field(
        description="Set when the gateway holds nothing the question asks for"
    )


def _match_out(match: Match) -> MatchOut:
    return MatchOut(
        kind=match.kind.value,
        field=match.field,
        title_fa=match.title_fa,
        title_en=match.title_en,
        code_list=match.code_list,
        code=match.code,
        field_title_fa=match.field_title_fa,
        field_title_en=match.field_title_en,
        named_entirely=match.named_entirely,
    )


def _filter_out(item: SuggestedFilter) -> SuggestedFilterOut:
    return SuggestedFilterOut(
        field=item.field,
        field_title_fa=item.field_title_fa,
        field_title_en=item.field_title_en,
        op=item.op,
        values=[
            FilterValueOut(code=value.code, label_fa=value.label_fa, label_en=value.label_en)
            for value in item.values
        ],
        text_fa=item.text("fa"),
        text_en=item.text("en"),
    )


def next_step_out(step: NextStep) -> NextStepOut:
    """A next step as the API shows it."""
    return NextStepOut(
        action=step.action.value,
        method=step.method,
        url=step.url,
        body=step.body,
        grant=step.grant_id,
        message_fa=step.message_fa,
        message_en=step.message_en,
    )


def _access_out(access: AccessView) -> AccessOut:
    return AccessOut(
        status=access.status.value,
        grants=[
            GrantAccessOut(
                id=view.grant.id,
                level=view.grant.level,
                personal=view.grant.personal,
                fields=view.grant.fields,
                institution_types=view.grant.institution_types,
                provinces=view.grant.provinces,
                institutions=(
                    len(view.grant.institution_ids)
                    if view.grant.institution_ids is not None
                    else None
                ),
                period_from=view.grant.period_from,
                period_to=view.grant.period_to,
                expires_at=view.grant.expires_at,
                valid_until=last_valid_day(view.grant.expires_at),
                valid_until_jalali=format_jalali(last_valid_day(view.grant.expires_at)),
                covers=view.covers,
            )
            for view in access.grants
        ],
        pending_requests=access.pending_requests,
        own_periods=access.own_periods,
    )


def _labelled(code: str, labels: tuple[str, str]) -> LabelledCode:
    return LabelledCode(code=code, label_fa=labels[0], label_en=labels[1])


def dataset_hit_out(hit: DatasetAnswer) -> DatasetHitOut:
    """One data set found, as the API shows it."""
    dataset = hit.dataset
    coverage = hit.coverage
    return DatasetHitOut(
        id=dataset.slug,
        title_fa=dataset.title_fa,
        title_en=dataset.title_en,
        domain=_labelled(dataset.domain, DOMAIN_LABELS[Domain(dataset.domain)]),
        owner=LabelledCode(
            code=dataset.owner.code, label_fa=dataset.owner.name_fa, label_en=dataset.owner.name_en
        ),
        sensitivity=_labelled(
            dataset.sensitivity, SENSITIVITY_LABELS[Sensitivity(dataset.sensitivity)]
        ),
        status=_labelled(dataset.status, DATASET_STATUS_LABELS[DatasetStatus(dataset.status)]),
        score=hit.score,
        matches=[_match_out(match) for match in hit.matches],
        filters=[_filter_out(item) for item in hit.filters],
        query_builder=hit.builder_url,
        coverage=CoverageOut(
            version=coverage.version,
            periods=[
                PeriodOut(
                    period=item.period,
                    institutions_reporting=item.institutions_reporting,
                    required_reporting=item.required_reporting,
                    last_loaded_at=item.last_loaded_at,
                )
                for item in coverage.periods
            ],
            required_institution_types=coverage.required_institution_types,
            institutions_required=coverage.institutions_required,
            last_loaded_at=coverage.last_loaded_at,
        ),
        access=_access_out(hit.access),
        next_step=next_step_out(hit.next_step),
    )


def answer_out(answer: Answer) -> AskFirstOut:
    """The whole answer, as the API shows it."""
    return AskFirstOut(
        query=answer.query,
        period=answer.period,
        institution_type=answer.institution_type,
        datasets=[dataset_hit_out(hit) for hit in answer.datasets],
        unmatched=answer.unmatched,
        held=answer.held,
        next_step=next_step_out(answer.next_step) if answer.next_step else None,
    )
