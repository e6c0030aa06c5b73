"""The launch a request acts for: found by id, bound to this browser's session, not expired."""

from __future__ import annotations

import datetime as dt

from flask import abort, current_app, g, session
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from app.config import AppConfig, InstitutionConfig
from app.store.lti_tables import LtiLaunchRow


def engine() -> Engine:
    """The application's database engine."""
    return current_app.extensions["kursadmin.engine"]


def app_config() -> AppConfig:
    """The validated configuration."""
    return current_app.config["KURSADMIN"]


def current_launch(launch_id: str) -> LtiLaunchRow:
    """The launch for this page, or a 403 when it is unknown, expired or made in another browser."""
    with Session(engine()) as db:
        row = db.get(LtiLaunchRow, launch_id)
    if row is None:
        abort(403, description="error_session")
    g.lang = row.locale
    # SQLite hands back naive datetimes for timezone-aware columns; they were stored as UTC.
    expires = row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(tzinfo=dt.UTC)
    # A launch made through platform storage has no cookie to bind it: its unguessable id does (launch_session.py).
    bound = row.cookieless or row.browser_key == session.get("browser_key")
    if not bound or expires <= dt.datetime.now(dt.UTC):
        abort(403, description="error_session")
    g.launch = row
    return row


def institution_of(row: LtiLaunchRow) -> InstitutionConfig:
    """The configured institution the launch came from."""
    return app_config().institution(row.institution_id)
