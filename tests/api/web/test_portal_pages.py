"""The web portal through the real app: login, authorisation, members pages and forms."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from dargah.access.policy import Role
from dargah.persian import format_jalali
from support.factories import PASSWORD, Actor, make_institution, make_person, make_system

MakeActor = Callable[..., Actor]

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_LOGIN_TOKEN = re.compile(r'name="login_token" value="([^"]+)"')


def _log_in_as(client: TestClient, actor: Actor) -> None:
    client.cookies.set("dargah_session", actor.token)


def _csrf_of(client: TestClient, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, response.text
    match = _CSRF.search(response.text)
    assert match is not None, "the page has no CSRF field"
    return match.group(1)


def _login_token(client: TestClient, path: str = "/login") -> str:
    response = client.get(path)
    assert response.status_code == 200
    match = _LOGIN_TOKEN.search(response.text)
    assert match is not None
    return match.group(1)


def _set_cookie_header(response: object, name: str) -> str:
    headers = response.headers.get_list("set-cookie")  # type: ignore[attr-defined]
    found = [header for header in headers if header.startswith(f"{name}=")]
    assert found, f"no {name} cookie set"
    return str(found[0])


# -- logging in and out ------------------------------------------------------------


def test_login_form_opens_a_session_and_returns_to_next(
    client: TestClient, session: Session
) -> None:
    make_person(session, Role.HQ, username="hq.login")
    token = _login_token(client, "/login?next=/members")
    response = client.post(
        "/login",
        data={
            "username": "hq.login",
            "password": PASSWORD,
            "next": "/members",
            "login_token": token,
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/members"
    cookie = _set_cookie_header(response, "dargah_session").lower()
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    assert "max-age=" in cookie
    page = client.get("/members")
    assert page.status_code == 200
    assert "کاربر آزمایشی" in page.text  # the header names the person ...
    assert "کارشناس حوزه ستادی" in page.text  # ... and their role


def test_wrong_password_shows_the_form_again_with_401(client: TestClient, session: Session) -> None:
    make_person(session, Role.HQ, username="hq.wrong")
    token = _login_token(client)
    response = client.post(
        "/login",
        data={"username": "hq.wrong", "password": "not-the-password", "login_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("text/html")
    assert "نام کاربری یا گذرواژه نادرست است." in response.text
    assert 'value="hq.wrong"' in response.text  # the username is kept, the password not
    assert "dargah_session=" not in response.headers.get("set-cookie", "")


def test_failed_login_speaks_english_after_the_switch(client: TestClient) -> None:
    client.get("/lang/en", follow_redirects=False)
    token = _login_token(client)
    response = client.post(
        "/login", data={"username": "nobody", "password": "x", "login_token": token}
    )
    assert response.status_code == 401
    assert "Wrong username or password." in response.text


def test_login_post_without_the_form_token_is_refused(client: TestClient, session: Session) -> None:
    make_person(session, Role.HQ, username="hq.forged")
    response = client.post(
        "/login",
        data={"username": "hq.forged", "password": PASSWORD, "login_token": "forged" * 8},
        follow_redirects=False,
    )
    assert response.status_code == 400
    assert "dargah_session=" not in response.headers.get("set-cookie", "")


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"],
)
def test_login_ignores_an_offsite_next(client: TestClient, session: Session, target: str) -> None:
    make_person(session, Role.HQ, username="hq.redirect")
    token = _login_token(client)
    response = client.post(
        "/login",
        data={
            "username": "hq.redirect",
            "password": PASSWORD,
            "next": target,
            "login_token": token,
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/"


def test_logout_ends_the_session(client: TestClient, actor: MakeActor) -> None:
    person = actor(Role.OPERATOR)
    _log_in_as(client, person)
    csrf = _csrf_of(client, "/")
    response = client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login"
    # The old cookie, replayed, no longer opens anything.
    _log_in_as(client, person)
    again = client.get("/", follow_redirects=False)
    assert again.status_code == 303
    assert again.headers["location"] == "/login"


# -- authorisation -----------------------------------------------------------------


def test_anonymous_browser_is_sent_to_login_and_back(client: TestClient) -> None:
    response = client.get("/members?q=tehran", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Fmembers%3Fq%3Dtehran"
    home = client.get("/", follow_redirects=False)
    assert home.headers["location"] == "/login"


def test_anonymous_form_post_is_sent_to_login(client: TestClient) -> None:
    response = client.post("/members/new", data={"code": "1"}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Fmembers%2Fnew"


def test_a_stale_cookie_is_cleared_on_the_way_to_login(client: TestClient) -> None:
    client.cookies.set("dargah_session", "dgs_not-a-live-session")
    response = client.get("/members", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")
    assert _set_cookie_header(response, "dargah_session").startswith('dargah_session="";')


def test_hq_staff_cannot_reach_the_new_member_form(client: TestClient, actor: MakeActor) -> None:
    _log_in_as(client, actor(Role.HQ))
    response = client.get("/members/new")
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("text/html")
    assert "permission_denied" in response.text
    assert 'dir="rtl"' in response.text
    listing = client.get("/members")
    assert 'href="/members/new"' not in listing.text


def test_hq_staff_cannot_post_the_new_member_form(
    client: TestClient, actor: MakeActor, session: Session
) -> None:
    hq = actor(Role.HQ)
    _log_in_as(client, hq)
    csrf = _csrf_of(client, "/members")
    response = client.post(
        "/members/new",
        data={"csrf_token": csrf, "code": "9001", "name_fa": "نفوذی", "province": "23"},
    )
    assert response.status_code == 403


# -- members: list, search, page ---------------------------------------------------


def test_search_matches_arabic_letter_variants(
    client: TestClient, session: Session, actor: MakeActor
) -> None:
    make_institution(session, code="4101", name_fa="مرکز آموزش دانشجویان کاشان", province="10")
    make_institution(session, code="4102", name_fa="دانشگاه صنعتی اصفهان", province="10")
    _log_in_as(client, actor(Role.HQ))
    # Typed on an Arabic keyboard: ي and ك instead of ی and ک.
    response = client.get("/members", params={"q": "دانشجويان كاشان"})
    assert response.status_code == 200
    assert "مرکز آموزش دانشجویان کاشان" in response.text
    assert "دانشگاه صنعتی اصفهان" not in response.text
    assert 'href="/members/IR/UNI/4101"' in response.text
    assert 'value="دانشجويان كاشان"' in response.text  # the box keeps what was typed


def test_filters_by_province_and_type(
    client: TestClient, session: Session, actor: MakeActor
) -> None:
    make_institution(session, code="4201", name_fa="دانشگاه شیراز", province="07")
    make_institution(
        session,
        code="4202",
        name_fa="دانشگاه پیام نور تهران",
        province="23",
        institution_type="payame_noor",
    )
    _log_in_as(client, actor(Role.HQ))
    by_province = client.get("/members", params={"province": "07"})
    assert "دانشگاه شیراز" in by_province.text
    assert "دانشگاه پیام نور تهران" not in by_province.text
    assert '<option value="07" selected>' in by_province.text
    by_type = client.get("/members", params={"institution_type": "payame_noor"})
    assert "دانشگاه پیام نور تهران" in by_type.text
    assert "دانشگاه شیراز" not in by_type.text
    # All 31 provinces are offered.
    assert len(re.findall(r'<option value="\d\d"', by_province.text)) == 31


def test_a_bad_filter_is_an_html_422(client: TestClient, actor: MakeActor) -> None:
    _log_in_as(client, actor(Role.HQ))
    response = client.get("/members", params={"province": "Atlantis"})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("text/html")
    assert "invalid_filter" in response.text


def test_list_is_paginated_with_filters_kept(
    client: TestClient, session: Session, actor: MakeActor
) -> None:
    for number in range(26):
        make_institution(session, code=f"43{number:02d}", name_fa=f"آموزشکده صفحه {number}")
    _log_in_as(client, actor(Role.HQ))
    first = client.get("/members", params={"q": "آموزشکده صفحه"})
    assert first.text.count('href="/members/IR/UNI/43') == 25
    assert "۲۶ عضو" in first.text  # the total in Persian digits
    next_link = re.search(r'rel="next" href="([^"]+)"', first.text)
    assert next_link is not None
    second = client.get(next_link.group(1).replace("&amp;", "&"))
    assert second.text.count('href="/members/IR/UNI/43') == 1


def test_member_page_shows_details_branches_systems_and_jalali_dates(
    client: TestClient, session: Session, actor: MakeActor
) -> None:
    parent = make_institution(session, code="4401", name_fa="دانشگاه گلستان", province="27")
    branch = make_institution(
        session, code="4402", name_fa="پردیس گنبد", province="27", parent=parent.identifier
    )
    make_system(session, parent, code="golestan")
    _log_in_as(client, actor(Role.HQ))
    page = client.get("/members/IR/UNI/4401")
    assert page.status_code == 200
    assert "<h1>دانشگاه گلستان</h1>" in page.text
    assert 'href="/members/IR/UNI/4402"' in page.text  # the branch
    assert "IR/UNI/4401/golestan" in page.text  # the system
    assert "گلستان" in page.text  # the province
    # Shown with a no-break space between the date and the time.
    assert (
        format_jalali(parent.created_at, persian_digits=True, with_time=True).replace(" ", "\u00a0")
        in page.text
    )
    branch_page = client.get("/members/IR/UNI/4402")
    assert 'href="/members/IR/UNI/4401"' in branch_page.text  # the parent
    assert branch.identifier in branch_page.text


def test_unknown_member_is_an_html_404_with_request_id(
    client: TestClient, actor: MakeActor
) -> None:
    _log_in_as(client, actor(Role.HQ))
    response = client.get(
        "/members/IR/UNI/does-not-exist", headers={"x-request-id": "req-12345678"}
    )
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "member_not_found" in response.text
    assert "req-12345678" in response.text
    api = client.get("/api/v1/members/IR/UNI/does-not-exist", headers={"x-request-id": "r" * 10})
    assert api.headers["content-type"] == "application/problem+json"


def test_unknown_portal_path_is_an_html_404(client: TestClient) -> None:
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "route_not_found" in response.text


def test_dashboard_counts_institutions_by_type_and_province(
    client: TestClient, session: Session, actor: MakeActor
) -> None:
    for code in ("4501", "4502", "4503"):
        make_institution(session, code=code, province="24", institution_type="farhangian")
    _log_in_as(client, actor(Role.OPERATOR))  # operators keep the counts on their home
    page = client.get("/")
    assert page.status_code == 200
    assert 'href="/members?kind=institution&amp;province=24">اردبیل</a>' in page.text
    row = re.search(r"province=24\">اردبیل</a></th>\s*<td class=\"num\">([^<]+)</td>", page.text)
    assert row is not None
    assert row.group(1) == "۳"
    assert "دانشگاه فرهنگیان" in page.text


# -- members: create and edit ------------------------------------------------------


def _new_member_form(**fields: str) -> dict[str, str]:
    form = {
        "kind": "institution",
        "code": "5001",
        "name_fa": "دانشگاه علوم پايه كرمان",
        "name_en": "Kerman University of Basic Sciences",
        "institution_type": "state_university",
        "province": "08",
        "city": "كرمان",
        "status": "active",
    }
    form.update(fields)
    return form


def test_operator_registers_an_institution_through_the_form(
    client: TestClient, actor: MakeActor
) -> None:
    _log_in_as(client, actor(Role.OPERATOR))
    csrf = _csrf_of(client, "/members/new")
    response = client.post(
        "/members/new", data=_new_member_form(csrf_token=csrf), follow_redirects=False
    )
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/members/IR/UNI/5001?notice=created"
    page = client.get(response.headers["location"])
    assert "دانشگاه علوم پایه کرمان" in page.text  # Arabic ي/ك stored as Persian letters
    assert "عضو ثبت شد." in page.text


@pytest.mark.parametrize("csrf", [None, "wrong-token"])
def test_a_form_without_the_right_csrf_token_is_refused(
    client: TestClient, actor: MakeActor, csrf: str | None
) -> None:
    _log_in_as(client, actor(Role.OPERATOR))
    form = _new_member_form(code="5002")
    if csrf is not None:
        form["csrf_token"] = csrf
    response = client.post("/members/new", data=form)
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("text/html")
    assert "csrf_failed" in response.text
    assert client.get("/members/IR/UNI/5002").status_code == 404


def test_invalid_form_is_shown_again_with_field_messages(
    client: TestClient, actor: MakeActor
) -> None:
    _log_in_as(client, actor(Role.OPERATOR))
    csrf = _csrf_of(client, "/members/new")
    form = _new_member_form(csrf_token=csrf, code="bad code!", name_fa="", website="ftp://x")
    response = client.post("/members/new", data=form)
    assert response.status_code == 422
    assert 'id="code-error"' in response.text
    assert "کد فقط می‌تواند" in response.text
    assert 'id="name_fa-error">این فیلد الزامی است.' in response.text
    assert "نشانی وب‌گاه باید با" in response.text
    assert 'value="bad code!"' in response.text  # what was typed is kept
    client.get("/lang/en")
    english = client.post("/members/new", data=form)
    assert english.status_code == 422
    assert 'id="name_fa-error">This field is required.' in english.text


def test_institution_without_province_is_refused_by_the_service(
    client: TestClient, actor: MakeActor
) -> None:
    _log_in_as(client, actor(Role.OPERATOR))
    csrf = _csrf_of(client, "/members/new")
    response = client.post("/members/new", data=_new_member_form(csrf_token=csrf, province=""))
    assert response.status_code == 422
    assert 'id="province-error">این فیلد الزامی است.' in response.text


def test_duplicate_code_is_a_conflict_on_the_code_field(
    client: TestClient, session: Session, actor: MakeActor
) -> None:
    make_institution(session, code="5003")
    _log_in_as(client, actor(Role.OPERATOR))
    csrf = _csrf_of(client, "/members/new")
    response = client.post("/members/new", data=_new_member_form(csrf_token=csrf, code="5003"))
    assert response.status_code == 409
    assert 'id="code-error">عضوی با شناسهٔ «IR/UNI/5003» از پیش ثبت شده است.' in response.text


def test_operator_edits_an_institution(
    client: TestClient, session: Session, actor: MakeActor
) -> None:
    make_institution(session, code="5101", name_fa="دانشگاه بوعلی", province="13", city="همدان")
    _log_in_as(client, actor(Role.OPERATOR))
    form_page = client.get("/members/IR/UNI/5101/edit")
    assert form_page.status_code == 200
    assert 'value="دانشگاه بوعلی"' in form_page.text
    assert '<option value="13" selected>' in form_page.text
    csrf = _CSRF.search(form_page.text)
    assert csrf is not None
    response = client.post(
        "/members/IR/UNI/5101/edit",
        data={
            "csrf_token": csrf.group(1),
            "name_fa": "دانشگاه بوعلی سینا",
            "name_en": "",
            "institution_type": "state_university",
            "province": "13",
            "city": "ملایر",
            "parent": "",
            "website": "",
            "status": "active",
            "notes": "",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    page = client.get(response.headers["location"])
    assert "<h1>دانشگاه بوعلی سینا</h1>" in page.text
    assert "ملایر" in page.text


def test_edit_refuses_blank_name_parent_cycle_and_script_links(
    client: TestClient, session: Session, actor: MakeActor
) -> None:
    parent = make_institution(session, code="5201", province="23")
    make_institution(session, code="5202", province="23", parent=parent.identifier)
    _log_in_as(client, actor(Role.OPERATOR))
    csrf = _csrf_of(client, "/members/IR/UNI/5201/edit")
    base = {
        "csrf_token": csrf,
        "name_fa": "دانشگاه مادر",
        "institution_type": "state_university",
        "province": "23",
        "status": "active",
    }
    blank = client.post("/members/IR/UNI/5201/edit", data={**base, "name_fa": ""})
    assert blank.status_code == 422
    assert 'id="name_fa-error"' in blank.text
    cycle = client.post("/members/IR/UNI/5201/edit", data={**base, "parent": "IR/UNI/5202"})
    assert cycle.status_code == 422
    assert 'id="parent-error">یک موسسه نمی‌تواند زیرمجموعهٔ خودش باشد.' in cycle.text
    script = client.post(
        "/members/IR/UNI/5201/edit", data={**base, "website": "javascript:alert(1)"}
    )
    assert script.status_code == 422
    assert 'id="website-error"' in script.text


# -- language ----------------------------------------------------------------------


def test_english_switch_flips_direction_and_dates(
    client: TestClient, session: Session, actor: MakeActor
) -> None:
    member = make_institution(session, code="5301", province="23")
    _log_in_as(client, actor(Role.HQ))
    persian = client.get("/members/IR/UNI/5301")
    assert '<html lang="fa" dir="rtl">' in persian.text
    switch = client.get("/lang/en", params={"next": "/members/IR/UNI/5301"}, follow_redirects=False)
    assert switch.status_code == 303
    assert switch.headers["location"] == "/members/IR/UNI/5301"
    english = client.get("/members/IR/UNI/5301")
    assert '<html lang="en" dir="ltr">' in english.text
    assert "Registered" in english.text
    assert member.created_at.strftime("%Y-%m-%d") in english.text  # Gregorian in English
    client.get("/lang/fa")
    assert '<html lang="fa" dir="rtl">' in client.get("/members").text


def test_language_switch_rejects_offsite_next_and_unknown_languages(client: TestClient) -> None:
    response = client.get(
        "/lang/en", params={"next": "https://evil.example"}, follow_redirects=False
    )
    assert response.headers["location"] == "/"
    unknown = client.get("/lang/de")
    assert unknown.status_code == 404
    assert unknown.headers["content-type"].startswith("text/html")


def test_pages_carry_a_strict_content_security_policy(client: TestClient) -> None:
    response = client.get("/login")
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "https:" not in response.text.split("<body>")[0]  # no CDN in the page head


def test_an_unexpected_failure_is_an_html_500_page(
    app: FastAPI, actor: MakeActor, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(_session: Session) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("dargah.web.queries.member_counts", broken)
    person = actor(Role.HQ)
    with TestClient(app, raise_server_exceptions=False) as browser:
        browser.cookies.set("dargah_session", person.token)
        response = browser.get("/")
        api = browser.get("/api/v1/members", headers={"Authorization": f"Bearer {person.token}"})
    assert response.status_code == 500
    assert response.headers["content-type"].startswith("text/html")
    assert "internal_error" in response.text
    assert "boom" not in response.text  # no internals leak to the page
    assert api.status_code == 200


def test_list_sorts_by_a_column_and_keeps_the_sort_across_pages(
    client: TestClient, session: Session, actor: MakeActor
) -> None:
    for number in range(26):
        make_institution(session, code=f"46{number:02d}", name_fa=f"مرکز ترتیب {number}")
    make_institution(session, code="4699", name_fa="آموزشگاه ترتیب")  # first by name, last by code
    _log_in_as(client, actor(Role.HQ))
    by_code = client.get("/members", params={"q": "ترتیب"})
    assert 'aria-sort="ascending"' in by_code.text  # the code column, the default
    heading = re.search(r'<a class="sort-link" href="([^"]+)">نام', by_code.text)
    assert heading is not None, "the name column is not sortable"
    by_name = client.get(heading.group(1).replace("&amp;", "&"))
    rows = re.findall(r'href="/members/IR/UNI/(46\d\d)"', by_name.text)
    assert rows[0] == "4699"
    next_link = re.search(r'rel="next" href="([^"]+)"', by_name.text)
    assert next_link is not None
    assert "sort=name" in next_link.group(1)
    second = client.get(next_link.group(1).replace("&amp;", "&"))
    assert len(re.findall(r'href="/members/IR/UNI/(46\d\d)"', second.text)) == 2
    assert 'aria-sort="ascending"' in second.text
