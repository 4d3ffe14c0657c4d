"""ASGI entry point for servers: ``uvicorn --factory dargah.asgi:application``."""

from __future__ import annotations

from fastapi import FastAPI

from dargah.app import create_app
from dargah.config import get_settings
from dargah.logs import configure_logging


def application() -> FastAPI:
    """Build the app from the environment (each worker process calls this once)."""
    settings = get_settings()
    configure_logging(level=settings.log_level, fmt=settings.log_format)
    return create_app(settings)
