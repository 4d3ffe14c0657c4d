"""The query language of the records and its compiler to SQLAlchemy Core.

A ``QuerySpec`` names fields, conditions, groups, aggregates, order, a page size, a
keyset cursor and an "as of" point. ``compile_query`` turns it into one ``Select`` over
a data-set version's record tables joined to their slices and institutions, with the
caller's row limits applied as conditions on those joins. Input never becomes SQL
text: names are looked up in the data set's schema (unknown names are refused), values
are checked and converted per field type and bound as parameters, named by their place
in the query (``w0``, ``w1_0``, ``a0``). A statement therefore serves every query of
the same shape (``query_shape``) with that query's own values (``rebind``): a lookup
repeated with another national id reuses the statement, and SQLAlchemy its SQL.

Pure: builds statements, runs nothing.
"""

from __future__ import annotations

import base64
import difflib
import hashlib
import json
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from dataclasses import field as dataclass_field
from datetime import date, datetime
from typing import Annotated, Any, Final, Literal

from cryptography.fernet import Fernet, InvalidToken
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Float,
    FromClause,
    Select,
    and_,
    bindparam,
    cast,
    distinct,
    false,
    func,
    literal_column,
    or_,
    select,
)

from dargah.access.protection import FieldUse, RowLimits
from dargah.catalogue.documents import DatasetDocument, version_tuple
from dargah.catalogue.schema import DargahType, SchemaField
from dargah.errors import InvalidInput
from dargah.members.models import INSTITUTION_TYPE_LABELS, Member
from dargah.members.provinces import PROVINCES
from dargah.persian import match_key, normalize, parse_jalali_date
from dargah.persian.errors import PersianValueError
from dargah.persian.inputs import FOLDS_DIGITS, DigitsInt, fold_input
from dargah.records.history import state_as_of
from dargah.records.models import RecordSlice
from dargah.records.rollups import COUNT, Rollup, choose
from dargah.records.tables import ROW, SLICE, RecordTables, record_tables

INSTITUTION: Final = "institution"
PERIOD: Final = "period"
SYSTEM_FIELDS: Final = (INSTITUTION, PERIOD)
PROVINCE: Final = "province"
INSTITUTION_TYPE: Final = "institution_type"
# The institution's own columns: usable in where and group_by (pivots by province or
# type of institution), not shown in a row query's default selection.
INSTITUTION_FIELDS: Final = (PROVINCE, INSTITUTION_TYPE)
QUERYABLE_SYSTEM_FIELDS: Final = (*SYSTEM_FIELDS, *INSTITUTION_FIELDS)
COUNT_LABEL: Final = "_n"
DEFAULT_LIMIT: Final = 1000
MAX_ROWS: Final = 50_000
MAX_GROUPS: Final = 10_000
MAX_VALUES: Final = 1000
PERIOD_PATTERN: Final = re.compile(r"^[0-9]{4}(-[0-9]{1,2})?$")
NAME_PATTERN: Final = r"^[a-z][a-z0-9_]{0,62}$"

Operator = Literal[
    "=",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "in",
    "not_in",
    "between",
    "is_null",
    "is_not_null",
    "contains",
]
_OPERATOR_ALIASES: Final = {
    "==": "=",
    "<>": "!=",
    "not in": "not_in",
    "is null": "is_null",
    "is not null": "is_not_null",
}
_LIST_OPERATORS: Final = frozenset({"in", "not_in", "between"})
_NO_VALUE: Final = frozenset({"is_null", "is_not_null"})
AggregateFunction = Literal["count", "count_distinct", "sum", "avg", "min", "max"]


class Condition(BaseModel):
    """One condition of ``where``; all conditions must hold (AND)."""

    model_config = ConfigDict(extra="forbid")

    field: str = Field(pattern=NAME_PATTERN)
    op: Operator
    value: Any = None

    @field_validator("op", mode="before")
    @classmethod
    def _alias(cls, value: object) -> object:
        if isinstance(value, str):
            spelled = " ".join(value.lower().split())
            return _OPERATOR_ALIASES.get(spelled, spelled)
        return value

    @model_validator(mode="after")
    def _value_shape(self) -> Condition:
        if self.op in _NO_VALUE:
            if self.value is not None:
                raise ValueError(f"'{self.op}' takes no value")
        elif self.op in _LIST_OPERATORS:
            if not isinstance(self.value, list) or not self.value:
                raise ValueError(f"'{self.op}' takes a list of values")
            if len(self.value) > MAX_VALUES:
                raise ValueError(f"at most {MAX_VALUES} values")
            if self.op == "between" and len(self.value) != 2:
                raise ValueError("'between' takes two values: [low, high]")
        elif self.value is None or isinstance(self.value, list | dict):
            raise ValueError(f"'{self.op}' takes one value (use is_null for empty values)")
        return self


class Aggregate(BaseModel):
    """An aggregate column: ``count`` (of rows, or of a field's values), or a function
    of a field."""

    model_config = ConfigDict(extra="forbid")

    fn: AggregateFunction
    field: str | None = Field(default=None, pattern=NAME_PATTERN)
    name: str | None = Field(default=None, pattern=NAME_PATTERN)

    @model_validator(mode="after")
    def _needs_field(self) -> Aggregate:
        if self.field is None and self.fn != "count":
            raise ValueError(f"'{self.fn}' needs a field")
        return self

    @property
    def label(self) -> str:
        """The output column's name."""
        if self.name:
            return self.name
        return "count" if self.field is None else f"{self.fn}_{self.field}"


class Order(BaseModel):
    """One sort key: a field, a group, or an aggregate's name."""

    model_config = ConfigDict(extra="forbid")

    field: str = Field(pattern=NAME_PATTERN)
    direction: Literal["asc", "desc"] = "asc"


class QuerySpec(BaseModel):
    """A query over one data set's records."""

    model_config = ConfigDict(extra="forbid")

    select: (
        Annotated[list[Annotated[str, Field(pattern=NAME_PATTERN)]], Field(max_length=200)] | None
    ) = None
    where: list[Condition] = Field(default_factory=list, max_length=50)
    group_by: list[Annotated[str, Field(pattern=NAME_PATTERN)]] = Field(
        default_factory=list, max_length=6
    )
    aggregates: list[Aggregate] = Field(default_factory=list, max_length=20)
    order_by: list[Order] = Field(default_factory=list, max_length=10)
    limit: DigitsInt = Field(default=DEFAULT_LIMIT, ge=1, le=MAX_ROWS)
    cursor: str | None = Field(default=None, max_length=4000)
    as_of: Annotated[datetime | str | None, FOLDS_DIGITS] = Field(
        default=None, description="A UTC time, or a period label (1403-1) for its slices"
    )

    @field_validator("as_of", mode="before")
    @classmethod
    def _period_or_time(cls, value: object) -> object:
        # Parsed here, not by pydantic's lax datetime, which reads "1403" as a Unix time.
        if not isinstance(value, str):
            return value
        value = fold_input(value)  # «۱۴۰۳-۱»: this runs before the field's own folding
        if PERIOD_PATTERN.match(value):
            return value
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            moment = None
        if moment is None or moment.tzinfo is None:
            raise ValueError("as_of is a time with its zone (2024-03-20T00:00:00Z) or a period")
        return moment

    @model_validator(mode="after")
    def _shape(self) -> QuerySpec:
        labels = [aggregate.label for aggregate in self.aggregates]
        if len(labels) != len(set(labels)):
            raise ValueError("aggregate names must be unique")
        if self.is_aggregate and self.select is not None:
            extra = [name for name in self.select if name not in self.group_by]
            if extra:
                raise ValueError(f"with group_by, select only grouped fields: {', '.join(extra)}")
        return self

    @property
    def is_aggregate(self) -> bool:
        """Whether the answer is grouped cells rather than rows."""
        return bool(self.group_by or self.aggregates)

    def field_use(self) -> FieldUse:
        """The names the query uses, by use (aggregate names in order_by excluded)."""
        labels = {aggregate.label for aggregate in self.aggregates}
        return FieldUse(
            selected=tuple(self.select or ()),
            filtered=tuple(condition.field for condition in self.where),
            grouped=tuple(self.group_by),
            ordered=tuple(order.field for order in self.order_by if order.field not in labels),
            aggregated=tuple(a.field for a in self.aggregates if a.field is not None),
            row_level=not self.is_aggregate,
        )

    def digest(self, *context: object) -> str:
        """A hash of the query without its cursor and page size, and of ``context``: a
        cursor is valid only for the query (and caller) that made it."""
        body = self.model_dump(mode="json", exclude={"cursor", "limit"})
        text = json.dumps([body, [str(item) for item in context]], sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class OutputColumn:
    """A column of the answer: its name, Table Schema type and the field it shows."""

    name: str
    type: str
    field: SchemaField | None = None

    @property
    def dargah_type(self) -> DargahType | None:
        """The field's Dargah type, or None for system and aggregate columns."""
        return self.field.dargah_type if self.field is not None else None


@dataclass(frozen=True)
class CompiledQuery:
    """A statement ready to run and what its columns mean."""

    statement: Select[Any]
    columns: tuple[OutputColumn, ...]
    aggregate: bool
    # Labels of the extra columns carrying the keyset values (row queries).
    keys: tuple[str, ...] = ()
    limit: int = DEFAULT_LIMIT
    # Aggregate answers: how many leading columns are groups; the row count follows
    # the shown columns as ``_n``.
    groups: int = 0
    # The values of the statement's named parameters; pass them when running it.
    parameters: Mapping[str, Any] = dataclass_field(default_factory=dict)


def _invalid(field: str, message_fa: str, message_en: str, *, code: str) -> InvalidInput:
    return InvalidInput(message_fa, message_en, code=code, details={"field": field})


def unknown_field(name: str) -> InvalidInput:
    """The error for a name that is neither a field nor a system column."""
    return _invalid(
        name,
        f"«{name}» فیلدی از این مجموعه‌داده نیست.",
        f"'{name}' is not a field of this data set.",
        code="unknown_field",
    )


# -- values ---------------------------------------------------------------------------


def coerce_value(kind: str, value: object, *, field: str) -> object:
    """``value`` as the Python value of a column of Table Schema type ``kind``.

    Text is normalised as stored text is; integers and numbers accept Persian digits;
    dates accept ISO (2024-03-20) or Jalali (1403/01/01) text.
    """
    try:
        return _coerce(kind, value)
    except (ValueError, TypeError, PersianValueError) as exc:
        raise InvalidInput(
            f"مقدار «{value}» برای فیلد «{field}» معتبر نیست.",
            f"The value '{value}' is not valid for the field '{field}' ({kind}).",
            code="query_value_invalid",
            details={"field": field, "value": str(value)[:100], "type": kind},
        ) from exc


def _coerce(kind: str, value: object) -> object:
    if kind == "string":
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise TypeError("text expected")
        return normalize(str(value))
    if kind == "integer":
        if isinstance(value, bool | float):
            raise TypeError("integer expected")
        return int(normalize(value) if isinstance(value, str) else value)  # type: ignore[call-overload]
    if kind == "number":
        if isinstance(value, bool):
            raise TypeError("number expected")
        return float(normalize(value) if isinstance(value, str) else value)  # type: ignore[arg-type]
    if kind == "boolean":
        if isinstance(value, bool):
            return value
        text = normalize(str(value)).lower()
        if text in ("true", "1", "بله", "yes"):
            return True
        if text in ("false", "0", "خیر", "no"):
            return False
        raise ValueError("yes/no expected")
    if kind == "date":
        if not isinstance(value, str):
            raise TypeError("date text expected")
        text = normalize(value)
        # Four-digit years from 1700 on are Gregorian; earlier ones are Jalali.
        if len(text) >= 4 and text[:4].isdigit() and int(text[:4]) >= 1700:
            return date.fromisoformat(text)
        return parse_jalali_date(text)
    raise ValueError(f"unknown type {kind}")


# -- code-list values ----------------------------------------------------------------------
#
# A coded field stores codes (``phd``, ``23``); people type labels («دکتری تخصصی»,
# «تهران»). A condition's value is read as a code, else as a label or alias in either
# language (compared by ``match_key``: Arabic ي/ك, digits, ZWNJ and spacing folded) and
# replaced by its code; a value that is neither is refused with the closest labels, so
# a typo never answers a silent zero.

_CODED_OPERATORS: Final = frozenset({"=", "!=", "in", "not_in"})
_SUGGESTIONS: Final = 5


@dataclass(frozen=True)
class CodeChoice:
    """One value a coded field takes: its code and the labels people know it by."""

    code: str
    label_fa: str
    label_en: str
    aliases: tuple[str, ...] = ()


class CodeMatcher:
    """Reads what people type for a coded field as its code (codes win over labels)."""

    def __init__(self, title_fa: str, title_en: str, choices: Sequence[CodeChoice]) -> None:
        self.title_fa = title_fa
        self.title_en = title_en
        self.choices = tuple(choices)
        self._codes = {choice.code for choice in self.choices}
        self._by_key: dict[str, str] = {}
        for choice in self.choices:
            self._by_key.setdefault(match_key(choice.code), choice.code)
        for choice in self.choices:
            for text in (choice.label_fa, choice.label_en, *choice.aliases):
                key = match_key(text)
                if key:
                    self._by_key.setdefault(key, choice.code)

    def resolve(self, value: object) -> str | None:
        """The code ``value`` names (a code, a label or an alias), or None."""
        if isinstance(value, bool) or not isinstance(value, str | int):
            return None
        text = normalize(str(value))
        if text in self._codes:
            return text
        return self._by_key.get(match_key(text))

    def close_to(self, value: object, count: int = _SUGGESTIONS) -> list[CodeChoice]:
        """The choices most like ``value``: labels containing it first, then the most
        similar spellings (difflib's ratio)."""
        wanted = match_key(str(value))
        if not wanted:
            return []
        scored: list[tuple[float, int, CodeChoice]] = []
        for position, choice in enumerate(self.choices):
            keys = [
                match_key(text)
                for text in (choice.code, choice.label_fa, choice.label_en, *choice.aliases)
            ]
            keys = [key for key in keys if key]
            contains = any(wanted in key or key in wanted for key in keys)
            ratio = max(
                (difflib.SequenceMatcher(None, wanted, key).ratio() for key in keys), default=0.0
            )
            score = 1.0 + ratio if contains else ratio
            if score >= 0.6:
                scored.append((-score, position, choice))
        return [choice for _, _, choice in sorted(scored)[:count]]


def resolve_code_values(spec: QuerySpec, matchers: Mapping[str, CodeMatcher]) -> QuerySpec:
    """``spec`` with every value of a condition on a coded field (``=``, ``!=``, ``in``,
    ``not in``) replaced by its code; ``value_not_in_codelist`` for a value that is
    neither a code nor a label of the field's list."""
    changed = False
    where: list[Condition] = []
    for condition in spec.where:
        matcher = matchers.get(condition.field)
        if matcher is None or condition.op not in _CODED_OPERATORS:
            where.append(condition)
            continue
        values = condition.value if isinstance(condition.value, list) else [condition.value]
        codes = []
        for value in values:
            code = matcher.resolve(value)
            if code is None:
                raise _not_in_codelist(condition.field, value, matcher)
            codes.append(code)
        resolved: object = codes if isinstance(condition.value, list) else codes[0]
        if resolved != condition.value:
            changed = True
            condition = condition.model_copy(update={"value": resolved})
        where.append(condition)
    return spec.model_copy(update={"where": where}) if changed else spec


def _not_in_codelist(field: str, value: object, matcher: CodeMatcher) -> InvalidInput:
    close = matcher.close_to(value)
    text = str(value)[:100]
    if close:
        listed_fa = "، ".join(f"{choice.label_fa} ({choice.code})" for choice in close)
        listed_en = ", ".join(f"{choice.label_en} ({choice.code})" for choice in close)
        hint_fa, hint_en = f" نزدیک‌ترین‌ها: {listed_fa}.", f" Closest: {listed_en}."
    else:
        hint_fa = hint_en = ""
    return InvalidInput(
        f"«{text}» در فهرست مقادیر «{matcher.title_fa}» نیست؛ کد یا عنوانی از فهرست "
        f"بنویسید.{hint_fa}",
        f"'{text}' is not in the list of values of '{matcher.title_en}'; give a code or a "
        f"label from the list.{hint_en}",
        code="value_not_in_codelist",
        details={
            "field": field,
            "value": text,
            "suggestions": [
                {"code": choice.code, "label_fa": choice.label_fa, "label_en": choice.label_en}
                for choice in close
            ],
        },
    )


def system_code_matchers() -> dict[str, CodeMatcher]:
    """Matchers of the institution's coded system columns: the province (its official
    two-digit code, or its name) and the institution type."""
    provinces = [
        CodeChoice(province.code, province.name_fa, province.name_en, (province.iso_code,))
        for province in PROVINCES
    ]
    kinds = [CodeChoice(kind.value, fa, en) for kind, (fa, en) in INSTITUTION_TYPE_LABELS.items()]
    return {
        PROVINCE: CodeMatcher("استان", "Province", provinces),
        INSTITUTION_TYPE: CodeMatcher("نوع موسسه", "Institution type", kinds),
    }


def code_matchers(
    document: DatasetDocument, values: Mapping[str, Sequence[CodeChoice]]
) -> dict[str, CodeMatcher]:
    """A matcher for every coded field of ``document`` (``values`` by code list id) and
    for the system columns the data set does not redefine."""
    found = {
        name: matcher
        for name, matcher in system_code_matchers().items()
        if name not in document.schema_.field_names
    }
    for item in document.schema_.fields:
        if item.code_list is not None and item.code_list in values:
            found[item.name] = CodeMatcher(item.title, item.title_en, values[item.code_list])
    return found


# -- the cursor -------------------------------------------------------------------------


def _fernet(secret: bytes) -> Fernet:
    key = hashlib.sha256(b"dargah-query-cursor\n" + secret).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def encode_cursor(secret: bytes, *, digest: str, values: Sequence[object]) -> str:
    """An opaque, encrypted and authenticated cursor: the last row's sort values.

    Encrypted, not only signed: the sort values include the natural key, which the
    caller's grant may not show.
    """
    payload = {"q": digest, "v": [_json_value(value) for value in values]}
    return _fernet(secret).encrypt(json.dumps(payload).encode()).decode()


def decode_cursor(secret: bytes, token: str, *, digest: str) -> list[object]:
    """The sort values in ``token``; refused if forged, altered or from another query."""
    try:
        payload = json.loads(_fernet(secret).decrypt(token.encode()))
    except (InvalidToken, ValueError) as exc:
        raise _bad_cursor() from exc
    if not isinstance(payload, dict) or payload.get("q") != digest:
        raise _bad_cursor()
    return [_python_value(value) for value in payload.get("v", [])]


def _bad_cursor() -> InvalidInput:
    return InvalidInput(
        "نشانگر صفحه (cursor) نامعتبر است یا به این پرسش تعلق ندارد.",
        "The cursor is invalid or belongs to another query.",
        code="cursor_invalid",
    )


def _json_value(value: object) -> object:
    if isinstance(value, date):
        return {"d": value.isoformat()}
    return value


def _python_value(value: object) -> object:
    if isinstance(value, dict) and "d" in value:
        return date.fromisoformat(str(value["d"]))
    return value


# -- compiling --------------------------------------------------------------------------

# Folding the stored (already normalised) text as ``match_key`` folds the needle, in
# SQL: spaces and half-spaces vanish, letter variants become one letter.
_FOLD: Final = (
    (" ", ""),
    ("\u200c", ""),
    ("\u0622", "\u0627"),
    ("\u0623", "\u0627"),
    ("\u0625", "\u0627"),
    ("\u0671", "\u0627"),
    ("\u0629", "\u0647"),
    ("\u06c0", "\u0647"),
    ("\u06c2", "\u0647"),
    ("\u06d5", "\u0647"),
    ("\u06c1", "\u0647"),
    ("\u06be", "\u0647"),
    ("\u0624", "\u0648"),
    ("\u0626", "\u06cc"),
    ("\u0621", ""),
    ("\u0674", ""),
)


def _folded(column: ColumnElement[Any]) -> ColumnElement[Any]:
    expression: ColumnElement[Any] = func.lower(column)
    for old, new in _FOLD:
        expression = func.replace(expression, old, new)
    return expression


@dataclass(frozen=True)
class _Source:
    """The columns a query may name, over the joined tables."""

    columns: dict[str, ColumnElement[Any]]
    types: dict[str, str]
    fields: dict[str, SchemaField]
    from_: FromClause
    conditions: tuple[ColumnElement[bool], ...]
    tiebreak: tuple[ColumnElement[Any], ...]
    # The number of records behind a result row: count(*) over records, sum(_n) over
    # a rollup's counts.
    count: ColumnElement[Any]

    def column(self, name: str) -> ColumnElement[Any]:
        if name not in self.columns:
            raise unknown_field(name)
        return self.columns[name]


def _source(
    document: DatasetDocument,
    limits: RowLimits,
    as_of: datetime | str | None,
    rollup: Rollup | None = None,
) -> _Source:
    tables = record_tables(document)
    rows: FromClause
    if rollup is not None:
        rows = rollup.table
    elif isinstance(as_of, datetime):
        rows = state_as_of(tables, as_of).subquery("rows")
    else:
        rows = tables.current
    slices = RecordSlice.__table__.alias("s")
    members = Member.__table__.alias("m")
    joined = rows.join(slices, slices.c.id == rows.c[SLICE]).join(
        members, members.c.id == slices.c.institution_id
    )
    conditions: list[ColumnElement[bool]] = [
        slices.c.dataset_slug == document.id,
        slices.c.major == version_tuple(document.version)[0],
    ]
    if isinstance(as_of, str):
        conditions.append(slices.c.period == as_of)
    conditions.extend(_limits(limits, slices, members))
    fields = {field.name: field for field in document.schema_.fields}
    columns: dict[str, ColumnElement[Any]] = {
        INSTITUTION: members.c.code,
        PERIOD: slices.c.period,
        PROVINCE: members.c.province_code,
        INSTITUTION_TYPE: members.c.institution_type,
    }
    types = dict.fromkeys(QUERYABLE_SYSTEM_FIELDS, "string")
    # A data-set field of the same name as a system column wins.
    for name, field in fields.items():
        if rollup is not None and name not in rollup.fields:
            continue  # a rollup holds its own fields only; chosen so that it suffices
        columns[name] = rows.c[name]
        types[name] = field.type
    if rollup is not None:
        tiebreak: tuple[ColumnElement[Any], ...] = (rows.c[SLICE],)
        # No rows: count(*) says 0, a sum says NULL.
        count: ColumnElement[Any] = func.coalesce(cast(func.sum(rows.c[COUNT]), BigInteger()), 0)
    else:
        tiebreak = (rows.c[SLICE], *(rows.c[name] for name in document.natural_key))
        count = func.count()
    return _Source(columns, types, fields, joined, tuple(conditions), tiebreak, count)


def _limits(limits: RowLimits, slices: Any, members: Any) -> list[ColumnElement[bool]]:
    """The row scope as conditions on the slice and institution: rows outside it are
    never read, whatever else the query says."""
    found: list[ColumnElement[bool]] = []
    if limits.institution_ids is not None:
        found.append(slices.c.institution_id.in_(sorted(limits.institution_ids)))
    if limits.institution_types is not None:
        found.append(members.c.institution_type.in_(sorted(limits.institution_types)))
    if limits.provinces is not None:
        found.append(members.c.province_code.in_(sorted(limits.provinces)))
    if limits.period_from is not None:
        found.append(slices.c.period >= limits.period_from)
    if limits.period_to is not None:
        # "Up to 1402" includes the terms 1402-1, 1402-2 …
        found.append(
            or_(slices.c.period <= limits.period_to, slices.c.period.like(f"{limits.period_to}-%"))
        )
    return found


def _condition(
    source: _Source, condition: Condition, index: int, values: Mapping[str, object]
) -> ColumnElement[bool]:
    """Condition number ``index``, over parameters ``w<index>`` (``w<index>_0`` and
    ``w<index>_1`` for ``between``) bound to ``values`` (from ``_values``)."""
    name = condition.field
    column = source.column(name)
    kind = source.types[name]
    op = condition.op
    key = f"w{index}"
    if op == "is_null":
        return column.is_(None)
    if op == "is_not_null":
        return column.is_not(None)
    if op == "contains":
        if kind != "string":
            raise _invalid(
                name,
                f"«contains» فقط برای فیلدهای متنی است، نه «{name}».",
                f"'contains' applies to text fields only, not '{name}'.",
                code="query_operator_invalid",
            )
        return _folded(column).contains(bindparam(key, values[key]), escape=_ESCAPE)
    if op in ("in", "not_in"):
        listed = bindparam(key, values[key], expanding=True, type_=column.type)
        return column.in_(listed) if op == "in" else column.not_in(listed)
    if op == "between":
        low, high = f"{key}_0", f"{key}_1"
        return column.between(
            bindparam(low, values[low], type_=column.type),
            bindparam(high, values[high], type_=column.type),
        )
    value = bindparam(key, values[key], type_=column.type)
    if op == "=":
        return column == value
    if op == "!=":
        return column != value
    if op == "<":
        return column < value
    if op == "<=":
        return column <= value
    if op == ">":
        return column > value
    return column >= value


_ESCAPE: Final = "/"


def _like_escaped(text: str) -> str:
    # What SQLAlchemy's autoescape does to a literal: the escape character, % and _.
    return (
        text.replace(_ESCAPE, _ESCAPE * 2).replace("%", _ESCAPE + "%").replace("_", _ESCAPE + "_")
    )


def _condition_values(kind: str, condition: Condition, index: int) -> dict[str, object]:
    name = condition.field
    op = condition.op
    key = f"w{index}"
    if op in _NO_VALUE:
        return {}
    if op == "contains":
        needle = match_key(str(condition.value))
        if not needle:
            raise _invalid(
                name,
                "متن جستجو خالی است.",
                "The text to look for is empty.",
                code="query_value_invalid",
            )
        return {key: _like_escaped(needle)}
    if op in ("in", "not_in"):
        return {key: [coerce_value(kind, value, field=name) for value in condition.value]}
    if op == "between":
        low, high = (coerce_value(kind, value, field=name) for value in condition.value)
        return {f"{key}_0": low, f"{key}_1": high}
    return {key: coerce_value(kind, condition.value, field=name)}


def _values(
    spec: QuerySpec, types: Mapping[str, str], after: Sequence[object] | None
) -> dict[str, object]:
    """The value of every parameter of ``spec``'s statement, checked and converted."""
    values: dict[str, object] = {}
    for index, condition in enumerate(spec.where):
        kind = types.get(condition.field)
        if kind is None:
            raise unknown_field(condition.field)
        values.update(_condition_values(kind, condition, index))
    for position, value in enumerate(after or ()):
        if value is not None:
            values[f"a{position}"] = value
    return values


def _after(
    keys: Sequence[tuple[ColumnElement[Any], bool]],
    values: Sequence[object],
    bound_values: Mapping[str, object],
) -> ColumnElement[bool]:
    """Rows after ``values`` in the order of ``keys`` (column, descending), NULLs last.
    The values are parameters ``a<position>``; where one is NULL, the statement says so."""
    if len(values) != len(keys):
        raise _bad_cursor()
    bound = [
        None
        if value is None
        else bindparam(f"a{position}", bound_values[f"a{position}"], type_=column.type)
        for position, ((column, _), value) in enumerate(zip(keys, values, strict=True))
    ]
    alternatives: list[ColumnElement[bool]] = []
    for position, (column, descending) in enumerate(keys):
        value = bound[position]
        same = [
            key.is_(None) if earlier is None else key == earlier
            for (key, _), earlier in zip(keys[:position], bound[:position], strict=True)
        ]
        if value is None:
            continue  # nothing sorts after NULL at this position (NULLs last)
        beyond = column < value if descending else column > value
        alternatives.append(and_(*same, or_(beyond, column.is_(None))))
    return or_(*alternatives) if alternatives else false()


def compile_query(
    spec: QuerySpec,
    *,
    document: DatasetDocument,
    limits: RowLimits,
    after: Sequence[object] | None = None,
    rollup: Rollup | None = None,
    lookups: Collection[str] = (),
) -> CompiledQuery:
    """One ``Select`` for ``spec`` over the records of ``document``'s version.

    ``limits`` is the caller's row scope; ``after`` the decoded cursor's sort values;
    ``rollup`` (from ``rollup_for``) answers a count over its precomputed counts;
    ``lookups`` names the SQLite lookup tables (``tables``) that exist and may be used.
    """
    source = _source(document, limits, spec.as_of, rollup)
    values = _values(spec, source.types, after)
    conditions = [
        *source.conditions,
        *(_condition(source, item, index, values) for index, item in enumerate(spec.where)),
    ]
    if lookups and rollup is None and not isinstance(spec.as_of, datetime):
        conditions.extend(_through_lookups(spec, source, record_tables(document), values, lookups))
    if spec.is_aggregate:
        if after is not None:
            raise InvalidInput(
                "پاسخ‌های تجمیعی صفحه‌بندی نمی‌شوند.",
                "Aggregate answers are not paged.",
                code="cursor_invalid",
            )
        compiled = _aggregate(spec, source, conditions)
    else:
        compiled = _rows(spec, source, conditions, after, values)
    return replace(compiled, parameters=values)


# Conditions a lookup table's order can answer; none of them is met by a null.
_SARGABLE: Final = frozenset({"=", "in", "<", "<=", ">", ">=", "between"})


def _through_lookups(
    spec: QuerySpec,
    source: _Source,
    tables: RecordTables,
    values: Mapping[str, object],
    present: Collection[str],
) -> list[ColumnElement[bool]]:
    """For each SQLite lookup table whose every field the query bounds: the current
    rows' rowids as the lookup finds them (the conditions themselves still apply)."""
    found: list[ColumnElement[bool]] = []
    for lookup in tables.lookups:
        if lookup.table.name not in present:
            continue  # made at the first load after an upgrade; the rows are read
        usable = [
            (index, item)
            for index, item in enumerate(spec.where)
            if item.field in lookup.fields and item.op in _SARGABLE
        ]
        if {item.field for _, item in usable} != set(lookup.fields):
            continue
        columns = {name: lookup.table.c[name] for name in lookup.fields}
        over = replace(source, columns={**source.columns, **columns})
        rowids = select(lookup.table.c[ROW]).where(
            *(_condition(over, item, index, values) for index, item in usable)
        )
        found.append(literal_column(f'"{tables.current.name}".rowid').in_(rowids))
    return found


def query_shape(spec: QuerySpec, after: Sequence[object] | None) -> tuple[object, ...] | None:
    """All that ``spec``'s statement depends on but its values: queries of one shape,
    over the same data-set version and row limits, share a statement. None when the
    statement is made for one query only (an ``as_of`` time)."""
    if isinstance(spec.as_of, datetime):
        return None
    return (
        None if spec.select is None else tuple(spec.select),
        tuple((condition.field, condition.op) for condition in spec.where),
        tuple(spec.group_by),
        tuple((item.fn, item.field, item.label) for item in spec.aggregates),
        tuple((item.field, item.direction) for item in spec.order_by),
        spec.limit,
        spec.as_of,
        None if after is None else tuple(value is None for value in after),
    )


def rebind(
    compiled: CompiledQuery,
    spec: QuerySpec,
    *,
    document: DatasetDocument,
    after: Sequence[object] | None = None,
) -> CompiledQuery:
    """``compiled``, made for a query of ``spec``'s shape, with ``spec``'s values —
    checked and converted as ``compile_query`` does; the statement is not rebuilt."""
    types = {
        **dict.fromkeys(QUERYABLE_SYSTEM_FIELDS, "string"),
        **{item.name: item.type for item in document.schema_.fields},
    }
    return replace(compiled, parameters=_values(spec, types, after))


def _rows(
    spec: QuerySpec,
    source: _Source,
    conditions: list[ColumnElement[bool]],
    after: Sequence[object] | None,
    values: Mapping[str, object],
) -> CompiledQuery:
    names = list(dict.fromkeys(spec.select if spec.select is not None else source.fields))
    for name in names:
        source.column(name)  # refuses unknown names
    outputs = tuple(
        OutputColumn(name, source.types[name], source.fields.get(name)) for name in names
    )
    order: list[tuple[ColumnElement[Any], bool]] = [
        (source.column(item.field), item.direction == "desc") for item in spec.order_by
    ]
    order.extend((column, False) for column in source.tiebreak)
    keys = tuple(f"_k{index}" for index in range(len(order)))
    statement = select(
        *(source.column(column.name).label(column.name) for column in outputs),
        *(column.label(key) for (column, _), key in zip(order, keys, strict=True)),
    ).select_from(source.from_)
    if after is not None:
        conditions = [*conditions, _after(order, after, values)]
    statement = statement.where(*conditions).order_by(
        *(
            (column.desc() if descending else column.asc()).nulls_last()
            for column, descending in order
        )
    )
    return CompiledQuery(
        statement=statement.limit(spec.limit + 1),
        columns=outputs,
        aggregate=False,
        keys=keys,
        limit=spec.limit,
    )


def _aggregate(
    spec: QuerySpec, source: _Source, conditions: list[ColumnElement[bool]]
) -> CompiledQuery:
    groups = [(name, source.column(name)) for name in dict.fromkeys(spec.group_by)]
    outputs: list[OutputColumn] = [
        OutputColumn(name, source.types[name], source.fields.get(name)) for name, _ in groups
    ]
    selected: list[ColumnElement[Any]] = [column.label(name) for name, column in groups]
    labelled: dict[str, ColumnElement[Any]] = dict(groups)
    for aggregate in spec.aggregates:
        expression, kind = _aggregate_expression(source, aggregate)
        selected.append(expression.label(aggregate.label))
        labelled[aggregate.label] = expression
        outputs.append(OutputColumn(aggregate.label, kind))
    selected.append(source.count.label(COUNT_LABEL))
    statement = select(*selected).select_from(source.from_).where(*conditions)
    if groups:
        statement = statement.group_by(*(column for _, column in groups))
    order = []
    for item in spec.order_by:
        if item.field not in labelled:
            raise _invalid(
                item.field,
                f"پرسش گروه‌بندی‌شده فقط با گروه‌ها و تجمیع‌ها مرتب می‌شود، نه «{item.field}».",
                f"A grouped query sorts by its groups and aggregates only, not '{item.field}'.",
                code="query_order_invalid",
            )
        column = labelled[item.field]
        order.append((column.desc() if item.direction == "desc" else column.asc()).nulls_last())
    order.extend(column.asc().nulls_last() for _, column in groups)
    statement = statement.order_by(*order).limit(MAX_GROUPS + 1)
    return CompiledQuery(
        statement=statement,
        columns=tuple(outputs),
        aggregate=True,
        limit=spec.limit,
        groups=len(groups),
    )


def _aggregate_expression(source: _Source, aggregate: Aggregate) -> tuple[ColumnElement[Any], str]:
    if aggregate.field is None:
        return source.count, "integer"
    column = source.column(aggregate.field)
    kind = source.types[aggregate.field]
    if aggregate.fn == "count":
        return func.count(column), "integer"
    if aggregate.fn == "count_distinct":
        return func.count(distinct(column)), "integer"
    if aggregate.fn in ("sum", "avg") and kind not in ("integer", "number"):
        raise _invalid(
            aggregate.field,
            f"«{aggregate.fn}» فقط برای فیلدهای عددی است، نه «{aggregate.field}».",
            f"'{aggregate.fn}' applies to numeric fields only, not '{aggregate.field}'.",
            code="aggregate_type_invalid",
        )
    if aggregate.fn == "sum":
        # PostgreSQL sums BIGINT as NUMERIC (Decimal); both databases answer alike so.
        target = BigInteger() if kind == "integer" else Float()
        return cast(func.sum(column), target), kind
    if aggregate.fn == "avg":
        return cast(func.avg(column), Float()), "number"
    if aggregate.fn == "min":
        return func.min(column), kind
    return func.max(column), kind


def rollup_for(spec: QuerySpec, document: DatasetDocument) -> Rollup | None:
    """The rollup that answers ``spec`` exactly, or None to read the records.

    Fits only a query that counts rows (no other aggregate), over current rows (no
    past ``as_of``), whose groups and conditions name only the rollup's fields and the
    institution's columns: the counts per slice then add up to the same answer.
    """
    if not spec.is_aggregate or isinstance(spec.as_of, datetime):
        return None
    if any(aggregate.fn != "count" or aggregate.field is not None for aggregate in spec.aggregates):
        return None
    fields = set(document.schema_.field_names)
    named = [*spec.group_by, *(condition.field for condition in spec.where)]
    needed = [name for name in named if name in fields or name not in QUERYABLE_SYSTEM_FIELDS]
    return choose(document, needed)
