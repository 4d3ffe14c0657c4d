"""GET /api/v1/gateway/keys: anyone can fetch the keys that check the gateway's receipts."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from dargah.access.policy import cli_principal
from dargah.audit import receipts, signing
from dargah.config import Settings

KEYS = "/api/v1/gateway/keys"
PAYLOAD = {"type": "test_receipt/1", "submission": "S-42", "counts": {"rows": 10}}


def test_anyone_gets_the_keys_without_logging_in(client: TestClient) -> None:
    response = client.get(KEYS)

    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.headers["cache-control"] == "public, max-age=300"
    (key,) = response.json()["keys"]
    assert {name: key[name] for name in ("kty", "crv", "alg", "use", "retired")} == {
        "kty": "OKP",
        "crv": "Ed25519",
        "alg": "Ed25519",
        "use": "sig",
        "retired": None,
    }
    assert len(receipts.b64url_decode(key["x"])) == 32
    assert key["created"].endswith("Z")


def test_the_same_key_set_is_served_until_it_changes(client: TestClient) -> None:
    first = client.get(KEYS)
    second = client.get(KEYS)
    cached = client.get(KEYS, headers={"If-None-Match": first.headers["etag"]})

    assert second.json() == first.json()
    assert second.headers["etag"] == first.headers["etag"]
    assert cached.status_code == 304
    assert cached.content == b""


def test_the_published_keys_verify_a_receipt_signed_before_and_after_rotation(
    client: TestClient, session: Session, settings: Settings
) -> None:
    before = receipts.sign(PAYLOAD, signing.active_key(session, settings))
    old_set = client.get(KEYS)
    signing.rotate(session, cli_principal("tester"), settings)
    after = receipts.sign(PAYLOAD, signing.active_key(session, settings))

    response = client.get(KEYS, headers={"If-None-Match": old_set.headers["etag"]})

    assert response.status_code == 200  # the set changed: the old ETag no longer matches
    published = response.json()["keys"]
    assert [key["kid"] for key in published] == [
        after["signature"]["kid"],
        before["signature"]["kid"],
    ]
    assert published[0]["retired"] is None
    assert published[1]["retired"] is not None
    keys = receipts.load_keys(response.content)
    assert receipts.verify(before, keys) == PAYLOAD
    assert receipts.verify(after, keys) == PAYLOAD


def test_a_bad_credential_does_not_hide_the_keys(client: TestClient) -> None:
    response = client.get(KEYS, headers={"Authorization": "Bearer not-a-key"})

    assert response.status_code == 200
