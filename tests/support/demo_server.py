"""The real demo, seeded once per test session and served by `dargah serve`: what a
newcomer has after `make demo`, for the tests that read the docs or walk the portal as
each demo login (a pytest plugin, listed in tests/conftest.py)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent


@dataclass
class DemoGateway:
    """The served demo, and the exported variables of each doc so far."""

    url: str
    directory: Path
    base_env: dict[str, str]
    env_by_doc: dict[Path, dict[str, str]] = field(default_factory=dict)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_ready(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"dargah serve exited {server.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/readyz", timeout=2) as answer:  # noqa: S310
                if answer.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    pytest.fail(f"the demo server did not become ready:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="session")
def demo_gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoGateway]:
    """The demo, seeded by the real seeder into a temporary directory and served."""
    directory = tmp_path_factory.mktemp("docs-demo")
    # A reader's shell after `make demo`: no DARGAH_* settings of the test run.
    base_env = {name: value for name, value in os.environ.items() if not name.startswith("DARGAH_")}
    base_env["PATH"] = f"{BIN}{os.pathsep}{base_env.get('PATH', '')}"
    base_env["DARGAH_LOG_FORMAT"] = "console"
    base_env["COLUMNS"] = "200"
    started = time.monotonic()
    seeded = subprocess.run(
        [sys.executable, "-m", "dargah.cli.main", "demo", "run", "--no-serve"],
        cwd=directory,
        env=base_env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert seeded.returncode == 0, seeded.stdout + seeded.stderr
    seed_s = time.monotonic() - started
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = directory / "server.log"
    with log.open("wb") as output:
        server = subprocess.Popen(  # noqa: S603  (our own interpreter and module)
            [sys.executable, "-m", "dargah.cli.main", "serve", "--port", str(port)],
            cwd=directory,
            env=base_env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_ready(url, server, log)
        print(f"\ndemo seeded in {seed_s:.1f} s, served at {url}")
        yield DemoGateway(url=url, directory=directory, base_env={**base_env, "DARGAH_URL": url})
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
