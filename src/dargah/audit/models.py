"""The audit log table and the head of its hash chain."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from dargah.db.base import Base, UTCDateTime

GENESIS_HASH = "0" * 64


class AuditEntry(Base):
    """One audited event. Rows are only ever inserted; ``seq`` numbers them without gaps.

    ``entry_hash`` = SHA-256 over ``prev_hash`` and the canonical JSON of the entry, so
    changing, inserting or deleting any row breaks the chain from that point on.
    """

    __tablename__ = "audit_entries"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    action: Mapped[str] = mapped_column(String(60), index=True)
    outcome: Mapped[str] = mapped_column(String(20))
    actor_kind: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str] = mapped_column(String(200), index=True)
    actor_role: Mapped[str] = mapped_column(String(20))
    member: Mapped[str | None] = mapped_column(String(120), index=True)
    system: Mapped[str | None] = mapped_column(String(200))
    entity_type: Mapped[str | None] = mapped_column(String(60))
    entity_id: Mapped[str | None] = mapped_column(String(200), index=True)
    purpose: Mapped[str | None] = mapped_column(Text)
    personal_data: Mapped[bool] = mapped_column(Boolean, default=False)
    request_id: Mapped[str | None] = mapped_column(String(64), index=True)
    client_address: Mapped[str | None] = mapped_column(String(64))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64))


class AuditChainHead(Base):
    """A single row holding the newest sequence number and hash.

    Appending updates this row first, which takes a row lock on PostgreSQL and the
    write lock on SQLite, so concurrent writers chain one after another, never forking.
    """

    __tablename__ = "audit_chain_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)
    last_hash: Mapped[str] = mapped_column(String(64), default=GENESIS_HASH)


class SigningKeyRecord(Base):
    """An Ed25519 key the gateway signs receipts with; retired keys stay to verify old ones.

    ``active`` is True on the one key in use and NULL on every retired key: the unique
    constraint on it (NULLs never collide) lets at most one key be active, so two
    workers racing to create the first key end with one, and the loser reads the
    winner's. ``private_key`` is AES-256-GCM ciphertext under a key derived from the
    node's secret (``audit.signing``), or NULL for a key read from
    ``DARGAH_SIGNING_KEY_FILE``, whose private half never enters the database.
    """

    __tablename__ = "signing_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kid: Mapped[str] = mapped_column(String(32), unique=True)
    algorithm: Mapped[str] = mapped_column(String(20))
    public_key: Mapped[str] = mapped_column(String(64))
    private_key: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool | None] = mapped_column(Boolean, unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
