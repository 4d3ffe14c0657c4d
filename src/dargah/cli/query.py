"""`dargah query`: ask a data set a question from the command line, within a grant.

Two ways, by option, as `dargah push`:

- ``--gateway URL --key KEY``: the query API of a gateway, as the key's owner;
- neither: on the gateway host, straight on its database, acting for the HQ unit,
  agency or institution named by ``--as`` (the shell user is named in the audit log).

Conditions are written as people say them: ``--where "degree_level=bachelor"``,
``--where "gpa>=15"``, ``--where "province_of_residence in 23,11"``,
``--where "entry_date between 1400/07/01,1401/06/31"``, ``--where "email is null"``,
``--where "city ~ تهران"`` (contains, Persian-insensitive). With ``--output FILE``
every page is fetched by following the cursor; on the terminal one page is shown.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Final

import httpx
import typer
from pydantic import ValidationError
from rich.table import Table

from dargah.access.policy import Principal, Role
from dargah.cli._common import actor, console, err_console, fail, open_database, settings
from dargah.cli.inputs import whole_number
from dargah.errors import DargahError, InvalidInput
from dargah.members import service as members
from dargah.members.models import MemberKind
from dargah.records import exports
from dargah.records import service as records
from dargah.records.exports import ExportFormat
from dargah.records.query import OutputColumn, QuerySpec
from dargah.records.service import QueryAnswer

FORMATS: Final[tuple[ExportFormat, ...]] = ("json", "csv", "xlsx", "parquet")
_SHOWN_ROWS: Final = 200
_MAX_PAGES: Final = 10_000

# name, then an operator spelled with symbols, or a keyword operator, or "is [not] null".
_SYMBOLS: Final = re.compile(r"^\s*([A-Za-z][A-Za-z0-9_]*)\s*(!=|>=|<=|==|=|>|<|~)\s*(.*?)\s*$")
_WORDS: Final = re.compile(
    r"^\s*([A-Za-z][A-Za-z0-9_]*)\s+(not\s+in|in|between|contains)\s+(.*?)\s*$", re.IGNORECASE
)
_NULLS: Final = re.compile(r"^\s*([A-Za-z][A-Za-z0-9_]*)\s+is\s+(not\s+)?null\s*$", re.IGNORECASE)
_LIST_SPLIT: Final = re.compile(r"\s*[,،]\s*")


def _bad_condition(text: str) -> InvalidInput:
    return InvalidInput(
        f"شرط «{text}» خوانا نیست؛ نمونه‌ها: degree_level=bachelor، gpa>=15، "
        "province in 23,11، entry_date between 1400/07/01,1401/06/31، email is null، city ~ تهران",
        f"The condition '{text}' cannot be read; examples: degree_level=bachelor, gpa>=15, "
        "province in 23,11, entry_date between 1400/07/01,1401/06/31, email is null, "
        "city ~ Tehran",
        code="condition_unreadable",
        details={"condition": text},
    )


def parse_condition(text: str) -> dict[str, Any]:
    """One ``--where`` text as a condition of the query API (``field``, ``op``, ``value``)."""
    if match := _NULLS.match(text):
        return {"field": match[1], "op": "is_not_null" if match[2] else "is_null"}
    if match := _WORDS.match(text):
        op = " ".join(match[2].lower().split()).replace(" ", "_")
        if op == "contains":
            return {"field": match[1], "op": "contains", "value": _unquoted(match[3])}
        values = [_unquoted(item) for item in _LIST_SPLIT.split(match[3]) if item.strip()]
        if not values:
            raise _bad_condition(text)
        return {"field": match[1], "op": op, "value": values}
    if match := _SYMBOLS.match(text):
        value = _unquoted(match[3])
        if value == "":
            raise _bad_condition(text)
        op = {"==": "=", "~": "contains"}.get(match[2], match[2])
        return {"field": match[1], "op": op, "value": value}
    raise _bad_condition(text)


def _unquoted(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


def _names(values: list[str] | None) -> list[str]:
    """Comma-separated or repeated options as one list of names."""
    return [name for value in values or [] for name in _LIST_SPLIT.split(value.strip()) if name]


def _order(text: str) -> dict[str, str]:
    name, _, direction = text.partition(":")
    direction = direction.strip().lower() or "asc"
    if direction not in ("asc", "desc"):
        raise InvalidInput(
            f"ترتیب «{text}» را به شکل field یا field:desc بنویسید.",
            f"Write the order '{text}' as field or field:desc.",
            code="order_unreadable",
            details={"order_by": text},
        )
    return {"field": name.strip(), "direction": direction}


@dataclass(frozen=True)
class Aggregates:
    """The aggregate options as given."""

    count: bool
    count_distinct: list[str]
    sums: list[str]
    avgs: list[str]
    mins: list[str]
    maxs: list[str]

    def items(self) -> list[dict[str, str]]:
        """The aggregates of the query API, in a stable order."""
        found: list[dict[str, str]] = [{"fn": "count"}] if self.count else []
        for fn, fields in (
            ("count_distinct", self.count_distinct),
            ("sum", self.sums),
            ("avg", self.avgs),
            ("min", self.mins),
            ("max", self.maxs),
        ):
            found.extend({"fn": fn, "field": name} for name in _names(fields))
        return found


def build_query(
    *,
    where: list[str],
    select: list[str],
    group_by: list[str],
    aggregates: Aggregates,
    order_by: list[str],
    limit: int,
    as_of: str | None,
) -> dict[str, Any]:
    """The JSON body of the query API (without purpose), from the command's options."""
    body: dict[str, Any] = {
        "where": [parse_condition(text) for text in where],
        "group_by": _names(group_by),
        "aggregates": aggregates.items(),
        "order_by": [_order(text) for text in _names(order_by)],
        "limit": limit,
    }
    if body["group_by"] and not body["aggregates"]:
        body["aggregates"] = [{"fn": "count"}]  # a grouping with nothing to show counts
    chosen = _names(select)
    if chosen:
        body["select"] = chosen
    if as_of:
        body["as_of"] = as_of
    return body


def _spec(body: dict[str, Any]) -> QuerySpec:
    try:
        return QuerySpec.model_validate(body)
    except ValidationError as exc:
        raise InvalidInput(
            "پرسش معتبر نیست: " + _first_error(exc),
            "The query is not valid: " + _first_error(exc),
            code="invalid_request",
        ) from None


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    where = ".".join(str(part) for part in error.get("loc", ()))
    return f"{where}: {error.get('msg', '')}" if where else str(error.get("msg", ""))


# -- acting locally ---------------------------------------------------------------------


def local_principal(reference: str) -> Principal:
    """The consumer ``--as`` names: an HQ unit code, or an institution's or agency's
    identifier. The shell user stays named in the audit entry."""
    base = actor()
    with open_database() as database, database.session() as session, session.begin():
        if "/" not in reference:
            unit = members.get_hq_unit(session, reference)
            return Principal(kind="cli", role=Role.HQ, name=base.name, hq_unit_id=unit.id)
        member = members.get_member(session, reference)
        if member.kind == MemberKind.INSTITUTION.value:
            return Principal(
                kind="cli",
                role=Role.INSTITUTION,
                name=base.name,
                member_identifier=member.identifier,
                institution_id=member.id,
            )
        if member.kind == MemberKind.AGENCY.value:
            return Principal(
                kind="cli", role=Role.AGENCY, name=base.name, member_identifier=member.identifier
            )
    raise InvalidInput(
        f"«{reference}» حوزهٔ ستادی، دانشگاه یا دستگاه همکار نیست.",
        f"'{reference}' is not an HQ unit, an institution or an agency.",
        code="consumer_invalid",
        details={"as": reference},
    )


def _local_pages(
    slug: str, body: dict[str, Any], purpose: str, grant: int | None, reference: str, fmt: str
) -> Iterator[QueryAnswer]:
    principal = local_principal(reference)
    secret = settings().secret_key.get_secret_value().encode()
    cursor: str | None = body.get("cursor")
    with open_database() as database, database.session() as session:
        while True:
            spec = _spec({**body, "cursor": cursor} if cursor else body)
            answer = records.run_query(
                session,
                principal=principal,
                slug=slug,
                spec=spec,
                purpose=purpose,
                secret=secret,
                grant_id=grant,
                output=fmt,
            )
            yield answer
            cursor = answer.next_cursor
            if cursor is None:
                return


# -- through a gateway -------------------------------------------------------------------


def gateway_problem(response: httpx.Response) -> InvalidInput:
    try:
        problem = response.json()
    except ValueError:
        problem = {}
    errors = problem.get("errors") or []
    detail_fa = "؛ ".join(f"{item.get('field')}: {item.get('message_fa')}" for item in errors[:5])
    detail_en = "; ".join(f"{item.get('field')}: {item.get('message_en')}" for item in errors[:5])
    message_fa = str(problem.get("message_fa") or "درگاه پرسش را نپذیرفت.")
    message_en = str(problem.get("message_en") or f"The gateway refused ({response.status_code}).")
    return InvalidInput(
        f"{message_fa} {detail_fa}".strip(),
        f"{message_en} {detail_en}".strip(),
        code=str(problem.get("code") or "gateway_refused"),
        details={"status": response.status_code},
    )


def _answer_of(document: dict[str, Any]) -> QueryAnswer:
    """A JSON answer of the API as the service's ``QueryAnswer`` (dates as dates again,
    so that Parquet and Excel files keep their types)."""
    columns = [OutputColumn(item["name"], item["type"]) for item in document["columns"]]
    rows = [
        tuple(
            date.fromisoformat(row[column.name])
            if column.type == "date" and isinstance(row.get(column.name), str)
            else row.get(column.name)
            for column in columns
        )
        for row in document["rows"]
    ]
    return QueryAnswer(
        dataset=document["dataset"],
        version=document["version"],
        grant_id=document.get("grant"),
        aggregate=bool(document.get("aggregate")),
        columns=columns,
        rows=rows,
        next_cursor=document.get("next_cursor"),
        masked=list(document.get("masked") or []),
        suppressed_cells=int(document.get("suppressed_cells") or 0),
    )


def _gateway_pages(
    gateway: str, key: str, slug: str, body: dict[str, Any], purpose: str, grant: int | None
) -> Iterator[QueryAnswer]:
    headers = {"Authorization": f"Bearer {key}", "Accept-Language": "fa"}
    payload: dict[str, Any] = {**body, "purpose": purpose}
    if grant is not None:
        payload["grant"] = grant
    with httpx.Client(base_url=gateway, headers=headers, timeout=300) as client:
        while True:
            response = client.post(
                f"/api/v1/datasets/{slug}/query", params={"format": "json"}, json=payload
            )
            if response.status_code >= 400:
                raise gateway_problem(response)
            answer = _answer_of(response.json())
            yield answer
            if answer.next_cursor is None:
                return
            payload = {**payload, "cursor": answer.next_cursor}


# -- output -----------------------------------------------------------------------------


def _format_of(requested: str | None, output: Path | None) -> str:
    if requested is None and output is not None and output.suffix.lower().lstrip(".") in FORMATS:
        return output.suffix.lower().lstrip(".")
    chosen = (requested or "table").lower()
    if chosen not in (*FORMATS, "table"):
        raise InvalidInput(
            f"قالب «{requested}» پشتیبانی نمی‌شود؛ table، json، csv، xlsx یا parquet.",
            f"The format '{requested}' is not supported; use table, json, csv, xlsx or parquet.",
            code="format_unsupported",
            details={"format": requested},
        )
    if chosen in ("xlsx", "parquet") and output is None:
        raise InvalidInput(
            "قالب‌های xlsx و parquet را با --output در پرونده بنویسید.",
            "Write xlsx and parquet to a file with --output.",
            code="output_required",
        )
    if chosen == "table" and output is not None:
        return "csv"
    return chosen


def _export(fmt: str) -> ExportFormat:
    for known in FORMATS:
        if fmt == known:
            return known
    return "csv"


def _merged(pages: list[QueryAnswer]) -> QueryAnswer:
    first = pages[0]
    return QueryAnswer(
        dataset=first.dataset,
        version=first.version,
        grant_id=first.grant_id,
        aggregate=first.aggregate,
        columns=first.columns,
        rows=[row for page in pages for row in page.rows],
        next_cursor=None,
        masked=first.masked,
        suppressed_cells=sum(page.suppressed_cells for page in pages),
    )


def _write_file(
    pages: Iterator[QueryAnswer], fmt: ExportFormat, output: Path
) -> tuple[QueryAnswer, int]:
    """Every page into ``output``; the answer's notes and the rows written.

    CSV is written a page at a time (the header once); the other formats are one
    document each, so their pages are gathered first.
    """
    gathered: list[QueryAnswer] = []
    rows = 0
    with output.open("wb") as handle:
        for number, page in enumerate(pages):
            if number >= _MAX_PAGES:
                break
            rows += len(page.rows)
            if fmt != "csv":
                gathered.append(page)
                continue
            text = b"".join(exports.chunks(page, "csv"))
            if number:  # later pages: no BOM and header again
                text = text.split(b"\n", 1)[1] if b"\n" in text else b""
            handle.write(text)
            # Keep only the notes (masked, suppressed) of a page already written.
            page.rows = []
            gathered.append(page)
        if not gathered:
            raise InvalidInput(
                "پاسخی دریافت نشد.", "No answer was received.", code="answer_missing"
            )
        summary = _merged(gathered)
        if fmt != "csv":
            for piece in exports.chunks(summary, fmt):
                handle.write(piece)
    return summary, rows


def _show(answer: QueryAnswer) -> None:
    table = Table(title=f"{answer.dataset} {answer.version}", title_justify="left")
    for column in answer.columns:
        numeric = column.type in ("integer", "number")
        table.add_column(column.name, justify="right" if numeric else "left")
    for row in answer.rows[:_SHOWN_ROWS]:
        table.add_row(*("" if value is None else str(value) for value in row))
    console.print(table)
    if len(answer.rows) > _SHOWN_ROWS:
        console.print(f"… {len(answer.rows) - _SHOWN_ROWS} more rows / سطر دیگر (--output FILE)")


def _notes(answer: QueryAnswer, *, rows: int) -> None:
    err_console.print(f"rows / سطرها: {rows}")
    if answer.masked:
        err_console.print(f"masked / پوشانده: {', '.join(answer.masked)}")
    if answer.suppressed_cells:
        err_console.print(
            f"suppressed cells / خانه‌های پنهان‌شده (کمتر از آستانه): {answer.suppressed_cells}"
        )
    if answer.next_cursor:
        err_console.print(
            "more pages / صفحه‌های بیشتر: --cursor "
            f"{answer.next_cursor} (or --output FILE for all / یا همه در پرونده)"
        )


def query(
    dataset: Annotated[str, typer.Argument(help="Data set id, e.g. students")],
    purpose: Annotated[
        str, typer.Option(help="Why you need the data (required, audited) / هدف استفاده")
    ],
    where: Annotated[
        list[str] | None,
        typer.Option(
            help='A condition, repeatable: "degree_level=bachelor", "gpa>=15", '
            '"province_of_residence in 23,11", "entry_date between 1400/01/01,1400/12/29", '
            '"email is null", "city ~ تهران"'
        ),
    ] = None,
    select: Annotated[list[str] | None, typer.Option(help="Fields to show: a,b,c")] = None,
    group_by: Annotated[list[str] | None, typer.Option(help="Fields to group by: a,b")] = None,
    count: Annotated[bool, typer.Option("--count", help="Count rows (per group)")] = False,
    count_distinct: Annotated[
        list[str] | None, typer.Option(help="Count distinct values of a field")
    ] = None,
    sum_: Annotated[list[str] | None, typer.Option("--sum", help="Sum of a field")] = None,
    avg: Annotated[list[str] | None, typer.Option(help="Average of a field")] = None,
    min_: Annotated[list[str] | None, typer.Option("--min", help="Smallest value")] = None,
    max_: Annotated[list[str] | None, typer.Option("--max", help="Largest value")] = None,
    order_by: Annotated[
        list[str] | None, typer.Option(help="Sort keys: field or field:desc")
    ] = None,
    limit: Annotated[
        int, typer.Option(parser=whole_number, help="Rows (or groups) per page, 1–50000")
    ] = 1000,
    as_of: Annotated[
        str | None, typer.Option(help="A UTC time (2025-01-01T00:00:00Z) or a period (1403-1)")
    ] = None,
    cursor: Annotated[str | None, typer.Option(help="Continue from a page's cursor")] = None,
    grant: Annotated[
        int | None, typer.Option(parser=whole_number, help="The grant to use, if you hold several")
    ] = None,
    format: Annotated[
        str | None, typer.Option("--format", help="table (default), json, csv, xlsx, parquet")
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(help="Write every page to this file (format from its extension)"),
    ] = None,
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
    """Query a data set within your grant: filter, group, aggregate, export."""
    try:
        fmt = _format_of(format, output)
        body = build_query(
            where=where or [],
            select=select or [],
            group_by=group_by or [],
            aggregates=Aggregates(
                count, count_distinct or [], sum_ or [], avg or [], min_ or [], max_ or []
            ),
            order_by=order_by or [],
            limit=limit,
            as_of=as_of,
        )
        if cursor:
            body["cursor"] = cursor
        _spec(body)  # refuse a malformed query before anything is sent
        pages = _pages(dataset, body, purpose, grant, fmt, gateway=gateway, key=key, as_=as_)
        if output is not None:
            written, rows = _write_file(pages, _export(fmt), output)
            _notes(written, rows=rows)
            err_console.print(f"written / نوشته شد: {output}")
            return
        answer = next(pages)
        if fmt == "table":
            _show(answer)
        else:
            for piece in exports.chunks(answer, _export(fmt)):
                sys.stdout.buffer.write(piece)
            sys.stdout.buffer.write(b"\n")
            sys.stdout.flush()
        _notes(answer, rows=len(answer.rows))
    except DargahError as exc:
        raise fail(exc) from exc
    except httpx.HTTPError as exc:
        err_console.print(
            f"[red]✗ درگاه در دسترس نیست.\n  The gateway could not be reached: {exc}[/red]"
        )
        raise typer.Exit(1) from exc


def _pages(
    dataset: str,
    body: dict[str, Any],
    purpose: str,
    grant: int | None,
    fmt: str,
    *,
    gateway: str | None,
    key: str | None,
    as_: str | None,
) -> Iterator[QueryAnswer]:
    if gateway is not None:
        secret = key or os.environ.get("DARGAH_KEY")
        if not secret:
            raise InvalidInput(
                "برای پرسش از درگاه --key یا DARGAH_KEY لازم است.",
                "--key or DARGAH_KEY is needed to query a gateway.",
                code="key_required",
            )
        return _gateway_pages(gateway.rstrip("/"), secret, dataset, body, purpose, grant)
    if not as_:
        raise InvalidInput(
            "بدون --gateway، با --as بگویید برای کدام حوزهٔ ستادی یا عضو پرسش می‌کنید "
            "(مثلاً --as education).",
            "Without --gateway, say with --as which HQ unit or member you query for "
            "(e.g. --as education).",
            code="consumer_required",
        )
    return _local_pages(dataset, body, purpose, grant, as_, fmt)
