"""Worker processes for tests that kill them: start one, wait for a sign, clean up."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def wait_for(predicate: Callable[[], object], timeout: float, what: str) -> None:
    """Poll ``predicate`` until it is true; fail the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    pytest.fail(f"timed out waiting for {what}")


@contextmanager
def worker_process(
    script: Path, *, database_url: str, log: Path, lease_seconds: int, **extra_env: str
) -> Iterator[subprocess.Popen[bytes]]:
    """Run ``script`` (a `dargah worker` with test handlers) against ``database_url``;
    whatever happens, the process is gone when the block ends."""
    env = {
        **os.environ,
        "DARGAH_DATABASE_URL": database_url,
        "DARGAH_JOBS_LEASE_SECONDS": str(lease_seconds),
        "DARGAH_JOBS_POLL_SECONDS": "0.1",
        "DARGAH_LOG_FORMAT": "console",
        **extra_env,
    }
    env.pop("DARGAH_CONFIG_FILE", None)
    with log.open("w") as output:
        worker = subprocess.Popen(  # noqa: S603 (our own interpreter and script)
            [sys.executable, str(script)], env=env, stdout=output, stderr=subprocess.STDOUT
        )
        try:
            yield worker
        finally:
            if worker.poll() is None:
                worker.kill()
                worker.wait(30)
