"""A launch made without cookies (through platform storage) is bound by its unguessable id alone.

The browser keeps no cookie of the tool's there, so each request of such a launch gets the CSRF secret Flask-WTF
keeps in the session from the launch itself (an HMAC of its id under the app's secret key). Forms and their
checks stay as they are; the launch id in the path is what an attacker would have to know.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from flask import Blueprint, current_app, session
from sqlalchemy.orm import Session

from app.store.lti_tables import LtiLaunchRow
from app.web.current import engine


def csrf_secret(launch_id: str) -> str:
    """The session's CSRF secret for a cookieless launch."""
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, b"kursadmin-csrf:" + launch_id.encode(), hashlib.sha256).hexdigest()


def _seed(endpoint: str | None, values: dict[str, Any] | None) -> None:
    launch_id = (values or {}).get("launch_id")
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    if not launch_id or field in session:
        return
    with Session(engine()) as db:
        row = db.get(LtiLaunchRow, launch_id)
    if row is not None and row.cookieless:
        session[field] = csrf_secret(launch_id)


def install(bp: Blueprint) -> None:
    """Seed the CSRF secret before Flask-WTF checks a request (URL preprocessors run before `before_request`)."""
    bp.url_value_preprocessor(_seed)
