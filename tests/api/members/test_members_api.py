"""The members registry through HTTP: list, filter, create, update, show."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from dargah.access.policy import Role
from support.factories import Actor, make_institution, make_system

Headers = Callable[..., dict[str, str]]


def test_list_filters_by_province_name_or_code(
    client: TestClient, session: Session, as_role: Headers
) -> None:
    make_institution(session, code="2001", province="23")
    make_institution(session, code="2002", province="07")
    headers = as_role(Role.HQ)
    for province in ("07", "IR-07", "فارس", "Fars", "۰۷"):
        response = client.get("/api/v1/members", params={"province": province}, headers=headers)
        assert response.status_code == 200, response.text
        codes = {item["code"] for item in response.json()["items"]}
        assert codes == {"2002"}, province


def test_unknown_province_is_a_clear_422(client: TestClient, as_role: Headers) -> None:
    response = client.get(
        "/api/v1/members", params={"province": "Atlantis"}, headers=as_role(Role.HQ)
    )
    assert response.status_code == 422
    body = response.json()
    assert response.headers["content-type"] == "application/problem+json"
    assert body["code"] == "invalid_request"
    assert body["errors"][0]["field"] == "province"
    assert body["message_fa"]


def test_operator_creates_and_updates_an_institution(client: TestClient, as_role: Headers) -> None:
    headers = as_role(Role.OPERATOR)
    response = client.post(
        "/api/v1/members",
        json={
            "code": "3001",
            "name_fa": "دانشگاه علوم پايه كرمان",
            "institution_type": "state_university",
            "province": "کرمان",
            "city": "كرمان",
        },
        headers=headers,
    )
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["identifier"] == "IR/UNI/3001"
    assert created["name_fa"] == "دانشگاه علوم پایه کرمان"  # Arabic ي/ك normalised
    assert created["province_code"] == "08"
    response = client.patch(
        "/api/v1/members/IR/UNI/3001", json={"city": "رفسنجان"}, headers=headers
    )
    assert response.status_code == 200, response.text
    assert response.json()["city"] == "رفسنجان"
    found = client.get("/api/v1/members", params={"q": "علوم پايه"}, headers=headers).json()
    assert [item["code"] for item in found["items"]] == ["3001"]


def test_branch_parent_and_cycle(client: TestClient, session: Session, as_role: Headers) -> None:
    make_institution(session, code="5000", institution_type="islamic_azad")
    make_institution(session, code="5001", institution_type="islamic_azad", parent="IR/UNI/5000")
    headers = as_role(Role.OPERATOR)
    detail = client.get("/api/v1/members/IR/UNI/5000", headers=headers).json()
    assert [branch["identifier"] for branch in detail["branches"]] == ["IR/UNI/5001"]
    response = client.patch(
        "/api/v1/members/IR/UNI/5000", json={"parent": "IR/UNI/5001"}, headers=headers
    )
    assert response.status_code == 422
    assert response.json()["code"] == "parent_cycle"


def test_duplicate_code_is_a_conflict(
    client: TestClient, session: Session, as_role: Headers
) -> None:
    make_institution(session, code="4001")
    response = client.post(
        "/api/v1/members",
        json={
            "code": "4001",
            "name_fa": "تکراری",
            "institution_type": "non_profit",
            "province": "23",
        },
        headers=as_role(Role.OPERATOR),
    )
    assert response.status_code == 409
    assert response.json()["code"] == "member_exists"


def test_institution_without_type_is_refused(client: TestClient, as_role: Headers) -> None:
    response = client.post(
        "/api/v1/members",
        json={"code": "4002", "name_fa": "بی‌نوع", "province": "23"},
        headers=as_role(Role.OPERATOR),
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "member_incomplete"
    assert body["errors"][0]["field"] == "institution_type"


def test_systems_registered_under_a_member(
    client: TestClient, session: Session, as_role: Headers
) -> None:
    make_institution(session, code="6001")
    headers = as_role(Role.OPERATOR)
    response = client.post(
        "/api/v1/members/IR/UNI/6001/systems",
        json={"code": "golestan", "name_fa": "سامانه گلستان"},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    assert response.json()["identifier"] == "IR/UNI/6001/golestan"
    listed = client.get("/api/v1/members/IR/UNI/6001/systems", headers=headers).json()
    assert [system["code"] for system in listed] == ["golestan"]


def test_api_key_reads_members(client: TestClient, institution_key: Actor) -> None:
    response = client.get(
        "/api/v1/members", headers={"Authorization": f"Bearer {institution_key.token}"}
    )
    assert response.status_code == 200
    assert response.json()["total"] >= 1


def test_revoked_key_is_refused_at_once(
    client: TestClient, session: Session, as_role: Headers
) -> None:
    institution = make_institution(session)
    from support.factories import make_system_key

    key = make_system_key(session, make_system(session, institution))
    auth = {"Authorization": f"Bearer {key.token}"}
    assert client.get("/api/v1/members", headers=auth).status_code == 200
    response = client.delete(
        f"/api/v1/keys/{key.principal.api_key_id}", headers=as_role(Role.OPERATOR)
    )
    assert response.status_code == 200, response.text
    refused = client.get("/api/v1/members", headers=auth)
    assert refused.status_code == 401
    assert refused.json()["code"] == "invalid_token"


def test_null_cannot_erase_a_required_field(
    client: TestClient, session: Session, as_role: Headers
) -> None:
    make_institution(session, code="7001")
    headers = as_role(Role.OPERATOR)
    for body in ({"name_fa": None}, {"status": None}):
        response = client.patch("/api/v1/members/IR/UNI/7001", json=body, headers=headers)
        assert response.status_code == 422, body
        assert response.json()["code"] == "invalid_request"


def test_website_must_be_http(client: TestClient, session: Session, as_role: Headers) -> None:
    make_institution(session, code="7002")
    response = client.patch(
        "/api/v1/members/IR/UNI/7002",
        json={"website": "javascript:alert(1)"},
        headers=as_role(Role.OPERATOR),
    )
    assert response.status_code == 422


def test_list_sorts_names_in_persian_alphabetical_order(
    client: TestClient, session: Session, as_role: Headers
) -> None:
    # Code-point order would put پ and گ after ی; the Persian alphabet puts them before.
    for code, name in (("5101", "یزد نمونه"), ("5102", "پردیس نمونه"), ("5103", "گیلان نمونه")):
        make_institution(session, code=code, name_fa=name)
    headers = as_role(Role.HQ)
    names = [
        item["name_fa"]
        for item in client.get(
            "/api/v1/members", params={"q": "نمونه", "sort": "name"}, headers=headers
        ).json()["items"]
    ]
    assert names == ["پردیس نمونه", "گیلان نمونه", "یزد نمونه"]
    reversed_names = [
        item["name_fa"]
        for item in client.get(
            "/api/v1/members", params={"q": "نمونه", "sort": "-name"}, headers=headers
        ).json()["items"]
    ]
    assert reversed_names == names[::-1]


def test_list_sorts_by_province_name_and_pages_the_sorted_list(
    client: TestClient, session: Session, as_role: Headers
) -> None:
    # By province name (تهران, فارس, گیلان), not by province code (23, 07, 01).
    make_institution(session, code="5201", name_fa="مرتب ۱", province="07")  # فارس
    make_institution(session, code="5202", name_fa="مرتب ۲", province="23")  # تهران
    make_institution(session, code="5203", name_fa="مرتب ۳", province="01")  # گیلان
    headers = as_role(Role.HQ)
    pages = [
        client.get(
            "/api/v1/members",
            params={"q": "مرتب", "sort": "province", "limit": 2, "offset": offset},
            headers=headers,
        ).json()
        for offset in (0, 2)
    ]
    assert [page["total"] for page in pages] == [3, 3]
    codes = [item["code"] for page in pages for item in page["items"]]
    assert codes == ["5202", "5201", "5203"]


def test_unknown_sort_is_a_clear_422(client: TestClient, as_role: Headers) -> None:
    response = client.get("/api/v1/members", params={"sort": "secret"}, headers=as_role(Role.HQ))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "sort"
