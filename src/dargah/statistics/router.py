"""HTTP routes of the national statistics: parse, call ``statistics.service``, return."""

from __future__ import annotations

from typing import Annotated, Final

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from dargah.access.policy import Permission, Principal
from dargah.api.deps import SessionDep, SettingsDep, require
from dargah.db.base import MAX_ID
from dargah.errors import InvalidInput
from dargah.persian.inputs import DigitsStr
from dargah.records.exports import MEDIA_TYPES
from dargah.statistics import exports, service
from dargah.statistics.schemas import PivotListOut, StatisticOut, listing_out, statistic_out

router = APIRouter(tags=["statistics"])

CanQuery = Annotated[Principal, require(Permission.QUERY)]
_FORMATS: Final = ("json", *exports.FILE_FORMATS)


@router.get(
    "/statistics",
    response_model=PivotListOut,
    summary="The national pivots you can read, with the periods loaded",
)
def list_statistics(
    session: SessionDep, settings: SettingsDep, principal: CanQuery
) -> PivotListOut:
    """Institutions see their own figures of every pivot; HQ units and agencies the
    pivots whose data set they hold a grant on that allows the pivot's fields. Each
    with the periods loaded, institutions reporting each and which are national."""
    share = settings.statistics_national_share
    views = service.visible_pivots(session, principal=principal, national_share=share)
    return listing_out(views, share)


@router.get(
    "/statistics/{pivot}",
    response_model=StatisticOut,
    summary="A national pivot for one period, within your grant (audited)",
    responses={200: {"content": {"text/csv": {}, MEDIA_TYPES["xlsx"]: {}}}},
)
def read_statistic(
    session: SessionDep,
    settings: SettingsDep,
    principal: CanQuery,
    pivot: str,
    period: Annotated[
        DigitsStr | None, Query(max_length=20, description="1403-1; default: the latest national")
    ] = None,
    grant: Annotated[
        int | None, Query(ge=1, le=MAX_ID, description="The grant to read under")
    ] = None,
    format: Annotated[str, Query(max_length=10, description="json, csv or xlsx")] = "json",
) -> StatisticOut | StreamingResponse:
    """Counts by the pivot's fields with labels, the total, withheld cells, the
    period's freshness and coverage; read through the query service and audited."""
    if format not in _FORMATS:
        raise InvalidInput(
            f"قالب «{format}» پشتیبانی نمی‌شود؛ json، csv یا xlsx.",
            f"The format '{format}' is not supported; use json, csv or xlsx.",
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
        national_share=settings.statistics_national_share,
    )
    file_format = next((item for item in exports.FILE_FORMATS if item == format), None)
    if file_format is not None:
        return StreamingResponse(
            exports.file_chunks(statistic, file_format),
            media_type=MEDIA_TYPES[file_format],
            headers={
                "Content-Disposition": (
                    f'attachment; filename="{exports.filename(statistic, file_format)}"'
                )
            },
        )
    return statistic_out(statistic)
