"""`dargah worker` whose submission loads stop for good after their first batch.

Run as a script by ``test_submission_killed_mid_load``: the real ``submission.process``
handler runs, loads one batch inside its transaction, tells the test, and hangs until
the test kills the process with SIGKILL.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import polars as pl

from dargah.records.store import SliceLoader
from dargah.submissions import jobs as _jobs  # noqa: F401  (registers the handler)
from dargah.submissions import pipeline

pipeline.BATCH_ROWS = 50  # several batches from a small file
_load = SliceLoader.load


def _load_then_hang(self: SliceLoader, rows: pl.DataFrame) -> Any:
    hashes = _load(self, rows)
    Path(os.environ["DARGAH_TEST_MARKER"]).write_text("one batch loaded", encoding="utf-8")
    time.sleep(600)
    return hashes


SliceLoader.load = _load_then_hang  # type: ignore[method-assign]

if __name__ == "__main__":
    from dargah.cli.main import app

    app(["worker"], prog_name="dargah")
