"""The gateway's signing keys on both databases: made once, kept secret, rotated safely."""

from __future__ import annotations

import base64
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed448 import Ed448PrivateKey
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Engine, func, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from dargah.access.policy import Principal, Role
from dargah.audit import receipts, signing
from dargah.audit.events import AuditAction
from dargah.audit.models import AuditEntry, SigningKeyRecord
from dargah.audit.verify import verify_chain
from dargah.config import Settings
from dargah.db.engine import make_engine
from dargah.db.schema import upgrade
from dargah.db.session import atomic
from dargah.errors import DargahError

OPERATOR = Principal(kind="person", role=Role.ADMIN, name="admin1")
PAYLOAD = {"type": "test_receipt/1", "submission": "S-1", "counts": {"rows": 3}}


def _rows(session: Session) -> list[SigningKeyRecord]:
    return list(session.scalars(select(SigningKeyRecord).order_by(SigningKeyRecord.id)))


def _actions(session: Session) -> list[tuple[str, dict[str, object]]]:
    entries = session.scalars(
        select(AuditEntry).where(AuditEntry.action.like("signing_key.%")).order_by(AuditEntry.seq)
    )
    return [(entry.action, entry.details) for entry in entries]


def _pem(path: Path, key: Ed25519PrivateKey | Ed448PrivateKey) -> Path:
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return path


def test_the_first_use_makes_one_key_and_audits_it(session: Session, settings: Settings) -> None:
    first = signing.active_key(session, settings)
    again = signing.active_key(session, settings)

    assert again.kid == first.kid == signing.kid_of(first.public_key)
    rows = _rows(session)
    assert [(row.kid, row.active, row.source, row.retired_at) for row in rows] == [
        (first.kid, True, "generated", None)
    ]
    assert _actions(session) == [
        (
            "signing_key.created",
            {"kid": first.kid, "algorithm": "Ed25519", "source": "generated", "retired": None},
        )
    ]
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "signing_key.created"))
    assert entry is not None
    assert (entry.actor, entry.actor_kind) == ("gateway:IR/GOV/MSRT", "system")


def test_the_key_is_made_inside_the_callers_transaction(
    session: Session, settings: Settings
) -> None:
    def sign_then_fail(begin: Callable[[], AbstractContextManager[object]]) -> None:
        with begin():
            signing.active_key(session, settings)
            raise RuntimeError("the caller's work is undone")

    for begin in (session.begin, lambda: atomic(session)):
        with pytest.raises(RuntimeError, match="undone"):
            sign_then_fail(begin)

        assert _rows(session) == []
        assert signing.public_keys(session) == []


def test_a_signed_receipt_verifies_with_the_published_keys(
    session: Session, settings: Settings
) -> None:
    document = receipts.sign(PAYLOAD, signing.active_key(session, settings))

    assert receipts.verify(document, signing.verifying_keys(session)) == PAYLOAD


def test_the_private_key_is_not_stored_in_clear(session: Session, settings: Settings) -> None:
    key = signing.active_key(session, settings)
    raw = key.private_key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    pem = key.private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )

    stored = " ".join(
        str(value) for value in session.execute(text("SELECT * FROM signing_keys")).one()
    )

    spellings = [
        raw.hex(),
        base64.b64encode(raw).decode().rstrip("="),
        receipts.b64url(raw),
        pem.decode().splitlines()[1],
    ]
    assert not [spelling for spelling in spellings if spelling in stored]
    assert stored.count("v1.") == 1  # the encrypted envelope is there


def test_another_secret_cannot_open_the_key_until_rotation(
    session: Session, settings: Settings
) -> None:
    old = signing.active_key(session, settings)
    old_receipt = receipts.sign(PAYLOAD, old)
    other = settings.model_copy(
        update={"secret_key": settings.secret_key.__class__("another-secret-" + "x" * 32)}
    )

    with pytest.raises(DargahError) as caught:
        signing.active_key(session, other)

    assert caught.value.code == "signing_key_unreadable"
    assert caught.value.status == 503
    assert "dargah keys signing rotate" in caught.value.message_en
    assert [key.kid for key in signing.published_keys(session, other)] == [old.kid]
    signing.rotate(session, OPERATOR, other)
    new = signing.active_key(session, other)
    assert new.kid != old.kid
    assert receipts.verify(old_receipt, signing.verifying_keys(session)) == PAYLOAD


def test_an_altered_ciphertext_is_refused(session: Session, settings: Settings) -> None:
    key = signing.active_key(session, settings)
    row = _rows(session)[0]
    assert row.private_key is not None
    version, salt, nonce, sealed = row.private_key.split(".")
    flipped = sealed[:-3] + ("A" if sealed[-3] != "A" else "B") + sealed[-2:]
    with atomic(session):
        session.execute(
            update(SigningKeyRecord)
            .where(SigningKeyRecord.id == row.id)
            .values(private_key=".".join((version, salt, nonce, flipped)))
        )

    with pytest.raises(DargahError) as caught:
        signing.active_key(session, settings)

    assert caught.value.code == "signing_key_unreadable"
    assert caught.value.details == {"kid": key.kid}


def test_rotation_retires_the_old_key_which_still_verifies_old_receipts(
    session: Session, settings: Settings
) -> None:
    old = signing.active_key(session, settings)
    old_receipt = receipts.sign(PAYLOAD, old)

    published = signing.rotate(session, OPERATOR, settings)
    new = signing.active_key(session, settings)

    assert new.kid == published.kid != old.kid
    keys = signing.public_keys(session)
    assert [(key.kid, key.retired is None) for key in keys] == [(new.kid, True), (old.kid, False)]
    retired_row = next(row for row in _rows(session) if row.kid == old.kid)
    assert (retired_row.active, retired_row.private_key) == (None, None)  # erased
    assert receipts.verify(old_receipt, signing.verifying_keys(session)) == PAYLOAD
    assert receipts.sign(PAYLOAD, new)["signature"]["kid"] == new.kid
    rotated = _actions(session)[-1]
    assert rotated[0] == AuditAction.SIGNING_KEY_ROTATED.value
    assert rotated[1]["retired"] == old.kid
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "signing_key.rotated"))
    assert entry is not None
    assert entry.actor == "admin1"


def test_rotating_a_node_without_a_key_makes_its_first(
    session: Session, settings: Settings
) -> None:
    published = signing.rotate(session, OPERATOR, settings)

    assert [key.kid for key in signing.public_keys(session)] == [published.kid]
    assert signing.active_key(session, settings).kid == published.kid


def test_a_key_file_is_used_published_and_never_stored(
    session: Session, settings: Settings, tmp_path: Path
) -> None:
    generated = signing.active_key(session, settings)
    file_key = Ed25519PrivateKey.generate()
    with_file = settings.model_copy(
        update={"signing_key_file": _pem(tmp_path / "signing.pem", file_key)}
    )

    used = signing.active_key(session, with_file)
    signed = receipts.sign(PAYLOAD, used)

    assert used.kid == signing.kid_of(file_key.public_key())
    rows = {row.kid: row for row in _rows(session)}
    assert (rows[used.kid].source, rows[used.kid].private_key, rows[used.kid].active) == (
        "file",
        None,
        True,
    )
    assert rows[generated.kid].retired_at is not None
    assert [key.kid for key in signing.published_keys(session, with_file)] == [
        used.kid,
        generated.kid,
    ]
    with pytest.raises(DargahError) as refused:
        signing.rotate(session, OPERATOR, with_file)
    assert refused.value.code == "signing_key_from_file"

    # The operator drops the file: the node makes a key of its own again.
    back = signing.active_key(session, settings)
    assert back.kid not in (used.kid, generated.kid)
    assert receipts.verify(signed, signing.verifying_keys(session)) == PAYLOAD
    assert [action for action, _ in _actions(session)] == ["signing_key.created"] * 3


def test_a_key_file_that_comes_back_signs_again(
    session: Session, settings: Settings, tmp_path: Path
) -> None:
    first = settings.model_copy(
        update={"signing_key_file": _pem(tmp_path / "a.pem", Ed25519PrivateKey.generate())}
    )
    second = settings.model_copy(
        update={"signing_key_file": _pem(tmp_path / "b.pem", Ed25519PrivateKey.generate())}
    )
    kid_a = signing.active_key(session, first).kid
    signing.active_key(session, second)

    assert signing.active_key(session, first).kid == kid_a
    published = signing.public_keys(session)
    assert (published[0].kid, published[0].retired) == (kid_a, None)
    assert len(published) == 2


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (None, "cannot open"),
        (b"not a key", "not a readable PEM key"),
        ("ed448", "not an Ed25519 key"),
    ],
)
def test_an_unusable_key_file_is_a_clear_error(
    session: Session, settings: Settings, tmp_path: Path, content: bytes | str | None, reason: str
) -> None:
    path = tmp_path / "signing.pem"
    if content == "ed448":
        _pem(path, Ed448PrivateKey.generate())
    elif isinstance(content, bytes):
        path.write_bytes(content)

    with pytest.raises(DargahError) as caught:
        signing.active_key(session, settings.model_copy(update={"signing_key_file": path}))

    assert caught.value.code == "signing_key_file_invalid"
    assert reason in caught.value.message_en
    assert _rows(session) == []


# -- two workers at once ------------------------------------------------------------------


@pytest.fixture
def migrated_engine(fresh_database_url: str) -> Iterator[Engine]:
    engine = make_engine(fresh_database_url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.mark.parametrize("fresh_database_url", ["sqlite", "postgresql"], indirect=True)
def test_two_workers_racing_for_the_first_key_end_with_one(
    migrated_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings(
        environment="test",
        database_url=migrated_engine.url.render_as_string(hide_password=False),
    )
    sessions = sessionmaker(bind=migrated_engine, expire_on_commit=False)
    # On PostgreSQL both workers see no key and each generates one before either
    # writes. SQLite's write lock (BEGIN IMMEDIATE) lets them in one at a time.
    racing = migrated_engine.dialect.name == "postgresql"
    both_generated = threading.Barrier(2)
    generated = []
    generate = signing._new_private_key

    def generate_together() -> Ed25519PrivateKey:
        generated.append(1)
        if racing:
            both_generated.wait(timeout=30)
        return generate()

    monkeypatch.setattr(signing, "_new_private_key", generate_together)

    def worker() -> str:
        with sessions() as session, session.begin():
            key = signing.active_key(session, settings)
            receipts.sign(PAYLOAD, key)
            return key.kid

    with ThreadPoolExecutor(max_workers=2) as pool:
        kids = [future.result(timeout=120) for future in [pool.submit(worker) for _ in range(2)]]

    with sessions() as session:
        count = session.scalar(select(func.count()).select_from(SigningKeyRecord))
        created = _actions(session)
        report = verify_chain(session)
    assert kids[0] == kids[1]
    assert count == 1
    assert [(action, details["kid"]) for action, details in created] == [
        ("signing_key.created", kids[0])
    ]
    assert report.ok, report.first_problem
    if racing:
        assert len(generated) == 2
