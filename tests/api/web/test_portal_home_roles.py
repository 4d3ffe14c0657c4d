"""Each role's home page and the pending-decision badges, through the real app."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from dargah.access import grants
from dargah.access.policy import Role
from dargah.access.schemas import GrantRequestCreate
from dargah.config import Settings
from dargah.db.session import Database
from dargah.members import service as members
from dargah.persian import to_persian_digits
from dargah.submissions import service as submissions
from support import queries as people_data
from support.factories import Actor, make_hq_unit, make_institution, make_system, make_system_key

MakeActor = Callable[..., Actor]


def _log_in_as(client: TestClient, actor: Actor) -> None:
    client.cookies.set("dargah_session", actor.token)


def _request_grant(session: Session, consumer: Actor) -> None:
    grants.request_grant(
        session,
        principal=consumer.principal,
        data=GrantRequestCreate(
            dataset=people_data.SLUG,
            purpose="برنامه‌ریزی پذیرش دانشجو",
            legal_basis="بند ۳ آیین‌نامه تبادل داده",
            expires_at=datetime.now(UTC) + timedelta(days=60),
        ),
    )


def test_institution_home_lists_its_data_sets_and_submissions_with_findings(
    client: TestClient,
    session: Session,
    database: Database,
    settings: Settings,
    tmp_path: Path,
    actor: MakeActor,
) -> None:
    people_data.sync_people(session)
    institution = make_institution(session, code="8101")
    other = make_institution(session, code="8102")
    people_data.load(
        database, settings, tmp_path, institution_id=institution.id, lines=[people_data.row("1")]
    )
    theirs = people_data.load(
        database, settings, tmp_path, institution_id=other.id, lines=[people_data.row("2")]
    )
    bad = tmp_path / "bad.csv"
    bad.write_text(people_data.HEADER + "\n1,123,نام,f,bachelor,20,17,تهران,1401/07/01\n")
    refused = submissions.submit_file(
        database,
        settings=settings,
        principal=people_data.ADMIN,
        path=bad,
        dataset_slug=people_data.SLUG,
        institution_id=institution.id,
        period="1403-2",
    )
    assert refused.errors >= 1
    _log_in_as(client, actor(Role.INSTITUTION, institution=institution))
    page = client.get("/")
    assert page.status_code == 200
    assert "مجموعه‌داده‌های شما" in page.text
    assert "افراد آزمایشی" in page.text  # the data set by its title, not its slug
    assert "۱۴۰۳-۱" in page.text  # the last period loaded, in Persian digits
    assert f'href="/submissions/{refused.id}"' in page.text
    errors_cell = re.search(
        rf'href="/submissions/{refused.id}">.*?<td data-label="خطا" class="num">([^<]+)</td>',
        page.text,
        re.S,
    )
    assert errors_cell is not None
    assert errors_cell.group(1) == to_persian_digits(str(refused.errors))
    assert f'href="/submissions/{theirs.id}"' not in page.text  # never another's
    assert "موسسه‌ها بر پایهٔ استان" not in page.text  # no generic member counts


def test_hq_home_shows_decisions_grants_and_a_nav_badge(
    client: TestClient, session: Session, actor: MakeActor
) -> None:
    people_data.sync_people(session)
    owner = actor(Role.HQ, hq_unit=members.get_hq_unit(session, people_data.OWNER))
    asker = actor(Role.HQ, hq_unit=make_hq_unit(session, code="asker"))
    _request_grant(session, asker)
    _log_in_as(client, owner)
    page = client.get("/")
    assert page.status_code == 200
    assert "درخواست‌های در انتظار تصمیم شما" in page.text
    assert "افراد آزمایشی" in page.text
    assert re.search(r'href="/grants"[^>]*>[^<]*<span class="nav-badge"[^>]*>۱</span>', page.text)
    assert "پرسش‌های اخیر شما" in page.text
    _log_in_as(client, asker)
    asked = client.get("/")
    assert "درخواست‌های شما در انتظار پاسخ" in asked.text
    assert 'class="nav-badge"' not in asked.text  # nothing for the asker to decide


def test_operator_home_shows_what_waits(
    client: TestClient, session: Session, actor: MakeActor
) -> None:
    keyless = make_institution(session, code="8301", name_fa="دانشگاه بی‌کلید")
    keyed = make_institution(session, code="8302", name_fa="دانشگاه کلیددار")
    make_system_key(session, make_system(session, keyed, code="sys"))
    _log_in_as(client, actor(Role.OPERATOR))
    page = client.get("/")
    assert page.status_code == 200
    assert "موسسه‌های بدون کلید فعال" in page.text
    section = page.text.split("موسسه‌های بدون کلید فعال")[1]
    assert "دانشگاه بی‌کلید" in section
    assert "دانشگاه کلیددار" not in section
    assert f"/systems?member={keyless.identifier}" in page.text  # link to add its system
    assert "ارسال‌های ردشده یا ناقص" in page.text
    assert "پیش‌نویس‌های کاتالوگ" in page.text
    assert "موسسه‌ها بر پایهٔ استان" in page.text  # operators keep the member counts


def test_admin_home_summarises_people_and_keys(
    client: TestClient, session: Session, actor: MakeActor
) -> None:
    actor(Role.AUDITOR)
    make_system_key(session, make_system(session, make_institution(session, code="8401")))
    _log_in_as(client, actor(Role.ADMIN))
    page = client.get("/")
    assert page.status_code == 200
    assert "کاربران بر پایهٔ نقش" in page.text
    row = re.search(
        r'href="/people\?role=auditor">حسابرس</a></th><td class="num">([^<]+)<', page.text
    )
    assert row is not None
    assert row.group(1) == "۱"
    assert "کلیدهای دسترسی سامانه‌ها" in page.text
    assert 'href="/people"' in page.text


def test_auditor_home_shows_the_log_and_its_verification(
    client: TestClient, session: Session, actor: MakeActor
) -> None:
    make_institution(session, code="8501")
    _log_in_as(client, actor(Role.AUDITOR))
    page = client.get("/")
    assert page.status_code == 200
    assert "درستی زنجیرهٔ رویدادها" in page.text
    assert "زنجیره هنوز وارسی نشده است." in page.text
    assert "ثبت عضو جدید" in page.text  # the latest entries, by their description
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert csrf is not None
    client.post("/audit/verify", data={"csrf_token": csrf.group(1)})
    after = client.get("/")
    assert "زنجیره سالم است" in after.text
