"""Domains depend only downwards: never on the web portal or the CLI, never upwards.

An AST walk over ``src/dargah`` finds every ``dargah.*`` import and checks it against
the layer order below. Routers may use ``dargah.api`` (the HTTP plumbing).

``access`` is split: its policy (roles, permissions, the principal) sits low, since
every domain checks permissions; its grants, masking and suppression sit above the
catalogue, since a grant names a data set's fields and its owner (decision 0011).
"""

from __future__ import annotations

import ast
from pathlib import Path

import dargah

SOURCE = Path(dargah.__file__).parent

# Lower index = lower layer. A module may import its own layer or lower ones.
LAYERS: list[set[str]] = [
    {"errors", "context", "persian", "config", "logs", "validation"},
    {"db"},
    {"access.policy"},
    {"audit"},
    {"members"},
    {"identity"},
    {"jobs"},  # the job queue: below every domain that enqueues work or handles it
    {"catalogue"},
    {"access"},  # grants, protection: read the catalogue, used by the query service
    {"records"},  # typed record tables, filled by submissions and read by queries
    {"discovery"},  # ask first: catalogue matches, loads and the caller's grants
    {"statistics"},  # national pivots for dashboards, read through the query service
    {"submissions"},
    {"api"},
    {"tables", "demo"},
    {"web", "app", "asgi"},
    {"cli"},
]
_LAYER_OF = {name: index for index, names in enumerate(LAYERS) for name in names}


def _top(module: str) -> str | None:
    parts = module.split(".")
    if len(parts) < 2 or parts[0] != "dargah":
        return None
    # A module with a layer of its own inside a package (access.policy) is named so.
    dotted = ".".join(parts[1:3])
    return dotted if dotted in _LAYER_OF else parts[1]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def _violations() -> list[str]:
    problems = []
    for path in SOURCE.rglob("*.py"):
        relative = path.relative_to(SOURCE)
        own = _top(".".join(("dargah", *relative.with_suffix("").parts))) or ""
        if own in ("__init__", "py") or "migrations" in relative.parts:
            continue
        own_layer = _LAYER_OF.get(own)
        if own_layer is None:
            problems.append(f"{relative}: package '{own}' has no layer in this test")
            continue
        for module in _imports(path):
            target = _top(module)
            if target is None or target == own:
                continue
            is_router_using_api = path.name == "router.py" and target == "api"
            if _LAYER_OF.get(target, 99) > own_layer and not is_router_using_api:
                problems.append(f"{relative} imports dargah.{target}")
    return sorted(problems)


def test_domains_import_only_lower_layers() -> None:
    assert _violations() == []


def test_no_domain_imports_web_or_cli() -> None:
    for path in SOURCE.rglob("*.py"):
        relative = path.relative_to(SOURCE)
        if relative.parts[0] in ("web", "cli", "app.py", "asgi.py"):
            continue
        targets = {_top(module) for module in _imports(path)}
        assert not targets & {"web", "cli"}, relative
