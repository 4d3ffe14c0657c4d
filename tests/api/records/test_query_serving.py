"""The query API's cached path (decision 0014): what a worker keeps stops working within
``access_cache_seconds`` when changed elsewhere, at once when changed through it, and
every answer is audited once — also under concurrent requests on a real server."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient
from sqlalchemy import Table, select, update
from sqlalchemy.orm import Session

from dargah.access import grants
from dargah.access.models import Grant
from dargah.access.policy import Role, cli_principal
from dargah.access.schemas import GrantCreate
from dargah.app import create_app
from dargah.audit.models import AuditEntry
from dargah.audit.verify import verify_chain
from dargah.config import Settings
from dargah.db.engine import make_engine
from dargah.db.schema import upgrade
from dargah.db.session import Database
from dargah.identity import service as identity
from dargah.identity.models import ApiKey
from dargah.identity.schemas import ApiKeyCreate
from dargah.members import service as members
from dargah.members.models import MemberKind, System
from dargah.members.schemas import MemberCreate, SystemCreate
from support.factories import Actor, make_hq_unit, make_institution
from support.queries import NATIONAL_IDS, SLUG, load, row, sync_people

URL = f"/api/v1/datasets/{SLUG}/query"
PURPOSE = "پیگیری پرونده دانشجو"
OWNER = cli_principal("owner")
BOUND = 0.5  # access_cache_seconds in these tests


@dataclass
class Consumer:
    key: Actor
    grant: int
    system_id: int


def _consumer(session: Session, *, grant_expires: datetime | None = None) -> Consumer:
    """An HQ unit's system with an API key and a row-level grant on ``test_people``."""
    unit = make_hq_unit(session, code="lookups")
    ministry = members.create_member(
        session,
        principal=OWNER,
        data=MemberCreate(kind=MemberKind.MINISTRY, code="MSRT", name_fa="وزارت علوم"),
    )
    system = members.create_system(
        session,
        principal=OWNER,
        member_identifier=ministry.identifier,
        data=SystemCreate(code="registry", name_fa="سامانه پیگیری", is_consumer=True),
    )
    issued = identity.issue_api_key(
        session,
        principal=OWNER,
        data=ApiKeyCreate(
            system=system.identifier, name="lookups", role=Role.HQ, hq_unit=unit.code
        ),
    )
    grant = grants.create_grant(
        session,
        principal=OWNER,
        data=GrantCreate.model_validate(
            {
                "dataset": SLUG,
                "consumer": unit.code,
                "level": "rows",
                "personal": True,
                "purpose": PURPOSE,
                "legal_basis": "آزمون",
                "expires_at": (grant_expires or datetime.now(UTC) + timedelta(days=1)).isoformat(),
            }
        ),
    )
    with session.begin():
        principal = identity.authenticate_token(session, issued.secret)
    return Consumer(
        key=Actor(principal=principal, token=issued.secret), grant=grant.id, system_id=system.id
    )


def _fill(session: Session, database: Database, settings: Settings, tmp_path: Path) -> None:
    sync_people(session)
    institution = make_institution(session, code="7401")
    session.commit()
    load(
        database,
        settings,
        tmp_path,
        institution_id=institution.id,
        lines=[row(str(number)) for number in range(1, 6)],
    )


def _lookup(student: str = "3", *, grant: int | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "purpose": PURPOSE,
        "where": [{"field": "student_number", "op": "=", "value": student}],
        "limit": 10,
    }
    if grant is not None:
        body["grant"] = grant
    return body


def _headers(consumer: Consumer) -> dict[str, str]:
    return {"Authorization": f"Bearer {consumer.key.token}"}


@pytest.fixture
def settings(database: Database) -> Settings:
    return Settings(
        environment="test",
        database_url=database.engine.url.render_as_string(hide_password=False),
        log_format="console",
        jobs_in_process=False,
        access_cache_seconds=BOUND,
    )


@pytest.fixture
def filled(session: Session, database: Database, settings: Settings, tmp_path: Path) -> None:
    _fill(session, database, settings, tmp_path)


def _elsewhere(session: Session, table: Any, where: Any, **values: Any) -> None:
    """A change committed as another worker or the CLI would: nothing in this process
    hears of it (a Core statement on the connection, past the ORM session)."""
    target: Table = table.__table__
    session.connection().execute(update(target).where(where).values(**values))
    session.commit()


def _refused_within_the_bound(
    client: TestClient, consumer: Consumer, body: dict[str, Any], status: int
) -> float:
    """Seconds until the change shows, asking every 50 ms; fails past twice the bound."""
    started = time.monotonic()
    while time.monotonic() - started < 2 * BOUND + 1:
        response = client.post(URL, json=body, headers=_headers(consumer))
        if response.status_code == status:
            return time.monotonic() - started
        assert response.status_code == 200, response.text
        time.sleep(0.05)
    pytest.fail(f"still answered {2 * BOUND + 1:.1f} s after the change")


def test_lookups_answer_each_their_own_row_from_one_statement(
    client: TestClient, session: Session, filled: None
) -> None:
    consumer = _consumer(session)

    answers = [
        client.post(URL, json=_lookup(str(number)), headers=_headers(consumer)).json()
        for number in (1, 2, 3, 2)
    ]

    numbers = [answer["rows"][0]["student_number"] for answer in answers]
    assert numbers == ["1", "2", "3", "2"]
    assert [answer["rows"][0]["national_id"] for answer in answers[:3]] == [
        NATIONAL_IDS[1],
        NATIONAL_IDS[2],
        NATIONAL_IDS[3],
    ]


def test_a_grant_revoked_elsewhere_stops_working_within_the_bound(
    client: TestClient, session: Session, filled: None
) -> None:
    consumer = _consumer(session)
    body = _lookup(grant=consumer.grant)
    assert client.post(URL, json=body, headers=_headers(consumer)).status_code == 200

    _elsewhere(session, Grant, Grant.id == consumer.grant, status="revoked")

    assert _refused_within_the_bound(client, consumer, body, 403) <= BOUND + 0.3
    refused = client.post(URL, json=body, headers=_headers(consumer)).json()
    assert refused["code"] == "grant_inactive"


def test_a_key_revoked_elsewhere_stops_working_within_the_bound(
    client: TestClient, session: Session, filled: None
) -> None:
    consumer = _consumer(session)
    assert client.post(URL, json=_lookup(), headers=_headers(consumer)).status_code == 200

    _elsewhere(
        session,
        ApiKey,
        ApiKey.id == consumer.key.principal.api_key_id,
        revoked_at=datetime.now(UTC),
    )

    assert _refused_within_the_bound(client, consumer, _lookup(), 401) <= BOUND + 0.3


def test_a_system_suspended_elsewhere_stops_working_within_the_bound(
    client: TestClient, session: Session, filled: None
) -> None:
    consumer = _consumer(session)
    assert client.post(URL, json=_lookup(), headers=_headers(consumer)).status_code == 200

    _elsewhere(session, System, System.id == consumer.system_id, status="suspended")

    assert _refused_within_the_bound(client, consumer, _lookup(), 401) <= BOUND + 0.3


def test_changes_through_this_worker_take_effect_at_once(
    client: TestClient, session: Session, filled: None, as_role: Callable[..., dict[str, str]]
) -> None:
    consumer = _consumer(session)
    body = _lookup(grant=consumer.grant)
    assert client.post(URL, json=body, headers=_headers(consumer)).status_code == 200

    grants.revoke_grant(session, principal=OWNER, grant_id=consumer.grant, reason="پایان طرح")

    refused = client.post(URL, json=body, headers=_headers(consumer))
    assert refused.status_code == 403
    assert refused.json()["code"] == "grant_inactive"
    revoked = client.delete(
        f"/api/v1/keys/{consumer.key.principal.api_key_id}", headers=as_role(Role.OPERATOR)
    )
    assert revoked.status_code == 200
    assert client.post(URL, json=body, headers=_headers(consumer)).status_code == 401


def test_a_kept_grant_that_expires_is_refused_at_once(
    client: TestClient, session: Session, filled: None
) -> None:
    expires = datetime.now(UTC) + timedelta(seconds=1)
    consumer = _consumer(session, grant_expires=expires)
    body = _lookup(grant=consumer.grant)
    assert client.post(URL, json=body, headers=_headers(consumer)).status_code == 200

    time.sleep(max(0.0, (expires - datetime.now(UTC)).total_seconds()) + 0.05)

    refused = client.post(URL, json=body, headers=_headers(consumer))
    assert refused.status_code == 403
    assert refused.json()["code"] == "grant_inactive"


# -- concurrent requests on a real server ---------------------------------------------------

THREADS = 6
EACH = 10


@pytest.fixture
def live_node(fresh_database_url: str, tmp_path: Path) -> Iterator[tuple[str, Database, Consumer]]:
    engine = make_engine(fresh_database_url)
    upgrade(engine)
    engine.dispose()
    settings = Settings(
        environment="test",
        database_url=fresh_database_url,
        log_format="console",
        jobs_in_process=False,
    )
    database = Database.from_url(fresh_database_url)
    with database.session() as session:
        _fill(session, database, settings, tmp_path)
        consumer = _consumer(session)
        session.commit()
    app = create_app(settings, database=database)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive(), "the server stopped"
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}", database, consumer
    finally:
        server.should_exit = True
        thread.join(timeout=20)
        database.engine.dispose()


@pytest.mark.parametrize("fresh_database_url", ["sqlite", "postgresql"], indirect=True)
def test_concurrent_lookups_are_each_audited_once_in_a_chain_that_verifies(
    live_node: tuple[str, Database, Consumer],
) -> None:
    base, database, consumer = live_node
    start = threading.Barrier(THREADS)

    def client(number: int) -> list[tuple[str, int]]:
        seen = []
        with httpx.Client(base_url=base, headers=_headers(consumer), timeout=60) as http:
            start.wait()
            for index in range(EACH):
                student = str(1 + (number + index) % 5)
                response = http.post(URL, json=_lookup(student))
                assert response.status_code == 200, response.text
                assert response.json()["rows"][0]["student_number"] == student
                seen.append((response.headers["x-request-id"], int(response.json()["row_count"])))
        return seen

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        answered = [item for each in pool.map(client, range(THREADS)) for item in each]

    with database.session() as session:
        entries = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "dataset.queried")
        ).all()
        report = verify_chain(session)
    assert len(entries) == THREADS * EACH
    assert sorted(entry.request_id for entry in entries) == sorted(
        request_id for request_id, _ in answered
    )
    assert all(entry.purpose == PURPOSE and entry.details["rows"] == 1 for entry in entries)
    assert all(entry.actor == consumer.key.principal.name for entry in entries)
    assert report.ok, report.first_problem
