"""Reading the records as they stood at an earlier time ("as of").

A row version is valid from the load that wrote it (``_sub``) until the load that
replaced or closed it (``_closed_by``, history rows only). Loads of one slice are
serialised, and a submission's ``finished_at`` is set inside its load's transaction,
so the submissions' finish times order the versions of every slice. Submission ids
do not: a submission opened early may finish after a later one. So "as of" compares
times, joined from the submissions table.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Integer, Select, and_, column, select, table, union_all
from sqlalchemy.sql.selectable import CompoundSelect

from dargah.db.base import UTCDateTime
from dargah.records.tables import CLOSED_BY, SLICE, SUBMISSION, RecordTables

# The columns of ``submissions`` read here, without importing its model (the
# submissions domain builds on records, not the other way round).
_SUBMISSIONS = table("submissions", column("id", Integer), column("finished_at", UTCDateTime()))


def state_as_of(
    tables: RecordTables, at: datetime, *, slice_ids: Sequence[int] | None = None
) -> CompoundSelect[tuple[object, ...]]:
    """A query for the rows valid at ``at``: ``_slice``, the fields and ``_sub``.

    ``slice_ids`` narrows it to some slices (an institution's periods, say); without
    it every slice of the data-set version is read.
    """
    current, history = tables.current, tables.history
    written = _SUBMISSIONS.alias("written")
    closed = _SUBMISSIONS.alias("closed")
    names = (SLICE, *tables.fields, SUBMISSION)
    still_current: Select[tuple[object, ...]] = (
        select(*(current.c[name] for name in names))
        .join(written, written.c.id == current.c[SUBMISSION])
        .where(written.c.finished_at <= at)
    )
    replaced_later: Select[tuple[object, ...]] = (
        select(*(history.c[name] for name in names))
        .join(written, written.c.id == history.c[SUBMISSION])
        .join(closed, closed.c.id == history.c[CLOSED_BY])
        .where(and_(written.c.finished_at <= at, closed.c.finished_at > at))
    )
    if slice_ids is not None:
        wanted = list(slice_ids)
        still_current = still_current.where(current.c[SLICE].in_(wanted))
        replaced_later = replaced_later.where(history.c[SLICE].in_(wanted))
    return union_all(still_current, replaced_later)
