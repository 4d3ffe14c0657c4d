"""The query compiler: names checked, values typed and bound, never spliced into SQL."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy.dialects import postgresql, sqlite

from dargah.access.protection import RowLimits
from dargah.errors import InvalidInput
from dargah.records.query import (
    QuerySpec,
    coerce_value,
    compile_query,
    decode_cursor,
    encode_cursor,
    query_shape,
    rebind,
)
from support.catalogue import dataset_document

DOCUMENT = dataset_document()
SECRET = b"unit-test-secret"


def _compile(spec: dict[str, Any], limits: RowLimits | None = None, **kwargs: Any) -> Any:
    return compile_query(
        QuerySpec.model_validate(spec), document=DOCUMENT, limits=limits or RowLimits(), **kwargs
    )


def _sql(compiled: Any, dialect: Any = None) -> tuple[str, dict[str, Any]]:
    statement = compiled.statement.compile(dialect=dialect or postgresql.dialect())
    return str(statement), dict(statement.params)


def test_values_are_bound_parameters_never_sql_text() -> None:
    hostile = "x' OR '1'='1'; DROP TABLE members; --"
    compiled = _compile(
        {"where": [{"field": "student_number", "op": "=", "value": hostile}], "limit": 10}
    )

    sql, params = _sql(compiled)

    assert "DROP TABLE" not in sql
    assert hostile in params.values()


def test_unknown_fields_are_refused_wherever_named() -> None:
    for spec in (
        {"select": ["nope"]},
        {"where": [{"field": "nope", "op": "is_null"}]},
        {"group_by": ["nope"]},
        {"order_by": [{"field": "nope"}]},
        {"aggregates": [{"fn": "max", "field": "nope"}]},
    ):
        with pytest.raises(InvalidInput) as raised:
            _compile(spec)
        assert raised.value.code == "unknown_field", spec


def test_names_that_are_not_identifiers_fail_validation() -> None:
    with pytest.raises(ValidationError):
        QuerySpec.model_validate({"select": ['national_id" FROM members --']})


def test_contains_folds_the_needle_and_escapes_wildcards() -> None:
    compiled = _compile(
        {"where": [{"field": "student_number", "op": "contains", "value": "دانشگاه_100%"}]}
    )

    sql, params = _sql(compiled)

    # The match key drops punctuation, so a typed % or _ can never act as a wildcard;
    # the pattern is escaped all the same.
    assert "LIKE" in sql
    assert "ESCAPE" in sql
    assert "دانشگاه100" in params.values()


def test_dates_accept_iso_and_jalali_text() -> None:
    assert coerce_value("date", "1403/01/01", field="d") == date(2024, 3, 20)
    assert coerce_value("date", "۱۴۰۳-۰۱-۰۱", field="d") == date(2024, 3, 20)
    assert coerce_value("date", "2024-03-20", field="d") == date(2024, 3, 20)
    with pytest.raises(InvalidInput) as raised:
        coerce_value("date", "1403/13/01", field="d")
    assert raised.value.code == "query_value_invalid"


def test_values_are_checked_per_type() -> None:
    assert coerce_value("integer", "۱۲", field="n") == 12
    assert coerce_value("boolean", "بله", field="b") is True
    for kind, value in (("integer", "twelve"), ("integer", True), ("number", "x"), ("boolean", 3)):
        with pytest.raises(InvalidInput):
            coerce_value(kind, value, field="f")


def test_operator_shapes() -> None:
    with pytest.raises(ValidationError):
        QuerySpec.model_validate(
            {"where": [{"field": "entry_date", "op": "between", "value": [1]}]}
        )
    with pytest.raises(ValidationError):
        QuerySpec.model_validate({"where": [{"field": "entry_date", "op": "is null", "value": 1}]})
    spec = QuerySpec.model_validate(
        {"where": [{"field": "entry_date", "op": "not in", "value": ["1400/01/01"]}]}
    )
    assert spec.where[0].op == "not_in"


def test_row_limits_become_conditions_on_slices_and_institutions() -> None:
    limits = RowLimits(
        institution_ids=frozenset({4}),
        institution_types=frozenset({"state_university"}),
        provinces=frozenset({"23"}),
        period_from="1400",
        period_to="1402",
    )

    sql, params = _sql(_compile({}, limits))

    assert "s.institution_id IN" in sql
    assert "m.institution_type IN" in sql
    assert "m.province_code IN" in sql
    assert "1402-%" in params.values()


def test_as_of_a_time_reads_history_and_as_of_a_period_its_slices() -> None:
    at = datetime(2025, 1, 1, tzinfo=UTC)
    sql, _ = _sql(_compile({"as_of": at.isoformat()}), sqlite.dialect())
    assert "rec_test_students_v1_h" in sql
    sql, params = _sql(_compile({"as_of": "1403-1"}))
    assert "_h" not in sql.split("FROM", 1)[1].split("JOIN")[0]
    assert "1403-1" in params.values()
    with pytest.raises(ValidationError):
        QuerySpec.model_validate({"as_of": "yesterday"})


def test_aggregates_type_checked_and_always_count_rows() -> None:
    compiled = _compile({"group_by": ["degree_level"], "aggregates": [{"fn": "count"}]})
    sql, _ = _sql(compiled)
    assert "GROUP BY" in sql
    assert "_n" in sql
    assert [column.name for column in compiled.columns] == ["degree_level", "count"]
    with pytest.raises(InvalidInput) as raised:
        _compile({"aggregates": [{"fn": "sum", "field": "degree_level"}]})
    assert raised.value.code == "aggregate_type_invalid"


def test_cursor_round_trip_and_tampering() -> None:
    digest = QuerySpec().digest("grant", 1)
    token = encode_cursor(SECRET, digest=digest, values=[date(2024, 1, 1), 5, None, "x"])

    assert decode_cursor(SECRET, token, digest=digest) == [date(2024, 1, 1), 5, None, "x"]
    assert "2024" not in token  # encrypted: the key values do not show
    for bad, key, wanted in (
        (token[:-4] + "AAAA", SECRET, digest),
        (token, b"another secret", digest),
        (token, SECRET, QuerySpec().digest("grant", 2)),
        ("not a cursor", SECRET, digest),
    ):
        with pytest.raises(InvalidInput) as raised:
            decode_cursor(key, bad, digest=wanted)
        assert raised.value.code == "cursor_invalid"


def test_a_row_query_orders_by_the_natural_key_last_and_fetches_one_more() -> None:
    compiled = _compile({"order_by": [{"field": "entry_date", "direction": "desc"}], "limit": 3})
    sql, params = _sql(compiled)

    assert "ORDER BY" in sql
    assert "NULLS LAST" in sql
    assert compiled.keys == ("_k0", "_k1", "_k2")
    assert 4 in params.values()


SHAPED = [
    {"where": [{"field": "student_number", "op": "=", "value": "{v}"}], "limit": 10},
    {"where": [{"field": "student_number", "op": "in", "value": ["{v}", "x{v}", "y{v}"]}]},
    {"where": [{"field": "student_number", "op": "not_in", "value": ["{v}"]}]},
    {"where": [{"field": "entry_date", "op": "between", "value": ["1400/01/01", "1402/0{v}/01"]}]},
    {"where": [{"field": "student_number", "op": "contains", "value": "ab_{v}%"}]},
    {
        "group_by": ["degree_level"],
        "aggregates": [{"fn": "count"}],
        "where": [{"field": "degree_level", "op": "!=", "value": "l{v}"}],
    },
]


def _spec(body: dict[str, Any], value: str) -> QuerySpec:
    return QuerySpec.model_validate_json(json.dumps(body).replace("{v}", value))


@pytest.mark.parametrize("body", SHAPED)
def test_a_statement_made_for_one_query_serves_another_of_its_shape_with_its_values(
    body: dict[str, Any],
) -> None:
    first, second = _spec(body, "1"), _spec(body, "2")
    made = compile_query(first, document=DOCUMENT, limits=RowLimits())
    fresh = compile_query(second, document=DOCUMENT, limits=RowLimits())

    reused = rebind(made, second, document=DOCUMENT)

    assert query_shape(first, None) == query_shape(second, None)
    assert reused.statement is made.statement
    assert dict(reused.parameters) == dict(fresh.parameters)
    assert reused.parameters != made.parameters
    # Every value the statement binds is given anew, none left from the first query.
    bound = made.statement.compile().params
    named = {name for name in bound if re.fullmatch(r"[wa][0-9]+(_[01])?", name)}
    assert named
    assert named == set(reused.parameters)


def test_shapes_differ_wherever_the_statement_would() -> None:
    lookup = {"where": [{"field": "student_number", "op": "=", "value": "1"}]}
    shape = query_shape(QuerySpec.model_validate(lookup), None)
    for other in (
        {"where": [{"field": "student_number", "op": "!=", "value": "1"}]},
        {"where": [{"field": "national_id", "op": "=", "value": "1"}]},
        {**lookup, "limit": 11},
        {**lookup, "select": ["student_number"]},
        {**lookup, "order_by": [{"field": "student_number", "direction": "desc"}]},
        {**lookup, "as_of": "1403-1"},
    ):
        assert query_shape(QuerySpec.model_validate(other), None) != shape, other
    spec = QuerySpec.model_validate(lookup)
    # A cursor's NULLs are written into the statement.
    assert query_shape(spec, [1, None]) != query_shape(spec, [1, 2])
    assert query_shape(spec, [1, 2]) == query_shape(spec, [3, 4])
    assert query_shape(QuerySpec.model_validate({"as_of": "2025-01-01T00:00:00Z"}), None) is None
