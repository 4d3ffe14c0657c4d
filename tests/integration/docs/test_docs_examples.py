"""Every shell example of README.md and docs/*.md runs, as written, against the demo.

Once per test session the real demo (`dargah demo run --no-serve`: migrate, seed the
ministry, deliver its submissions, grants) is made in a temporary directory, and
`dargah serve` serves it on a free loopback port (``support.demo_server``, shared with
the browser walk of every role). Each example then runs with bash in
that directory — where `var/dargah.sqlite3` (the default database) and
`var/demo-credentials.json` are, as after `make demo` — with `DARGAH_URL` naming the
server. The variables a doc defines at its top (`DARGAH_KEY_EDUCATION` …, read from the
credentials file) are exported for the doc's later examples, as in a reader's shell.
Every command must succeed (`set -e -o pipefail`; curl with `-f`, so an HTTP error
fails it). A failure names the file and the line of the command. Blocks marked
`<!-- docs-test: skip <reason> -->` are reported as skipped with that reason.
"""

from __future__ import annotations

import shlex
import subprocess
import sys
import time
from pathlib import Path

import pytest

from support.demo_server import DemoGateway
from support.docs_examples import ROOT, Example, all_examples

EXAMPLES = all_examples()
BLOCK_TIMEOUT_S = 180
BIN = Path(sys.executable).parent


def _script(example: Example, state: Path) -> str:
    """The block, with every command checked and the failing one named by its line."""
    where = f'{example.path.relative_to(ROOT)}:"$(({example.line} + LINENO - 2))'
    return (
        "set -eE -o pipefail\n"
        f'trap \'echo "docs-test: failed at {where}": $BASH_COMMAND" >&2\' ERR\n'
        f"{example.code}"
        f"env -0 > {shlex.quote(str(state))}\n"
    )


def _read_env(state: Path) -> dict[str, str]:
    pairs = (item.split("=", 1) for item in state.read_bytes().decode().split("\0") if "=" in item)
    return {name: value for name, value in pairs if not name.startswith("BASH_FUNC_")}


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda example: example.name)
def test_example_runs_against_the_demo(example: Example, demo_gateway: DemoGateway) -> None:
    if example.skip is not None:
        pytest.skip(f"{example.name}: {example.skip}")
    env = demo_gateway.env_by_doc.get(example.path, demo_gateway.base_env)
    state = demo_gateway.directory / ".docs-test-env"
    state.unlink(missing_ok=True)
    started = time.monotonic()
    completed = subprocess.run(  # noqa: S603  (bash running the docs' own example)
        ["bash", "-c", _script(example, state)],  # noqa: S607
        cwd=demo_gateway.directory,
        env=env,
        capture_output=True,
        text=True,
        timeout=BLOCK_TIMEOUT_S,
        check=False,
    )
    elapsed = time.monotonic() - started
    assert completed.returncode == 0, (
        f"{example.name} failed (exit {completed.returncode}, {elapsed:.1f} s)\n"
        f"--- stderr\n{completed.stderr[-4000:]}\n--- stdout\n{completed.stdout[-2000:]}"
    )
    # What the block exported is there for the doc's next examples.
    demo_gateway.env_by_doc[example.path] = _read_env(state)


def test_a_failing_command_is_named_by_its_file_and_line(tmp_path: Path) -> None:
    example = Example(ROOT / "README.md", 40, "true\ncurl -fsS http://127.0.0.1:1/\ntrue\n", None)

    completed = subprocess.run(  # noqa: S603  (bash running a block of our own)
        ["bash", "-c", _script(example, tmp_path / "state")],  # noqa: S607
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )

    assert completed.returncode != 0
    assert "docs-test: failed at README.md:42: curl -fsS http://127.0.0.1:1/" in completed.stderr
    assert not (tmp_path / "state").exists()
