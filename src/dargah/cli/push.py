"""`dargah push`: the institution's connector — check a file, then send it.

Three ways, by option:

- ``--validate-only``: fully offline, against the data sets and code lists shipped in
  the package; nothing leaves the machine;
- ``--gateway URL --key KEY``: to a gateway over HTTPS, in resumable pieces, then waits
  for the result and saves the signed receipt;
- neither: on the gateway host itself, straight into its database (operators).
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn, TransferSpeedColumn
from rich.table import Table

from dargah.catalogue.builtin import builtin_code_lists, builtin_datasets
from dargah.cli._common import actor, console, err_console, fail, open_database, settings
from dargah.errors import DargahError, InvalidInput
from dargah.members import service as members
from dargah.submissions import service
from dargah.submissions.fields import CodeLookup
from dargah.submissions.models import AcceptancePolicy, SubmissionMode
from dargah.submissions.pipeline import PassOutcome, validate_file

PIECE_BYTES = 8 * 1024 * 1024
_RETRIES = 5


def push(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    dataset: Annotated[str, typer.Option(help="Data set id, e.g. students")],
    period: Annotated[str, typer.Option(help="1403-1 for a term, 1403 for a year")],
    mode: Annotated[SubmissionMode, typer.Option()] = SubmissionMode.SNAPSHOT,
    policy: Annotated[AcceptancePolicy, typer.Option()] = AcceptancePolicy.ALL_OR_NOTHING,
    validate_only: Annotated[
        bool, typer.Option("--validate-only", help="Check offline; send nothing")
    ] = False,
    gateway: Annotated[
        str | None, typer.Option(help="Gateway URL, e.g. https://dargah.msrt.ir")
    ] = None,
    key: Annotated[str | None, typer.Option(help="API key (or DARGAH_KEY)")] = None,
    institution: Annotated[
        str | None, typer.Option(help="Institution identifier, for operators (IR/UNI/1001)")
    ] = None,
    encoding: Annotated[str | None, typer.Option(help="Declared encoding (wins)")] = None,
    receipt: Annotated[Path | None, typer.Option(help="Where to save the receipt")] = None,
    report: Annotated[Path | None, typer.Option(help="Save the findings as JSON")] = None,
) -> None:
    """Check a data file and send it to the gateway, with progress and a signed receipt."""
    if validate_only:
        _validate_offline(file, dataset, mode, encoding, report)
        return
    if gateway is not None:
        secret = key or os.environ.get("DARGAH_KEY")
        if not secret:
            err_console.print("[red]--key or DARGAH_KEY is needed to send to a gateway[/red]")
            raise typer.Exit(2)
        try:
            outcome = _send(
                file,
                gateway.rstrip("/"),
                secret,
                dataset,
                period,
                mode,
                policy,
                institution,
                encoding,
            )
        except DargahError as exc:
            raise fail(exc) from exc
        except httpx.HTTPError as exc:
            err_console.print(
                f"[red]the gateway could not be reached / درگاه در دسترس نیست: {exc}[/red]"
            )
            raise typer.Exit(1) from exc
    else:
        outcome = _load_locally(file, dataset, period, mode, policy, institution, encoding)
    _print_submission(outcome)
    target = receipt or file.with_name(file.name + ".receipt.json")
    if outcome.get("receipt"):
        target.write_text(json.dumps(outcome["receipt"], ensure_ascii=False, indent=2), "utf-8")
        console.print(f"receipt / رسید: {target}")
    if outcome["status"] not in ("accepted", "partially_accepted"):
        raise typer.Exit(1)


def _validate_offline(
    file: Path, dataset: str, mode: SubmissionMode, encoding: str | None, report: Path | None
) -> None:
    documents = {document.id: document for document in builtin_datasets()}
    document = documents.get(dataset)
    if document is None:
        err_console.print(
            f"[red]unknown data set {dataset!r}; known: {', '.join(sorted(documents))}[/red]"
        )
        raise typer.Exit(2)
    lists = {item.id: item for item in builtin_code_lists()}
    lookups = {slug: CodeLookup(lists[slug].values) for slug in document.schema_.code_lists}
    with _row_progress() as bar:
        task = bar.add_task("validating / بررسی", total=None)
        try:
            outcome = validate_file(
                file,
                document,
                lookups,
                delta=mode is SubmissionMode.DELTA,
                encoding=encoding,
                progress=lambda done, _rate, total: bar.update(task, completed=done, total=total),
            )
        except DargahError as exc:
            raise fail(exc) from exc
    _print_outcome(outcome)
    if report is not None:
        rows = outcome.findings_frame.to_dicts()
        report.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
        console.print(f"report / گزارش: {report}")
    if outcome.errors:
        raise typer.Exit(1)


def _row_progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed:,} rows")
    )


def _print_outcome(outcome: PassOutcome) -> None:
    table = Table(title="validation / بررسی")
    for column in ("received", "valid", "with errors", "errors", "warnings"):
        table.add_column(column)
    table.add_row(
        str(outcome.received),
        str(outcome.received - outcome.rejected),
        str(outcome.rejected),
        str(outcome.errors),
        str(outcome.warnings),
    )
    console.print(table)
    findings = outcome.findings_frame.head(20)
    if findings.height:
        detail = Table(title="first findings / نخستین خطاها")
        for column in ("row", "field", "value", "code", "message"):
            detail.add_column(column)
        for item in findings.iter_rows(named=True):
            detail.add_row(
                str(item["row"] or ""),
                str(item["field"] or ""),
                str(item["value"] or ""),
                item["code"],
                f"{item['message_fa']} / {item['message_en']}",
            )
        console.print(detail)


def _load_locally(
    file: Path,
    dataset: str,
    period: str,
    mode: SubmissionMode,
    policy: AcceptancePolicy,
    institution: str | None,
    encoding: str | None,
) -> dict[str, Any]:
    if institution is None:
        err_console.print("[red]--institution is needed without --gateway[/red]")
        raise typer.Exit(2)
    with open_database() as database:
        try:
            with database.session() as session:
                institution_id = members.get_member(session, institution).id
            with _row_progress() as bar:
                task = bar.add_task("loading / بارگذاری", total=None)
                done = service.submit_file(
                    database,
                    settings=settings(),
                    principal=actor(),
                    path=file,
                    dataset_slug=dataset,
                    institution_id=institution_id,
                    period=period,
                    mode=mode,
                    policy=policy,
                    encoding=encoding,
                    progress=lambda rows, _rate, total: bar.update(
                        task, completed=rows, total=total
                    ),
                )
        except DargahError as exc:
            raise fail(exc) from exc
        counts = {
            name: getattr(done, name)
            for name in (
                "received",
                "accepted",
                "rejected",
                "inserted",
                "updated",
                "unchanged",
                "closed",
            )
        }
        return {
            "id": done.id,
            "status": done.status,
            "counts": counts,
            "finding_counts": done.finding_counts,
            "receipt": done.receipt,
            "failure": {"code": done.failure_code, "message_en": done.failure_en}
            if done.failure_code
            else None,
        }


def _send(
    file: Path,
    gateway: str,
    key: str,
    dataset: str,
    period: str,
    mode: SubmissionMode,
    policy: AcceptancePolicy,
    institution: str | None,
    encoding: str | None,
) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {key}"}
    with httpx.Client(base_url=gateway, headers=headers, timeout=120) as client:
        opened = _checked(
            client.post(
                "/api/v1/submissions",
                json={
                    "dataset": dataset,
                    "period": period,
                    "mode": mode.value,
                    "policy": policy.value,
                    "institution": institution,
                    "filename": file.name,
                    "encoding": encoding,
                },
            )
        )
        base = opened["links"]["self"]
        _upload(client, base, file)
        done = client.post(f"{base}/complete")
        result = _checked(done)
        with _row_progress() as bar:
            task = bar.add_task("processing / پردازش", total=None)
            while result["status"] in ("queued", "processing"):
                time.sleep(1)
                result = _checked(client.get(base))
                bar.update(task, completed=result["progress_rows"])
        if result["status"] in ("accepted", "partially_accepted", "rejected"):
            receipt_response = client.get(f"{base}/receipt")
            if receipt_response.status_code == 200:
                result["receipt"] = receipt_response.json()
        return result


def _upload(client: httpx.Client, base: str, file: Path) -> None:
    """Send the body in pieces; after a network failure, resume where the gateway is."""
    size = file.stat().st_size
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns) as bar, file.open("rb") as handle:
        task = bar.add_task("upload / ارسال", total=size)
        offset = 0
        failures = 0
        while offset < size:
            handle.seek(offset)
            piece = handle.read(PIECE_BYTES)
            try:
                answer = client.patch(
                    f"{base}/body", content=piece, headers={"Upload-Offset": str(offset)}
                )
                offset = int(_checked(answer)["size_bytes"])
                failures = 0
            except httpx.TransportError:
                failures += 1
                if failures > _RETRIES:
                    raise
                time.sleep(2**failures)
                offset = int(_checked(client.get(base))["size_bytes"])
            bar.update(task, completed=offset)


def _checked(response: httpx.Response) -> dict[str, Any]:
    if response.status_code >= 400:
        try:
            problem = response.json()
        except ValueError:
            problem = {"detail": response.text[:300]}
        raise InvalidInput(
            str(problem.get("message_fa") or problem.get("title") or "درگاه درخواست را نپذیرفت."),
            str(
                problem.get("message_en")
                or problem.get("detail")
                or "The gateway refused the request."
            ),
            code=str(problem.get("code") or "gateway_refused"),
            details={"status": response.status_code},
        )
    body: dict[str, Any] = response.json()
    return body


def _print_submission(result: dict[str, Any]) -> None:
    table = Table(title=f"submission {result.get('id')} / ارسال")
    table.add_column("status")
    for name in ("received", "accepted", "rejected", "inserted", "updated", "unchanged", "closed"):
        table.add_column(name)
    counts = result.get("counts") or {}
    table.add_row(
        result["status"],
        *(
            str(counts.get(name, 0))
            for name in (
                "received",
                "accepted",
                "rejected",
                "inserted",
                "updated",
                "unchanged",
                "closed",
            )
        ),
    )
    console.print(table)
    if result.get("finding_counts"):
        console.print(
            "findings / خطاها: " + json.dumps(result["finding_counts"], ensure_ascii=False)
        )
    if result.get("failure"):
        console.print(f"[red]{result['failure']}[/red]")
