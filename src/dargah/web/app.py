"""Mounts the portal on the app (the portal's routes and static files)."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from dargah.config import Settings
from dargah.web.deps import LoginRequired
from dargah.web.errors import redirect_to_login, render_error
from dargah.web.routes import (
    account,
    audit,
    auth,
    catalogue,
    grants,
    home,
    keys,
    members,
    people,
    queries,
    statistics,
    submissions,
    systems,
)
from dargah.web.templating import STATIC_DIR


def mount_portal(app: FastAPI, settings: Settings) -> None:
    """Attach the portal to ``app``: its pages at ``/``, its files at ``/static``.

    Also installs the portal's error pages (``app.state.html_error_renderer``, used by
    ``api/problems.py`` for non-API paths) and the redirect of anonymous browsers to
    the login page. ``settings`` are read per request from ``app.state``.
    """
    del settings  # read per request from app.state.settings, like the API does
    for router in (
        auth.router,
        home.router,
        members.router,
        catalogue.router,
        submissions.router,
        queries.router,
        grants.router,
        statistics.router,
        audit.router,
        people.router,
        keys.router,
        systems.router,
        account.router,
    ):
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.state.html_error_renderer = render_error
    app.add_exception_handler(LoginRequired, redirect_to_login)
