"""HTTP route of the ask-first search: parse, call ``discovery.service``, return."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from dargah.access.policy import Permission, Principal
from dargah.api.deps import SessionDep, require
from dargah.discovery import service
from dargah.discovery.schemas import AskFirstOut, answer_out
from dargah.persian.inputs import DigitsStr

router = APIRouter(tags=["catalogue"])

Reader = Annotated[Principal, require(Permission.CATALOGUE_READ)]


@router.get(
    "/catalogue/search",
    response_model=AskFirstOut,
    summary="Ask first: what the gateway holds for a question, and your next step",
)
def ask_first(
    session: SessionDep,
    principal: Reader,
    q: Annotated[str, Query(max_length=1000)],
    period: Annotated[DigitsStr | None, Query(max_length=40)] = None,
    institution_type: Annotated[str | None, Query(max_length=40)] = None,
) -> AskFirstOut:
    """Data sets matching ``q`` by title, field or code value, best first, each with the
    periods loaded, institutions reporting, the caller's access and the next step."""
    answer = service.ask_first(
        session,
        principal=principal,
        text=q,
        period=period,
        institution_type=institution_type,
    )
    return answer_out(answer)
