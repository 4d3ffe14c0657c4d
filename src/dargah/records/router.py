"""HTTP route of the query API: parse, pick the format, call ``records.service``, send.

A JSON answer of one chunk (a lookup, a pivot) is sent whole with its length; larger
answers and the other formats are streamed.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import StreamingResponse

from dargah.access.policy import Permission, Principal
from dargah.api.deps import QueryServerDep, require
from dargah.errors import InvalidInput
from dargah.records import exports
from dargah.records.exports import MEDIA_TYPES, ExportFormat
from dargah.records.schemas import QueryRequest

router = APIRouter(tags=["queries"])

CanQuery = Annotated[Principal, require(Permission.QUERY)]

_ACCEPT: dict[str, ExportFormat] = {
    "application/json": "json",
    "text/csv": "csv",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.apache.parquet": "parquet",
    "application/x-parquet": "parquet",
}
_FORMATS: tuple[ExportFormat, ...] = ("json", "csv", "xlsx", "parquet")


def _format(requested: str | None, accept: str) -> ExportFormat:
    """``format`` wins; otherwise the first media type of Accept we produce; else JSON."""
    if requested is not None:
        for known in _FORMATS:
            if requested == known:
                return known
        raise InvalidInput(
            f"قالب «{requested}» پشتیبانی نمی‌شود؛ json، csv، xlsx یا parquet.",
            f"The format '{requested}' is not supported; use json, csv, xlsx or parquet.",
            code="format_unsupported",
            details={"format": requested},
        )
    for item in accept.split(","):
        media = item.split(";")[0].strip().lower()
        if media in _ACCEPT:
            return _ACCEPT[media]
    return "json"


@router.post(
    "/datasets/{slug}/query",
    summary="Query a data set's records within your grant",
    responses={200: {"content": {media: {} for media in MEDIA_TYPES.values()}}},
)
def query_dataset(
    request: Request,
    server: QueryServerDep,
    principal: CanQuery,
    slug: str,
    body: QueryRequest,
    format: Annotated[str | None, Query(max_length=10)] = None,
) -> Response:
    """Select, filter, group and aggregate; results as JSON, CSV, XLSX or Parquet."""
    export = _format(format, request.headers.get("accept", ""))
    answer = server.serve(
        principal=principal,
        slug=slug,
        spec=body.spec(),
        purpose=body.purpose,
        grant_id=body.grant,
        output=export,
    )
    headers = {"X-Row-Count": str(len(answer.rows))}
    if answer.next_cursor:
        headers["X-Next-Cursor"] = answer.next_cursor
    if export != "json":
        headers["Content-Disposition"] = f'attachment; filename="{slug}.{export}"'
    elif len(answer.rows) <= exports.CHUNK_ROWS:
        body_bytes = b"".join(exports.chunks(answer, export))
        return Response(body_bytes, media_type=MEDIA_TYPES[export], headers=headers)
    return StreamingResponse(
        exports.chunks(answer, export), media_type=MEDIA_TYPES[export], headers=headers
    )
