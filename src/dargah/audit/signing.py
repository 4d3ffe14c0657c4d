"""The gateway's Ed25519 signing keys: one active, the retired ones kept for verifying.

A node signs receipts (and, later, exchange messages) with its active key. The key is
made on first use and kept in ``signing_keys``, its private half encrypted with
AES-256-GCM under a key derived (HKDF-SHA256, a fresh salt per key) from
``DARGAH_SECRET_KEY``; or the operator names a PEM file in ``DARGAH_SIGNING_KEY_FILE``,
whose key is then used and published but never stored. Rotating retires the active
key: it stays published, so receipts signed with it keep verifying, but its private
half is erased and it signs nothing more.

Key ids (``kid``) are the first 16 hex digits of the SHA-256 of the raw 32-byte public
key, so anyone can recompute them from the published key.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, SessionTransactionOrigin

from dargah.access.policy import Principal, Role
from dargah.audit.events import AuditAction
from dargah.audit.models import SigningKeyRecord
from dargah.audit.receipts import ALGORITHM, b64url, b64url_decode, timestamp
from dargah.audit.service import record
from dargah.config import Settings
from dargah.db.base import utcnow
from dargah.db.session import atomic
from dargah.errors import Conflict, ServiceUnavailable

KID_HEX_DIGITS = 16
SOURCE_GENERATED = "generated"
SOURCE_FILE = "file"
_ENVELOPE_VERSION = "v1"
_HKDF_INFO = b"dargah/signing-key-at-rest/v1"
_ATTEMPTS = 5


@dataclass(frozen=True)
class SigningKey:
    """A key the gateway can sign with: its id and the private key itself."""

    kid: str
    private_key: Ed25519PrivateKey
    algorithm: str = ALGORITHM

    @property
    def public_key(self) -> Ed25519PublicKey:
        """The public half, as published."""
        return self.private_key.public_key()


@dataclass(frozen=True)
class PublishedKey:
    """A public key as the gateway publishes it; ``retired`` is None for the active key."""

    kid: str
    algorithm: str
    public_key: str
    created: datetime
    retired: datetime | None

    @property
    def verifying_key(self) -> Ed25519PublicKey:
        """The key as an object ``receipts.verify`` can use."""
        return Ed25519PublicKey.from_public_bytes(b64url_decode(self.public_key))

    def as_jwk(self) -> dict[str, Any]:
        """The key as a JSON Web Key (RFC 8037 OKP form), with its lifetime."""
        return {
            "kid": self.kid,
            "kty": "OKP",
            "crv": "Ed25519",
            "x": self.public_key,
            "alg": self.algorithm,
            "use": "sig",
            "created": timestamp(self.created),
            "retired": None if self.retired is None else timestamp(self.retired),
        }


def kid_of(public_key: Ed25519PublicKey) -> str:
    """The key id of ``public_key``: 16 hex digits of the SHA-256 of its raw bytes."""
    return hashlib.sha256(_raw_public(public_key)).hexdigest()[:KID_HEX_DIGITS]


# -- the active key -------------------------------------------------------------------------


def active_key(session: Session, settings: Settings) -> SigningKey:
    """The key to sign with now, made (and audited) the first time it is needed.

    With ``signing_key_file`` set, that file's key is used, and recorded as the active
    key (retiring the previous one) the first time it appears. Otherwise the stored
    active key is decrypted, or a new key is generated. Writes happen in a savepoint of
    the caller's transaction, or in a transaction of their own when there is none;
    workers racing to make the first key all end up with the same one.

    Raises ``ServiceUnavailable`` (``signing_key_unreadable``) when the stored key
    cannot be decrypted with this node's secret, or (``signing_key_file_invalid``)
    when the key file cannot be read.
    """
    current, from_file = _ensure_active(session, settings)
    if from_file is not None:
        return SigningKey(current.kid, from_file)
    if current.private_key is None:  # _ensure_active only leaves a key it can sign with
        raise RuntimeError(f"the active signing key {current.kid} has no private half")
    return SigningKey(current.kid, _decrypt(current.private_key, current.kid, settings))


def _ensure_active(
    session: Session, settings: Settings
) -> tuple[SigningKeyRecord, Ed25519PrivateKey | None]:
    """The record of the key to sign with, put in use if needed; and the file's key."""
    if settings.signing_key_file is not None:
        private = load_key_file(settings.signing_key_file)
        current = _active_record(session)
        if current is None or current.kid != kid_of(private.public_key()):
            current = _put_in_use(
                session,
                settings,
                private,
                source=SOURCE_FILE,
                action=AuditAction.SIGNING_KEY_CREATED,
                principal=_gateway(settings),
                replace_any=True,
            )
        return current, private
    current = _active_record(session)
    if current is None or current.private_key is None:
        # No key yet, or the active one came from a key file no longer configured.
        current = _put_in_use(
            session,
            settings,
            _new_private_key(),
            source=SOURCE_GENERATED,
            action=AuditAction.SIGNING_KEY_CREATED,
            principal=_gateway(settings),
            replace_any=False,
        )
    return current, None


def rotate(session: Session, principal: Principal, settings: Settings) -> PublishedKey:
    """Retire the active key and put a newly generated one in use; audited.

    The retired key stays published (receipts it signed keep verifying) but its
    private half is erased. Refused with ``signing_key_from_file`` while the key comes
    from ``DARGAH_SIGNING_KEY_FILE``: replace the file instead. Owns its transaction.
    """
    if settings.signing_key_file is not None:
        raise Conflict(
            "کلید امضا از فایل DARGAH_SIGNING_KEY_FILE خوانده می‌شود؛ برای تعویض، فایل را "
            "با کلید تازه جایگزین کنید.",
            "The signing key is read from DARGAH_SIGNING_KEY_FILE: replace the file to rotate it.",
            code="signing_key_from_file",
            details={"file": str(settings.signing_key_file)},
        )
    created = _put_in_use(
        session,
        settings,
        _new_private_key(),
        source=SOURCE_GENERATED,
        action=AuditAction.SIGNING_KEY_ROTATED,
        principal=principal,
        replace_any=True,
    )
    return _published(created)


# -- publication ----------------------------------------------------------------------------


def public_keys(session: Session) -> list[PublishedKey]:
    """Every key the gateway has signed with: the active one first, then newest first."""
    rows = session.scalars(
        select(SigningKeyRecord).order_by(
            SigningKeyRecord.active.is_(None), SigningKeyRecord.id.desc()
        )
    ).all()
    return [_published(row) for row in rows]


def verifying_keys(session: Session) -> dict[str, Ed25519PublicKey]:
    """The public keys by kid, retired ones included, ready for ``receipts.verify``."""
    return {key.kid: key.verifying_key for key in public_keys(session)}


def published_keys(session: Session, settings: Settings) -> list[PublishedKey]:
    """The keys to publish, after making sure the node has its active key.

    So the set can be handed out before the first receipt is signed, and a key newly
    named in ``signing_key_file`` shows up at once. The private key is not decrypted.
    """
    _ensure_active(session, settings)
    return public_keys(session)


def jwks(keys: Sequence[PublishedKey]) -> dict[str, Any]:
    """The published key set as JSON: ``{"keys": [JWK, ...]}``."""
    return {"keys": [key.as_jwk() for key in keys]}


# -- key files ------------------------------------------------------------------------------


def load_key_file(path: Path) -> Ed25519PrivateKey:
    """The Ed25519 private key in a PKCS#8 PEM file (``openssl genpkey -algorithm ed25519``).

    Re-read only when the file changes. Raises ``ServiceUnavailable``
    (``signing_key_file_invalid``) when it is missing, unreadable, encrypted with a
    password, or holds another kind of key.
    """
    try:
        stat = path.stat()
    except OSError as exc:
        raise _file_invalid(path, "فایل پیدا یا خوانده نشد", f"cannot open it ({exc})") from exc
    return _load_key_file(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=4)
def _load_key_file(path: Path, _mtime_ns: int, _size: int) -> Ed25519PrivateKey:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _file_invalid(path, "فایل خوانده نشد", f"cannot read it ({exc})") from exc
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except TypeError as exc:  # the file is encrypted
        raise _file_invalid(
            path, "کلید رمزگذاری‌شده پشتیبانی نمی‌شود", "password-protected keys are not supported"
        ) from exc
    except (ValueError, UnsupportedAlgorithm) as exc:
        raise _file_invalid(path, "کلید PEM خوانا نیست", "it is not a readable PEM key") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise _file_invalid(path, "کلید از نوع Ed25519 نیست", "it is not an Ed25519 key")
    return key


def _file_invalid(path: Path, reason_fa: str, reason_en: str) -> ServiceUnavailable:
    return ServiceUnavailable(
        f"کلید امضای درگاه از DARGAH_SIGNING_KEY_FILE ({path}) خوانده نشد: {reason_fa}.",
        f"The gateway signing key in DARGAH_SIGNING_KEY_FILE ({path}) cannot be used: {reason_en}.",
        code="signing_key_file_invalid",
        details={"file": str(path)},
    )


# -- putting a key in use -------------------------------------------------------------------


class _Stale(Exception):
    """The active key changed between reading it and retiring it: try again."""


def _put_in_use(
    session: Session,
    settings: Settings,
    private: Ed25519PrivateKey,
    *,
    source: str,
    action: AuditAction,
    principal: Principal,
    replace_any: bool,
) -> SigningKeyRecord:
    """Make ``private`` the active key and return the active record; audited.

    With ``replace_any`` off, a usable active key found on the way (another worker
    made one first) is returned instead. The audit entry is written first: its chain
    head is a lock every writer takes, so writers reach ``signing_keys`` one at a time
    and cannot deadlock there. What was read before that lock may be stale; the retire
    step then finds nothing to retire or the insert meets the winner's key, the
    savepoint is rolled back and the whole step is tried again.
    """
    kid = kid_of(private.public_key())
    for _ in range(_ATTEMPTS):
        try:
            with _unit(session):
                current = _active_record(session)
                if current is not None and current.kid == kid:
                    return current
                if current is not None and not replace_any and current.private_key is not None:
                    return current
                record(
                    session,
                    principal=principal,
                    action=action,
                    entity_type="signing_key",
                    entity_id=kid,
                    details={
                        "kid": kid,
                        "algorithm": ALGORITHM,
                        "source": source,
                        "retired": None if current is None else current.kid,
                    },
                )
                if current is not None:
                    _retire(session, current)
                return _activate(session, settings, private, kid=kid, source=source)
        except (_Stale, IntegrityError):
            continue
    raise Conflict(
        "کلید امضای درگاه هم‌زمان در جای دیگری تغییر کرد؛ دوباره تلاش کنید.",
        "The gateway signing key was changed elsewhere at the same moment; try again.",
        code="signing_key_contention",
    )


@contextmanager
def _unit(session: Session) -> Iterator[None]:
    """A savepoint inside the caller's transaction, or a committed one of our own.

    ``atomic`` gives a savepoint inside another ``atomic`` and otherwise treats an open
    transaction as reads only, to be ended. A transaction the caller opened with
    ``session.begin()`` is not that: it gets a savepoint too, and commits with the
    caller's work.
    """
    transaction = session.get_transaction()
    if (
        transaction is not None
        and transaction.origin is SessionTransactionOrigin.BEGIN
        and not session.info.get("atomic_depth", 0)
    ):
        with session.begin_nested():
            yield
        return
    with atomic(session):
        yield


def _retire(session: Session, current: SigningKeyRecord) -> None:
    retired = session.execute(
        update(SigningKeyRecord)
        .where(SigningKeyRecord.id == current.id, SigningKeyRecord.active.is_(True))
        .values(active=None, retired_at=utcnow(), private_key=None)
        .returning(SigningKeyRecord.id)
        .execution_options(synchronize_session=False)
    ).all()
    if len(retired) != 1:
        raise _Stale
    session.expire(current)


def _activate(
    session: Session, settings: Settings, private: Ed25519PrivateKey, *, kid: str, source: str
) -> SigningKeyRecord:
    existing = session.scalar(select(SigningKeyRecord).where(SigningKeyRecord.kid == kid))
    if existing is not None:
        # A key file's key coming back after another was used: it signs again.
        existing.active = True
        existing.retired_at = None
        session.flush()
        return existing
    row = SigningKeyRecord(
        kid=kid,
        algorithm=ALGORITHM,
        public_key=b64url(_raw_public(private.public_key())),
        private_key=None if source == SOURCE_FILE else _encrypt(private, kid, settings),
        source=source,
        active=True,
        created_at=utcnow(),
        retired_at=None,
    )
    session.add(row)
    session.flush()
    return row


def _active_record(session: Session) -> SigningKeyRecord | None:
    return session.scalar(
        select(SigningKeyRecord)
        .where(SigningKeyRecord.active.is_(True))
        .execution_options(populate_existing=True)
    )


def _published(row: SigningKeyRecord) -> PublishedKey:
    return PublishedKey(
        kid=row.kid,
        algorithm=row.algorithm,
        public_key=row.public_key,
        created=row.created_at,
        retired=row.retired_at,
    )


def _gateway(settings: Settings) -> Principal:
    """The node itself, as the actor of what it does on its own (making its first key)."""
    return Principal(
        kind="system",
        role=Role.ADMIN,
        name=f"gateway:{settings.node_member}",
        member_identifier=settings.node_member,
    )


def _new_private_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def _raw_public(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


# -- the private key at rest ----------------------------------------------------------------


def _encrypt(private: Ed25519PrivateKey, kid: str, settings: Settings) -> str:
    """``v1.<salt>.<nonce>.<ciphertext>``: AES-256-GCM, bound to the key id."""
    raw = private.private_bytes(
        serialization.Encoding.Raw,
        serialization.PrivateFormat.Raw,
        serialization.NoEncryption(),
    )
    salt, nonce = os.urandom(16), os.urandom(12)
    sealed = AESGCM(_wrapping_key(settings, salt)).encrypt(nonce, raw, kid.encode("ascii"))
    return ".".join((_ENVELOPE_VERSION, b64url(salt), b64url(nonce), b64url(sealed)))


def _decrypt(stored: str, kid: str, settings: Settings) -> Ed25519PrivateKey:
    try:
        version, salt, nonce, sealed = stored.split(".")
        if version != _ENVELOPE_VERSION:
            raise ValueError(f"unknown envelope {version}")
        key = AESGCM(_wrapping_key(settings, b64url_decode(salt)))
        raw = key.decrypt(b64url_decode(nonce), b64url_decode(sealed), kid.encode("ascii"))
        private = Ed25519PrivateKey.from_private_bytes(raw)
    except (ValueError, InvalidTag) as exc:
        raise _unreadable(kid) from exc
    if kid_of(private.public_key()) != kid:
        raise _unreadable(kid)
    return private


def _wrapping_key(settings: Settings, salt: bytes) -> bytes:
    secret = settings.secret_key.get_secret_value().encode("utf-8")
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=_HKDF_INFO).derive(secret)


def _unreadable(kid: str) -> ServiceUnavailable:
    return ServiceUnavailable(
        f"کلید امضای فعال درگاه ({kid}) با DARGAH_SECRET_KEY کنونی گشوده نمی‌شود. کلید رمز "
        "قبلی را برگردانید، یا با `dargah keys signing rotate` کلید تازه بسازید (رسیدهای "
        "قبلی همچنان معتبر می‌مانند).",
        f"The gateway's active signing key ({kid}) cannot be decrypted with the current "
        "DARGAH_SECRET_KEY. Restore the secret it was made with, or run "
        "`dargah keys signing rotate` to start a new key (earlier receipts stay valid).",
        code="signing_key_unreadable",
        details={"kid": kid},
    )
