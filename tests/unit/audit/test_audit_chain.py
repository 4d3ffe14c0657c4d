"""The hash of an audit entry: canonical, stable, and sensitive to every field."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from dargah.audit.chain import HASHED_FIELDS, canonical_payload, entry_hash
from dargah.audit.models import GENESIS_HASH

TEHRAN = timezone(timedelta(hours=3, minutes=30))


def _fields(**changes: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "seq": 7,
        "at": datetime(2024, 3, 20, 8, 30, 0, 123456, tzinfo=UTC),
        "action": "member.created",
        "outcome": "success",
        "actor_kind": "person",
        "actor": "operator1",
        "actor_role": "operator",
        "member": "IR/UNI/1001",
        "system": None,
        "entity_type": "member",
        "entity_id": "IR/UNI/1001",
        "purpose": None,
        "personal_data": False,
        "request_id": "req-12345678",
        "client_address": "127.0.0.1",
        "details": {"name_fa": "دانشگاه تهران", "changes": {"b": 2, "a": 1}},
    }
    fields.update(changes)
    return fields


def test_the_same_fields_in_any_order_give_the_same_bytes() -> None:
    fields = _fields()
    reversed_fields = dict(reversed(list(fields.items())))
    reversed_fields["details"] = {"changes": {"a": 1, "b": 2}, "name_fa": "دانشگاه تهران"}

    assert canonical_payload(reversed_fields) == canonical_payload(fields)
    assert entry_hash(GENESIS_HASH, reversed_fields) == entry_hash(GENESIS_HASH, fields)


def test_canonical_json_is_compact_sorted_utf8() -> None:
    payload = canonical_payload({"b": 1, "a": "ی", "c": {"z": None, "y": True}})

    assert payload == '{"a":"ی","b":1,"c":{"y":true,"z":null}}'.encode()


def test_timestamps_are_normalised_to_utc_with_microseconds() -> None:
    utc = datetime(2024, 3, 20, 5, 0, 0, tzinfo=UTC)
    in_tehran = utc.astimezone(TEHRAN)

    assert canonical_payload({"at": in_tehran}) == b'{"at":"2024-03-20T05:00:00.000000Z"}'
    assert entry_hash(GENESIS_HASH, _fields(at=in_tehran)) == entry_hash(
        GENESIS_HASH, _fields(at=utc)
    )


def test_the_hash_is_sha256_over_the_previous_hash_and_the_payload() -> None:
    import hashlib

    fields = _fields()
    expected = hashlib.sha256(GENESIS_HASH.encode() + b"\n" + canonical_payload(fields))

    assert entry_hash(GENESIS_HASH, fields) == expected.hexdigest()
    assert len(entry_hash(GENESIS_HASH, fields)) == 64


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("seq", 8),
        ("at", datetime(2024, 3, 20, 8, 30, 0, 123457, tzinfo=UTC)),
        ("action", "member.updated"),
        ("outcome", "failure"),
        ("actor_kind", "system"),
        ("actor", "operator2"),
        ("actor_role", "admin"),
        ("member", "IR/UNI/1002"),
        ("system", "IR/UNI/1001/golestan"),
        ("entity_type", "person"),
        ("entity_id", "IR/UNI/1002"),
        ("purpose", "بازرسی"),
        ("personal_data", True),
        ("request_id", "req-87654321"),
        ("client_address", "10.0.0.1"),
        ("details", {"name_fa": "دانشگاه تهران", "changes": {"b": 2, "a": 2}}),
    ],
)
def test_changing_any_hashed_field_changes_the_hash(name: str, value: object) -> None:
    assert name in HASHED_FIELDS
    assert entry_hash(GENESIS_HASH, _fields(**{name: value})) != entry_hash(GENESIS_HASH, _fields())


def test_every_hashed_field_is_covered_by_the_test_above() -> None:
    assert set(HASHED_FIELDS) == set(_fields())


def test_the_previous_hash_is_part_of_the_hash() -> None:
    assert entry_hash("1" * 64, _fields()) != entry_hash(GENESIS_HASH, _fields())
