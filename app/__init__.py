"""Kursadministration: the Ladok→Canvas adapter and its LTI 1.3 tool, as one Flask application."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask

from app import redacted_logs
from app.config import AppConfig
from app.config_file import load_config
from app.log_setup import configure_logging
from app.store.db import make_engine, make_sessionmaker

log = logging.getLogger(__name__)


def create_app(config: AppConfig | None = None, **overrides: Any) -> Flask:
    """Build the Flask app from a validated configuration (default: the file in KURSADMIN_CONFIG)."""
    redacted_logs.install()  # before anything logs: no personnummer in any log this process writes
    config = config or load_config()
    configure_logging(config.logging)
    flask_app = Flask(__name__, template_folder="../templates", static_folder="../static")
    flask_app.config.update(SECRET_KEY=config.secret_key, KURSADMIN=config, **overrides)
    engine = make_engine(config.database_url)
    flask_app.extensions["kursadmin.engine"] = engine
    flask_app.extensions["kursadmin.sessions"] = make_sessionmaker(engine)

    from app.web import ops_views  # no secret needed: health and metrics say nothing about anyone

    flask_app.register_blueprint(ops_views.bp)
    if config.secret_key:
        from app.web import init_app as init_web

        init_web(flask_app)
    else:
        log.info("secret_key is not configured: the LTI tool's pages are off")

    @flask_app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    return flask_app
