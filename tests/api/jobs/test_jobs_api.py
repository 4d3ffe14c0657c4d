"""Jobs through HTTP: progress for the owner, scoping by institution, operators' steering,
and the in-process worker the embedded setup runs inside the app."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from dargah.access.policy import Role
from dargah.app import create_app
from dargah.config import Settings
from dargah.db.schema import upgrade
from dargah.db.session import Database
from dargah.jobs import runner, service
from dargah.members import service as members
from support.factories import Actor, make_institution, make_person, make_system, make_system_key


def _auth(caller: Actor) -> dict[str, str]:
    return {"Authorization": f"Bearer {caller.token}"}


def _running_job(session: Session, owner: Actor, **kwargs: Any) -> str:
    job = service.enqueue(
        session,
        kind="submission.process",
        payload={"submission_id": 1},
        principal=owner.principal,
        institution_id=owner.principal.institution_id,
        **kwargs,
    )
    claimed = service.claim(session, worker_id="api-test-worker", kinds=["submission.process"])
    assert claimed is not None
    assert claimed.id == job.id
    return job.id


def test_the_owner_follows_progress_percent_and_rows_per_second(
    client: TestClient, session: Session, actor: Callable[..., Actor]
) -> None:
    owner = actor(Role.INSTITUTION)
    job_id = _running_job(session, owner)
    service.heartbeat(
        session,
        job_id,
        worker_id="api-test-worker",
        done=250_000,
        total=1_000_000,
        rows_per_s=48_250.0,
        message_fa="در حال بارگذاری",
        message_en="Loading rows",
    )

    response = client.get(f"/api/v1/jobs/{job_id}", headers=_auth(owner))

    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["status_en"], body["attempts"]) == ("running", "Running", 1)
    assert body["progress"]["done"] == 250_000
    assert body["progress"]["total"] == 1_000_000
    assert body["progress"]["percent"] == 25.0
    assert body["progress"]["rows_per_s"] == 48_250.0
    assert body["progress"]["message_en"] == "Loading rows"
    assert body["institution"] == owner.principal.member_identifier
    # What the job was given and which worker holds it are for operators.
    assert (body["payload"], body["worker"]) == (None, None)


def test_an_institution_cannot_see_another_institutions_job(
    client: TestClient, session: Session, actor: Callable[..., Actor]
) -> None:
    owner = actor(Role.INSTITUTION)
    job_id = _running_job(session, owner)
    stranger = actor(Role.INSTITUTION)
    hq = actor(Role.HQ)
    member = make_institution(session)
    assert owner.principal.institution_id is not None
    own_system_key = make_system_key(
        session,
        make_system(session, members.get_member_by_id(session, owner.principal.institution_id)),
    )
    other_system_key = make_system_key(session, make_system(session, member))

    for outsider in (stranger, hq, other_system_key):
        response = client.get(f"/api/v1/jobs/{job_id}", headers=_auth(outsider))
        assert response.status_code == 404
        assert response.json()["code"] == "job_not_found"
        listed = client.get("/api/v1/jobs", headers=_auth(outsider)).json()["items"]
        assert job_id not in [item["id"] for item in listed]

    # The institution's own system follows the jobs its staff started, and vice versa.
    assert client.get(f"/api/v1/jobs/{job_id}", headers=_auth(own_system_key)).status_code == 200


def test_a_failed_job_shows_its_reason_and_never_a_500(
    client: TestClient, session: Session, actor: Callable[..., Actor]
) -> None:
    owner = actor(Role.INSTITUTION)
    operator = actor(Role.OPERATOR)
    job_id = _running_job(session, owner)
    service.fail(
        session,
        job_id,
        worker_id="api-test-worker",
        code="job_crashed",
        message_fa="کار با خطای پیش‌بینی‌نشده متوقف شد.",
        message_en="The job stopped on an unexpected error.",
        retry=False,
        detail="KeyError: 'student_id'",
    )

    seen_by_owner = client.get(f"/api/v1/jobs/{job_id}", headers=_auth(owner)).json()
    seen_by_operator = client.get(f"/api/v1/jobs/{job_id}", headers=_auth(operator)).json()

    assert seen_by_owner["status"] == "failed"
    assert seen_by_owner["error"]["code"] == "job_crashed"
    assert seen_by_owner["error"]["message_fa"]
    assert seen_by_owner["error"]["detail"] is None
    assert seen_by_operator["error"]["detail"] == "KeyError: 'student_id'"
    assert seen_by_operator["worker"] is None  # the lease ended with the failure


def test_operators_list_filter_retry_and_cancel(
    client: TestClient, session: Session, actor: Callable[..., Actor]
) -> None:
    owner = actor(Role.INSTITUTION)
    operator = actor(Role.OPERATOR)
    failed_id = _running_job(session, owner)
    service.fail(
        session,
        failed_id,
        worker_id="api-test-worker",
        code="worker_lost",
        message_fa="از دست رفت",
        message_en="Lost",
        retry=False,
    )
    queued = service.enqueue(
        session, kind="outbox.deliver", payload={}, principal=operator.principal
    )

    listed = client.get(
        "/api/v1/jobs",
        params={"status": "failed", "institution": owner.principal.member_identifier},
        headers=_auth(operator),
    )
    assert listed.status_code == 200
    assert [item["id"] for item in listed.json()["items"]] == [failed_id]
    assert listed.json()["items"][0]["payload"] == {"submission_id": 1}

    refused = client.post(f"/api/v1/jobs/{failed_id}/retry", headers=_auth(owner))
    assert refused.status_code == 403

    retried = client.post(f"/api/v1/jobs/{failed_id}/retry", headers=_auth(operator))
    assert retried.status_code == 200
    assert (retried.json()["status"], retried.json()["attempts"]) == ("queued", 0)
    assert retried.json()["error"]["code"] == "worker_lost"  # why it needed a retry

    cancelled = client.post(f"/api/v1/jobs/{queued.id}/cancel", headers=_auth(operator))
    assert cancelled.json()["status"] == "cancelled"
    again = client.post(f"/api/v1/jobs/{queued.id}/cancel", headers=_auth(operator))
    assert again.status_code == 409
    assert again.json()["code"] == "job_state"


def test_a_bad_filter_is_a_422_with_a_code(client: TestClient, actor: Callable[..., Actor]) -> None:
    operator = actor(Role.OPERATOR)

    response = client.get("/api/v1/jobs", params={"status": "exploded"}, headers=_auth(operator))

    assert response.status_code == 422
    assert response.json()["code"] == "job_status_unknown"


# -- the embedded setup: a worker thread inside the app ---------------------------------


@pytest.fixture
def echo_handler() -> Iterator[str]:
    kind = "test.api_echo"

    def echo(ctx: runner.JobContext) -> dict[str, Any]:
        ctx.progress(3, 3)
        return {"echo": ctx.payload["word"]}

    runner.register(kind, echo)
    yield kind
    runner.unregister(kind)


def test_the_app_runs_jobs_in_process_and_stops_its_worker(
    tmp_path: Any, echo_handler: str
) -> None:
    url = f"sqlite:///{tmp_path / 'embedded.sqlite3'}"
    database = Database.from_url(url)
    upgrade(database.engine)
    settings = Settings(
        environment="test",
        database_url=url,
        log_format="console",
        jobs_in_process=True,
        jobs_poll_seconds=0.05,
    )
    app = create_app(settings, database=database)
    try:
        with database.session() as session:
            owner = make_person(session, Role.INSTITUTION)
            job = service.enqueue(
                session,
                kind=echo_handler,
                payload={"word": "سلام"},
                principal=owner.principal,
                institution_id=owner.principal.institution_id,
            )
        with TestClient(app) as client:
            worker = app.state.job_worker
            assert worker.alive
            deadline = time.monotonic() + 20
            body: dict[str, Any] = {}
            while time.monotonic() < deadline:
                body = client.get(f"/api/v1/jobs/{job.id}", headers=_auth(owner)).json()
                if body["status"] == "succeeded":
                    break
                time.sleep(0.05)
        assert body["status"] == "succeeded"
        assert body["result"] == {"echo": "سلام"}
        assert body["progress"]["percent"] == 100.0
        assert not worker.alive  # the lifespan stopped it with the app
    finally:
        database.engine.dispose()


def test_the_test_app_runs_no_worker_thread(app: Any, client: TestClient) -> None:
    assert app.state.job_worker is None
