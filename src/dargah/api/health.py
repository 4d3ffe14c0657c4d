"""Liveness, readiness and Prometheus metrics for load balancers and monitoring."""

from __future__ import annotations

import hmac
import ipaddress
import os

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest, multiprocess
from sqlalchemy import text

from dargah.api.deps import SettingsDep, get_database
from dargah.db.schema import schema_status
from dargah.errors import NotAuthenticated

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="Liveness: the process answers")
def healthz() -> dict[str, str]:
    """Answer while the process is alive; checks nothing else."""
    return {"status": "ok"}


@router.get("/readyz", summary="Readiness: database reachable and schema current")
def readyz(request: Request) -> JSONResponse:
    """Ready when the database answers and its schema matches this code's migrations."""
    database = get_database(request)
    checks: dict[str, str] = {}
    ready = True
    try:
        with database.engine.connect().execution_options(
            isolation_level="AUTOCOMMIT"
        ) as connection:
            connection.execute(text("SELECT 1"))
        checks["database"] = "ok"
        status = schema_status(database.engine)
        checks["schema"] = (
            "ok" if status.is_current else f"behind ({status.current} < {status.head})"
        )
        ready = status.is_current
    except Exception as exc:  # any driver failure means "not ready", never a 500
        checks["database"] = f"unreachable: {type(exc).__name__}"
        ready = False
    return JSONResponse(
        {"status": "ready" if ready else "not_ready", "checks": checks},
        status_code=200 if ready else 503,
    )


@router.get("/metrics", summary="Prometheus metrics", include_in_schema=False)
def metrics(request: Request, settings: SettingsDep) -> Response:
    """Metrics for scrapers on the loopback interface or holding the metrics token."""
    token = settings.metrics_token.get_secret_value() if settings.metrics_token else None
    supplied = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
    client = request.client.host if request.client else ""
    if token is not None:
        allowed = hmac.compare_digest(supplied.encode(), token.encode())
    else:
        allowed = _is_loopback(client)
    if not allowed:
        raise NotAuthenticated(
            "دسترسی به متریک‌ها فقط با توکن متریک یا از خود کارگزار ممکن است.",
            "Metrics need the metrics token or a loopback client.",
            code="metrics_forbidden",
        )
    registry: CollectorRegistry | None = None
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # Several workers: aggregate what each process wrote to the shared directory.
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    payload = generate_latest(registry) if registry is not None else generate_latest()
    return Response(payload, media_type=CONTENT_TYPE_LATEST)


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
