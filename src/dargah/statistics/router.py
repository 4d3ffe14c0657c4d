"""HTTP routes of the national statistics: parse, call ``statistics.service``, return."""

from __future__ import annotations

from typing import Annotated, Final

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from dargah.access.policy import Permission, Principal
from dargah.api.deps import SessionDep, SettingsDep, require
from dargah.errors import InvalidInput
from dargah.records.exports import MEDIA_TYPES
from dargah.statistics import exports, service
from dargah.statistics.schemas import PivotListOut, StatisticOut, listing_out, statistic_out

router = APIRouter(tags=["statistics"])

CanQuery = Annotated[Principal, require(Permission.QUERY)]
_FORMATS: Final = ("json", "csv")


@router.get(
    "/statistics",
    response_model=PivotListOut,
    summary="The national pivots you can read, with the periods loaded",
)
def list_statistics(session: SessionDep, principal: CanQuery) -> PivotListOut:
    """Institutions see their own figures of every pivot; HQ units and agencies the
    pivots whose data set they hold a grant on that allows the pivot's fields."""
    return listing_out(service.visible_pivots(session, principal=principal))


@router.get(
    "/statistics/{pivot}",
    response_model=StatisticOut,
    summary="A national pivot for one period, within your grant (audited)",
    responses={200: {"content": {"text/csv": {}}}},
)
def read_statistic(
    session: SessionDep,
    settings: SettingsDep,
    principal: CanQuery,
    pivot: str,
    period: Annotated[
        str | None, Query(max_length=20, description="1403-1; default: latest")
    ] = None,
    grant: Annotated[int | None, Query(description="The grant to read under")] = None,
    format: Annotated[str, Query(max_length=10, description="json or csv")] = "json",
) -> StatisticOut | StreamingResponse:
    """Counts by the pivot's fields with labels, the total, withheld cells, the
    period's freshness and coverage; read through the query service and audited."""
    if format not in _FORMATS:
        raise InvalidInput(
            f"قالب «{format}» پشتیبانی نمی‌شود؛ json یا csv.",
            f"The format '{format}' is not supported; use json or csv.",
            code="format_unsupported",
            details={"format": format},
        )
    statistic = service.answer(
        session,
        principal=principal,
        pivot_id=pivot,
        period=period,
        grant_id=grant,
        secret=settings.secret_key.get_secret_value().encode(),
        output=format,
    )
    if format == "csv":
        return StreamingResponse(
            exports.csv_chunks(statistic),
            media_type=MEDIA_TYPES["csv"],
            headers={
                "Content-Disposition": f'attachment; filename="{exports.filename(statistic)}"'
            },
        )
    return statistic_out(statistic)
