"""Verifying the chain finds every kind of tampering, and says where and what.

Each test appends entries through ``record()`` and then edits the table behind the
service's back, as someone with database access would.
"""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import delete, insert, select, text, update
from sqlalchemy.orm import Session

from dargah.access.policy import Principal, Role
from dargah.audit.chain import HASHED_FIELDS, entry_hash
from dargah.audit.events import AuditAction
from dargah.audit.models import AuditChainHead, AuditEntry
from dargah.audit.service import chain_head, record, verify_audit_log
from dargah.audit.verify import ChainReport, ProblemKind, verify_chain

TESTER = Principal(kind="person", role=Role.ADMIN, name="tester")
COUNT = 7


def _append(session: Session, count: int = COUNT) -> list[int]:
    """Append ``count`` entries in one committed unit; their seqs."""
    with session.begin():
        entries = [
            record(
                session,
                principal=TESTER,
                action=AuditAction.MEMBER_CREATED,
                entity_type="member",
                entity_id=f"IR/UNI/{1000 + number}",
                details={"name_fa": f"دانشگاه {number}", "changes": {"b": number, "a": [1, 2]}},
                personal_data=number % 2 == 0,
            )
            for number in range(count)
        ]
    return [entry.seq for entry in entries]


def _hash_of(session: Session, seq: int) -> str:
    value = session.scalar(select(AuditEntry.entry_hash).where(AuditEntry.seq == seq))
    assert value is not None
    return value


def _forge(session: Session, seq: int, *, prev_hash: str, actor: str = "forger") -> str:
    """Insert a well-formed forged entry numbered ``seq``; its hash."""
    template = session.execute(
        select(*(getattr(AuditEntry, name) for name in HASHED_FIELDS)).limit(1)
    ).one()
    fields: dict[str, Any] = dict(template._mapping)
    fields.update(seq=seq, actor=actor)
    forged_hash = entry_hash(prev_hash, fields)
    session.execute(
        insert(AuditEntry).values(**fields, prev_hash=prev_hash, entry_hash=forged_hash)
    )
    return forged_hash


def _problem(report: ChainReport) -> tuple[int, ProblemKind]:
    assert not report.ok
    assert report.first_problem is not None
    return report.first_problem.seq, report.first_problem.kind


def test_an_untouched_chain_verifies_across_batches(session: Session) -> None:
    seqs = _append(session)

    report = verify_chain(session, batch_size=2)

    assert report.ok
    assert report.first_problem is None
    assert report.entries_checked == seqs[-1]
    assert report.head_seq == seqs[-1]
    assert report.last_hash == _hash_of(session, seqs[-1])


def test_the_chain_is_gapless_and_linked(session: Session) -> None:
    seqs = _append(session)
    rows = session.execute(
        select(AuditEntry.seq, AuditEntry.prev_hash, AuditEntry.entry_hash)
        .where(AuditEntry.seq >= seqs[0] - 1)
        .order_by(AuditEntry.seq)
    ).all()

    assert seqs == list(range(seqs[0], seqs[0] + COUNT))
    for before, after in itertools.pairwise(rows):
        assert after.prev_hash == before.entry_hash


@pytest.mark.parametrize(
    "assignment",
    [
        "actor = 'someone-else'",
        "action = 'member.updated'",
        "outcome = 'failure'",
        "entity_id = 'IR/UNI/9999'",
        "personal_data = NOT personal_data",
        'details = \'{"name_fa": "دانشگاه جعلی", "changes": {"a": [1, 2], "b": 3}}\'',
        "prev_hash = '" + "1" * 64 + "'",
        "entry_hash = '" + "2" * 64 + "'",
    ],
    ids=["actor", "action", "outcome", "entity_id", "personal_data", "details", "prev", "hash"],
)
def test_a_hand_edited_middle_row_is_reported_altered(session: Session, assignment: str) -> None:
    seqs = _append(session)
    target = seqs[3]

    session.execute(
        text(f"UPDATE audit_entries SET {assignment} WHERE seq = :seq"),  # noqa: S608
        {"seq": target},
    )
    report = verify_chain(session, batch_size=3)

    assert _problem(report) == (target, ProblemKind.ALTERED)
    assert report.entries_checked == target - 1
    assert report.first_problem is not None
    assert str(target) in report.first_problem.message_en
    assert str(target) in report.first_problem.message_fa


def test_an_edited_timestamp_is_reported_altered(session: Session) -> None:
    seqs = _append(session)
    original = session.scalar(select(AuditEntry.at).where(AuditEntry.seq == seqs[2]))
    assert original is not None

    session.execute(
        update(AuditEntry.__table__)
        .where(AuditEntry.seq == seqs[2])
        .values(at=original - timedelta(seconds=1))
    )

    assert _problem(verify_chain(session)) == (seqs[2], ProblemKind.ALTERED)


def test_an_edit_of_the_first_entry_is_found(session: Session) -> None:
    _append(session)

    session.execute(text("UPDATE audit_entries SET actor = 'x' WHERE seq = 1"))

    assert _problem(verify_chain(session)) == (1, ProblemKind.ALTERED)


def test_a_deleted_middle_row_is_reported_deleted(session: Session) -> None:
    seqs = _append(session)

    session.execute(text("DELETE FROM audit_entries WHERE seq = :seq"), {"seq": seqs[3]})
    report = verify_chain(session, batch_size=2)

    assert _problem(report) == (seqs[3], ProblemKind.DELETED)
    assert report.first_problem is not None
    assert f"next entry present is {seqs[4]}" in report.first_problem.message_en


def test_several_deleted_rows_are_named_as_a_range(session: Session) -> None:
    seqs = _append(session)

    session.execute(
        text("DELETE FROM audit_entries WHERE seq IN (:a, :b)"), {"a": seqs[2], "b": seqs[3]}
    )
    report = verify_chain(session)

    assert _problem(report) == (seqs[2], ProblemKind.DELETED)
    assert report.first_problem is not None
    assert f"{seqs[2]} to {seqs[3]}" in report.first_problem.message_en


def test_a_truncated_tail_is_reported_deleted(session: Session) -> None:
    seqs = _append(session)

    session.execute(text("DELETE FROM audit_entries WHERE seq > :seq"), {"seq": seqs[4]})
    report = verify_chain(session, batch_size=2)

    assert _problem(report) == (seqs[5], ProblemKind.DELETED)
    assert report.entries_checked == seqs[4]
    assert report.head_seq == seqs[-1]


def test_an_emptied_log_is_reported_deleted_from_the_first_entry(session: Session) -> None:
    _append(session)

    session.execute(text("DELETE FROM audit_entries"))

    assert _problem(verify_chain(session)) == (1, ProblemKind.DELETED)


def test_a_forged_row_appended_with_a_plausible_link_is_reported_inserted(
    session: Session,
) -> None:
    seqs = _append(session)
    last = seqs[-1]

    _forge(session, last + 1, prev_hash=_hash_of(session, last))
    report = verify_chain(session)

    assert _problem(report) == (last + 1, ProblemKind.INSERTED)
    assert report.entries_checked == last


def test_a_forged_row_far_beyond_the_head_is_reported_inserted(session: Session) -> None:
    seqs = _append(session)

    _forge(session, seqs[-1] + 5, prev_hash=_hash_of(session, seqs[-1]))

    assert _problem(verify_chain(session)) == (seqs[-1] + 5, ProblemKind.INSERTED)


def test_a_forged_row_put_in_a_deleted_rows_place_is_reported_inserted(
    session: Session,
) -> None:
    seqs = _append(session)
    target = seqs[3]

    session.execute(text("DELETE FROM audit_entries WHERE seq = :seq"), {"seq": target})
    _forge(session, target, prev_hash=_hash_of(session, target - 1))
    report = verify_chain(session, batch_size=2)

    # The forged row links to its predecessor; its successor still holds the original's
    # hash, so the forged row itself is named, not its innocent successor.
    assert _problem(report) == (target, ProblemKind.INSERTED)
    assert report.entries_checked == target - 1


def test_a_forged_row_with_a_wrong_link_is_reported_inserted(session: Session) -> None:
    seqs = _append(session)
    target = seqs[3]

    session.execute(text("DELETE FROM audit_entries WHERE seq = :seq"), {"seq": target})
    _forge(session, target, prev_hash="f" * 64)

    assert _problem(verify_chain(session)) == (target, ProblemKind.INSERTED)


def test_an_edited_and_rehashed_middle_row_is_named_not_its_successor(
    session: Session,
) -> None:
    seqs = _append(session)
    target = seqs[3]
    session.execute(
        text("UPDATE audit_entries SET actor = 'someone-else' WHERE seq = :seq"), {"seq": target}
    )
    row = session.execute(
        select(*(getattr(AuditEntry, name) for name in HASHED_FIELDS), AuditEntry.prev_hash).where(
            AuditEntry.seq == target
        )
    ).one()
    rehashed = entry_hash(row.prev_hash, {name: row._mapping[name] for name in HASHED_FIELDS})
    session.execute(
        text("UPDATE audit_entries SET entry_hash = :hash WHERE seq = :seq"),
        {"hash": rehashed, "seq": target},
    )

    report = verify_chain(session)

    assert _problem(report) == (target, ProblemKind.INSERTED)
    assert report.first_problem is not None
    assert "re-hashed" in report.first_problem.message_en


def test_an_edited_and_rehashed_last_row_is_caught_by_the_head(session: Session) -> None:
    seqs = _append(session)
    last = seqs[-1]

    session.execute(delete(AuditEntry).where(AuditEntry.seq == last))
    _forge(session, last, prev_hash=_hash_of(session, last - 1))
    report = verify_chain(session)

    assert _problem(report) == (last, ProblemKind.INSERTED)
    assert report.first_problem is not None
    assert "chain head" in report.first_problem.message_en


def test_a_deleted_head_row_is_reported(session: Session) -> None:
    _append(session)

    session.execute(delete(AuditChainHead))
    report = verify_chain(session)

    assert not report.ok
    assert report.first_problem is not None
    assert "audit_chain_head" in report.first_problem.message_en


def test_stale_objects_in_the_session_do_not_hide_an_edit(session: Session) -> None:
    seqs = _append(session)
    loaded = session.get(AuditEntry, seqs[1])  # now in the identity map, unedited
    assert loaded is not None

    session.execute(text("UPDATE audit_entries SET actor = 'x' WHERE seq = :seq"), {"seq": seqs[1]})

    assert _problem(verify_chain(session)) == (seqs[1], ProblemKind.ALTERED)


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_a_row_that_cannot_be_read_back_is_reported_altered(session: Session) -> None:
    # Only SQLite stores invalid JSON; PostgreSQL refuses it at the UPDATE.
    seqs = _append(session)

    session.execute(
        text("UPDATE audit_entries SET details = '{broken' WHERE seq = :seq"), {"seq": seqs[4]}
    )
    report = verify_chain(session, batch_size=3)

    assert _problem(report) == (seqs[4], ProblemKind.ALTERED)
    assert report.entries_checked == seqs[4] - 1


def test_batch_size_must_be_positive(session: Session) -> None:
    with pytest.raises(ValueError, match="batch_size"):
        verify_chain(session, batch_size=0)


def test_verifying_records_the_result(session: Session) -> None:
    seqs = _append(session)
    session.execute(text("UPDATE audit_entries SET actor = 'x' WHERE seq = :seq"), {"seq": seqs[2]})
    session.commit()

    report = verify_audit_log(session, principal=TESTER)

    entry = session.scalar(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1))
    assert entry is not None
    assert entry.action == AuditAction.AUDIT_VERIFIED.value
    assert entry.seq == report.head_seq + 1
    assert entry.outcome == "failure"
    assert entry.details["problem"] == {"seq": seqs[2], "kind": "altered"}
    assert entry.details["entries_checked"] == seqs[2] - 1
    head = chain_head(session)
    assert head is not None
    assert head.last_seq == entry.seq


def test_verifying_an_intact_chain_records_success(session: Session) -> None:
    _append(session)

    report = verify_audit_log(session, principal=TESTER)

    assert report.ok
    entry = session.get(AuditEntry, report.head_seq + 1)
    assert entry is not None
    assert entry.outcome == "success"
    assert entry.details["ok"] is True
    assert verify_chain(session).ok  # the verification's own entry extends the chain
