"""The benchmarks empty the database they are given: only one that is theirs.

A database is disposable when it holds no table at all, or the marker table a
benchmark leaves behind. Anything else — a demo's SQLite file, a deployment's
PostgreSQL database given by mistake — is refused before anything is dropped.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import Connection, make_url

MARKER = "_dargah_benchmark"


def refuse_unless_disposable(url: str) -> None:
    """Exit with a message unless ``url`` names an empty database or a benchmark's own."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and (
        not parsed.database or not Path(parsed.database).exists()
    ):
        return
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            tables = set(inspect(connection).get_table_names())
    finally:
        engine.dispose()
    if tables and MARKER not in tables:
        raise SystemExit(
            f"refusing to empty {parsed.render_as_string(hide_password=True)}: it holds "
            f"{len(tables)} tables and was not made by a benchmark; give an empty database. "
            "پایگاه داده‌ای که داده دارد و ساختهٔ بنچمارک نیست پاک نمی‌شود؛ پایگاه داده‌ای خالی بدهید."
        )


def mark(connection: Connection) -> None:
    """Leave the marker that lets the next benchmark run empty this database again."""
    connection.execute(text(f"CREATE TABLE IF NOT EXISTS {MARKER} (note TEXT)"))
