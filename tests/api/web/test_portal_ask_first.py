"""The catalogue search page answers "ask first": per data set found, the periods held,
institutions reporting, the person's access and the next step — never a dead link."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from dargah.access.policy import Role
from dargah.config import Settings
from dargah.db.session import Database
from dargah.persian import parse_jalali_date
from dargah.persian.dates import expiry_of_day
from support.discovery import World, build_world, give_grant, headers
from support.factories import Actor

_HREF = re.compile(r'href="([^"]+)"')


@pytest.fixture
def world(
    session: Session,
    database: Database,
    settings: Settings,
    tmp_path: Path,
    actor: Callable[..., Actor],
) -> World:
    return build_world(session, database, settings, tmp_path, actor)


def _card(page: str, slug: str) -> str:
    return page.split(f'id="hit-{slug}"', 1)[1].split("</article>", 1)[0]


def _log_in_as(client: TestClient, actor: Actor) -> None:
    client.cookies.set("dargah_session", actor.token)


def _links_answer(client: TestClient, card: str) -> None:
    """Every link on the card leads to a page that exists (no dead link)."""
    for href in _HREF.findall(card):
        assert client.get(href.replace("&amp;", "&")).status_code == 200, href


def test_a_consumer_with_a_grant_sees_coverage_access_and_the_query_step(
    client: TestClient, world: World
) -> None:
    give_grant(client, world)
    _log_in_as(client, world.consumer)

    page = client.get("/catalogue", params={"q": "دانشجويان"})

    assert page.status_code == 200
    card = _card(page.text, "test_students")
    assert "۱۴۰۳-۱" in card or "1403-1" in card
    assert "۲ موسسه گزارش داده‌اند (۱ از" in card
    assert "فقط آمار تجمیعی" in card  # the access
    assert "پرسش از داده" in card  # the next step, a button to the query page
    assert 'class="button button--primary" href="/datasets/test_students/query"' in card
    _links_answer(client, card)


def test_a_consumer_without_a_grant_is_shown_the_grant_request_step(
    client: TestClient, world: World
) -> None:
    _log_in_as(client, world.consumer)

    card = _card(client.get("/catalogue", params={"q": "دکترا"}).text, "test_students")

    assert "بدون مجوز" in card
    assert 'href="/datasets/test_students/grant-request"' in card
    assert "درخواست دسترسی" in card
    _links_answer(client, card)


def test_nothing_held_for_the_period_shows_the_information_request_as_text(
    client: TestClient, world: World
) -> None:
    _log_in_as(client, world.consumer)

    page = client.get("/catalogue", params={"q": "دانشجویان", "period": "۱۳۹۹"})

    card = _card(page.text, "test_students")
    assert "درخواست اطلاعات" in card
    assert "متصدیان درگاه" in card
    assert 'class="button' not in card  # the workflow is not built yet: no button
    assert 'value="۱۳۹۹"' in page.text  # the filter is kept


def test_an_institution_sees_its_own_data(
    client: TestClient, world: World, actor: Callable[..., Actor]
) -> None:
    _log_in_as(client, actor(Role.INSTITUTION, institution=world.state_a))

    card = _card(client.get("/catalogue", params={"q": "دانشجویان"}).text, "test_students")

    assert "دادهٔ موسسهٔ خودتان" in card
    assert "پرسش از داده" in card


def test_a_bad_filter_is_a_page_with_the_code(client: TestClient, world: World) -> None:
    _log_in_as(client, world.consumer)

    page = client.get("/catalogue", params={"q": "دانشجویان", "institution_type": "castle"})

    assert page.status_code == 422
    assert page.headers["content-type"].startswith("text/html")
    assert "institution_type_unknown" in page.text


def test_the_grant_on_the_card_runs_to_the_day_typed(client: TestClient, world: World) -> None:
    """A grant until 1406/06/31 is stored as the next midnight in Tehran; the card, the
    home page and the API show the day typed, never the day after."""
    until = expiry_of_day(parse_jalali_date("۱۴۰۶/۰۶/۳۱"))
    grant_id = give_grant(client, world, expires_at=until.isoformat())
    _log_in_as(client, world.consumer)

    card = _card(client.get("/catalogue", params={"q": "دانشجویان"}).text, "test_students")
    home = client.get("/").text
    for page in (card, home):
        assert "۱۴۰۶/۰۶/۳۱" in page
        assert "۱۴۰۶/۰۷/۰۱" not in page
    client.cookies.clear()
    answer = client.get(f"/api/v1/grants/{grant_id}", headers=headers(world.consumer)).json()
    assert answer["valid_until"] == "2027-09-22"
    assert answer["valid_until_jalali"] == "1406/06/31"
