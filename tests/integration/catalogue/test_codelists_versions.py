"""Code lists: versions on change, lookups the way people write values, search."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from dargah.access.policy import cli_principal
from dargah.catalogue import codelists, service
from dargah.catalogue.documents import CodeListDocument
from dargah.catalogue.search import search_catalogue
from support.catalogue import LEVELS, dataset_document

ADMIN = cli_principal("codelist-test")


def _sync(session: Session, document: CodeListDocument) -> dict[str, str]:
    return service.sync_builtin(
        session, principal=ADMIN, code_list_documents=[document], dataset_documents=[]
    ).code_lists


def _with_values(values: list[dict[str, object]]) -> CodeListDocument:
    return LEVELS.model_copy(
        update={"values": [LEVELS.values[0].model_validate(v) for v in values]}
    )


def test_new_value_is_minor_removed_value_is_major(session: Session) -> None:
    assert _sync(session, LEVELS) == {"test_levels": "created"}
    values = [v.model_dump() for v in LEVELS.values]
    added = [*values, {"code": "associate", "label_fa": "کاردانی", "label_en": "Associate"}]
    assert _sync(session, _with_values(added)) == {"test_levels": "minor"}
    assert _sync(session, _with_values(added[1:])) == {"test_levels": "major"}
    code_list = codelists.get_code_list(session, "test_levels")
    assert [v.version for v in code_list.versions] == ["1.0", "1.1", "2.0"]
    assert codelists.active_version(code_list).version == "2.0"
    old = codelists.values_of(session, codelists.find_version(code_list, "1.0"))
    assert [value.code for value in old] == ["bachelor", "master", "phd"]


@pytest.mark.parametrize(
    "text",
    ["phd", "دکتری تخصصی", "دكتري تخصصي", "دکتری‌تخصصی", "PhD", "دکترا", " دکتري  تخصصی "],
)
def test_lookup_accepts_labels_aliases_and_letter_variants(session: Session, text: str) -> None:
    _sync(session, LEVELS)
    value = codelists.lookup(session, "test_levels", text)
    assert value is not None
    assert value.code == "phd"


def test_lookup_of_nonsense_finds_nothing(session: Session) -> None:
    _sync(session, LEVELS)
    assert codelists.lookup(session, "test_levels", "کاردانی") is None


def test_search_is_insensitive_to_letter_variants(session: Session) -> None:
    service.sync_builtin(
        session,
        principal=ADMIN,
        code_list_documents=[LEVELS],
        dataset_documents=[dataset_document()],
    )
    results = search_catalogue(session, "دانشجويان")  # Arabic yeh
    assert [dataset.slug for dataset in results.datasets] == ["test_students"]
    fields = search_catalogue(session, "كد ملي")  # Arabic kaf and yeh
    assert [(hit.dataset.slug, hit.field.name) for hit in fields.fields] == [
        ("test_students", "national_id")
    ]
    values = search_catalogue(session, "ليسانس")
    assert [(hit.code_list.slug, hit.value.code) for hit in values.values] == [
        ("test_levels", "bachelor")
    ]
    english = search_catalogue(session, "graduation date")
    assert [hit.field.name for hit in english.fields] == ["graduation_date"]
