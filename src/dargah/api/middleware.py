"""Pure ASGI middleware: request ids, the access log and request metrics."""

from __future__ import annotations

import logging
import os
import re
import time
from typing import Any

from prometheus_client import Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dargah.context import client_address_var, request_id_var
from dargah.logs import get_logger

_log = get_logger("dargah.access")
_access_log = logging.getLogger("dargah.access")
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")

HTTP_REQUESTS = Counter(
    "dargah_http_requests_total", "HTTP requests served", ["method", "route", "status"]
)
HTTP_DURATION = Histogram(
    "dargah_http_request_duration_seconds",
    "Time to serve an HTTP request",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
# The labelled series by (method, route, status): looked up per request without the
# client library's lock. Routes are templates and statuses few, so this stays small.
_children: dict[tuple[str, str, int], tuple[Any, Any]] = {}


class RequestContextMiddleware:
    """Give each request an id (or keep a sane incoming one) and log it when done."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = next(
            (value for name, value in scope["headers"] if name == b"x-request-id"), b""
        ).decode("latin-1")
        request_id = incoming if _SAFE_REQUEST_ID.match(incoming) else os.urandom(16).hex()
        client = scope.get("client")
        id_token = request_id_var.set(request_id)
        client_token = client_address_var.set(client[0] if client else None)
        started = time.perf_counter()
        status_holder = {"status": 500}

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_holder["status"] = message["status"]
                headers = list(message.get("headers", []))
                if not any(name.lower() == b"x-request-id" for name, _ in headers):
                    headers.append((b"x-request-id", request_id.encode("ascii")))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except BaseException:
            # Leave the request id in context: the server-error handler outside this
            # middleware still needs it for the 500 answer and its log line. The
            # context belongs to this request's task, so nothing leaks.
            self._observe(scope, 500, started)
            raise
        self._observe(scope, status_holder["status"], started)
        request_id_var.reset(id_token)
        client_address_var.reset(client_token)

    @staticmethod
    def _observe(scope: Scope, status: int, started: float) -> None:
        elapsed = time.perf_counter() - started
        route = scope.get("route")
        template = getattr(route, "path", "unmatched")
        method = scope["method"]
        client = scope.get("client")
        counted = (method, template, status)
        children = _children.get(counted)
        if children is None:
            children = _children[counted] = (
                HTTP_REQUESTS.labels(method, template, str(status)),
                HTTP_DURATION.labels(method, template),
            )
        children[0].inc()
        children[1].observe(elapsed)
        if not _access_log.isEnabledFor(logging.INFO):
            return  # the line would be dropped: do not build it
        _log.info(
            "request",
            method=method,
            path=scope["path"],
            route=template,
            status=status,
            duration_ms=round(elapsed * 1000, 2),
            client=client[0] if client else None,
        )
