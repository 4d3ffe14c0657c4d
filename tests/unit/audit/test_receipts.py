"""Signed receipts: a stable canonical form, and a signature that no change survives."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from dargah.audit import receipts
from dargah.audit.receipts import NotCanonical, canonical_json
from dargah.audit.signing import PublishedKey, SigningKey, jwks, kid_of
from dargah.errors import DargahError

# RFC 8032 §7.1, test 1: a published Ed25519 key pair, so the vectors below are fixed.
RFC8032_SECRET = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
RFC8032_PUBLIC = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
KEY = SigningKey("21fe31dfa154a261", Ed25519PrivateKey.from_private_bytes(RFC8032_SECRET))
OTHER_KEY = SigningKey("0000000000000000", Ed25519PrivateKey.generate())
TEHRAN = timezone(timedelta(hours=3, minutes=30))

PAYLOAD: dict[str, Any] = {
    "type": "submission_receipt/1",
    "submission": "01J9ZQ3K7B",
    "dataset": {"id": "students", "version": "1.2"},
    "institution": "IR/UNI/1001",
    "period": "1403-1",
    "mode": "replace",
    "content_sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    "counts": {"rows": 1250, "created": 1200, "updated": 50, "unchanged": 0},
    "received_at": "2024-03-20T05:00:00Z",
    "note": 'دانشگاه تهران\u200cها\n"ok"',
}
CANONICAL = (
    '{"content_sha256":"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",'
    '"counts":{"created":1200,"rows":1250,"unchanged":0,"updated":50},'
    '"dataset":{"id":"students","version":"1.2"},"institution":"IR/UNI/1001",'
    '"mode":"replace","note":"دانشگاه تهران\u200cها\\n\\"ok\\"","period":"1403-1",'
    '"received_at":"2024-03-20T05:00:00Z","submission":"01J9ZQ3K7B",'
    '"type":"submission_receipt/1"}'
).encode()
# Ed25519 is deterministic: this key over CANONICAL always gives this signature.
SIGNATURE = "XNY-ZnFDpppSoEYznZzoaYH6UPfCtaxTzzOUF_5qESpHiU5HRwvl5_weniHwtT-Xeh8UzwLYtGhh-wnCBpaaBA"


def _keys(*keys: SigningKey) -> dict[str, Any]:
    return {key.kid: key.public_key for key in keys}


def _code(document: Any, keys: dict[str, Any] | None = None) -> str:
    with pytest.raises(DargahError) as caught:
        receipts.verify(document, _keys(KEY) if keys is None else keys)
    return caught.value.code


# -- the canonical form -------------------------------------------------------------------


def test_the_test_key_is_the_rfc_8032_key_and_its_kid_is_derived_from_it() -> None:
    assert KEY.public_key.public_bytes_raw().hex() == RFC8032_PUBLIC
    assert kid_of(KEY.public_key) == KEY.kid


def test_the_canonical_form_of_a_receipt_is_a_known_vector() -> None:
    assert canonical_json(PAYLOAD) == CANONICAL


def test_the_same_payload_in_any_key_order_signs_to_the_same_known_signature() -> None:
    reordered = dict(reversed(list(PAYLOAD.items())))
    reordered["counts"] = dict(reversed(list(PAYLOAD["counts"].items())))

    first, second = receipts.sign(PAYLOAD, KEY), receipts.sign(reordered, KEY)

    assert first == second
    assert first["signature"] == {"alg": "Ed25519", "kid": KEY.kid, "value": SIGNATURE}
    assert first["receipt"] == PAYLOAD


def test_keys_are_sorted_by_utf16_code_units_as_rfc_8785_sorts_them() -> None:
    # RFC 8785 §3.2.3: U+1F600 (a surrogate pair in UTF-16) sorts before U+FB33.
    keys = ["\u20ac", "\r", "\ufb33", "1", "\U0001f600", "\u0080", "\u00f6"]
    document = {key: index for index, key in enumerate(keys)}

    encoded = canonical_json(document).decode()

    order = ["\r", "1", "\u0080", "\u00f6", "\u20ac", "\U0001f600", "\ufb33"]
    assert list(json.loads(encoded)) == order


def test_strings_are_escaped_as_rfc_8785_escapes_them() -> None:
    # RFC 8785 §3.2.2's example, without its numbers (floats are refused here).
    document = {
        "string": "\u20ac$\u000f\u000aA'\u0042\u0022\u005c\\\"/",
        "literals": [None, True, False],
    }

    assert canonical_json(document) == (
        '{"literals":[null,true,false],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}'.encode()
    )


@pytest.mark.parametrize(
    ("value", "where"),
    [
        ({"amount": 1.5}, "$.amount"),
        ({"amount": 1.0}, "$.amount"),
        ({"nested": {"ratio": float("nan")}}, "$.nested.ratio"),
        ({"list": [1, float("inf")]}, "$.list[1]"),
        ({"big": 2**53}, "$.big"),
        ({"small": -(2**53)}, "$.small"),
        ({1: "numeric key"}, "$"),
        ({"text": "\ud800"}, "$.text"),
        ({"when": datetime(2024, 3, 20, tzinfo=UTC)}, "$.when"),
        ({"bytes": b"\x00"}, "$.bytes"),
    ],
)
def test_values_without_a_canonical_form_are_refused_naming_where(value: Any, where: str) -> None:
    with pytest.raises(NotCanonical) as caught:
        canonical_json(value)

    assert caught.value.path == where
    with pytest.raises(NotCanonical):
        receipts.sign(value, KEY)


def test_the_largest_safe_integers_are_accepted() -> None:
    assert canonical_json({"a": 2**53 - 1, "b": -(2**53 - 1)}) == (
        b'{"a":9007199254740991,"b":-9007199254740991}'
    )


def test_deep_nesting_is_refused() -> None:
    value: Any = "leaf"
    for _ in range(100):
        value = [value]

    with pytest.raises(NotCanonical, match="deeper"):
        canonical_json(value)


def test_timestamps_are_utc_with_z() -> None:
    assert receipts.timestamp(datetime(2024, 3, 20, 8, 30, tzinfo=TEHRAN)) == "2024-03-20T05:00:00Z"
    assert (
        receipts.timestamp(datetime(2024, 3, 20, 5, 0, 0, 120, tzinfo=UTC))
        == "2024-03-20T05:00:00.000120Z"
    )
    with pytest.raises(ValueError, match="time zone"):
        receipts.timestamp(datetime(2024, 3, 20))  # noqa: DTZ001 - the point of the test


def test_base64url_has_one_spelling_per_value() -> None:
    assert receipts.b64url_decode(receipts.b64url(b"\xff\xfe")) == b"\xff\xfe"
    for spelling in ("__4=", "__+", "__5", "__4 ", "_"):
        with pytest.raises(ValueError, match="base64url"):
            receipts.b64url_decode(spelling)


# -- verifying ------------------------------------------------------------------------------


def test_a_signed_receipt_verifies_and_gives_back_its_payload() -> None:
    document = receipts.sign(PAYLOAD, KEY)

    assert receipts.verify(document, _keys(OTHER_KEY, KEY)) == PAYLOAD


def test_a_receipt_survives_a_trip_through_a_file() -> None:
    text = json.dumps(receipts.sign(PAYLOAD, KEY), ensure_ascii=False, indent=2)

    assert receipts.verify(receipts.load_receipt(text.encode()), _keys(KEY)) == PAYLOAD


def _leaves(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(value, dict):
        return [leaf for key, item in value.items() for leaf in _leaves(item, (*path, key))]
    return [path]


def _changed(document: dict[str, Any], path: tuple[Any, ...]) -> dict[str, Any]:
    copy: dict[str, Any] = json.loads(json.dumps(document))
    holder = copy
    for key in path[:-1]:
        holder = holder[key]
    old = holder[path[-1]]
    if isinstance(old, bool) or not isinstance(old, int | str):
        raise AssertionError(f"no change defined for {old!r}")
    if isinstance(old, int):
        holder[path[-1]] = old + 1
    else:
        last = old[-1]
        holder[path[-1]] = old[:-1] + ("B" if last == "A" else "A")
    return copy


@pytest.mark.parametrize("path", _leaves(receipts.sign(PAYLOAD, KEY)), ids=str)
def test_changing_any_field_fails_verification(path: tuple[Any, ...]) -> None:
    document = receipts.sign(PAYLOAD, KEY)
    expected = {
        ("signature", "kid"): {"receipt_key_unknown"},
        ("signature", "alg"): {"receipt_malformed"},
        # The last base64url character carries spare bits: some changes are misspellings.
        ("signature", "value"): {"receipt_signature_invalid", "receipt_malformed"},
    }.get(path, {"receipt_signature_invalid"})

    assert _code(_changed(document, path)) in expected


def test_changing_any_byte_of_a_receipt_file_fails_verification() -> None:
    text = json.dumps(receipts.sign(PAYLOAD, KEY), ensure_ascii=False, separators=(",", ":"))
    data = text.encode()
    survivors = []
    for index in range(len(data)):
        tampered = bytearray(data)
        tampered[index] ^= 0x01
        try:
            receipts.verify(receipts.load_receipt(bytes(tampered)), _keys(KEY))
        except DargahError:
            continue
        survivors.append(index)

    assert survivors == []


def test_adding_or_removing_a_field_fails_verification() -> None:
    document = receipts.sign(PAYLOAD, KEY)
    added = json.loads(json.dumps(document))
    added["receipt"]["approved_by"] = "someone"
    removed = json.loads(json.dumps(document))
    del removed["receipt"]["counts"]["updated"]
    outside = json.loads(json.dumps(document))
    outside["note"] = "approved"

    assert _code(added) == "receipt_signature_invalid"
    assert _code(removed) == "receipt_signature_invalid"
    assert _code(outside) == "receipt_malformed"


def test_a_signature_by_another_key_under_the_same_kid_fails() -> None:
    forged = receipts.sign(PAYLOAD, SigningKey(KEY.kid, OTHER_KEY.private_key))

    assert _code(forged) == "receipt_signature_invalid"


def test_an_unknown_kid_fails_and_names_the_known_ones() -> None:
    document = receipts.sign(PAYLOAD, OTHER_KEY)

    with pytest.raises(DargahError) as caught:
        receipts.verify(document, _keys(KEY))

    assert caught.value.code == "receipt_key_unknown"
    assert caught.value.details == {"kid": OTHER_KEY.kid, "known": [KEY.kid]}
    assert "published keys" in caught.value.message_en


@pytest.mark.parametrize(
    "document",
    [
        [],
        {"receipt": {}},
        {"receipt": [], "signature": {"alg": "Ed25519", "kid": "k", "value": "v"}},
        {"receipt": {}, "signature": {"alg": "Ed25519", "kid": "k"}},
        {"receipt": {}, "signature": {"alg": "Ed25519", "kid": 1, "value": "v"}},
        {"receipt": {}, "signature": {"alg": "RS256", "kid": KEY.kid, "value": SIGNATURE}},
        {"receipt": {}, "signature": {"alg": "Ed25519", "kid": KEY.kid, "value": "c2ln"}},
        {
            "receipt": {"x": 0.5},
            "signature": {"alg": "Ed25519", "kid": KEY.kid, "value": SIGNATURE},
        },
    ],
    ids=[
        "not-an-object",
        "no-signature",
        "receipt-not-object",
        "no-value",
        "kid-not-text",
        "other-algorithm",
        "short-signature",
        "float-in-receipt",
    ],
)
def test_malformed_documents_are_refused(document: Any) -> None:
    assert _code(document) == "receipt_malformed"


@pytest.mark.parametrize(
    "text",
    [
        b'{"receipt": {"a": 1, "a": 2}, "signature": {}}',
        b'{"receipt": {"a": NaN}, "signature": {}}',
        b"[1, 2",
        b"\xff\xfe\x00",
        b"[]",
        b"[" * 100_000,
    ],
    ids=["duplicate-key", "nan", "truncated", "not-utf8", "not-object", "deep"],
)
def test_receipt_files_are_read_strictly(text: bytes) -> None:
    with pytest.raises(DargahError) as caught:
        receipts.load_receipt(text)

    assert caught.value.code == "receipt_malformed"


# -- published key sets ---------------------------------------------------------------------


def _published(key: SigningKey, *, retired: datetime | None = None) -> PublishedKey:
    return PublishedKey(
        kid=key.kid,
        algorithm="Ed25519",
        public_key=receipts.b64url(key.public_key.public_bytes_raw()),
        created=datetime(2024, 3, 20, tzinfo=UTC),
        retired=retired,
    )


def test_a_published_key_set_is_a_jwk_set_that_load_keys_reads_back() -> None:
    published = jwks([_published(KEY), _published(OTHER_KEY, retired=datetime.now(UTC))])

    assert published["keys"][0] == {
        "kid": KEY.kid,
        "kty": "OKP",
        "crv": "Ed25519",
        "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",
        "alg": "Ed25519",
        "use": "sig",
        "created": "2024-03-20T00:00:00Z",
        "retired": None,
    }
    loaded = receipts.load_keys(json.dumps(published))
    assert sorted(loaded) == sorted([KEY.kid, OTHER_KEY.kid])
    assert receipts.verify(receipts.sign(PAYLOAD, OTHER_KEY), loaded) == PAYLOAD


@pytest.mark.parametrize(
    "jwks_text",
    [
        "{}",
        '{"keys": {}}',
        '{"keys": [{"kty": "OKP", "crv": "Ed25519", "x": "AAAA"}]}',
        '{"keys": [{"kid": "a", "kty": "RSA", "n": "AQAB"}]}',
        '{"keys": [{"kid": "a", "kty": "OKP", "crv": "Ed25519", "x": "AAAA"}]}',
        '{"keys": [{"kid": "a", "kty": "OKP", "crv": "Ed25519"}]}',
        "not json",
    ],
)
def test_unreadable_key_sets_are_refused(jwks_text: str) -> None:
    with pytest.raises(DargahError) as caught:
        receipts.load_keys(jwks_text)

    assert caught.value.code == "receipt_keys_malformed"
