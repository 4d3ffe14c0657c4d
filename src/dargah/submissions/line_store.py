"""Keeping a slice's line index in the database, a part of a few megabytes at a time.

On PostgreSQL the parts travel as binary ``bytea`` (as text they would travel as hex,
twice the size and slow to decode). An index is a cache: writing it replaces the old
one, and a load that cannot make a complete one just drops the old.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from dargah.db.base import utcnow
from dargah.submissions.lines import LINE_SCHEME, LineIndex
from dargah.submissions.models import SliceLineIndex, SliceLineIndexPart


def read_index(session: Session, stored: SliceLineIndex) -> LineIndex:
    """The stored index: its line hashes now, its whole entries when asked for."""
    slice_id = stored.slice_id
    return LineIndex.from_parts(lambda: _parts(session, slice_id))


def _parts(session: Session, slice_id: int) -> Iterator[bytes]:
    # One query per part: a single query's result would be held whole by the driver.
    connection = session.connection()
    numbers = connection.scalars(
        select(SliceLineIndexPart.part)
        .where(SliceLineIndexPart.slice_id == slice_id)
        .order_by(SliceLineIndexPart.part)
    ).all()
    if connection.dialect.name != "postgresql":
        for number in numbers:
            yield connection.execute(
                select(SliceLineIndexPart.data).where(
                    SliceLineIndexPart.slice_id == slice_id, SliceLineIndexPart.part == number
                )
            ).scalar_one()
        return
    raw: Any = connection.connection.dbapi_connection
    with raw.cursor(binary=True) as cursor:
        for number in numbers:
            cursor.execute(
                "SELECT data FROM slice_line_index_parts WHERE slice_id = %s AND part = %s",
                (slice_id, number),
            )
            yield bytes(cursor.fetchone()[0])


def write_index(
    session: Session,
    *,
    slice_id: int,
    submission_id: int,
    context: str,
    entries: int,
    parts: Iterable[bytes],
) -> None:
    """Replace the slice's index with ``entries`` entries in ``parts``, inside the
    caller's transaction."""
    drop_index(session, slice_id)
    session.execute(
        insert(SliceLineIndex).values(
            slice_id=slice_id,
            submission_id=submission_id,
            context=context,
            scheme=LINE_SCHEME,
            entries=entries,
            updated_at=utcnow(),
        )
    )
    connection = session.connection()
    postgresql = connection.dialect.name == "postgresql"
    raw: Any = connection.connection.dbapi_connection
    for part, data in enumerate(parts):
        if not postgresql:
            session.execute(
                insert(SliceLineIndexPart).values(slice_id=slice_id, part=part, data=data)
            )
            continue
        with raw.cursor(binary=True) as cursor:
            cursor.execute(
                "INSERT INTO slice_line_index_parts (slice_id, part, data) VALUES (%s, %s, %b)",
                (slice_id, part, data),
            )


def drop_index(session: Session, slice_id: int) -> None:
    """Forget the slice's index (its parts go with it)."""
    session.execute(delete(SliceLineIndexPart).where(SliceLineIndexPart.slice_id == slice_id))
    session.execute(delete(SliceLineIndex).where(SliceLineIndex.slice_id == slice_id))
