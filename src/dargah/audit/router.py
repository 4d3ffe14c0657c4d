"""HTTP routes of the audit log and of the gateway's published signing keys.

Thin wrappers over ``audit.service`` and ``audit.signing``. The router has no prefix of
its own because it serves two families: ``/audit/…`` (auditors) and ``/gateway/keys``
(anyone: listed in ``api.deps.PUBLIC_ROUTES``).
"""

from __future__ import annotations

import hashlib
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Query, Request, Response

from dargah.access.policy import Permission, Principal
from dargah.api.deps import IdPath, SessionDep, SettingsDep, purpose_of, require
from dargah.audit import service, signing
from dargah.audit.schemas import ChainReportOut, EntryOut, EntryPageOut, EntrySearchQuery

router = APIRouter()

CanReadAudit = Annotated[Principal, require(Permission.AUDIT_READ)]

# Reading the audit log is itself audited; a purpose is welcome but not demanded.
_DEFAULT_PURPOSE = "بازبینی گزارش ممیزی"  # read by auditors, in Persian


@router.get(
    "/audit/entries",
    response_model=EntryPageOut,
    summary="Search the audit log",
    tags=["audit"],
)
def search_entries(
    request: Request,
    session: SessionDep,
    principal: CanReadAudit,
    query: Annotated[EntrySearchQuery, Query()],
) -> EntryPageOut:
    """Entries matching the filters, newest first; follow ``next_cursor`` for more."""
    filters = service.entry_filter(
        actions=query.action,
        actor=query.actor,
        member=query.member,
        entity_type=query.entity_type,
        entity_id=query.entity_id,
        request_id=query.request_id,
        personal_data=query.personal_data,
        since=query.since,
        until=query.until,
    )
    page = service.search_entries(
        session,
        principal=principal,
        filters=filters,
        limit=query.limit,
        cursor=query.cursor,
        purpose=purpose_of(request, default=_DEFAULT_PURPOSE),
    )
    return EntryPageOut.of(page)


@router.get(
    "/audit/entries/{seq}", response_model=EntryOut, summary="Show one audit entry", tags=["audit"]
)
def show_entry(
    request: Request, session: SessionDep, principal: CanReadAudit, seq: IdPath
) -> EntryOut:
    """One entry by its sequence number."""
    entry = service.get_entry(
        session,
        principal=principal,
        seq=seq,
        purpose=purpose_of(request, default=_DEFAULT_PURPOSE),
    )
    return EntryOut.of(entry)


@router.post(
    "/audit/verify",
    response_model=ChainReportOut,
    summary="Verify the audit chain",
    tags=["audit"],
)
def verify(session: SessionDep, principal: CanReadAudit) -> ChainReportOut:
    """Recompute every hash and report the first problem; recorded as ``audit.verified``."""
    return ChainReportOut.of(service.verify_audit_log(session, principal=principal))


# Verifiers cache the key set; after a rotation they fetch it again on an unknown kid.
_KEYS_CACHE_CONTROL = "public, max-age=300"
_KEYS_EXAMPLE: dict[str, Any] = {
    "keys": [
        {
            "kid": "21fe31dfa154a261",
            "kty": "OKP",
            "crv": "Ed25519",
            "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",
            "alg": "Ed25519",
            "use": "sig",
            "created": "2026-11-29T09:12:05Z",
            "retired": None,
        }
    ]
}


@router.get(
    "/gateway/keys",
    summary="The gateway's public signing keys (JWK set)",
    tags=["gateway"],
    responses={
        200: {"content": {"application/json": {"example": _KEYS_EXAMPLE}}},
        304: {"description": "The caller's cached copy (If-None-Match) is current"},
    },
)
def gateway_keys(request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    """Every key the gateway has signed with, for checking its receipts; no login needed.

    The active key has ``retired: null``; retired keys stay listed so that receipts
    signed with them keep verifying. Cacheable for five minutes, with an ETag.
    """
    body = orjson.dumps(signing.jwks(signing.published_keys(session, settings)))
    etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
    headers = {"Cache-Control": _KEYS_CACHE_CONTROL, "ETag": etag}
    cached = _etags(request.headers.get("if-none-match", ""))
    if etag in cached or "*" in cached:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="application/json", headers=headers)


def _etags(header: str) -> set[str]:
    return {part.strip().removeprefix("W/") for part in header.split(",") if part.strip()}
