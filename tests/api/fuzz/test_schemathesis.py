"""Property-based contract test of the whole API (Schemathesis over ``/openapi.json``).

Every operation is called with data generated from its own description, once for
each kind of caller (no credentials, each role's person, an institution system's
key), and every answer must be no server error and match the schema the description
declares for its status: the successes' models, and problem+json for every error
(``api.docs._with_problems``). The examples are derandomised and few per operation, so
the run is the same each time and stays within a minute or two per database; a
failure names the operation and the reproducing request.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance
from sqlalchemy.orm import Session

from dargah.access.policy import Role
from support.factories import Actor, make_institution, make_system, make_system_key

# Roles in the order their callers are tried; ``None`` is a caller without credentials.
CALLERS: tuple[Role | None, ...] = (
    None,
    Role.ADMIN,
    Role.OPERATOR,
    Role.INSTITUTION,
    Role.HQ,
    Role.AUDITOR,
    Role.AGENCY,
)


@pytest.fixture
def caller_headers(session: Session, actor: Callable[..., Actor]) -> list[dict[str, str]]:
    """One set of headers per kind of caller, each with a purpose for personal data."""
    purpose = {"Dargah-Purpose": "contract test of the API"}
    headers = [
        {**purpose, **({"Authorization": f"Bearer {actor(role).token}"} if role else {})}
        for role in CALLERS
    ]
    system_key = make_system_key(session, make_system(session, make_institution(session)))
    headers.append({**purpose, "Authorization": f"Bearer {system_key.token}"})
    return headers


def _operations(app: FastAPI) -> list[schemathesis.schemas.APIOperation]:
    loaded = schemathesis.openapi.from_asgi("/openapi.json", app)
    return [result.ok() for result in loaded.get_all_operations()]


def test_every_operation_answers_within_its_contract(
    app: FastAPI, caller_headers: list[dict[str, str]]
) -> None:
    # Schemathesis's own pytest integration reaches into pytest internals that pytest 9
    # changed; its strategies are driven here with Hypothesis directly instead.
    failures: list[str] = []
    operations = _operations(app)
    assert len(operations) >= 60, "the walk found too few operations"
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=6,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
            phases=[Phase.explicit, Phase.generate],
        )
        def call_as_every_caller(case: schemathesis.Case) -> None:
            for headers in caller_headers:
                case.call_and_validate(
                    headers=headers, checks=[not_a_server_error, response_schema_conformance]
                )

        try:
            call_as_every_caller()
        except Exception as exc:
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}")
    assert not failures, "\n\n".join(failures)
