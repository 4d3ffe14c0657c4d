"""The role pages through the real app: the audit log, people, API keys, systems and
one's own password — lists, filters, forms with CSRF, and refusals for the wrong role."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from dargah.access.policy import Role
from dargah.audit.models import AuditEntry
from dargah.identity import service as identity
from dargah.identity.models import ApiKey, Person
from dargah.members.models import System
from dargah.persian import TEHRAN, format_jalali, to_persian_digits
from support.factories import (
    PASSWORD,
    Actor,
    make_institution,
    make_person,
    make_system,
    make_system_key,
)

MakeActor = Callable[..., Actor]

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _log_in_as(client: TestClient, actor: Actor) -> None:
    client.cookies.set("dargah_session", actor.token)


def _csrf_of(client: TestClient, path: str = "/") -> str:
    response = client.get(path)
    assert response.status_code == 200, response.text
    match = _CSRF.search(response.text)
    assert match is not None, "the page has no CSRF field"
    return match.group(1)


def _entries(session: Session, action: str) -> list[AuditEntry]:
    return list(
        session.scalars(
            select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq)
        )
    )


def _today_jalali(*, persian: bool) -> str:
    return format_jalali(datetime.now(UTC), persian_digits=persian, with_time=False)


# -- the audit log -----------------------------------------------------------------


def test_auditor_reads_the_audit_log_in_persian_and_the_read_is_recorded(
    client: TestClient, session: Session, actor: MakeActor
) -> None:
    make_institution(session, code="6101")
    auditor = actor(Role.AUDITOR)
    _log_in_as(client, auditor)
    page = client.get("/audit")
    assert page.status_code == 200
    assert "ثبت عضو جدید" in page.text  # member.created, by its Persian description
    assert ">member.created<" not in page.text  # the code is not the label
    assert "IR/UNI/6101" in page.text
    searches = _entries(session, "audit.searched")
    assert searches
    assert searches[-1].actor == auditor.principal.name


def test_audit_log_filters_by_action_actor_and_entity(
    client: TestClient, session: Session, actor: MakeActor
) -> None:
    make_institution(session, code="6201")
    make_institution(session, code="6202")
    _log_in_as(client, actor(Role.AUDITOR))
    by_entity = client.get("/audit", params={"entity_type": "member", "entity_id": "IR/UNI/6201"})
    assert by_entity.status_code == 200
    assert "IR/UNI/6201" in by_entity.text
    assert "IR/UNI/6202" not in by_entity.text
    by_action = client.get("/audit", params={"action": "session.login"})
    assert "ورود به پرتال" in by_action.text
    assert "ثبت عضو جدید</td>" not in by_action.text
    by_actor = client.get("/audit", params={"actor": "nobody-did-this"})
    assert "رویدادی با این مشخصات پیدا نشد." in by_actor.text


@pytest.mark.parametrize("persian_digits", [True, False])
def test_audit_log_filters_by_a_jalali_date_in_either_digits(
    client: TestClient, session: Session, actor: MakeActor, persian_digits: bool
) -> None:
    make_institution(session, code="6301")
    _log_in_as(client, actor(Role.AUDITOR))
    today = _today_jalali(persian=persian_digits)
    within = client.get("/audit", params={"from": today, "to": today})
    assert within.status_code == 200
    assert "IR/UNI/6301" in within.text
    assert f'value="{today}"' in within.text  # the date is shown back as typed
    # The hint's example is today's date, not a date fixed when the page was written.
    assert f"مثلاً {_today_jalali(persian=True)}" in within.text
    earlier = client.get("/audit", params={"from": "۱۴۰۰/۰۱/۰۱", "to": "1400/12/29"})
    assert earlier.status_code == 200
    assert "IR/UNI/6301" not in earlier.text


def test_audit_log_explains_a_bad_or_inverted_date_in_persian(
    client: TestClient, actor: MakeActor
) -> None:
    _log_in_as(client, actor(Role.AUDITOR))
    bad = client.get("/audit", params={"from": "1404/13/01"})
    assert bad.status_code == 422
    assert bad.headers["content-type"].startswith("text/html")
    assert "ماه باید عددی از ۱ تا ۱۲ باشد." in bad.text
    inverted = client.get("/audit", params={"from": "1404/05/01", "to": "1404/04/01"})
    assert inverted.status_code == 422
    assert "«تا تاریخ» نباید پیش از «از تاریخ» باشد." in inverted.text
    unknown = client.get("/audit", params={"action": "no.such"})
    assert unknown.status_code == 422


def test_audit_entry_page_and_verification(
    client: TestClient, session: Session, actor: MakeActor
) -> None:
    make_institution(session, code="6401")
    auditor = actor(Role.AUDITOR)
    _log_in_as(client, auditor)
    created = _entries(session, "member.created")[-1]
    entry = client.get(f"/audit/{created.seq}")
    assert entry.status_code == 200
    assert "ثبت عضو جدید" in entry.text
    assert created.entry_hash in entry.text
    # The entry's details are readable: Persian as Persian, not \\u escapes.
    name = str(created.details.get("name_fa") or "")
    assert name, created.details
    assert name in entry.text
    assert "\\u06" not in entry.text
    assert client.get("/audit/999999999").status_code == 404
    assert client.get(f"/audit/{2**64}").status_code == 422

    page = client.get("/audit")
    assert "زنجیره هنوز وارسی نشده است." in page.text
    csrf = _CSRF.search(page.text)
    assert csrf is not None
    verified = client.post("/audit/verify", data={"csrf_token": csrf.group(1)})
    assert verified.status_code == 200
    assert "زنجیره سالم است" in verified.text
    assert _entries(session, "audit.verified")[-1].actor == auditor.principal.name


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.INSTITUTION, Role.HQ])
def test_only_auditors_and_admins_open_the_audit_log(
    client: TestClient, actor: MakeActor, role: Role
) -> None:
    _log_in_as(client, actor(role))
    assert client.get("/audit").status_code == 403
    csrf = _csrf_of(client)
    assert client.post("/audit/verify", data={"csrf_token": csrf}).status_code == 403
    assert 'href="/audit"' not in client.get("/").text


def test_audit_verify_needs_the_csrf_token(client: TestClient, actor: MakeActor) -> None:
    _log_in_as(client, actor(Role.AUDITOR))
    response = client.post("/audit/verify", data={"csrf_token": "forged"})
    assert response.status_code == 403
    assert "csrf_failed" in response.text


# -- people ------------------------------------------------------------------------


def test_admin_lists_filters_and_sorts_people_and_the_read_is_recorded(
    client: TestClient, session: Session, actor: MakeActor
) -> None:
    make_person(session, Role.HQ, username="hq.zahra")
    make_person(session, Role.INSTITUTION, username="uni.ali")
    _log_in_as(client, actor(Role.ADMIN))
    page = client.get("/people")
    assert page.status_code == 200
    assert "hq.zahra" in page.text
    assert "uni.ali" in page.text
    assert "کارشناس حوزه ستادی" in page.text  # roles by their label
    hq_only = client.get("/people", params={"role": "hq"})
    assert "hq.zahra" in hq_only.text
    assert "uni.ali" not in hq_only.text
    descending = client.get("/people", params={"sort": "-username"})
    assert descending.text.index("uni.ali") < descending.text.index("hq.zahra")
    assert 'aria-sort="descending"' in descending.text
    reads = _entries(session, "person.read")
    assert reads[-1].personal_data is True
    assert reads[-1].purpose


def test_people_list_is_paged(client: TestClient, session: Session, actor: MakeActor) -> None:
    for number in range(26):
        make_person(session, Role.AGENCY, username=f"agency.page{number:02d}")
    _log_in_as(client, actor(Role.ADMIN))
    first = client.get("/people", params={"q": "agency.page"})
    assert first.text.count('href="/people/agency.page') == 25
    next_link = re.search(r'rel="next" href="([^"]+)"', first.text)
    assert next_link is not None
    second = client.get(next_link.group(1).replace("&amp;", "&"))
    assert second.text.count('href="/people/agency.page') == 1


def test_admin_creates_an_account_through_the_form(
    client: TestClient, session: Session, actor: MakeActor
) -> None:
    institution = make_institution(session, code="6501")
    _log_in_as(client, actor(Role.ADMIN))
    csrf = _csrf_of(client, "/people/new")
    response = client.post(
        "/people/new",
        data={
            "csrf_token": csrf,
            "username": "Registrar.6501",
            "full_name": "مريم كريمي",
            "role": "institution",
            "institution": institution.identifier,
            "password": PASSWORD,
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/people/registrar.6501?notice=created"
    page = client.get(response.headers["location"])
    assert "مریم کریمی" in page.text  # Arabic letters stored as Persian
    assert "حساب کاربری ساخته شد." in page.text
    assert _entries(session, "person.created")[-1].entity_id == "registrar.6501"


def test_a_weak_password_or_missing_binding_is_shown_on_its_field(
    client: TestClient, actor: MakeActor
) -> None:
    _log_in_as(client, actor(Role.ADMIN))
    csrf = _csrf_of(client, "/people/new")
    form = {
        "csrf_token": csrf,
        "username": "weak.one",
        "full_name": "کاربر تازه",
        "role": "hq",
        "password": "short",
    }
    weak = client.post("/people/new", data=form)
    assert weak.status_code == 422
    assert 'id="password-error"' in weak.text
    assert "گذرواژه باید دست‌کم" in weak.text
    assert 'value="short"' not in weak.text  # a refused password is not sent back
    unbound = client.post("/people/new", data={**form, "password": PASSWORD})
    assert unbound.status_code == 422
    assert 'id="hq_unit-error"' in unbound.text
    bad_name = client.post("/people/new", data={**form, "username": "نام فارسی"})
    assert 'id="username-error">سه تا هشتاد نویسه' in bad_name.text


def test_an_operator_cannot_create_an_administrator(
    client: TestClient, session: Session, actor: MakeActor
) -> None:
    _log_in_as(client, actor(Role.OPERATOR))
    form_page = client.get("/people/new")
    assert '<option value="admin"' not in form_page.text  # not offered ...
    csrf = _CSRF.search(form_page.text)
    assert csrf is not None
    response = client.post(
        "/people/new",
        data={
            "csrf_token": csrf.group(1),
            "username": "sneaky.admin",
            "full_name": "مدیر جعلی",
            "role": "admin",
            "password": PASSWORD,
        },
    )
    assert response.status_code == 403  # ... and refused when posted anyway
    assert 'id="role-error"' in response.text
    assert session.scalar(select(Person).where(Person.username == "sneaky.admin")) is None


@pytest.mark.parametrize("role", [Role.INSTITUTION, Role.HQ])
def test_institution_and_hq_staff_see_no_people(
    client: TestClient, actor: MakeActor, role: Role
) -> None:
    _log_in_as(client, actor(role))
    assert client.get("/people").status_code == 403
    assert client.get("/people/new").status_code == 403
    csrf = _csrf_of(client)
    assert client.post("/people/new", data={"csrf_token": csrf}).status_code == 403


def test_auditor_reads_people_but_cannot_change_them(
    client: TestClient, session: Session, actor: MakeActor
) -> None:
    make_person(session, Role.HQ, username="hq.read")
    _log_in_as(client, actor(Role.AUDITOR))
    assert client.get("/people").status_code == 200
    page = client.get("/people/hq.read")
    assert page.status_code == 200
    assert 'name="action"' not in page.text
    csrf = _csrf_of(client)
    refused = client.post("/people/hq.read", data={"csrf_token": csrf, "action": "deactivate"})
    assert refused.status_code == 403


def test_admin_deactivates_and_reactivates_an_account(
    client: TestClient, session: Session, actor: MakeActor
) -> None:
    target = make_person(session, Role.HQ, username="hq.leaving")
    admin = actor(Role.ADMIN)
    _log_in_as(client, admin)
    csrf = _csrf_of(client, "/people/hq.leaving")
    off = client.post(
        "/people/hq.leaving",
        data={"csrf_token": csrf, "action": "deactivate"},
        follow_redirects=False,
    )
    assert off.status_code == 303
    person = session.scalar(select(Person).where(Person.username == "hq.leaving"))
    assert person is not None
    session.refresh(person)
    assert person.is_active is False
    # The deactivated person's session no longer opens the portal.
    with TestClient(client.app) as other:
        other.cookies.set("dargah_session", target.token)
        assert other.get("/", follow_redirects=False).status_code == 303
    on = client.post("/people/hq.leaving", data={"csrf_token": csrf, "action": "activate"})
    assert "حساب دوباره فعال شد." in on.text
    self_off = client.post(
        f"/people/{admin.username}", data={"csrf_token": csrf, "action": "deactivate"}
    )
    assert self_off.status_code == 409
    assert "نمی‌توانید حساب خودتان را غیرفعال کنید." in self_off.text


def test_admin_edits_the_name_and_contact_of_an_account(
    client: TestClient, session: Session, actor: MakeActor
) -> None:
    make_person(session, Role.HQ, username="hq.rename")
    _log_in_as(client, actor(Role.ADMIN))
    csrf = _csrf_of(client, "/people/hq.rename")
    bad = client.post(
        "/people/hq.rename",
        data={"csrf_token": csrf, "full_name": "نام تازه", "email": "not-an-address"},
    )
    assert bad.status_code == 422
    assert 'id="email-error"' in bad.text
    good = client.post(
        "/people/hq.rename",
        data={"csrf_token": csrf, "full_name": "نام تازه", "email": "Hq@Msrt.IR", "mobile": ""},
    )
    assert "تغییرها ذخیره شد." in good.text
    assert "hq@msrt.ir" in good.text


# -- API keys ----------------------------------------------------------------------


def test_institution_staff_see_only_their_own_keys(
    client: TestClient, session: Session, actor: MakeActor
) -> None:
    mine = make_institution(session, code="6601")
    theirs = make_institution(session, code="6602")
    make_system_key(session, make_system(session, mine, code="own"))
    make_system_key(session, make_system(session, theirs, code="other"))
    other_key = session.scalar(
        select(ApiKey).join(System).where(System.identifier == "IR/UNI/6602/other")
    )
    assert other_key is not None
    _log_in_as(client, actor(Role.INSTITUTION, institution=mine))
    page = client.get("/keys")
    assert page.status_code == 200
    assert "IR/UNI/6601/own" in page.text
    assert "IR/UNI/6602" not in page.text
    csrf = _csrf_of(client, "/keys")
    assert client.post(f"/keys/{other_key.id}/revoke", data={"csrf_token": csrf}).status_code == 403
    assert client.post(f"/keys/{other_key.id}/rotate", data={"csrf_token": csrf}).status_code == 403
    session.refresh(other_key)
    assert other_key.revoked_at is None
    # The form offers only the institution's own systems.
    form_page = client.get("/keys/new")
    assert "IR/UNI/6601/own" in form_page.text
    assert "IR/UNI/6602/other" not in form_page.text


def test_issuing_a_key_shows_its_secret_once_and_the_key_works(
    client: TestClient, session: Session, actor: MakeActor
) -> None:
    institution = make_institution(session, code="6701")
    make_system(session, institution, code="golestan")
    _log_in_as(client, actor(Role.INSTITUTION, institution=institution))
    csrf = _csrf_of(client, "/keys/new?system=IR/UNI/6701/golestan")
    expiry = to_persian_digits("1499/06/31")
    issued = client.post(
        "/keys/new",
        data={
            "csrf_token": csrf,
            "system": "IR/UNI/6701/golestan",
            "name": "سرور گلستان",
            "expires": expiry,
        },
    )
    assert issued.status_code == 200, issued.text
    secret = re.search(r'id="key-secret" dir="ltr">(dgk_[^<]+)<', issued.text)
    assert secret is not None
    assert "فقط همین یک بار نشان داده می‌شود" in issued.text
    assert issued.headers["cache-control"] == "no-store"
    assert "۱۴۹۹/۰۶/۳۱" in issued.text  # the day entered is the day shown back
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {secret.group(1)}"})
    assert me.status_code == 200
    assert me.json()["system"] == "IR/UNI/6701/golestan"
    listing = client.get("/keys")
    assert secret.group(1) not in listing.text  # never shown again
    assert "سرور گلستان" in listing.text
    assert "۱۴۹۹/۰۶/۳۱" in listing.text
    key = session.scalar(select(ApiKey).where(ApiKey.name == "سرور گلستان"))
    assert key is not None
    assert key.expires_at is not None
    assert key.expires_at.astimezone(TEHRAN).strftime("%H:%M:%S") == "23:59:59"
    assert _entries(session, "api_key.created")[-1].entity_id == key.prefix


def test_a_key_form_with_a_bad_date_or_no_system_says_so(
    client: TestClient, session: Session, actor: MakeActor
) -> None:
    institution = make_institution(session, code="6801")
    make_system(session, institution, code="sys")
    _log_in_as(client, actor(Role.INSTITUTION, institution=institution))
    csrf = _csrf_of(client, "/keys/new")
    bad_date = client.post(
        "/keys/new",
        data={
            "csrf_token": csrf,
            "system": "IR/UNI/6801/sys",
            "name": "کلید",
            "expires": "1404/02/32",
        },
    )
    assert bad_date.status_code == 422
    assert 'id="expires-error"' in bad_date.text
    past = client.post(
        "/keys/new",
        data={
            "csrf_token": csrf,
            "system": "IR/UNI/6801/sys",
            "name": "کلید",
            "expires": "1400/01/01",
        },
    )
    assert past.status_code == 422
    assert "تاریخ انقضا باید در آینده باشد." in past.text
    no_system = client.post("/keys/new", data={"csrf_token": csrf, "name": "کلید"})
    assert no_system.status_code == 422
    assert 'id="system-error">این فیلد الزامی است.' in no_system.text


def test_rotating_a_key_revokes_the_old_one_and_shows_the_new_secret(
    client: TestClient, session: Session, actor: MakeActor
) -> None:
    institution = make_institution(session, code="6901")
    old = make_system_key(session, make_system(session, institution, code="rot"))
    key = session.scalar(select(ApiKey).where(ApiKey.id == old.principal.api_key_id))
    assert key is not None
    _log_in_as(client, actor(Role.OPERATOR))
    csrf = _csrf_of(client, "/keys")
    rotated = client.post(f"/keys/{key.id}/rotate", data={"csrf_token": csrf})
    assert rotated.status_code == 200, rotated.text
    secret = re.search(r'id="key-secret" dir="ltr">(dgk_[^<]+)<', rotated.text)
    assert secret is not None
    assert key.prefix in rotated.text  # names the key it replaced
    headers_old = {"Authorization": f"Bearer {old.token}"}
    headers_new = {"Authorization": f"Bearer {secret.group(1)}"}
    assert client.get("/api/v1/auth/me", headers=headers_old).status_code == 401
    assert client.get("/api/v1/auth/me", headers=headers_new).status_code == 200
    revoked = _entries(session, "api_key.revoked")[-1]
    assert revoked.entity_id == key.prefix
    assert "replaced_by" in revoked.details
    again = client.post(f"/keys/{key.id}/rotate", data={"csrf_token": csrf})
    assert again.status_code == 409


def test_revoking_a_key_stops_it_at_once(
    client: TestClient, session: Session, actor: MakeActor
) -> None:
    institution = make_institution(session, code="7101")
    holder = make_system_key(session, make_system(session, institution, code="rev"))
    _log_in_as(client, actor(Role.INSTITUTION, institution=institution))
    csrf = _csrf_of(client, "/keys")
    response = client.post(f"/keys/{holder.principal.api_key_id}/revoke", data={"csrf_token": csrf})
    assert response.status_code == 200
    assert "کلید باطل شد" in response.text
    assert "باطل‌شده" in response.text
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {holder.token}"})
    assert me.status_code == 401
    assert client.post("/keys/9999999/revoke", data={"csrf_token": csrf}).status_code == 404


def test_keys_list_filters_by_state_and_sorts(
    client: TestClient, session: Session, actor: MakeActor
) -> None:
    institution = make_institution(session, code="7201")
    live = make_system_key(session, make_system(session, institution, code="live"))
    gone = make_system_key(session, make_system(session, institution, code="gone"))
    operator = actor(Role.OPERATOR)
    assert gone.principal.api_key_id is not None
    identity.revoke_api_key(session, principal=operator.principal, key_id=gone.principal.api_key_id)
    _log_in_as(client, operator)
    revoked = client.get("/keys", params={"state": "revoked", "member": "IR/UNI/7201"})
    assert "IR/UNI/7201/gone" in revoked.text
    assert "IR/UNI/7201/live" not in revoked.text
    by_system = client.get("/keys", params={"member": "IR/UNI/7201", "sort": "system"})
    assert by_system.text.index("IR/UNI/7201/gone") < by_system.text.index("IR/UNI/7201/live")
    assert live.principal.api_key_id is not None


@pytest.mark.parametrize("role", [Role.HQ, Role.AUDITOR])
def test_hq_staff_and_auditors_manage_no_keys(
    client: TestClient, actor: MakeActor, role: Role
) -> None:
    _log_in_as(client, actor(role))
    assert client.get("/keys").status_code == 403
    assert client.get("/keys/new").status_code == 403
    csrf = _csrf_of(client)
    assert client.post("/keys/1/revoke", data={"csrf_token": csrf}).status_code == 403


def test_a_key_form_post_without_csrf_is_refused(
    client: TestClient, session: Session, actor: MakeActor
) -> None:
    institution = make_institution(session, code="7301")
    make_system(session, institution, code="csrf")
    _log_in_as(client, actor(Role.INSTITUTION, institution=institution))
    response = client.post("/keys/new", data={"system": "IR/UNI/7301/csrf", "name": "کلید"})
    assert response.status_code == 403
    assert session.scalar(select(ApiKey).where(ApiKey.name == "کلید")) is None


# -- systems -----------------------------------------------------------------------


def test_operator_adds_a_system_under_a_member(
    client: TestClient, session: Session, actor: MakeActor
) -> None:
    make_institution(session, code="7401", name_fa="دانشگاه سمنان")
    _log_in_as(client, actor(Role.OPERATOR))
    csrf = _csrf_of(client, "/systems/new?member=IR/UNI/7401")
    form = {
        "csrf_token": csrf,
        "member": "IR/UNI/7401",
        "code": "golestan",
        "name_fa": "سامانه آموزشي گلستان",
        "role": "both",
    }
    response = client.post("/systems/new", data=form, follow_redirects=False)
    assert response.status_code == 303, response.text
    page = client.get(response.headers["location"])
    assert "سامانه ثبت شد." in page.text
    assert "IR/UNI/7401/golestan" in page.text
    assert "سامانه آموزشی گلستان" in page.text
    system = session.scalar(select(System).where(System.identifier == "IR/UNI/7401/golestan"))
    assert system is not None
    assert system.is_producer
    assert system.is_consumer
    assert _entries(session, "system.created")[-1].entity_id == "IR/UNI/7401/golestan"
    duplicate = client.post("/systems/new", data=form)
    assert duplicate.status_code == 409
    assert 'id="code-error"' in duplicate.text
    unknown = client.post("/systems/new", data={**form, "member": "IR/UNI/0000"})
    assert unknown.status_code == 404
    assert 'id="member-error"' in unknown.text


def test_systems_list_filters_and_pages(
    client: TestClient, session: Session, actor: MakeActor
) -> None:
    first = make_institution(session, code="7501")
    second = make_institution(session, code="7502")
    make_system(session, first, code="alpha")
    make_system(session, second, code="beta")
    _log_in_as(client, actor(Role.INSTITUTION, institution=first))
    page = client.get("/systems", params={"member": "IR/UNI/7501"})
    assert page.status_code == 200
    assert "IR/UNI/7501/alpha" in page.text
    assert "IR/UNI/7502/beta" not in page.text
    assert 'href="/systems/new' not in page.text  # institutions do not register systems


@pytest.mark.parametrize("role", [Role.INSTITUTION, Role.HQ, Role.AUDITOR])
def test_only_operators_and_admins_register_systems(
    client: TestClient, actor: MakeActor, role: Role
) -> None:
    _log_in_as(client, actor(role))
    assert client.get("/systems/new").status_code == 403
    csrf = _csrf_of(client)
    refused = client.post(
        "/systems/new",
        data={"csrf_token": csrf, "member": "IR/UNI/1", "code": "x1", "name_fa": "سامانه"},
    )
    assert refused.status_code == 403


# -- one's own password ------------------------------------------------------------


def test_changing_ones_password(client: TestClient, session: Session, actor: MakeActor) -> None:
    person = actor(Role.HQ, username="hq.password")
    _log_in_as(client, person)
    csrf = _csrf_of(client, "/account/password")
    form = {"csrf_token": csrf, "current_password": PASSWORD}
    new = "Tazeh-Gozarvazheh-42"
    wrong = client.post(
        "/account/password",
        data={**form, "current_password": "not-it", "new_password": new, "confirm_password": new},
    )
    assert wrong.status_code == 422
    assert 'id="current_password-error">گذرواژهٔ کنونی درست نیست.' in wrong.text
    weak = client.post(
        "/account/password", data={**form, "new_password": "aaaa", "confirm_password": "aaaa"}
    )
    assert weak.status_code == 422
    assert "گذرواژه باید دست‌کم ۱۰ نویسه باشد." in weak.text
    assert "گذرواژه باید دست‌کم چهار نویسهٔ متفاوت داشته باشد." in weak.text
    named = "hq.password-2026"
    with_name = client.post(
        "/account/password", data={**form, "new_password": named, "confirm_password": named}
    )
    assert "نام کاربری شما" in with_name.text
    mismatch = client.post(
        "/account/password", data={**form, "new_password": new, "confirm_password": new + "x"}
    )
    assert 'id="confirm_password-error"' in mismatch.text
    done = client.post(
        "/account/password",
        data={**form, "new_password": new, "confirm_password": new},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert "گذرواژه تغییر کرد." in client.get(done.headers["location"]).text
    assert identity.login(session, username="hq.password", password=new, session_hours=1)
    assert _entries(session, "person.password_changed")[-1].entity_id == "hq.password"


def test_password_change_needs_the_csrf_token(client: TestClient, actor: MakeActor) -> None:
    _log_in_as(client, actor(Role.INSTITUTION))
    response = client.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": "x" * 12, "confirm_password": "x" * 12},
    )
    assert response.status_code == 403


def test_every_role_reaches_the_password_page_from_the_header(
    client: TestClient, actor: MakeActor
) -> None:
    for role in (Role.ADMIN, Role.OPERATOR, Role.INSTITUTION, Role.HQ, Role.AUDITOR):
        _log_in_as(client, actor(role))
        home = client.get("/")
        assert 'href="/account/password"' in home.text, role
        assert client.get("/account/password").status_code == 200


def test_anonymous_browsers_go_to_the_login_page(client: TestClient) -> None:
    for path in ("/audit", "/people", "/keys", "/systems", "/account/password"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/login")
