"""The files the catalogue is authored in: one JSON document per data set or code list.

Built-in documents ship in ``catalogue/builtin/``; ``dargah catalogue sync`` loads them.
Operators author new ones in the same form (docs/dataset-authoring.md). Pure: parsing
and checking only.
"""

from __future__ import annotations

import enum
import re
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from dargah.catalogue.schema import Sensitivity, TableSchema

SLUG = re.compile(r"^[a-z][a-z0-9_]{1,62}$")
VERSION = re.compile(r"^(0|[1-9][0-9]{0,3})\.(0|[1-9][0-9]{0,3})$")


def _slug(value: str) -> str:
    if not SLUG.match(value):
        raise ValueError("ids are snake_case ASCII: a–z, 0–9 and _, starting with a letter")
    return value


def _version(value: str) -> str:
    if not VERSION.match(value):
        raise ValueError("versions are MAJOR.MINOR, e.g. 1.0 or 2.3")
    return value


Slug = Annotated[str, AfterValidator(_slug)]
Version = Annotated[str, AfterValidator(_version)]


def version_tuple(version: str) -> tuple[int, int]:
    """``"2.10"`` → ``(2, 10)``, for ordering."""
    major, minor = version.split(".")
    return int(major), int(minor)


class Domain(enum.StrEnum):
    """The ministry's data domains (the seed's list)."""

    STUDENTS = "students"
    FACULTY = "faculty"
    STAFF = "staff"
    RESEARCH = "research"
    LICENCES = "licences"
    FINANCE = "finance"
    CULTURE = "culture"
    INTERNATIONAL = "international"
    WELFARE = "welfare"


DOMAIN_LABELS: dict[Domain, tuple[str, str]] = {
    Domain.STUDENTS: ("آموزشی و دانشجویی", "Education and students"),
    Domain.FACULTY: ("هیئت علمی", "Faculty"),
    Domain.STAFF: ("کارکنان", "Staff"),
    Domain.RESEARCH: ("پژوهش و فناوری", "Research and technology"),
    Domain.LICENCES: ("مجوزها", "Licences"),
    Domain.FINANCE: ("اداری و مالی", "Administration and finance"),
    Domain.CULTURE: ("فرهنگی و اجتماعی", "Culture"),
    Domain.INTERNATIONAL: ("بین‌الملل", "International"),
    Domain.WELFARE: ("رفاه دانشجویی", "Student welfare"),
}


class Cadence(enum.StrEnum):
    """How often a data set is reported."""

    TERM = "term"
    ACADEMIC_YEAR = "academic_year"
    FISCAL_YEAR = "fiscal_year"
    CONTINUOUS = "continuous"
    ONE_OFF = "one_off"


CADENCE_LABELS: dict[Cadence, tuple[str, str]] = {
    Cadence.TERM: ("هر نیمسال", "Every term"),
    Cadence.ACADEMIC_YEAR: ("هر سال تحصیلی", "Every academic year"),
    Cadence.FISCAL_YEAR: ("هر سال مالی", "Every fiscal year"),
    Cadence.CONTINUOUS: ("پیوسته", "Continuous"),
    Cadence.ONE_OFF: ("یک‌باره", "One-off"),
}


class CodeValueDocument(BaseModel):
    """One entry of a code list."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1, max_length=40)
    label_fa: str = Field(min_length=1)
    label_en: str = Field(min_length=1)
    parent: str | None = None
    attributes: dict[str, Any] = Field(default_factory=dict)
    aliases: list[str] = Field(
        default_factory=list, description="Other labels people write, matched on lookup"
    )
    deprecated: bool = False


class CodeListDocument(BaseModel):
    """A code list (reference data) at one version."""

    model_config = ConfigDict(extra="forbid")

    id: Slug
    title_fa: str
    title_en: str
    description_fa: str | None = None
    description_en: str | None = None
    version: Version = "1.0"
    source: str | None = Field(default=None, description="Standard or authority it follows")
    changelog: str | None = None
    values: list[CodeValueDocument] = Field(min_length=1)

    @field_validator("values")
    @classmethod
    def _unique_codes(cls, values: list[CodeValueDocument]) -> list[CodeValueDocument]:
        codes = [value.code for value in values]
        duplicates = sorted({code for code in codes if codes.count(code) > 1})
        if duplicates:
            raise ValueError(f"duplicate codes: {', '.join(duplicates[:10])}")
        known = set(codes)
        orphans = sorted({v.parent for v in values if v.parent and v.parent not in known})
        if orphans:
            raise ValueError(f"parents not in the list: {', '.join(orphans[:10])}")
        return values


class DatasetDocument(BaseModel):
    """A data set with the schema of one version."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    id: Slug
    title_fa: str
    title_en: str
    description_fa: str
    description_en: str
    domain: Domain
    owner: str = Field(description="Code of the owning HQ unit")
    sensitivity: Sensitivity
    cadence: Cadence
    required_institution_types: list[str] = Field(
        default_factory=list, description="Institution types that must report it"
    )
    small_cell_threshold: int = Field(default=5, ge=1, le=100)
    version: Version = "1.0"
    changelog: str | None = None
    usage_notes_fa: str | None = None
    usage_notes_en: str | None = None
    schema_: TableSchema = Field(alias="schema")

    @property
    def natural_key(self) -> list[str]:
        """The fields identifying a row within an institution and period."""
        return list(self.schema_.primary_key)
