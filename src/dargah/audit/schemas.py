"""Pydantic models of the audit HTTP API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from dargah.audit.events import AUDIT_ACTION_DESCRIPTIONS, AuditAction
from dargah.audit.models import AuditEntry
from dargah.audit.service import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, EntryPage
from dargah.audit.verify import ChainReport
from dargah.persian.inputs import DigitsDatetime, DigitsStr


class EntrySearchQuery(BaseModel):
    """Query parameters of ``GET /audit/entries``; all filters combine with AND."""

    model_config = ConfigDict(extra="forbid")

    action: list[str] = Field(
        default_factory=list,
        description="Action codes (docs/audit-events.md), repeated or comma-separated",
    )
    actor: DigitsStr | None = Field(default=None, max_length=200, description="Who acted, exactly")
    member: DigitsStr | None = Field(default=None, max_length=120, description="e.g. IR/UNI/1001")
    entity_type: str | None = Field(default=None, max_length=60)
    entity_id: DigitsStr | None = Field(default=None, max_length=200)
    request_id: DigitsStr | None = Field(default=None, max_length=64)
    personal_data: bool | None = Field(default=None, description="Only reads of personal data")
    since: DigitsDatetime | None = Field(
        default=None, alias="from", description="From this time, inclusive (UTC if no zone)"
    )
    until: DigitsDatetime | None = Field(
        default=None, alias="to", description="Up to this time, exclusive (UTC if no zone)"
    )
    limit: int = Field(
        default=DEFAULT_PAGE_SIZE, description=f"Entries per page, 1 to {MAX_PAGE_SIZE}"
    )
    cursor: int | None = Field(default=None, description="The next_cursor of the previous page")
    # Read by api.deps.purpose_of; declared so that extra="forbid" lets it through.
    purpose: str | None = Field(
        default=None, description="Why the log is read (or the Dargah-Purpose header)"
    )


class EntryOut(BaseModel):
    """One audit entry with its place in the hash chain."""

    model_config = ConfigDict(from_attributes=True)

    seq: int
    at: datetime
    action: str
    description_fa: str | None = None
    description_en: str | None = None
    outcome: str
    actor_kind: str
    actor: str
    actor_role: str
    member: str | None
    system: str | None
    entity_type: str | None
    entity_id: str | None
    purpose: str | None
    personal_data: bool
    request_id: str | None
    client_address: str | None
    details: dict[str, Any]
    prev_hash: str
    entry_hash: str

    @classmethod
    def of(cls, entry: AuditEntry) -> EntryOut:
        """The API view of ``entry``, with the action described in both languages."""
        out = cls.model_validate(entry)
        try:
            description = AUDIT_ACTION_DESCRIPTIONS[AuditAction(entry.action)]
        except ValueError:
            return out  # a code this version no longer knows: show it as stored
        return out.model_copy(
            update={"description_fa": description[0], "description_en": description[1]}
        )


class EntryPageOut(BaseModel):
    """A page of entries, newest first; ``next_cursor`` is null on the last page."""

    items: list[EntryOut]
    next_cursor: int | None

    @classmethod
    def of(cls, page: EntryPage) -> EntryPageOut:
        """The API view of a search result."""
        return cls(items=[EntryOut.of(entry) for entry in page.items], next_cursor=page.next_cursor)


class ChainProblemOut(BaseModel):
    """The first place the chain breaks."""

    seq: int
    kind: str = Field(description="altered, inserted or deleted")
    message_fa: str
    message_en: str


class ChainReportOut(BaseModel):
    """The result of verifying the chain."""

    ok: bool
    entries_checked: int
    first_problem: ChainProblemOut | None
    head_seq: int
    last_hash: str

    @classmethod
    def of(cls, report: ChainReport) -> ChainReportOut:
        """The API view of a verification report."""
        problem = report.first_problem
        return cls(
            ok=report.ok,
            entries_checked=report.entries_checked,
            first_problem=None
            if problem is None
            else ChainProblemOut(
                seq=problem.seq,
                kind=problem.kind.value,
                message_fa=problem.message_fa,
                message_en=problem.message_en,
            ),
            head_seq=report.head_seq,
            last_hash=report.last_hash,
        )
