"""The launch a request acts for (found by id, bound to this browser's session, not expired) and who made it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from flask import abort, current_app, g, session
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from app.config import AppConfig, InstitutionConfig
from app.core.access import CanvasPerson, is_institution_admin
from app.lti.roles import is_instructor
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


def canvas_person(canvas_user_id: str | None, roles: Iterable[str], root_admin: bool) -> CanvasPerson:
    """A person as a launch describes them, for the access rules."""
    return CanvasPerson(canvas_user_id, is_instructor(roles), root_admin)


def launch_person(row: LtiLaunchRow) -> CanvasPerson:
    """The person behind a recorded launch."""
    return canvas_person(row.canvas_user_id, row.roles, row.is_root_admin)


def admin_user_ids(inst: InstitutionConfig) -> frozenset[str]:
    """The Canvas user ids the configuration names as admins of the institution."""
    return frozenset(str(i) for i in inst.canvas_admin_user_ids)


def launch_is_admin(row: LtiLaunchRow) -> bool:
    """Whether the launch's person is an institution admin (root-account admin or configured)."""
    return is_institution_admin(launch_person(row), admin_user_ids(institution_of(row)))


def launch_actor(row: LtiLaunchRow) -> tuple[str, str | None]:
    """Who acts, for the records: `canvas:<user id>` (or the LTI subject) and the name Canvas gave."""
    who = f"canvas:{row.canvas_user_id}" if row.canvas_user_id else f"lti:{row.subject}"
    return who, row.user_name
