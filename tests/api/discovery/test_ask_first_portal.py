"""The ask-first search in the portal: labels where a clerk reads, suggested filters,
and the query builder opened with them."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from dargah.access.policy import Role, cli_principal
from dargah.catalogue import service as catalogue
from dargah.catalogue.builtin import builtin_code_lists, builtin_datasets
from dargah.config import Settings
from dargah.db.session import Database
from support.discovery import SLUG, World, build_world, give_grant
from support.factories import Actor


def _log_in_as(client: TestClient, actor: Actor) -> None:
    client.cookies.set("dargah_session", actor.token)


def _text(html: str) -> str:
    """What a person reads: the page without its tags and attributes."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_values_found_are_shown_by_their_labels_not_their_codes(
    client: TestClient, session: Session, actor: Callable[..., Actor]
) -> None:
    catalogue.sync_builtin(
        session,
        principal=cli_principal("portal-ask-first"),
        code_list_documents=builtin_code_lists(),
        dataset_documents=builtin_datasets(),
    )
    _log_in_as(client, actor(Role.HQ))

    page = client.get("/catalogue", params={"q": "دانشجویان پزشکی"})

    assert page.status_code == 200
    shown = _text(page.text.split('id="ask-title"', 1)[1].split("</section>", 1)[0])
    assert "رشته تحصیلی: پزشکی" in shown
    assert "دانشجویان که در آن رشته تحصیلی = پزشکی" in shown  # the suggested filter
    assert "field_of_study" not in shown
    assert "6001" not in shown
    assert not re.search(r"\w+=\w+", shown)  # no code=field pairs such as 5004=field_of_study
    assert "یافت نشد" not in shown
    # The list of codes found agrees with the data sets found: «پزشکی» of the study fields.
    assert 'href="/catalogue/codelists/study_fields?q=6001">پزشکی</a>' in page.text


@pytest.fixture
def world(
    session: Session,
    database: Database,
    settings: Settings,
    tmp_path: Path,
    actor: Callable[..., Actor],
) -> World:
    return build_world(session, database, settings, tmp_path, actor)


def test_a_suggested_filter_opens_the_query_builder_filled_in(
    client: TestClient, world: World
) -> None:
    give_grant(client, world, level="rows", personal=True)
    _log_in_as(client, world.consumer)

    page = client.get("/catalogue", params={"q": "دانشجویان دکترا"})

    link = (
        f"/datasets/{SLUG}/query"
        "?where_field_0=degree_level&amp;where_op_0=%3D&amp;where_value_0=phd"
    )
    assert f'href="{link}"' in page.text
    builder = client.get(link.replace("&amp;", "&"))
    assert builder.status_code == 200
    assert re.search(r'<option value="degree_level"\s+selected', builder.text)
    assert 'name="where_value_0" value="phd"' in builder.text


def test_words_that_meet_nothing_are_named(client: TestClient, world: World) -> None:
    _log_in_as(client, world.consumer)

    page = client.get("/catalogue", params={"q": "دانشجویان زرافه"})

    assert "این واژه‌ها در هیچ مجموعه‌داده، ستون یا مقداری یافت نشد: زرافه" in _text(page.text)
