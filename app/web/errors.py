"""Error pages in the user's language, saying what went wrong and what to do."""

from __future__ import annotations

from flask import Blueprint, g, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException

from app.store.lti_tables import LtiLaunchRow
from app.web.current import engine
from app.web.i18n import MESSAGES


def _http_error(err: HTTPException) -> tuple[str, int]:
    key = err.description if isinstance(err.description, str) else None
    launch = getattr(g, "launch", None)
    if key in ("refused", "refused_admin") and launch is not None:
        return refusal(key == "refused_admin", launch.roles), err.code or 403
    if key is not None and key.startswith("refused_sso"):
        return render_template(
            "refused.html", heading_key="refused_admin_heading", body_key=key, roles=None
        ), err.code or 403
    if key in MESSAGES:
        return render_template("error.html", reason_key=key), err.code or 400
    return render_template("error.html", reason=f"{err.code} {err.name}"), err.code or 500


def refusal(admin: bool, roles: list[str] | tuple[str, ...] | None) -> str:
    """The refusal page: of the admin view or of the course settings, with the roles Canvas sent (if any)."""
    if admin:
        return render_template(
            "refused.html", heading_key="refused_admin_heading", body_key="refused_admin_body", roles=roles
        )
    return render_template("refused.html", heading_key="refused_heading", body_key="refused_body", roles=roles)


def _csrf_error(err: CSRFError) -> tuple[str, int]:
    # Flask-WTF refuses before the view has loaded the launch: take its language from the launch in the URL.
    launch_id = (request.view_args or {}).get("launch_id")
    if launch_id:
        with Session(engine()) as db:
            row = db.get(LtiLaunchRow, launch_id)
        if row is not None:
            g.lang = row.locale
    return render_template("error.html", reason_key="error_csrf"), 400


def install(bp: Blueprint) -> None:
    """Register the error handlers on one of the tool's blueprints (other parts of the app keep their own)."""
    bp.register_error_handler(CSRFError, _csrf_error)
    bp.register_error_handler(HTTPException, _http_error)
