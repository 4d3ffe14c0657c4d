"""The catalogue through HTTP: browse, dictionary, draft and approve, templates, export."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from dargah.access.policy import Role, cli_principal
from dargah.catalogue import service
from dargah.members import service as members
from support.catalogue import LEVELS, OPTIONAL_FIELD, dataset_document, schema_with

Headers = Callable[..., dict[str, str]]


@pytest.fixture(autouse=True)
def synced(session: Session) -> None:
    service.sync_builtin(
        session,
        principal=cli_principal("api-test"),
        code_list_documents=[LEVELS],
        dataset_documents=[dataset_document()],
    )


def test_institutions_browse_the_catalogue(client: TestClient, as_role: Headers) -> None:
    headers = as_role(Role.INSTITUTION)
    listed = client.get("/api/v1/datasets", headers=headers)
    assert listed.status_code == 200
    [dataset] = listed.json()
    assert dataset["id"] == "test_students"
    assert dataset["active_version"] == "1.0"
    assert dataset["owner"]["code"] == "education"
    assert dataset["natural_key"] == ["student_number"]
    dictionary = client.get(
        "/api/v1/datasets/test_students/versions/active/dictionary", headers=headers
    ).json()
    by_name = {field["name"]: field for field in dictionary["fields"]}
    assert by_name["degree_level"]["code_list"]["code"] == "test_levels"
    assert by_name["national_id"]["sensitivity"]["code"] == "personal"
    assert dictionary["rules"][0]["id"] == "R.test_students.1"


def test_draft_and_approve_over_http(
    client: TestClient, session: Session, as_role: Headers
) -> None:
    drafted = client.post(
        "/api/v1/datasets/test_students/versions",
        json={"schema": schema_with(extra_fields=[OPTIONAL_FIELD]), "note": "ستون رایانامه"},
        headers=as_role(Role.OPERATOR),
    )
    assert drafted.status_code == 201, drafted.text
    assert drafted.json()["kind"] == "minor"
    assert drafted.json()["version"]["version"] == "1.1"
    owner = as_role(Role.HQ, hq_unit=members.get_hq_unit(session, "education"))
    approved = client.post(
        "/api/v1/datasets/test_students/versions/1.1/approve", json={}, headers=owner
    )
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "active"
    assert (
        client.get("/api/v1/datasets/test_students", headers=owner).json()["active_version"]
        == "1.1"
    )


def test_bad_schema_is_a_422_with_items(client: TestClient, as_role: Headers) -> None:
    response = client.post(
        "/api/v1/datasets/test_students/versions",
        json={"schema": {"fields": [{"name": "Bad Name"}], "primaryKey": ["x"]}},
        headers=as_role(Role.OPERATOR),
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "schema_invalid"
    assert body["errors"]


def test_unknown_dataset_and_version_are_404(client: TestClient, as_role: Headers) -> None:
    headers = as_role(Role.HQ)
    assert client.get("/api/v1/datasets/nope", headers=headers).status_code == 404
    missing = client.get("/api/v1/datasets/test_students/versions/9.9", headers=headers)
    assert missing.status_code == 404
    assert (
        client.get("/api/v1/datasets/test_students/versions/x.y", headers=headers).status_code
        == 404
    )


def test_xlsx_template_has_dropdowns_from_the_code_list(
    client: TestClient, as_role: Headers
) -> None:
    response = client.get(
        "/api/v1/datasets/test_students/versions/active/template.xlsx",
        headers=as_role(Role.INSTITUTION),
    )
    assert response.status_code == 200
    assert response.content[:2] == b"PK"
    workbook = load_workbook(io.BytesIO(response.content))
    data = workbook.worksheets[0]
    headers = [cell.value for cell in data[1]]
    assert headers[:3] == ["شماره دانشجویی", "کد ملی", "مقطع تحصیلی"]
    assert data.sheet_view.rightToLeft
    formulas = [str(validation.formula1) for validation in data.data_validations.dataValidation]
    assert any("!" in formula for formula in formulas)
    labels = {
        cell.value
        for sheet in workbook.worksheets[1:]
        for row in sheet.iter_rows()
        for cell in row
        if cell.value
    }
    assert {"کارشناسی", "کارشناسی ارشد", "دکتری تخصصی"} <= labels


def test_csv_template_in_english(client: TestClient, as_role: Headers) -> None:
    response = client.get(
        "/api/v1/datasets/test_students/versions/1.0/template.csv",
        params={"language": "en"},
        headers=as_role(Role.INSTITUTION),
    )
    assert response.status_code == 200
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert response.content.decode("utf-8-sig").splitlines()[0].startswith("Student number")


def test_codelist_lookup_and_search(client: TestClient, as_role: Headers) -> None:
    headers = as_role(Role.AUDITOR)
    found = client.get(
        "/api/v1/codelists/test_levels/lookup", params={"q": "دكترا"}, headers=headers
    )
    assert found.status_code == 200
    assert found.json()["code"] == "phd"
    assert (
        client.get(
            "/api/v1/codelists/test_levels/lookup", params={"q": "x"}, headers=headers
        ).status_code
        == 404
    )
    listed = client.get("/api/v1/codelists/test_levels", headers=headers).json()
    assert [item["code"] for item in listed["items"]] == ["bachelor", "master", "phd"]
    search = client.get("/api/v1/catalogue/search", params={"q": "دانشجويان"}, headers=headers)
    assert [item["id"] for item in search.json()["datasets"]] == ["test_students"]


def test_exports(client: TestClient, as_role: Headers) -> None:
    headers = as_role(Role.HQ)
    package = client.get(
        "/api/v1/catalogue/export", params={"format": "datapackage"}, headers=headers
    )
    assert package.status_code == 200
    names = [resource["name"] for resource in package.json()["resources"]]
    assert "test_students" in names
    dcat = client.get("/api/v1/catalogue/export", params={"format": "dcat"}, headers=headers)
    assert dcat.status_code == 200
    assert dcat.headers["content-type"].startswith("application/ld+json")
    assert "@context" in dcat.json()
