"""Pydantic models of the catalogue API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from dargah.catalogue.models import DatasetStatus
from dargah.persian.inputs import DigitsInt, DigitsStr


class LabelledCode(BaseModel):
    """A code with its Persian and English labels."""

    code: str
    label_fa: str
    label_en: str


class VersionSummary(BaseModel):
    """A version in a list."""

    version: str
    status: str
    change_kind: str
    created_at: datetime
    created_by: str
    activated_at: datetime | None
    accepted_until: datetime | None


class VersionOut(VersionSummary):
    """A version in full: schema, change log and approval trail."""

    dataset: str
    note: str | None
    changes: list[dict[str, Any]]
    submitted_at: datetime | None
    submitted_by: str | None
    decided_at: datetime | None
    decided_by: str | None
    decision_note: str | None
    table_schema: dict[str, Any] = Field(serialization_alias="schema")


class DatasetOut(BaseModel):
    """A data set and where its versions stand."""

    id: str
    title_fa: str
    title_en: str
    description_fa: str
    description_en: str
    domain: LabelledCode
    owner: LabelledCode
    steward: str | None
    sensitivity: LabelledCode
    cadence: LabelledCode
    required_institution_types: list[str]
    small_cell_threshold: int
    status: LabelledCode
    usage_notes_fa: str | None
    usage_notes_en: str | None
    active_version: str | None
    accepted_versions: list[str]
    natural_key: list[str]
    versions: list[VersionSummary]


class DictionaryField(BaseModel):
    """One field as the data dictionary describes it."""

    name: str
    title_fa: str
    title_en: str
    description_fa: str | None
    description_en: str | None
    type: str
    dargah_type: LabelledCode
    required: bool
    unique: bool
    in_natural_key: bool
    sensitivity: LabelledCode
    code_list: LabelledCode | None
    constraints: dict[str, Any]
    example: str | None


class DictionaryRule(BaseModel):
    """A validation rule as the dictionary shows it."""

    id: str
    kind: str
    severity: str
    message_fa: str
    message_en: str
    definition: dict[str, Any]


class DictionaryOut(BaseModel):
    """The data dictionary of one version of a data set."""

    dataset: str
    version: str
    title_fa: str
    title_en: str
    fields: list[DictionaryField]
    rules: list[DictionaryRule]


class NewVersion(BaseModel):
    """A draft of the next version: the whole schema and a note on why."""

    model_config = ConfigDict(extra="forbid")

    table_schema: dict[str, Any] = Field(alias="schema")
    note: str | None = Field(default=None, max_length=4000)
    submit: bool = True


class VersionDrafted(BaseModel):
    """The drafted version and how it was classified."""

    version: VersionOut
    kind: str


class Decision(BaseModel):
    """An owner's approval or rejection."""

    model_config = ConfigDict(extra="forbid")

    note: str | None = Field(default=None, max_length=4000)
    transition_days: DigitsInt = Field(default=180, ge=0, le=3650)


class Rejection(BaseModel):
    """An owner's rejection, with the reason the operator will read."""

    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=3, max_length=4000)


class DatasetUpdate(BaseModel):
    """Metadata changes to a data set."""

    model_config = ConfigDict(extra="forbid")

    steward: DigitsStr | None = None
    status: DatasetStatus | None = None
    description_fa: str | None = Field(default=None, max_length=8000)
    description_en: str | None = Field(default=None, max_length=8000)
    usage_notes_fa: str | None = Field(default=None, max_length=8000)
    usage_notes_en: str | None = Field(default=None, max_length=8000)
    small_cell_threshold: DigitsInt | None = Field(default=None, ge=1, le=100)


class CodeListSummary(BaseModel):
    """A code list in a list."""

    id: str
    title_fa: str
    title_en: str
    source: str | None
    version: str
    values: int


class CodeValueOut(BaseModel):
    """One code."""

    code: str
    label_fa: str
    label_en: str
    parent: str | None
    attributes: dict[str, Any]
    aliases: list[str]
    deprecated: bool


class CodeListOut(CodeListSummary):
    """A code list at one version, with its values and history."""

    description_fa: str | None
    description_en: str | None
    versions: list[str]
    values_list: list[CodeValueOut] = Field(serialization_alias="items")
