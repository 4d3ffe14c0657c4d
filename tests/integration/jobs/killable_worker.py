"""`dargah worker` with one extra handler that writes rows in a transaction and hangs.

Run as a script by ``test_jobs_killed_worker``, which kills it with SIGKILL while the
transaction is open.
"""

from __future__ import annotations

import time
from pathlib import Path

from sqlalchemy import text

from dargah.db.session import atomic
from dargah.jobs import runner


def hang_mid_transaction(ctx: runner.JobContext) -> None:
    """Insert half the rows, report progress, tell the test, then wait to be killed."""
    with ctx.database.session() as session, atomic(session):
        for number in range(100):
            session.execute(
                text("INSERT INTO job_test_rows (job_id, n) VALUES (:job, :n)"),
                {"job": ctx.job_id, "n": number},
            )
        ctx.progress(100, 200)
        Path(ctx.payload["marker"]).write_text("inside the transaction", encoding="utf-8")
        time.sleep(600)


runner.register("test.hang", hang_mid_transaction)

if __name__ == "__main__":
    from dargah.cli.main import app

    app(["worker"], prog_name="dargah")
