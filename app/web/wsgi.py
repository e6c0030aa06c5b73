"""WSGI entry point with the tool wired in: `gunicorn "app.web.wsgi:create_tool_app()"`."""

from __future__ import annotations

from flask import Flask

from app import create_app
from app.web import init_app


def create_tool_app() -> Flask:
    """create_app() with the LTI tool's blueprints registered (a no-op once create_app does it itself)."""
    flask_app = create_app()
    init_app(flask_app)
    return flask_app
