"""The shell examples of README.md and docs/*.md, as the docs-examples tests read them.

A fenced ```sh or ```bash block is an example that runs against the demo. A block that
cannot run as such is marked on the line before its fence (blank lines allowed between)
with ``<!-- docs-test: skip <reason> -->``; the tests list it with its reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHELL_LANGUAGES = {"sh", "bash", "shell", "console"}
_FENCE = re.compile(r"^```([A-Za-z0-9_+-]*)\s*$")
_MARKER = re.compile(r"^<!--\s*docs-test:\s*(.*?)\s*-->\s*$")


@dataclass(frozen=True)
class Example:
    """One fenced shell block: where it is, its code, and why it is skipped (if so)."""

    path: Path
    line: int
    """The line of the opening fence (1-based)."""
    code: str
    skip: str | None

    @property
    def name(self) -> str:
        """``file:line``, as a failure names it."""
        return f"{self.path.relative_to(ROOT)}:{self.line}"


def documents() -> list[Path]:
    """README.md, then docs/*.md in name order (the order their examples run in)."""
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def examples(path: Path) -> list[Example]:
    """The shell blocks of one markdown file, in order. Raises ``ValueError`` on a
    marker that is not a skip with a reason, or a marker before no shell block."""
    found: list[Example] = []
    lines = path.read_text(encoding="utf-8").splitlines()
    marker: tuple[int, str] | None = None
    index = 0
    while index < len(lines):
        line = lines[index]
        matched = _MARKER.match(line.strip())
        if matched:
            words = matched.group(1).split(maxsplit=1)
            if len(words) < 2 or words[0] != "skip":
                raise ValueError(
                    f"{path.name}:{index + 1}: a docs-test marker is `skip <reason>`, "
                    f"not {matched.group(1)!r}"
                )
            marker = (index + 1, words[1])
            index += 1
            continue
        fence = _FENCE.match(line)
        if fence is None:
            if line.strip() and marker is not None:
                raise ValueError(f"{path.name}:{marker[0]}: the marker is not before a block")
            index += 1
            continue
        language, start = fence.group(1), index
        index += 1
        body: list[str] = []
        while index < len(lines) and not lines[index].startswith("```"):
            body.append(lines[index])
            index += 1
        index += 1  # the closing fence
        if language in SHELL_LANGUAGES:
            skip = marker[1] if marker else None
            found.append(Example(path, start + 1, "\n".join(body) + "\n", skip))
        elif marker is not None:
            raise ValueError(f"{path.name}:{marker[0]}: the marker is before a {language} block")
        marker = None
    return found


def all_examples() -> list[Example]:
    """Every shell block of the docs, in running order."""
    return [example for path in documents() for example in examples(path)]
