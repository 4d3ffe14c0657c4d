"""`dargah statistics`: the national pivots of the dashboard, on the command line.

Two ways, by option, as `dargah query`:

- ``--gateway URL --key KEY``: the statistics API of a gateway, as the key's owner;
- neither: on the gateway host, straight on its database, acting for the HQ unit,
  agency or institution named by ``--as`` (the shell user is named in the audit log).

Without a pivot it lists the pivots the consumer may read, with the periods loaded.
With one it prints the pivot for ``--period`` (the latest loaded by default) as a table,
CSV or JSON; the period read, the total, withheld cells, freshness and coverage go to
standard error, so ``--format csv > file.csv`` stays clean. Every answer is a read
through the query service, audited with the purpose «داشبورد آمار ملی».
"""

from __future__ import annotations

import os
import sys
from typing import Annotated, Any, Final

import httpx
import typer
from rich.table import Table

from dargah.access.policy import Principal
from dargah.cli._common import console, err_console, fail, open_database, settings
from dargah.cli.inputs import whole_number
from dargah.cli.query import gateway_problem, local_principal
from dargah.errors import DargahError, InvalidInput
from dargah.statistics import exports
from dargah.statistics import service as statistics
from dargah.statistics.schemas import (
    PivotListOut,
    StatisticOut,
    listing_out,
    statistic_out,
)

FORMATS: Final = ("table", "csv", "json")


def _format(requested: str) -> str:
    chosen = requested.lower()
    if chosen not in FORMATS:
        raise InvalidInput(
            f"قالب «{requested}» پشتیبانی نمی‌شود؛ table، csv یا json.",
            f"The format '{requested}' is not supported; use table, csv or json.",
            code="format_unsupported",
            details={"format": requested},
        )
    return chosen


def _key(key: str | None) -> str:
    secret = key or os.environ.get("DARGAH_KEY")
    if not secret:
        raise InvalidInput(
            "برای پرسش از درگاه --key یا DARGAH_KEY لازم است.",
            "--key or DARGAH_KEY is needed to query a gateway.",
            code="key_required",
        )
    return secret


def _consumer(as_: str | None) -> Principal:
    if not as_:
        raise InvalidInput(
            "بدون --gateway، با --as بگویید برای کدام حوزهٔ ستادی یا عضو آمار می‌خواهید "
            "(مثلاً --as research).",
            "Without --gateway, say with --as which HQ unit or member you read for "
            "(e.g. --as research).",
            code="consumer_required",
        )
    return local_principal(as_)


# -- the listing -----------------------------------------------------------------------------


def _local_listing(principal: Principal) -> PivotListOut:
    with open_database() as database, database.session() as session:
        share = settings().statistics_national_share
        views = statistics.visible_pivots(session, principal=principal, national_share=share)
        return listing_out(views, share)


def _gateway_get(gateway: str, key: str, path: str, params: dict[str, str]) -> httpx.Response:
    headers = {"Authorization": f"Bearer {key}", "Accept-Language": "fa"}
    with httpx.Client(base_url=gateway.rstrip("/"), headers=headers, timeout=120) as client:
        response = client.get(path, params=params)
    if response.status_code >= 400:
        raise gateway_problem(response)
    return response


def _show_listing(listing: PivotListOut, language: str) -> None:
    table = Table(title="National statistics / آمار ملی", title_justify="left")
    table.add_column("pivot", no_wrap=True)
    for name in ("title", "dataset", "access", "grant", "periods"):
        table.add_column(name)
    for item in listing.pivots:
        table.add_row(
            item.id,
            item.title_en if language == "en" else item.title_fa,
            item.dataset,
            item.access,
            "" if item.grant is None else str(item.grant),
            ", ".join(item.periods),
        )
    console.print(table)
    if not listing.pivots:
        err_console.print(
            "no pivot you may read / آماری برای شما نیست: ask the data set's owner for a grant"
        )


# -- one pivot ---------------------------------------------------------------------------------


def _show(answer: StatisticOut, language: str) -> None:
    title = answer.title_en if language == "en" else answer.title_fa
    table = Table(title=f"{title} · {answer.period}", title_justify="left")
    for dimension in answer.dimensions:
        table.add_column(dimension.title_en if language == "en" else dimension.title_fa)
    table.add_column("count / شمار", justify="right")
    for cell in answer.cells:
        labels = [
            f"{label.label_en if language == 'en' else label.label_fa} ({label.code})"
            if label.code is not None
            else (label.label_en if language == "en" else label.label_fa)
            for label in cell.groups.values()
        ]
        count = "withheld / پنهان" if cell.count is None else f"{cell.count:,}"
        table.add_row(*labels, count)
    console.print(table)


def _notes(answer: StatisticOut) -> None:
    total = "withheld / پنهان" if answer.total is None else f"{answer.total:,}"
    err_console.print(f"period / دوره: {answer.period} · total / جمع: {total}")
    if answer.suppressed_cells:
        err_console.print(
            f"suppressed cells / خانه‌های پنهان: {answer.suppressed_cells} "
            f"(under {answer.small_cell_threshold}, or protecting one)"
        )
    coverage = answer.coverage
    if coverage.institutions_expected is not None:
        err_console.print(
            f"coverage / پوشش: {coverage.expected_reporting} of {coverage.institutions_expected} "
            "institutions due have reported"
        )
    else:
        err_console.print(f"coverage / پوشش: {coverage.institutions_reporting} institutions")
    loaded = answer.loaded_at.isoformat() if answer.loaded_at else "-"
    grant = f"grant {answer.grant}" if answer.grant is not None else answer.access
    err_console.print(f"last loaded / آخرین بارگذاری: {loaded} · {grant}")


def _local_pivot(
    principal: Principal, pivot: str, period: str | None, grant: int | None, fmt: str
) -> tuple[StatisticOut, bytes | None]:
    secret = settings().secret_key.get_secret_value().encode()
    with open_database() as database, database.session() as session:
        answer = statistics.answer(
            session,
            principal=principal,
            pivot_id=pivot,
            period=period,
            secret=secret,
            grant_id=grant,
            output="csv" if fmt == "csv" else "json",
            national_share=settings().statistics_national_share,
        )
    body = b"".join(exports.file_chunks(answer, "csv")) if fmt == "csv" else None
    return statistic_out(answer), body


def _gateway_pivot(
    gateway: str, key: str, pivot: str, period: str | None, grant: int | None, fmt: str
) -> tuple[StatisticOut, bytes | None]:
    params: dict[str, str] = {}
    if period:
        params["period"] = period
    if grant is not None:
        params["grant"] = str(grant)
    answer = StatisticOut.model_validate(
        _gateway_get(gateway, key, f"/api/v1/statistics/{pivot}", params).json()
    )
    body = None
    if fmt == "csv":
        # The period the first call read, so that both calls read the same one.
        params["period"] = answer.period
        params["format"] = "csv"
        body = _gateway_get(gateway, key, f"/api/v1/statistics/{pivot}", params).content
    return answer, body


def _write(data: bytes) -> None:
    sys.stdout.buffer.write(data)
    sys.stdout.flush()


def statistics_command(
    pivot: Annotated[
        str | None,
        typer.Argument(help="A pivot, e.g. students-by-province; none: list those you may read"),
    ] = None,
    period: Annotated[
        str | None, typer.Option(help="1403-1 (a term) or 1403 (a year); default: the latest")
    ] = None,
    format: Annotated[str, typer.Option("--format", help="table (default), csv, json")] = "table",
    grant: Annotated[
        int | None, typer.Option(parser=whole_number, help="The grant to read under")
    ] = None,
    lang: Annotated[str, typer.Option(help="Labels in the table: fa or en")] = "fa",
    gateway: Annotated[
        str | None, typer.Option(help="Gateway URL, e.g. https://dargah.msrt.ir")
    ] = None,
    key: Annotated[str | None, typer.Option(help="API key (or DARGAH_KEY)")] = None,
    as_: Annotated[
        str | None,
        typer.Option(
            "--as", help="Without --gateway: act for this HQ unit code or member identifier"
        ),
    ] = None,
) -> None:
    """National statistics for dashboards: students by province, type, level, gender and
    field; faculty by rank; research outputs by type — within your grant, audited."""
    language = "en" if lang == "en" else "fa"
    try:
        fmt = _format(format)
        if pivot is None:
            listing: Any
            if gateway is not None:
                listing = PivotListOut.model_validate(
                    _gateway_get(gateway, _key(key), "/api/v1/statistics", {}).json()
                )
            else:
                listing = _local_listing(_consumer(as_))
            if fmt == "table":
                _show_listing(listing, language)
            else:
                _write(listing.model_dump_json(indent=2).encode() + b"\n")
            return
        if gateway is not None:
            answer, body = _gateway_pivot(gateway, _key(key), pivot, period, grant, fmt)
        else:
            answer, body = _local_pivot(_consumer(as_), pivot, period, grant, fmt)
        if fmt == "table":
            _show(answer, language)
        elif fmt == "csv" and body is not None:
            _write(body)
        else:
            _write(answer.model_dump_json(indent=2).encode() + b"\n")
        _notes(answer)
    except DargahError as exc:
        step = exc.details.get("next_step")
        error = fail(exc)
        if isinstance(step, dict):
            err_console.print(
                f"  next step / گام بعد: ask for a grant — {step.get('method')} {step.get('url')} "
                f"(portal: {step.get('portal_url')})",
                markup=False,
            )
        raise error from exc
    except httpx.HTTPError as exc:
        err_console.print(
            f"[red]✗ درگاه در دسترس نیست.\n  The gateway could not be reached: {exc}[/red]"
        )
        raise typer.Exit(1) from exc
