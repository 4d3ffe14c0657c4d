"""A query's every use of a field is checked against the grant before it runs."""

from __future__ import annotations

import pytest

from dargah.access.models import GrantLevel
from dargah.access.protection import Access, FieldUse, RowLimits, authorise_use
from dargah.errors import PermissionDenied

FIELDS = ("student_number", "national_id", "degree_level", "gender")
PERSONAL = ("national_id",)
SYSTEM = ("institution", "period")


def _access(**changes: object) -> Access:
    values: dict[str, object] = {
        "dataset": "students",
        "grant_id": 7,
        "level": GrantLevel.ROWS,
        "personal": False,
        "rows": RowLimits(),
        "fields": frozenset({"student_number", "degree_level", "national_id"}),
    }
    values.update(changes)
    return Access(**values)  # type: ignore[arg-type]


def _check(access: Access, use: FieldUse) -> frozenset[str]:
    return authorise_use(access, use, fields=FIELDS, personal=PERSONAL, system=SYSTEM)


@pytest.mark.parametrize(
    ("use", "where"),
    [
        (FieldUse(selected=("gender",)), "select"),
        (FieldUse(selected=("degree_level",), filtered=("gender",)), "where"),
        (FieldUse(grouped=("gender",), row_level=False), "group_by"),
        (FieldUse(selected=("degree_level",), ordered=("gender",)), "order_by"),
        (FieldUse(aggregated=("gender",), row_level=False), "aggregate"),
    ],
)
def test_a_field_outside_the_grant_is_refused_wherever_it_is_used(
    use: FieldUse, where: str
) -> None:
    with pytest.raises(PermissionDenied) as raised:
        _check(_access(), use)

    assert raised.value.code == "field_not_granted"
    assert raised.value.details["field"] == "gender"
    assert raised.value.details["used_in"] == where
    assert "gender" in raised.value.message_fa
    assert "gender" in raised.value.message_en


def test_masked_personal_fields_may_be_shown_but_not_filtered_on() -> None:
    assert _check(_access(), FieldUse(selected=("national_id",))) == {"national_id"}
    with pytest.raises(PermissionDenied) as raised:
        _check(_access(), FieldUse(selected=("degree_level",), filtered=("national_id",)))
    assert raised.value.code == "field_masked"


def test_a_personal_grant_masks_nothing() -> None:
    use = FieldUse(selected=("national_id",), filtered=("national_id",))

    assert _check(_access(personal=True), use) == frozenset()


def test_aggregate_only_grants_refuse_row_queries() -> None:
    with pytest.raises(PermissionDenied) as raised:
        _check(_access(level=GrantLevel.AGGREGATE), FieldUse(selected=("degree_level",)))
    assert raised.value.code == "aggregate_only"
    _check(
        _access(level=GrantLevel.AGGREGATE), FieldUse(grouped=("degree_level",), row_level=False)
    )


def test_system_columns_are_always_usable() -> None:
    use = FieldUse(grouped=("institution", "period"), row_level=False)

    assert _check(_access(fields=frozenset()), use) == {"national_id"}
