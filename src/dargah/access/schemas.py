"""HTTP models of grants and grant requests."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field

from dargah.access.models import Grant, GrantLevel, GrantRequest
from dargah.members.models import InstitutionType
from dargah.members.provinces import find_province
from dargah.persian import format_jalali, normalize
from dargah.persian.dates import last_valid_day
from dargah.persian.inputs import DigitsStr

PERIOD_PATTERN = r"^[0-9]{4}(-[0-9]{1,2})?$"


def _provinces(values: list[str] | None) -> list[str] | None:
    if values is None:
        return None
    codes = []
    for value in values:
        province = find_province(value)
        if province is None:
            raise ValueError(f"unknown province: {value}")
        codes.append(province.code)
    return sorted(set(codes))


def _text(value: str) -> str:
    cleaned = normalize(value)
    if len(cleaned) < 3:
        raise ValueError("write at least three characters")
    return cleaned


Text = Annotated[str, Field(min_length=3, max_length=2000), AfterValidator(_text)]


class RowScope(BaseModel):
    """Which rows a grant covers; an empty scope covers every row."""

    model_config = ConfigDict(extra="forbid")

    institutions: list[DigitsStr] | None = Field(
        default=None, description="Member identifiers of institutions (IR/UNI/1001)"
    )
    institution_types: list[InstitutionType] | None = None
    provinces: Annotated[list[DigitsStr] | None, AfterValidator(_provinces)] = Field(
        default=None, description="Province codes, ISO codes or names"
    )
    period_from: DigitsStr | None = Field(default=None, pattern=PERIOD_PATTERN)
    period_to: DigitsStr | None = Field(default=None, pattern=PERIOD_PATTERN)


class GrantTerms(BaseModel):
    """What a grant allows: fields, rows, level, personal data, purpose, expiry."""

    model_config = ConfigDict(extra="forbid")

    fields: list[str] | None = Field(
        default=None, description="Allowed fields; omitted or null: every field"
    )
    scope: RowScope = Field(default_factory=RowScope)
    level: GrantLevel = GrantLevel.AGGREGATE
    personal: bool = Field(default=False, description="Personal fields may be read unmasked")
    purpose: Text
    legal_basis: Text
    expires_at: AwareDatetime


class GrantCreate(GrantTerms):
    """The owner gives a consumer access to a data set."""

    dataset: DigitsStr = Field(min_length=2, max_length=63)
    consumer: DigitsStr = Field(
        min_length=2, max_length=120, description="HQ unit code, or an agency's identifier"
    )


class GrantRequestCreate(GrantTerms):
    """A consumer asks the owner for access; the consumer is the caller."""

    dataset: DigitsStr = Field(min_length=2, max_length=63)


class GrantRevoke(BaseModel):
    """Why a grant is revoked."""

    model_config = ConfigDict(extra="forbid")

    reason: Text


class GrantRequestApprove(BaseModel):
    """The owner approves a request, optionally with an earlier expiry."""

    model_config = ConfigDict(extra="forbid")

    expires_at: AwareDatetime | None = None
    note: str | None = Field(default=None, max_length=2000)


class GrantRequestRefuse(BaseModel):
    """The owner refuses a request, saying why."""

    model_config = ConfigDict(extra="forbid")

    reason: Text


class ScopeOut(BaseModel):
    """A grant's row scope as stored."""

    institution_ids: list[int] | None
    institution_types: list[str] | None
    provinces: list[str] | None
    period_from: str | None
    period_to: str | None


class _TermsOut(BaseModel):
    id: int
    dataset: str
    consumer: str
    consumer_kind: str
    fields: list[str] | None
    scope: ScopeOut
    level: str
    personal: bool
    purpose: str
    legal_basis: str
    expires_at: datetime
    valid_until: date = Field(description="The last day (Tehran) it is valid: the day typed")
    valid_until_jalali: str = Field(description="valid_until as a Jalali date")
    status: str
    created_at: datetime
    created_by: str


class GrantOut(_TermsOut):
    """A grant."""

    active: bool
    request_id: int | None
    revoked_at: datetime | None
    revoked_by: str | None
    revoke_reason: str | None


class GrantRequestOut(_TermsOut):
    """A grant request."""

    decided_at: datetime | None
    decided_by: str | None
    decision_reason: str | None
    grant_id: int | None


def _consumer(item: Grant | GrantRequest) -> tuple[str, str]:
    if item.consumer_hq_unit is not None:
        return item.consumer_hq_unit.code, "hq_unit"
    if item.consumer_member is not None:
        return item.consumer_member.identifier, "member"
    raise RuntimeError("a grant without a consumer")  # the check constraint forbids it


def _terms(item: Grant | GrantRequest) -> dict[str, object]:
    consumer, kind = _consumer(item)
    return {
        "id": item.id,
        "dataset": item.dataset_slug,
        "consumer": consumer,
        "consumer_kind": kind,
        "fields": item.fields,
        "scope": ScopeOut(
            institution_ids=item.institution_ids,
            institution_types=item.institution_types,
            provinces=item.provinces,
            period_from=item.period_from,
            period_to=item.period_to,
        ),
        "level": item.level,
        "personal": item.personal,
        "purpose": item.purpose,
        "legal_basis": item.legal_basis,
        "expires_at": item.expires_at,
        "valid_until": last_valid_day(item.expires_at),
        "valid_until_jalali": format_jalali(last_valid_day(item.expires_at)),
        "status": item.status,
        "created_at": item.created_at,
        "created_by": item.created_by,
    }


def grant_out(grant: Grant, *, now: datetime) -> GrantOut:
    """The API form of a grant."""
    return GrantOut(
        **_terms(grant),
        active=grant.is_active(now),
        request_id=grant.request_id,
        revoked_at=grant.revoked_at,
        revoked_by=grant.revoked_by,
        revoke_reason=grant.revoke_reason,
    )


def request_out(request: GrantRequest) -> GrantRequestOut:
    """The API form of a grant request."""
    return GrantRequestOut(
        **_terms(request),
        decided_at=request.decided_at,
        decided_by=request.decided_by,
        decision_reason=request.decision_reason,
        grant_id=request.grant_id,
    )
