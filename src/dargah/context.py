"""Request-scoped values that logs and the audit log read without threading them through."""

from __future__ import annotations

from contextvars import ContextVar

request_id_var: ContextVar[str | None] = ContextVar("dargah_request_id", default=None)
client_address_var: ContextVar[str | None] = ContextVar("dargah_client_address", default=None)
