"""Ingest benchmark: the full submission path against a raw bulk load, in one run.

    python benchmarks/ingest.py --rows 1000000 --database sqlite:////tmp/bench.sqlite3
    python benchmarks/ingest.py --database postgresql://postgres@127.0.0.1:5432/test
    python benchmarks/ingest.py --repeat 3        # best of three runs of every timing

Steps, on a fresh schema in the given database:

1. generate N synthetic students (the built-in ``students`` data set, 15 columns) as a
   UTF-8 CSV, in a child process so its memory does not count;
2. raw load of the same file into a table with the same primary key only — SQLite: the
   file streamed through ``csv.reader`` into ``executemany`` in one transaction;
   PostgreSQL: ``COPY … FROM STDIN`` of the file's bytes;
3. the submission path: read → normalise → validate → load with history → signed
   receipt (``submissions.service.submit_file``);
4. a re-submission of the file with 1 % of rows changed;
5. the raw load again into a table with the same primary key **and** the data set's
   declared indexes (``dargah:indexes``: a student's national id, for lookups), of the
   kind the records table has them (a hash index on PostgreSQL).

The headline baseline is step 5, the physical limit of storing what the records table
must hold (issue 13's decision on issue 4): ``ratio`` and ``resubmit_ratio`` compare the
submission and the re-submission with it. ``ratio_pk_only`` and
``resubmit_ratio_pk_only`` compare them with step 2. Targets: ``ratio`` ≤ 1.5,
``resubmit_ratio`` ≤ 0.5, peak RSS ≤ 500 MB; the benchmark prints whether each is met.

The last line printed is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from dargah.access.policy import cli_principal  # noqa: E402
from dargah.catalogue import service as catalogue  # noqa: E402
from dargah.catalogue.builtin import builtin_code_lists, builtin_datasets  # noqa: E402
from dargah.config import Settings  # noqa: E402
from dargah.db.schema import upgrade  # noqa: E402
from dargah.db.session import Database  # noqa: E402
from dargah.members import service as members  # noqa: E402
from dargah.members.schemas import MemberCreate  # noqa: E402
from dargah.submissions import service as submissions  # noqa: E402
from disposable import mark, refuse_unless_disposable  # noqa: E402

# The targets of issue 4, at 1,000,000 and 4,000,000 rows, on both databases.
TARGETS = {"ratio": 1.5, "resubmit_ratio": 0.5, "peak_rss_mb": 500.0}


def _generate(rows: int, path: Path, changed_path: Path) -> None:
    """Child process: write the file and its 1 %-changed twin."""
    from dargah.catalogue.builtin import builtin_code_lists
    from dargah.demo.synthetic import change_share, students_frame, write_csv

    lists = {item.id: item for item in builtin_code_lists()}
    by_level: dict[str, list[str]] = {}
    for value in lists["study_fields"].values:
        for level in value.attributes.get("levels", []):
            by_level.setdefault(level, []).append(value.code)
    provinces = [value.code for value in lists["provinces"].values]
    frame = students_frame(rows, seed=1403, fields_by_level=by_level, provinces=provinces)
    write_csv(frame, path)
    write_csv(change_share(frame, 0.01, seed=7), changed_path)


def _reset(database: Database) -> None:
    engine = database.engine
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    upgrade(engine)
    with engine.begin() as connection:
        mark(connection)


def _setup(database: Database) -> int:
    principal = cli_principal("benchmark")
    with database.session() as session:
        members.ensure_standard_hq_units(session, principal=principal)
        institution = members.create_member(
            session,
            principal=principal,
            data=MemberCreate(
                code="1001",
                name_fa="دانشگاه نمونه",
                name_en="Sample University",
                institution_type="state_university",
                province="23",
            ),
        )
        catalogue.sync_builtin(
            session,
            principal=principal,
            code_list_documents=builtin_code_lists(),
            dataset_documents=builtin_datasets(),
        )
        return institution.id


def _raw_load(database: Database, path: Path, *, indexed: bool = False) -> float:
    with path.open(encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    columns = ", ".join(f'"{name}" TEXT' for name in header)
    with database.engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS raw_students"))
        connection.execute(
            text(f"CREATE TABLE raw_students ({columns}, PRIMARY KEY (student_number))")
        )
        if indexed:
            document = next(item for item in builtin_datasets() if item.id == "students")
            # Of the kind the records table has: a hash index on PostgreSQL for a
            # single field (records/tables.py).
            hashed = database.engine.dialect.name == "postgresql"
            for number, fields in enumerate(document.schema_.indexes):
                names = ", ".join(f'"{name}"' for name in fields)
                using = "USING hash " if hashed and len(fields) == 1 else ""
                connection.execute(
                    text(f"CREATE INDEX raw_students_ix{number} ON raw_students {using}({names})")
                )
    raw = database.engine.raw_connection()
    try:
        started = time.perf_counter()
        if database.engine.dialect.name == "postgresql":
            pg: Any = raw
            sql = "COPY raw_students FROM STDIN (FORMAT csv, HEADER true)"
            with pg.cursor() as cursor, cursor.copy(sql) as copy, path.open("rb") as handle:
                while block := handle.read(1 << 20):
                    copy.write(block)
            raw.commit()
        else:
            cursor = raw.cursor()
            # One transaction, said explicitly: the pool may lend the connection in
            # sqlite3's autocommit mode, where each row would commit on its own.
            cursor.execute("BEGIN")
            with path.open(encoding="utf-8", newline="") as handle:
                reader = csv.reader(handle)
                next(reader)
                placeholders = ", ".join("?" * len(header))
                cursor.executemany(f"INSERT INTO raw_students VALUES ({placeholders})", reader)
            raw.commit()
        return time.perf_counter() - started
    finally:
        raw.close()


def _submit(
    database: Database, settings: Settings, institution_id: int, path: Path
) -> tuple[float, dict[str, int]]:
    started = time.perf_counter()
    submission = submissions.submit_file(
        database,
        settings=settings,
        principal=cli_principal("benchmark"),
        path=path,
        dataset_slug="students",
        institution_id=institution_id,
        period="1403-1",
    )
    elapsed = time.perf_counter() - started
    counts = {
        name: getattr(submission, name)
        for name in (
            "received",
            "accepted",
            "rejected",
            "inserted",
            "updated",
            "unchanged",
            "closed",
            "errors",
            "warnings",
        )
    }
    if submission.status != "accepted":
        raise SystemExit(f"submission {submission.status}: {submission.finding_counts}")
    return elapsed, counts


def _run(settings: Settings, data: Path, changed: Path) -> dict[str, Any]:
    """One measurement on a fresh schema: raw load, submission, re-submission."""
    database = Database.from_url(settings.database_url)
    if database.engine.dialect.name == "sqlite" and database.engine.url.database:
        database.engine.dispose()
        for suffix in ("", "-wal", "-shm"):
            Path(database.engine.url.database + suffix).unlink(missing_ok=True)
        database = Database.from_url(settings.database_url)
    _reset(database)
    institution_id = _setup(database)
    raw_pk_only_s = _raw_load(database, data)
    with database.engine.begin() as connection:
        connection.execute(text("DROP TABLE raw_students"))
    submission_s, counts = _submit(database, settings, institution_id, data)
    resubmit_s, recounts = _submit(database, settings, institution_id, changed)
    raw_s = _raw_load(database, data, indexed=True)
    with database.engine.begin() as connection:
        connection.execute(text("DROP TABLE raw_students"))
    database.engine.dispose()
    return {
        "raw_load_s": raw_s,
        "raw_load_pk_only_s": raw_pk_only_s,
        "submission_s": submission_s,
        "resubmit_s": resubmit_s,
        "first": counts,
        "resubmit": recounts,
    }


def _measure(url: str, data: Path, changed: Path) -> dict[str, Any]:
    completed = subprocess.run(
        [sys.executable, __file__, "--database", url, "--measure", str(data), str(changed)],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--database", default=None, help="default: a fresh SQLite file")
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="run everything this many times and report the best of each timing "
        "(this machine is shared; the best run is the least disturbed one)",
    )
    parser.add_argument("--generate", nargs=2, metavar=("FILE", "CHANGED"), help=argparse.SUPPRESS)
    parser.add_argument("--measure", nargs=2, metavar=("FILE", "CHANGED"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate:
        _generate(args.rows, Path(args.generate[0]), Path(args.generate[1]))
        return
    if args.measure:
        settings = Settings(database_url=args.database, environment="test")
        run = _run(settings, Path(args.measure[0]), Path(args.measure[1]))
        run["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(run))
        return
    with tempfile.TemporaryDirectory(prefix="dargah-bench-") as folder:
        work = Path(folder)
        url = args.database or f"sqlite:///{work / 'bench.sqlite3'}"
        refuse_unless_disposable(url)
        data, changed = work / "students.csv", work / "students-changed.csv"
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--rows",
                str(args.rows),
                "--generate",
                str(data),
                str(changed),
            ],
            check=True,
        )
        # Each run in a process of its own, so its peak memory is its own.
        runs = [_measure(url, data, changed) for _ in range(max(1, args.repeat))]
        raw_pk_only_s = min(run["raw_load_pk_only_s"] for run in runs)
        raw_s = min(run["raw_load_s"] for run in runs)
        submission_s = min(run["submission_s"] for run in runs)
        resubmit_s = min(run["resubmit_s"] for run in runs)
        peak_rss_mb = max(run["peak_rss_mb"] for run in runs)
        figures = {
            "ratio": submission_s / raw_s,
            "resubmit_ratio": resubmit_s / raw_s,
            "peak_rss_mb": peak_rss_mb,
        }
        result = {
            "benchmark": "ingest",
            "rows": args.rows,
            "database": url.split(":", 1)[0].split("+", 1)[0],
            "file_mb": round(os.path.getsize(data) / 1e6, 1),
            "repeat": len(runs),
            # The baseline: the same primary key and the same declared indexes.
            "raw_load_s": round(raw_s, 3),
            "submission_s": round(submission_s, 3),
            "ratio": round(submission_s / raw_s, 3),
            "resubmit_s": round(resubmit_s, 3),
            "resubmit_ratio": round(resubmit_s / raw_s, 3),
            # Beside it, against a table with the primary key only.
            "raw_load_pk_only_s": round(raw_pk_only_s, 3),
            "ratio_pk_only": round(submission_s / raw_pk_only_s, 3),
            "resubmit_ratio_pk_only": round(resubmit_s / raw_pk_only_s, 3),
            "peak_rss_mb": round(peak_rss_mb, 1),
            "rows_per_s": round(args.rows / submission_s),
            "targets": {
                name: {
                    "target": limit,
                    "value": round(figures[name], 3),
                    "met": figures[name] <= limit,
                }
                for name, limit in TARGETS.items()
            },
            "first": runs[-1]["first"],
            "resubmit": runs[-1]["resubmit"],
            "runs": [
                {
                    name: round(run[name], 3)
                    for name in (
                        "raw_load_s",
                        "raw_load_pk_only_s",
                        "submission_s",
                        "resubmit_s",
                        "peak_rss_mb",
                    )
                }
                for run in runs
            ],
        }
        for name, target in result["targets"].items():
            verdict = "met" if target["met"] else "NOT met"
            print(f"{name}: {target['value']} (target ≤ {target['target']}) — {verdict}")
        print(json.dumps(result))


if __name__ == "__main__":
    main()
