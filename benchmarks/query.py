"""Query benchmark: the query API against the database and a bare endpoint, in one run.

    python benchmarks/query.py --rows 1000000 --database sqlite:////tmp/query.sqlite3
    python benchmarks/query.py --database postgresql://postgres@127.0.0.1:5432/test

Steps, on a fresh schema in the given database:

1. generate N synthetic students (the built-in ``students`` data set) in a child process
   and split them over several institutions of different provinces and types, one CSV
   each; load each through the submission path (``submissions.service.submit_file``),
   which also keeps the data set's rollups;
2. an HQ unit with an API key and two grants from the data set's owner: aggregate-only
   (for the pivot, so small-cell suppression applies) and row-level with personal data
   (for the lookups);
3. one real uvicorn server (one worker) on 127.0.0.1 runs the gateway; another runs a
   bare FastAPI app on the same database;
4. (a) the national pivot count by province × degree level × gender: through the API
   (median of several requests) vs the same GROUP BY run directly on the database
   (median of several runs);
   (b) point lookups of one student by national id: through the API (API key,
   grant check, audit entry per read) vs the bare endpoint doing the same indexed
   lookup with no checks; one load generator (asyncio, raw HTTP/1.1 keep-alive
   connections) drives each server for the same time with the same concurrency.

The last line printed is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from dargah.access import grants  # noqa: E402
from dargah.access.policy import Role, cli_principal  # noqa: E402
from dargah.access.schemas import GrantCreate  # noqa: E402
from dargah.catalogue import service as catalogue  # noqa: E402
from dargah.catalogue.builtin import builtin_code_lists, builtin_datasets  # noqa: E402
from dargah.config import Settings  # noqa: E402
from dargah.db.schema import upgrade  # noqa: E402
from dargah.db.session import Database  # noqa: E402
from dargah.identity import service as identity  # noqa: E402
from dargah.identity.schemas import ApiKeyCreate  # noqa: E402
from dargah.members import service as members  # noqa: E402
from dargah.members.models import MemberKind  # noqa: E402
from dargah.members.schemas import MemberCreate, SystemCreate  # noqa: E402
from dargah.submissions import service as submissions  # noqa: E402
from disposable import mark, refuse_unless_disposable  # noqa: E402

PERIOD = "1403-1"
INSTITUTIONS = 24
# (province, institution type) of the synthetic institutions, cycled.
PLACES = (
    ("23", "islamic_azad"),
    ("23", "state_university"),
    ("06", "payame_noor"),
    ("04", "applied_science"),
    ("10", "state_university"),
    ("03", "islamic_azad"),
    ("08", "technical_vocational"),
    ("15", "farhangian"),
)
PIVOT = ["province", "degree_level", "gender"]
PURPOSE = "آمار ملی دانشجویان / national student statistics"
# The node's secret for the benchmark's own throw-away database, not a credential.
SECRET = "benchmark-secret-key-0123456789abcdef"  # noqa: S105
RAW_PIVOT = (
    "SELECT m.province_code, r.degree_level, r.gender, count(*) "
    "FROM rec_students_v1 r JOIN record_slices s ON s.id = r._slice "
    "JOIN members m ON m.id = s.institution_id "
    "WHERE s.dataset_slug = 'students' AND s.major = 1 "
    "GROUP BY m.province_code, r.degree_level, r.gender "
    "ORDER BY m.province_code, r.degree_level, r.gender"
)


# -- data -------------------------------------------------------------------------------


def _generate(rows: int, folder: Path) -> None:
    """Child process: one CSV per institution and a sample of national ids to look up."""
    from dargah.demo.synthetic import students_frame, write_csv

    lists = {item.id: item for item in builtin_code_lists()}
    by_level: dict[str, list[str]] = {}
    for value in lists["study_fields"].values:
        for level in value.attributes.get("levels", []):
            by_level.setdefault(level, []).append(value.code)
    provinces = [value.code for value in lists["provinces"].values]
    frame = students_frame(rows, seed=1403, fields_by_level=by_level, provinces=provinces)
    size = -(-rows // INSTITUTIONS)
    for index in range(INSTITUTIONS):
        part = frame.slice(index * size, size)
        if part.height:
            write_csv(part, folder / f"students-{index:02d}.csv")
    ids = frame.get_column("national_id").drop_nulls().unique().sample(min(2000, rows // 2), seed=7)
    (folder / "national_ids.txt").write_text("\n".join(ids.to_list()) + "\n")


def _reset(url: str) -> Database:
    database = Database.from_url(url)
    engine = database.engine
    if engine.dialect.name == "sqlite" and engine.url.database:
        engine.dispose()
        for suffix in ("", "-wal", "-shm"):
            Path(engine.url.database + suffix).unlink(missing_ok=True)
        database = Database.from_url(url)
    else:
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    upgrade(database.engine)
    with database.engine.begin() as connection:
        mark(connection)
    return database


def _setup(database: Database) -> tuple[list[int], str, int, int]:
    """Institutions, catalogue, an HQ unit's API key and its two grants."""
    admin = cli_principal("benchmark")
    ids = []
    with database.session() as session:
        members.ensure_standard_hq_units(session, principal=admin)
        ministry = members.create_member(
            session,
            principal=admin,
            data=MemberCreate(
                kind=MemberKind.MINISTRY, code="MSRT", name_fa="وزارت علوم", province="23"
            ),
        )
        members.create_system(
            session,
            principal=admin,
            member_identifier=ministry.identifier,
            data=SystemCreate(code="dashboard", name_fa="داشبورد آمار", is_consumer=True),
        )
        for index in range(INSTITUTIONS):
            province, kind = PLACES[index % len(PLACES)]
            institution = members.create_member(
                session,
                principal=admin,
                data=MemberCreate(
                    code=str(2001 + index),
                    name_fa=f"دانشگاه نمونه {index + 1}",
                    institution_type=kind,
                    province=province,
                ),
            )
            ids.append(institution.id)
        catalogue.sync_builtin(
            session,
            principal=admin,
            code_list_documents=builtin_code_lists(),
            dataset_documents=builtin_datasets(),
        )
        issued = identity.issue_api_key(
            session,
            principal=admin,
            data=ApiKeyCreate(
                system=f"{ministry.identifier}/dashboard",
                name="benchmark dashboard",
                role=Role.HQ,
                hq_unit="planning",
            ),
        )
        owner = cli_principal("benchmark-owner")
        expires = (datetime.now(UTC) + timedelta(days=1)).isoformat()
        terms = {
            "dataset": "students",
            "consumer": "planning",
            "purpose": PURPOSE,
            "legal_basis": "benchmark",
            "expires_at": expires,
        }
        aggregate = grants.create_grant(
            session,
            principal=owner,
            data=GrantCreate.model_validate(
                {**terms, "fields": ["degree_level", "gender"], "level": "aggregate"}
            ),
        )
        rows = grants.create_grant(
            session,
            principal=owner,
            data=GrantCreate.model_validate({**terms, "level": "rows", "personal": True}),
        )
        session.commit()
        return ids, issued.secret, aggregate.id, rows.id


def _load(database: Database, settings: Settings, ids: list[int], folder: Path) -> float:
    started = time.perf_counter()
    files = sorted(folder.glob("students-*.csv"))
    for institution_id, path in zip(ids, files, strict=False):
        submission = submissions.submit_file(
            database,
            settings=settings,
            principal=cli_principal("benchmark"),
            path=path,
            dataset_slug="students",
            institution_id=institution_id,
            period=PERIOD,
        )
        if submission.status != "accepted":
            raise SystemExit(f"submission {submission.status}: {submission.finding_counts}")
    return time.perf_counter() - started


# -- servers ----------------------------------------------------------------------------


def bare_application() -> Any:
    """The bare endpoint: the same indexed lookup, no key, no grant, no audit."""
    from fastapi import FastAPI
    from sqlalchemy import literal_column, select

    from dargah.catalogue.documents import DatasetDocument

    database = Database.from_url(os.environ["DARGAH_DATABASE_URL"])
    from dargah.records.tables import ROW, record_tables

    document: DatasetDocument = next(item for item in builtin_datasets() if item.id == "students")

    tables = record_tables(document)
    table = tables.current
    columns = [table.c[name] for name in document.schema_.field_names]
    app = FastAPI()

    def statement(national_id: str) -> Any:
        found = select(*columns).where(table.c.national_id == national_id)
        if database.engine.dialect.name != "sqlite":
            return found
        # On SQLite the national-id index is a lookup table (decision 0016), read as
        # the API's compiled query reads it.
        (lookup,) = tables.lookups
        rowids = select(lookup.table.c[ROW]).where(lookup.table.c.national_id == national_id)
        return found.where(literal_column(f'"{table.name}".rowid').in_(rowids))

    @app.get("/bare/students/{national_id}")
    def lookup(national_id: str) -> dict[str, Any]:
        # The same reading connection the API reads with: no transaction of its own.
        with database.reading() as connection:
            found = connection.execute(statement(national_id)).all()
        return {"rows": [list(row) for row in found]}

    return app


@contextmanager
def _server(argv: list[str], env: dict[str, str], port: int) -> Iterator[int]:
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "uvicorn", *argv, "--port", str(port), "--workers", "1"),
            *("--log-level", "warning", "--no-access-log", "--host", "127.0.0.1"),
        ],
        env=env,
        cwd=ROOT,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                httpx.get(f"http://127.0.0.1:{port}/docs", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            raise SystemExit(f"server on port {port} did not start")
        yield process.pid
    finally:
        process.terminate()
        process.wait(timeout=30)


def _cpu_seconds(pid: int) -> float | None:
    """CPU time (user + system, all threads) the process has used; None off Linux."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _drive_measured(pid: int, port: int, requests: list[bytes], args: Any) -> dict[str, Any]:
    """``_drive``, and the server's CPU time per request while it ran: on a shared
    machine the throughput of two servers measured one after the other swings with the
    neighbours' load, their CPU per request much less."""
    before = _cpu_seconds(pid)
    result = asyncio.run(_drive(port, requests, connections=args.connections, seconds=args.seconds))
    after = _cpu_seconds(pid)
    used = None if before is None or after is None else after - before
    result["cpu_ms"] = None if used is None else 1000 * used / max(1, result["requests"])
    return result


# -- load generator ---------------------------------------------------------------------


async def _one(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes) -> int:
    """Send one request on a kept-alive connection; read the whole response."""
    writer.write(request)
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    lower = head.lower()
    if b"transfer-encoding: chunked" in lower:
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip(), 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    else:
        start = lower.index(b"content-length:") + len(b"content-length:")
        length = int(lower[start : lower.index(b"\r\n", start)])
        await reader.readexactly(length)
    return status


async def _drive(
    port: int, requests: list[bytes], *, connections: int, seconds: float
) -> dict[str, float]:
    latencies: list[float] = []
    failures = 0
    stop = time.perf_counter() + seconds

    async def worker(offset: int) -> None:
        nonlocal failures
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        index = offset
        try:
            while time.perf_counter() < stop:
                started = time.perf_counter()
                status = await _one(reader, writer, requests[index % len(requests)])
                latencies.append(time.perf_counter() - started)
                failures += status != 200
                index += connections
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker(offset) for offset in range(connections)))
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "rps": len(latencies) / elapsed,
        "p50_ms": 1000 * latencies[len(latencies) // 2],
        "p99_ms": 1000 * latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
        "requests": len(latencies),
        "failures": failures,
    }


def _http(
    method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    if body:
        lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


# -- measuring --------------------------------------------------------------------------


def _rounded(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def _median_ms(run: Any, times: int) -> tuple[float, Any]:
    samples = []
    result = None
    for _ in range(times):
        started = time.perf_counter()
        result = run()
        samples.append(1000 * (time.perf_counter() - started))
    return statistics.median(samples), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--database", default=None, help="default: a fresh SQLite file")
    parser.add_argument("--repeat", type=int, default=7, help="runs of each pivot timing")
    parser.add_argument("--seconds", type=float, default=8.0, help="each lookup drive")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--generate", metavar="FOLDER", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate:
        _generate(args.rows, Path(args.generate))
        return
    with tempfile.TemporaryDirectory(prefix="dargah-query-bench-") as folder:
        work = Path(folder)
        url = args.database or f"sqlite:///{work / 'query.sqlite3'}"
        refuse_unless_disposable(url)
        subprocess.run(
            [sys.executable, __file__, "--rows", str(args.rows), "--generate", str(work)],
            check=True,
        )
        settings = Settings(database_url=url, environment="test", secret_key=SECRET)
        database = _reset(url)
        ids, key, aggregate_grant, rows_grant = _setup(database)
        load_s = _load(database, settings, ids, work)
        with database.engine.begin() as connection:
            # Statistics, as a database in service has them.
            connection.execute(text("ANALYZE"))

        def raw_pivot() -> list[Any]:
            with database.engine.connect() as connection:
                return list(connection.execute(text(RAW_PIVOT)).all())

        raw_pivot()  # warm the cache as the API's first request will be
        pivot_raw_ms, raw_cells = _median_ms(raw_pivot, args.repeat)
        database.engine.dispose()

        env = {
            **os.environ,
            "DARGAH_DATABASE_URL": url,
            "DARGAH_SECRET_KEY": SECRET,
            "DARGAH_ENVIRONMENT": "production",
            "DARGAH_JOBS_IN_PROCESS": "false",
            "DARGAH_LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT / "src"),
        }
        auth = {"Authorization": f"Bearer {key}"}
        ids_sample = (work / "national_ids.txt").read_text().split()
        random.Random(5).shuffle(ids_sample)
        api_port, bare_port = 18431, 18432
        with _server(["--factory", "dargah.asgi:application"], env, api_port) as api_pid:
            client = httpx.Client(base_url=f"http://127.0.0.1:{api_port}", headers=auth)
            pivot_body = {
                "purpose": PURPOSE,
                "grant": aggregate_grant,
                "group_by": PIVOT,
                "aggregates": [{"fn": "count"}],
            }

            def api_pivot() -> Any:
                response = client.post("/api/v1/datasets/students/query", json=pivot_body)
                response.raise_for_status()
                return response.json()

            api_pivot()
            pivot_api_ms, answer = _median_ms(api_pivot, args.repeat)
            client.close()
            lookups = [
                _http(
                    "POST",
                    "/api/v1/datasets/students/query",
                    json.dumps(
                        {
                            "purpose": PURPOSE,
                            "grant": rows_grant,
                            "where": [{"field": "national_id", "op": "=", "value": item}],
                            "limit": 10,
                        }
                    ).encode(),
                    auth,
                )
                for item in ids_sample
            ]
            api = _drive_measured(api_pid, api_port, lookups, args)
        with _server(
            ["--factory", "query:bare_application", "--app-dir", str(ROOT / "benchmarks")],
            env,
            bare_port,
        ) as bare_pid:
            bare_requests = [_http("GET", f"/bare/students/{item}") for item in ids_sample]
            bare = _drive_measured(bare_pid, bare_port, bare_requests, args)
        cells = sum(1 for row in answer["rows"] if row.get("count") is not None)
        result = {
            "benchmark": "query",
            "rows": args.rows,
            "database": url.split(":", 1)[0].split("+", 1)[0],
            "institutions": INSTITUTIONS,
            "load_s": round(load_s, 2),
            "pivot_cells": len(answer["rows"]),
            "pivot_cells_shown": cells,
            "pivot_raw_cells": len(raw_cells),
            "pivot_api_ms": round(pivot_api_ms, 1),
            "pivot_raw_ms": round(pivot_raw_ms, 1),
            "pivot_ratio": round(pivot_api_ms / pivot_raw_ms, 3),
            "lookup_api_rps": round(api["rps"]),
            "lookup_bare_rps": round(bare["rps"]),
            "lookup_ratio": round(api["rps"] / bare["rps"], 3),
            "lookup_p99_ms": round(api["p99_ms"], 1),
            "lookup_bare_p99_ms": round(bare["p99_ms"], 1),
            "lookup_api_failures": api["failures"],
            "lookup_bare_failures": bare["failures"],
            # The servers' CPU per lookup (the Python process only, not PostgreSQL's).
            "lookup_api_cpu_ms": _rounded(api["cpu_ms"], 3),
            "lookup_bare_cpu_ms": _rounded(bare["cpu_ms"], 3),
            "lookup_cpu_ratio": (
                None
                if api["cpu_ms"] is None or bare["cpu_ms"] is None
                else round(bare["cpu_ms"] / api["cpu_ms"], 3)
            ),
            "connections": args.connections,
            "seconds": args.seconds,
        }
        print(json.dumps(result))


if __name__ == "__main__":
    main()
