"""The hash of an audit entry: pure and shared by writing and verification."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

import orjson


def canonical_payload(fields: dict[str, Any]) -> bytes:
    """Canonical JSON of an entry's fields: sorted keys, UTC microsecond timestamps."""
    normalised = {
        key: (_timestamp(value) if isinstance(value, datetime) else value)
        for key, value in fields.items()
    }
    return orjson.dumps(normalised, option=orjson.OPT_SORT_KEYS)


def entry_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    """SHA-256 of the previous hash followed by the entry's canonical JSON."""
    digest = hashlib.sha256(prev_hash.encode("ascii"))
    digest.update(b"\n")
    digest.update(canonical_payload(fields))
    return digest.hexdigest()


def _timestamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


HASHED_FIELDS = (
    "seq",
    "at",
    "action",
    "outcome",
    "actor_kind",
    "actor",
    "actor_role",
    "member",
    "system",
    "entity_type",
    "entity_id",
    "purpose",
    "personal_data",
    "request_id",
    "client_address",
    "details",
)
