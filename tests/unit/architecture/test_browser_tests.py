"""Browser tests skip visibly without Chromium and fail when it is required.

Issue 13 found ``make test`` failing on a machine without Chromium: one browser test
launched it in a fixture of its own, before the skip. Now one shared fixture
(tests/e2e/conftest.py) decides first; these tests keep every browser test on it.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from support import live

TESTS = Path(__file__).resolve().parents[2]
E2E = TESTS / "e2e"
# What only the shared fixture may do: launch Playwright or decide on the browser.
_LAUNCHING_NAMES = frozenset(
    {"sync_playwright", "async_playwright", "launch", "CHROMIUM", "require_browser"}
)
_BROWSER_FIXTURES = frozenset({"browser", "new_page"})


def _e2e_modules() -> list[Path]:
    return sorted(E2E.glob("test_*.py"))


def _test_functions(tree: ast.Module) -> list[ast.FunctionDef]:
    return [
        node
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")
    ]


def _names_used(tree: ast.AST) -> set[str]:
    used: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            used.add(node.id)
        elif isinstance(node, ast.Attribute):
            used.add(node.attr)
        elif isinstance(node, ast.alias):
            used.add(node.asname or node.name.rsplit(".", 1)[-1])
    return used


def _count_e2e_tests() -> int:
    """How many browser tests pytest collects (parametrized ones counted per case)."""
    collected = subprocess.run(  # noqa: S603 - this interpreter running pytest on our own tests
        [
            sys.executable,
            "-m",
            "pytest",
            str(E2E),
            "--collect-only",
            "-q",
            "-p",
            "no:cacheprovider",
        ],
        cwd=TESTS.parent,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    found = re.search(r"\b(\d+) tests? collected\b", collected.stdout)
    assert found, collected.stdout + collected.stderr
    count = int(found.group(1))
    functions = sum(len(_test_functions(ast.parse(path.read_text()))) for path in _e2e_modules())
    assert count >= functions, (count, functions)
    return count


def _skips_listed(output: str, reason: str) -> int:
    """Skips -rs lists with ``reason``; it groups alike ones as ``SKIPPED [n] …``."""
    return sum(
        int(count) for count in re.findall(rf"SKIPPED \[(\d+)\] [^\n]*{re.escape(reason)}", output)
    )


def test_no_browser_test_launches_chromium_itself() -> None:
    modules = _e2e_modules()
    assert modules, "tests/e2e has no browser tests"
    for path in modules:
        tree = ast.parse(path.read_text())
        forbidden = _names_used(tree) & _LAUNCHING_NAMES
        assert not forbidden, f"{path.name} uses {sorted(forbidden)}: use the browser fixture"
        marks = [
            node
            for node in tree.body
            if isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "pytestmark" for t in node.targets)
        ]
        assert marks, f"{path.name} lacks the e2e mark"
        assert "e2e" in ast.unparse(marks[0].value), f"{path.name} lacks the e2e mark"
        for function in _test_functions(tree):
            arguments = {argument.arg for argument in function.args.args}
            assert arguments & _BROWSER_FIXTURES, (
                f"{path.name}::{function.name} takes neither `browser` nor `new_page`"
            )


def test_the_shared_fixture_decides_before_it_launches() -> None:
    tree = ast.parse((E2E / "conftest.py").read_text())
    functions = {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}
    assert "launch_chromium" in _names_used(functions["browser"])
    autouse = functions["_browser_available"]
    assert "require_browser" in _names_used(autouse)
    assert "autouse=True" in ast.unparse(autouse.decorator_list[0])


def test_without_chromium_the_fixture_skips_with_the_reason_before_launching(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import playwright.sync_api

    def never(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("Playwright was started on a machine without Chromium")

    monkeypatch.setattr(live, "CHROMIUM", tmp_path / "chromium")
    monkeypatch.setattr(playwright.sync_api, "sync_playwright", never)
    monkeypatch.delenv(live.REQUIRE_BROWSER_VARIABLE, raising=False)
    reason = r"browser test skipped: .*chromium is missing"
    with pytest.raises(pytest.skip.Exception, match=reason), live.launch_chromium():
        pass


def test_without_chromium_a_required_browser_fails(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(live, "CHROMIUM", tmp_path / "chromium")
    monkeypatch.setenv(live.REQUIRE_BROWSER_VARIABLE, "1")
    reason = "DARGAH_REQUIRE_BROWSER=1"
    with pytest.raises(pytest.fail.Exception, match=reason), live.launch_chromium():
        pass


def _run_e2e_without_chromium(
    tmp_path: Path, *, required: bool
) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key != "DARGAH_REQUIRE_BROWSER"}
    env["DARGAH_CHROMIUM"] = str(tmp_path / "no-chromium")
    if required:
        env["DARGAH_REQUIRE_BROWSER"] = "1"
    return subprocess.run(  # noqa: S603 - this interpreter running pytest on our own tests
        [sys.executable, "-m", "pytest", str(E2E), "-q", "-rs", "-p", "no:cacheprovider"],
        cwd=TESTS.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_the_whole_e2e_folder_skips_visibly_on_a_machine_without_chromium(
    tmp_path: Path,
) -> None:
    expected = _count_e2e_tests()
    run = _run_e2e_without_chromium(tmp_path, required=False)
    output = run.stdout + run.stderr
    assert run.returncode == 0, output
    assert re.search(rf"\b{expected} skipped\b", output), output
    assert not re.search(r"\b(failed|errors?)\b", output.splitlines()[-1]), output
    # -rs lists each skip with its reason, so nobody mistakes it for a pass.
    assert _skips_listed(output, "no-chromium is missing (apt-get install chromium)") == expected, (
        output
    )


def test_the_whole_e2e_folder_fails_without_chromium_when_required(tmp_path: Path) -> None:
    expected = _count_e2e_tests()
    run = _run_e2e_without_chromium(tmp_path, required=True)
    output = run.stdout + run.stderr
    assert run.returncode == 1, output
    assert re.search(rf"\b{expected} errors?\b", output.splitlines()[-1]), output
    assert "browser test required (DARGAH_REQUIRE_BROWSER=1)" in output
