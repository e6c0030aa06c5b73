"""The admin view (account_navigation launch, Administrator role): the adapter's health, read-only."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from sqlalchemy.orm import Session

from app.lti.roles import is_administrator
from app.web.admin_data import institution_health
from app.web.current import current_launch, engine

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/<launch_id>")
def overview(launch_id: str) -> str:
    """The launch's institution: feed position, inbox, rejected entries, pending and dead jobs.

    An administrator sees only the institution whose Canvas launched the tool.
    """
    row = current_launch(launch_id)
    if not is_administrator(row.roles):
        abort(403, description="refused_admin")
    with Session(engine()) as db:
        health = institution_health(db, row.institution_id)
    return render_template("admin.html", launch=row, health=health)
