"""The schema of a data-set version: a Frictionless Table Schema, extended sparingly.

A stored schema is a valid Table Schema (standard ``type``, ``format``, ``constraints``,
``primaryKey``), so any Frictionless tool can read it. What Table Schema lacks lives in
properties prefixed ``dargah:``, which Frictionless ignores:

- ``dargah:type`` on a field: the Persian-world meaning of the value (national id,
  Jalali date, code-list reference, money in rials …); it decides normalisation and
  checks beyond the standard type.
- ``dargah:codeList`` — the code list a ``code`` field's values come from.
- ``dargah:sensitivity`` — per-field sensitivity (masking and grants use it).
- ``dargah:titleEn`` — the English title; ``title`` is Persian.
- ``dargah:rules`` on the schema — cross-field and cross-data-set rules with stable ids.
- ``dargah:rollups`` on the schema — sets of fields whose row counts per slice are kept
  up to date at load time, so national pivots over them answer at once (decision 0012).
- ``dargah:indexes`` on the schema — field lists to index, for lookups by something
  other than the natural key (a student by national id); lookup tables on SQLite
  (decision 0016).

Everything here is pure: parsing, checking and describing schemas, no database.
"""

from __future__ import annotations

import enum
import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

FIELD_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
RULE_ID = re.compile(r"^R\.[a-z][a-z0-9_]*\.[0-9]{1,4}$")
MAX_ROLLUPS = 20
MAX_ROLLUP_FIELDS = 6  # as many as a query may group by


class Sensitivity(enum.StrEnum):
    """How sensitive a data set or field is (ordered from least to most)."""

    PUBLIC = "public"
    INTERNAL = "internal"
    CONFIDENTIAL = "confidential"
    PERSONAL = "personal"
    SENSITIVE_PERSONAL = "sensitive_personal"

    @property
    def rank(self) -> int:
        """Position in the order, for "at least as sensitive as" comparisons."""
        return list(Sensitivity).index(self)

    @property
    def is_personal(self) -> bool:
        """Whether values identify or describe a person."""
        return self in (Sensitivity.PERSONAL, Sensitivity.SENSITIVE_PERSONAL)


SENSITIVITY_LABELS: dict[Sensitivity, tuple[str, str]] = {
    Sensitivity.PUBLIC: ("عمومی", "Public"),
    Sensitivity.INTERNAL: ("داخلی", "Internal"),
    Sensitivity.CONFIDENTIAL: ("محرمانه", "Confidential"),
    Sensitivity.PERSONAL: ("شخصی", "Personal"),
    Sensitivity.SENSITIVE_PERSONAL: ("شخصی حساس", "Sensitive personal"),
}


class DargahType(enum.StrEnum):
    """What a field's value means, beyond its Table Schema type."""

    TEXT = "text"  # any text, normalised
    PERSIAN_TEXT = "persian_text"  # text expected in Persian script (names, titles)
    IDENTIFIER = "identifier"  # an opaque code typed by a system (student number)
    NATIONAL_ID = "national_id"  # کد ملی, 10 digits with check digit
    LEGAL_ENTITY_ID = "legal_entity_id"  # شناسه ملی, 11 digits
    POSTAL_CODE = "postal_code"
    MOBILE = "mobile"
    EMAIL = "email"
    IBAN = "iban"  # Sheba
    CODE = "code"  # a value of a code list
    JALALI_DATE = "jalali_date"  # typed in Jalali, stored as an ISO date
    DATE = "date"  # typed in Gregorian
    YEAR = "year"  # a Jalali year (1403)
    ACADEMIC_TERM = "academic_term"  # 1403-1, 1403-2, 1403-3 (summer)
    INTEGER = "integer"
    NUMBER = "number"
    MONEY_RIAL = "money_rial"  # whole rials, never fractions
    PERCENT = "percent"
    BOOLEAN = "boolean"
    URL = "url"


DARGAH_TYPE_LABELS: dict[DargahType, tuple[str, str]] = {
    DargahType.TEXT: ("متن", "Text"),
    DargahType.PERSIAN_TEXT: ("متن فارسی", "Persian text"),
    DargahType.IDENTIFIER: ("شناسه", "Identifier"),
    DargahType.NATIONAL_ID: ("کد ملی", "National id"),
    DargahType.LEGAL_ENTITY_ID: ("شناسه ملی اشخاص حقوقی", "Legal entity id"),
    DargahType.POSTAL_CODE: ("کد پستی", "Postal code"),
    DargahType.MOBILE: ("شماره همراه", "Mobile number"),
    DargahType.EMAIL: ("رایانامه", "E-mail"),
    DargahType.IBAN: ("شماره شبا", "IBAN (Sheba)"),
    DargahType.CODE: ("کد از فهرست", "Code from a list"),
    DargahType.JALALI_DATE: ("تاریخ شمسی", "Jalali date"),
    DargahType.DATE: ("تاریخ میلادی", "Gregorian date"),
    DargahType.YEAR: ("سال شمسی", "Jalali year"),
    DargahType.ACADEMIC_TERM: ("نیمسال تحصیلی", "Academic term"),
    DargahType.INTEGER: ("عدد صحیح", "Integer"),
    DargahType.NUMBER: ("عدد", "Number"),
    DargahType.MONEY_RIAL: ("مبلغ (ریال)", "Amount (rials)"),
    DargahType.PERCENT: ("درصد", "Percent"),
    DargahType.BOOLEAN: ("بله/خیر", "Yes/No"),
    DargahType.URL: ("نشانی وب", "Web address"),
}


# The Table Schema type each of our types is stored and exported as.
TABLE_SCHEMA_TYPE: dict[DargahType, str] = {
    DargahType.TEXT: "string",
    DargahType.PERSIAN_TEXT: "string",
    DargahType.IDENTIFIER: "string",
    DargahType.NATIONAL_ID: "string",
    DargahType.LEGAL_ENTITY_ID: "string",
    DargahType.POSTAL_CODE: "string",
    DargahType.MOBILE: "string",
    DargahType.EMAIL: "string",
    DargahType.IBAN: "string",
    DargahType.CODE: "string",
    DargahType.JALALI_DATE: "date",
    DargahType.DATE: "date",
    DargahType.YEAR: "integer",
    DargahType.ACADEMIC_TERM: "string",
    DargahType.INTEGER: "integer",
    DargahType.NUMBER: "number",
    DargahType.MONEY_RIAL: "integer",
    DargahType.PERCENT: "number",
    DargahType.BOOLEAN: "boolean",
    DargahType.URL: "string",
}

# Standard formats Frictionless knows, set on export where they apply.
TABLE_SCHEMA_FORMAT: dict[DargahType, str] = {
    DargahType.EMAIL: "email",
    DargahType.URL: "uri",
}

# Patterns that the standard constraint can express, so any Table Schema tool checks them.
BUILTIN_PATTERNS: dict[DargahType, str] = {
    DargahType.NATIONAL_ID: "[0-9]{10}",
    DargahType.LEGAL_ENTITY_ID: "[0-9]{11}",
    DargahType.POSTAL_CODE: "[0-9]{10}",
    DargahType.IBAN: "IR[0-9]{24}",
    DargahType.MOBILE: "\\+989[0-9]{9}",
    DargahType.ACADEMIC_TERM: "[0-9]{4}-[123]",
}


class Constraints(BaseModel):
    """Table Schema field constraints (the subset Dargah enforces)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    required: bool = False
    unique: bool = False
    minimum: int | float | None = None
    maximum: int | float | None = None
    min_length: int | None = Field(default=None, alias="minLength", ge=0)
    max_length: int | None = Field(default=None, alias="maxLength", ge=1)
    pattern: str | None = None
    enum: list[str | int] | None = None

    @field_validator("pattern")
    @classmethod
    def _compilable(cls, value: str | None) -> str | None:
        if value is not None:
            re.compile(value)
        return value


class SchemaField(BaseModel):
    """One column of a data set."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    name: str
    title: str = Field(min_length=1, description="Persian title")
    title_en: str = Field(alias="dargah:titleEn", min_length=1)
    description: str | None = None
    description_en: str | None = Field(default=None, alias="dargah:descriptionEn")
    type: str = "string"
    format: str | None = None
    dargah_type: DargahType = Field(alias="dargah:type")
    code_list: str | None = Field(default=None, alias="dargah:codeList")
    sensitivity: Sensitivity = Field(default=Sensitivity.INTERNAL, alias="dargah:sensitivity")
    example: str | None = None
    constraints: Constraints = Field(default_factory=Constraints)

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not FIELD_NAME.match(value):
            raise ValueError("field names are snake_case ASCII, at most 63 characters")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> SchemaField:
        expected = TABLE_SCHEMA_TYPE[self.dargah_type]
        if self.type != expected:
            raise ValueError(
                f"field {self.name}: dargah:type {self.dargah_type.value} is stored as "
                f"Table Schema type '{expected}', not '{self.type}'"
            )
        if (self.dargah_type is DargahType.CODE) != (self.code_list is not None):
            raise ValueError(f"field {self.name}: a code field needs dargah:codeList, only it")
        return self

    @property
    def required(self) -> bool:
        """Whether every row must have a value."""
        return self.constraints.required


class RuleSeverity(enum.StrEnum):
    """An error rejects the row; a warning is reported and the row is accepted."""

    ERROR = "error"
    WARNING = "warning"


class _RuleBase(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    id: str
    severity: RuleSeverity = RuleSeverity.ERROR
    message_fa: str = Field(min_length=3)
    message_en: str = Field(min_length=3)

    @field_validator("id")
    @classmethod
    def _rule_id(cls, value: str) -> str:
        if not RULE_ID.match(value):
            raise ValueError("rule ids look like R.<dataset>.<number>, e.g. R.students.12")
        return value


class CompareRule(_RuleBase):
    """``left op right`` where right is another field or a constant; skipped if a side is empty."""

    kind: Literal["compare"] = "compare"
    left: str
    op: Literal["<", "<=", ">", ">=", "==", "!="]
    right_field: str | None = None
    right_value: str | int | float | None = None
    when: dict[str, list[str]] | None = Field(
        default=None, description="Apply only when each named field has one of these values"
    )

    @model_validator(mode="after")
    def _one_right(self) -> CompareRule:
        if (self.right_field is None) == (self.right_value is None):
            raise ValueError(f"{self.id}: give exactly one of right_field and right_value")
        return self


class RequiredIfRule(_RuleBase):
    """``field`` must have a value when every field in ``when`` has one of the listed values."""

    kind: Literal["required_if"] = "required_if"
    field: str
    when: dict[str, list[str]]


class CodeAttributeRule(_RuleBase):
    """The code-list entry of ``field`` must list this row's ``value_field`` value under
    ``attribute`` (e.g. a field of study must be offered at the row's degree level)."""

    kind: Literal["code_attribute"] = "code_attribute"
    field: str
    attribute: str
    value_field: str


class ExistsInRule(_RuleBase):
    """A matching row must exist in another data set (same institution unless stated),
    e.g. a student's field and level must be covered by a programme licence."""

    kind: Literal["exists_in"] = "exists_in"
    dataset: str
    match: dict[str, str] = Field(description="this data set's field → the other's field")
    same_institution: bool = True
    where: dict[str, list[str]] | None = Field(
        default=None, description="conditions on the other data set's rows, e.g. status active"
    )


Rule = Annotated[
    CompareRule | RequiredIfRule | CodeAttributeRule | ExistsInRule, Field(discriminator="kind")
]


# A list of field names: a rollup's dimensions, an index's columns.
FieldSet = Annotated[list[str], Field(min_length=1, max_length=MAX_ROLLUP_FIELDS)]


class TableSchema(BaseModel):
    """A data-set version's schema: fields, natural key, rules."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    fields: list[SchemaField] = Field(min_length=1)
    primary_key: list[str] = Field(alias="primaryKey", min_length=1)
    missing_values: list[str] = Field(default_factory=lambda: [""], alias="missingValues")
    rules: list[Rule] = Field(default_factory=list, alias="dargah:rules")
    rollups: list[FieldSet] = Field(
        default_factory=list, alias="dargah:rollups", max_length=MAX_ROLLUPS
    )
    indexes: list[FieldSet] = Field(
        default_factory=list, alias="dargah:indexes", max_length=MAX_ROLLUPS
    )

    @model_validator(mode="after")
    def _references(self) -> TableSchema:
        names = [field.name for field in self.fields]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise ValueError(f"duplicate field names: {', '.join(duplicates)}")
        known = set(names)
        missing_key = [name for name in self.primary_key if name not in known]
        if missing_key:
            raise ValueError(f"primaryKey names unknown fields: {', '.join(missing_key)}")
        rule_ids = [rule.id for rule in self.rules]
        if len(rule_ids) != len(set(rule_ids)):
            raise ValueError("rule ids must be unique within a schema")
        for rule in self.rules:
            unknown = sorted(set(_rule_fields(rule)) - known)
            if unknown:
                raise ValueError(f"{rule.id} names unknown fields: {', '.join(unknown)}")
        for index in self.indexes:
            unknown = sorted(set(index) - known)
            if unknown:
                raise ValueError(f"dargah:indexes names unknown fields: {', '.join(unknown)}")
        seen: set[tuple[str, ...]] = set()
        for rollup in self.rollups:
            unknown = sorted(set(rollup) - known)
            if unknown:
                raise ValueError(f"dargah:rollups names unknown fields: {', '.join(unknown)}")
            if len(set(rollup)) != len(rollup):
                raise ValueError(f"dargah:rollups names a field twice: {', '.join(rollup)}")
            if tuple(sorted(rollup)) in seen:
                raise ValueError(f"dargah:rollups declares a set twice: {', '.join(rollup)}")
            seen.add(tuple(sorted(rollup)))
        return self

    def field(self, name: str) -> SchemaField:
        """The field called ``name``."""
        for candidate in self.fields:
            if candidate.name == name:
                return candidate
        raise KeyError(name)

    @property
    def field_names(self) -> list[str]:
        """Field names in order."""
        return [field.name for field in self.fields]

    @property
    def code_lists(self) -> set[str]:
        """The code lists this schema refers to."""
        return {field.code_list for field in self.fields if field.code_list}

    def to_json(self) -> dict[str, Any]:
        """The schema as stored and exported: Table Schema keys, ``dargah:`` extensions."""
        return self.model_dump(
            mode="json", by_alias=True, exclude_none=True, exclude_defaults=False
        )


def _rule_fields(
    rule: CompareRule | RequiredIfRule | CodeAttributeRule | ExistsInRule,
) -> list[str]:
    if isinstance(rule, CompareRule):
        fields = [rule.left, *([rule.right_field] if rule.right_field else [])]
        return fields + list(rule.when or {})
    if isinstance(rule, RequiredIfRule):
        return [rule.field, *rule.when]
    if isinstance(rule, CodeAttributeRule):
        return [rule.field, rule.value_field]
    return list(rule.match)


def parse_schema(document: dict[str, Any]) -> TableSchema:
    """Parse and check a schema document (raises pydantic ``ValidationError``)."""
    return TableSchema.model_validate(document)
