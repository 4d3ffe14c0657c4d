"""Member input that the database could not store is refused up front, field by field."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from dargah.members.schemas import MemberCreate, MemberUpdate

INSTITUTION = {
    "code": "1001",
    "name_fa": "دانشگاه تهران",
    "institution_type": "state_university",
    "province": "23",
}


def _refused_fields(model: type[BaseModel], values: dict[str, Any]) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        model.model_validate(values)
    return [".".join(str(part) for part in error["loc"]) for error in caught.value.errors()]


@pytest.mark.parametrize("model", [MemberCreate, MemberUpdate])
def test_a_city_longer_than_the_column_is_refused(model: type[BaseModel]) -> None:
    values = {**INSTITUTION, "city": "ش" * 121} if model is MemberCreate else {"city": "ش" * 121}

    assert _refused_fields(model, values) == ["city"]


def test_a_city_at_the_limit_is_accepted() -> None:
    assert MemberCreate.model_validate({**INSTITUTION, "city": "ش" * 120}).city == "ش" * 120


@pytest.mark.parametrize("field", ["name_fa", "status"])
def test_an_update_cannot_blank_a_required_field(field: str) -> None:
    assert _refused_fields(MemberUpdate, {field: None}) == [field]


def test_an_update_may_clear_an_optional_field() -> None:
    update = MemberUpdate.model_validate({"city": None, "website": "", "name_en": None})

    assert update.model_dump(exclude_unset=True) == {
        "city": None,
        "website": None,
        "name_en": None,
    }


@pytest.mark.parametrize("model", [MemberCreate, MemberUpdate])
def test_a_website_needs_an_http_scheme(model: type[BaseModel]) -> None:
    values: dict[str, Any] = {"website": "ftp://files.example.ir"}
    if model is MemberCreate:
        values = {**INSTITUTION, **values}

    assert _refused_fields(model, values) == ["website"]
