"""Pydantic models of the members API; inputs normalise Persian text on the way in."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Final, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from dargah.members.models import (
    AgencyRole,
    InstitutionType,
    MemberKind,
    MemberStatus,
)
from dargah.members.provinces import find_province
from dargah.persian import normalize
from dargah.persian.inputs import FOLDS_DIGITS, DigitsStr
from dargah.validation import check_web_address, reject_null

# X-Road restricts identifier parts to these characters.
CODE_PATTERN = re.compile(r"^[A-Za-z0-9'()+,\-.=?]{1,40}$")


def _persian_text(value: str) -> str:
    cleaned = normalize(value)
    if not cleaned:
        raise ValueError("must not be empty")
    return cleaned


def _optional_text(value: str | None) -> str | None:
    if value is None:
        return None
    cleaned = normalize(value)
    return cleaned or None


def _code(value: str) -> str:
    cleaned = normalize(value).strip()
    if not CODE_PATTERN.match(cleaned):
        raise ValueError("code may use only A–Z a–z 0–9 ' ( ) + , - . = ? (at most 40)")
    return cleaned


def _province(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    province = find_province(value)
    if province is None:
        raise ValueError(f"unknown province: {value}")
    return province.code


PersianText = Annotated[str, Field(min_length=1, max_length=300), AfterValidator(_persian_text)]
OptionalText = Annotated[
    str | None, Field(default=None, max_length=300), AfterValidator(_optional_text)
]
# The city column holds 120 characters; a longer value must be a 422, not a database error.
CityText = Annotated[
    str | None, Field(default=None, max_length=120), AfterValidator(_optional_text)
]
# Codes and province numbers are typed with any digits (FOLDS_DIGITS: «۲۳» is 23).
Code = Annotated[str, FOLDS_DIGITS, Field(min_length=1, max_length=40), AfterValidator(_code)]
ProvinceRef = Annotated[str | None, FOLDS_DIGITS, Field(default=None), AfterValidator(_province)]


class MemberCreate(BaseModel):
    """A new member. Institutions need a type and a province; agencies a role."""

    model_config = ConfigDict(extra="forbid")

    kind: MemberKind = MemberKind.INSTITUTION
    code: Code
    name_fa: PersianText
    name_en: OptionalText = None
    institution_type: InstitutionType | None = None
    province: ProvinceRef = None
    city: CityText = None
    parent: DigitsStr | None = Field(
        default=None, description="Identifier of the parent institution"
    )
    agency_role: AgencyRole | None = None
    website: str | None = Field(default=None, max_length=300)
    status: MemberStatus = MemberStatus.ACTIVE
    notes: str | None = Field(default=None, max_length=4000)

    @field_validator("website")
    @classmethod
    def _website(cls, value: str | None) -> str | None:
        return check_web_address(value)


class MemberUpdate(BaseModel):
    """Changes to a member; omitted fields stay as they are. Codes never change."""

    model_config = ConfigDict(extra="forbid")

    name_fa: PersianText | None = None
    name_en: OptionalText = None
    institution_type: InstitutionType | None = None
    province: ProvinceRef = None
    city: CityText = None
    parent: DigitsStr | None = None
    agency_role: AgencyRole | None = None
    website: str | None = Field(default=None, max_length=300)
    status: MemberStatus | None = None
    notes: str | None = Field(default=None, max_length=4000)

    @field_validator("name_fa", "status")
    @classmethod
    def _not_null(cls, value: str | None) -> str:
        return reject_null(value)

    @field_validator("website")
    @classmethod
    def _website(cls, value: str | None) -> str | None:
        return check_web_address(value)


class ParentRef(BaseModel):
    """The parent of a branch or campus."""

    identifier: str
    name_fa: str


class SystemOut(BaseModel):
    """A system (subsystem) of a member."""

    model_config = ConfigDict(from_attributes=True)

    identifier: str
    code: str
    name_fa: str
    name_en: str | None
    description: str | None
    is_producer: bool
    is_consumer: bool
    status: str


class MemberOut(BaseModel):
    """A member as the API shows it."""

    identifier: str
    member_class: str
    code: str
    kind: str
    name_fa: str
    name_en: str | None
    status: str
    institution_type: str | None
    institution_type_fa: str | None
    province_code: str | None
    province_fa: str | None
    province_en: str | None
    city: str | None
    parent: ParentRef | None
    agency_role: str | None
    website: str | None
    created_at: datetime
    updated_at: datetime


class MemberDetail(MemberOut):
    """A member with its systems and its branches."""

    systems: list[SystemOut]
    branches: list[ParentRef]


class MemberPage(BaseModel):
    """One page of a member listing."""

    items: list[MemberOut]
    total: int
    limit: int
    offset: int


MEMBER_SORTS: Final = ("code", "name", "province", "institution_type", "status")
MemberSort = Literal[
    "code",
    "-code",
    "name",
    "-name",
    "province",
    "-province",
    "institution_type",
    "-institution_type",
    "status",
    "-status",
]


class MemberFilter(BaseModel):
    """Filters of the member listing; all optional and combined with AND."""

    model_config = ConfigDict(extra="forbid")

    q: str | None = Field(default=None, max_length=200, description="Search in names and codes")
    kind: MemberKind | None = None
    institution_type: InstitutionType | None = None
    province: ProvinceRef = None
    status: MemberStatus | None = None
    parent: DigitsStr | None = None
    top_level: bool | None = Field(default=None, description="Only members without a parent")
    sort: MemberSort = Field(
        default="code",
        description="Order: code, name, province, institution_type or status; "
        "a leading - reverses it",
    )
    limit: int = Field(default=50, ge=1, le=1000)
    offset: int = Field(default=0, ge=0, le=10_000_000)


class HqUnitCreate(BaseModel):
    """A new headquarters unit of the ministry."""

    model_config = ConfigDict(extra="forbid")

    code: Code
    name_fa: PersianText
    name_en: PersianText


class HqUnitOut(BaseModel):
    """An HQ unit."""

    model_config = ConfigDict(from_attributes=True)

    code: str
    name_fa: str
    name_en: str
    status: str


class SystemCreate(BaseModel):
    """A new system of a member."""

    model_config = ConfigDict(extra="forbid")

    code: Code
    name_fa: PersianText
    name_en: OptionalText = None
    description: str | None = Field(default=None, max_length=4000)
    is_producer: bool = True
    is_consumer: bool = False


class SystemUpdate(BaseModel):
    """Changes to a system."""

    model_config = ConfigDict(extra="forbid")

    name_fa: PersianText | None = None
    name_en: OptionalText = None
    description: str | None = Field(default=None, max_length=4000)
    is_producer: bool | None = None
    is_consumer: bool | None = None
    status: MemberStatus | None = None

    @field_validator("name_fa", "is_producer", "is_consumer", "status")
    @classmethod
    def _not_null(cls, value: object) -> object:
        return reject_null(value)


class ImportRowResult(BaseModel):
    """What happened to one row of an import file."""

    row: int
    code: str | None
    outcome: Literal["created", "updated", "unchanged", "rejected"]
    identifier: str | None = None
    errors: list[dict[str, str]] = Field(default_factory=list)


class ImportReport(BaseModel):
    """The per-row report of a bulk import; ``applied`` is false when nothing was written."""

    applied: bool
    policy: Literal["all_or_nothing", "accept_valid"]
    dry_run: bool
    counts: dict[str, int]
    rows: list[ImportRowResult]
