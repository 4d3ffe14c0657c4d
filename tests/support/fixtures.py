"""Fixtures built on the database ones: settings, the app, clients, actors per role."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from dargah.access.policy import Role
from dargah.app import create_app
from dargah.config import Settings
from dargah.db.session import Database
from support.factories import Actor, make_institution, make_person, make_system, make_system_key


@pytest.fixture
def settings(database: Database) -> Settings:
    """Test settings pointing at the test's database."""
    return Settings(
        environment="test",
        database_url=database.engine.url.render_as_string(hide_password=False),
        log_format="console",
        # The in-process job worker would share the test's single connection; the jobs
        # tests start workers of their own.
        jobs_in_process=False,
    )


@pytest.fixture
def app(settings: Settings, database: Database) -> FastAPI:
    """The real application on the test's rolled-back database."""
    return create_app(settings, database=database)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    """An unauthenticated client calling from the loopback address."""
    with TestClient(app, client=("127.0.0.1", 50000)) as test_client:
        yield test_client


@pytest.fixture
def actor(session: Session) -> Callable[..., Actor]:
    """Make a logged-in person of a role: ``actor(Role.OPERATOR)``."""

    def make(role: Role, **kwargs: object) -> Actor:
        return make_person(session, role, **kwargs)  # type: ignore[arg-type]

    return make


@pytest.fixture
def as_role(client: TestClient, actor: Callable[..., Actor]) -> Callable[..., dict[str, str]]:
    """Authorization headers for a fresh person of ``role``."""

    def headers(role: Role, **kwargs: object) -> dict[str, str]:
        return {"Authorization": f"Bearer {actor(role, **kwargs).token}"}

    return headers


@pytest.fixture
def institution_key(session: Session) -> Actor:
    """An API key of an institution's student system."""
    institution = make_institution(session)
    return make_system_key(session, make_system(session, institution))
