"""Assemble a Dargah node: settings, database, domain routers, errors, middleware."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from dargah import __version__
from dargah.access.router import router as access_router
from dargah.api.docs import install_api_docs, install_openapi_problems
from dargah.api.health import router as health_router
from dargah.api.middleware import RequestContextMiddleware
from dargah.api.problems import install_problem_handlers
from dargah.audit.router import router as audit_router
from dargah.catalogue.router import router as catalogue_router
from dargah.config import Settings
from dargah.db.schema import schema_status
from dargah.db.session import Database
from dargah.discovery.router import router as discovery_router
from dargah.identity.router import router as identity_router
from dargah.jobs.router import router as jobs_router
from dargah.jobs.runner import start_background_worker
from dargah.members.router import router as members_router
from dargah.records.router import router as records_router
from dargah.statistics.router import router as statistics_router
from dargah.submissions.router import router as submissions_router
from dargah.web.app import mount_portal

API_PREFIX = "/api/v1"
TITLE = "Dargah — MSRT information exchange gateway"


class SchemaBehindError(RuntimeError):
    """The database has not been migrated to this code's schema."""


def create_app(settings: Settings, *, database: Database | None = None) -> FastAPI:
    """Build the ASGI application of one node.

    Refuses to start on a database whose schema is behind this code, with the command
    that fixes it, unless the settings turn the check off (tests migrate themselves).
    """
    database = database or Database.from_url(
        settings.database_url, echo=settings.database_echo, pool_size=settings.database_pool_size
    )
    if settings.check_schema_on_start:
        status = schema_status(database.engine)
        if not status.is_current:
            raise SchemaBehindError(
                f"database schema is at {status.current or 'nothing'}, this code needs "
                f"{status.head}: run `dargah db upgrade` first / "
                "طرح پایگاه داده قدیمی است؛ ابتدا `dargah db upgrade` را اجرا کنید."
            )
    app = FastAPI(
        lifespan=_lifespan,
        title=TITLE,
        description=(
            "درگاه تبادل اطلاعات وزارت علوم، تحقیقات و فناوری. "
            "Every error is RFC 9457 problem+json with a stable `code`."
        ),
        version=__version__,
        openapi_url="/openapi.json",
        # FastAPI's own pages load Swagger UI / ReDoc from a CDN; /docs is served from
        # the node's static files instead (install_api_docs, decision 0018).
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.database = database
    install_problem_handlers(app)
    app.add_middleware(RequestContextMiddleware)
    app.include_router(health_router)
    # Routes are tried in order, each a pattern match; the query API comes first as the
    # busiest (a lookup would otherwise be tried against some sixty routes). No other
    # route matches its path.
    for router in (
        records_router,
        members_router,
        identity_router,
        audit_router,
        catalogue_router,
        jobs_router,
        submissions_router,
        access_router,
        discovery_router,
        statistics_router,
    ):
        app.include_router(router, prefix=API_PREFIX)
    install_api_docs(app, title=f"{TITLE} — API")
    install_openapi_problems(app)
    mount_portal(app, settings)
    return app


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Run the in-process job worker while the app serves (``jobs_in_process``).

    The embedded setup needs no separate worker process; PostgreSQL deployments turn
    this off and run `dargah worker` instead (several of them are safe together).
    """
    settings: Settings = app.state.settings
    worker = (
        start_background_worker(app.state.database, settings) if settings.jobs_in_process else None
    )
    app.state.job_worker = worker
    try:
        yield
    finally:
        if worker is not None:
            # Waiting for a running job must not block the event loop.
            await asyncio.to_thread(worker.stop)
