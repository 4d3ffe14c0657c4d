"""A world for the ask-first tests: the test students data set loaded, through the real
submission path, by two institutions for two periods; an owner and a consumer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dargah.access.policy import Role, cli_principal
from dargah.catalogue import service as catalogue
from dargah.config import Settings
from dargah.db.session import Database
from dargah.members import service as members
from dargah.members.models import Member
from dargah.submissions import service as submissions
from support.catalogue import LEVELS, dataset_document
from support.factories import Actor, make_hq_unit, make_institution

ADMIN = cli_principal("ask-first-test")
SLUG = "test_students"
HEADER = "student_number,national_id,degree_level,entry_date,graduation_date"
NATIONAL_IDS = ["0012345679", "0499370899", "1234567891", "0067749828", "4608968882"]


@dataclass
class World:
    """Who is who in the ask-first tests."""

    state_a: Member  # state university, reports 1402-2 and 1403-1
    state_b: Member  # state university, reports nothing
    payame_noor: Member  # not required to report, reports 1403-1
    owner: Actor
    consumer: Actor
    required: int  # active state universities in the registry
    owner_name: str  # the owning HQ unit's English name


def headers(actor: Actor) -> dict[str, str]:
    """Bearer headers of ``actor``."""
    return {"Authorization": f"Bearer {actor.token}"}


def load(
    database: Database,
    settings: Settings,
    tmp_path: Path,
    institution: Member,
    period: str,
    count: int = 3,
) -> None:
    """Submit ``count`` students of ``institution`` for ``period``."""
    lines = [
        f"{n},{NATIONAL_IDS[n % len(NATIONAL_IDS)]},{'bachelor' if n % 2 else 'phd'},1401/07/01,"
        for n in range(1, count + 1)
    ]
    path = tmp_path / f"students-{institution.code}-{period}.csv"
    path.write_text(HEADER + "\n" + "\n".join(lines) + "\n", encoding="utf-8")
    submission = submissions.submit_file(
        database,
        settings=settings,
        principal=ADMIN,
        path=path,
        dataset_slug=SLUG,
        institution_id=institution.id,
        period=period,
    )
    assert submission.status == "accepted", submission.status


def build_world(
    session: Session,
    database: Database,
    settings: Settings,
    tmp_path: Path,
    actor: Callable[..., Actor],
) -> World:
    """Sync the data set, register three institutions and load four slices."""
    catalogue.sync_builtin(
        session,
        principal=ADMIN,
        code_list_documents=[LEVELS],
        dataset_documents=[dataset_document()],
    )
    state_a = make_institution(session, code="8101", province="23")
    state_b = make_institution(session, code="8102", province="03")
    payame_noor = make_institution(session, code="8103", institution_type="payame_noor")
    session.commit()
    load(database, settings, tmp_path, state_a, "1402-2")
    load(database, settings, tmp_path, state_a, "1403-1")
    load(database, settings, tmp_path, payame_noor, "1403-1")
    required = session.scalar(
        select(func.count())
        .select_from(Member)
        .where(
            Member.kind == "institution",
            Member.status == "active",
            Member.institution_type == "state_university",
        )
    )
    owner_unit = members.get_hq_unit(session, "education")
    return World(
        state_a=state_a,
        state_b=state_b,
        payame_noor=payame_noor,
        owner=actor(Role.HQ, hq_unit=owner_unit),
        consumer=actor(Role.HQ, hq_unit=make_hq_unit(session, code="askfirst")),
        required=int(required or 0),
        owner_name=owner_unit.name_en,
    )


def give_grant(client: TestClient, world: World, **terms: Any) -> int:
    """The owner grants the consumer access to the test students; returns its id."""
    body: dict[str, Any] = {
        "dataset": SLUG,
        "consumer": "askfirst",
        "level": "aggregate",
        "purpose": "برنامه‌ریزی پذیرش",
        "legal_basis": "بند ۳ آیین‌نامه تبادل داده",
        "expires_at": (datetime.now(UTC) + timedelta(days=30)).isoformat(),
    }
    body.update(terms)
    response = client.post("/api/v1/grants", json=body, headers=headers(world.owner))
    assert response.status_code == 201, response.text
    return int(response.json()["id"])
