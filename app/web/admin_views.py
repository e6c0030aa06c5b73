"""The admin view (account_navigation launch, Administrator role): the adapter's health and operator actions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from sqlalchemy.orm import Session

from app.lti.roles import is_administrator
from app.pipeline.explain import explain
from app.pipeline.report import build_report
from app.store.control import discard, release, set_paused
from app.store.db import write_session
from app.store.lti_tables import LtiLaunchRow
from app.store.queue import retry_dead
from app.web.admin_data import institution_health
from app.web.current import current_launch, engine, institution_of
from app.web.forms import AdminActionForm, DiscardForm

bp = Blueprint("admin", __name__, url_prefix="/admin")

REPORT_PERIOD = dt.timedelta(hours=24)


def _admin_launch(launch_id: str) -> LtiLaunchRow:
    row = current_launch(launch_id)
    if not is_administrator(row.roles):
        abort(403, description="refused_admin")
    return row


def _by(row: LtiLaunchRow) -> str:
    return f"lti:{row.canvas_user_id or row.subject}"


@bp.get("/<launch_id>")
def overview(launch_id: str) -> str:
    """The launch's institution: report, feed, inbox, rejected entries, jobs, pause, held removals, explain.

    An administrator sees and acts on only the institution whose Canvas launched the tool.
    """
    row = _admin_launch(launch_id)
    with Session(engine()) as db:
        health = institution_health(db, row.institution_id)
    report = build_report(engine(), row.institution_id, dt.datetime.now(dt.UTC) - REPORT_PERIOD)
    student = request.args.get("student", "").strip()[:64]
    offering = request.args.get("offering", "").strip()[:64]
    explained = (explain(engine(), row.institution_id, institution_of(row).settings, student, offering or None)
                 if student else None)
    done = request.args.get("done")
    return render_template("admin.html", launch=row, health=health, report=report, form=AdminActionForm(),
                           student=student, offering=offering, explained=explained,
                           discard_form=DiscardForm(), done=done if done in _ACTIONS else None,
                           count=request.args.get("n", type=int))


def _pause(row: LtiLaunchRow, db: Session) -> int:
    set_paused(db, row.institution_id, True, _by(row))
    return 0


def _resume(row: LtiLaunchRow, db: Session) -> int:
    set_paused(db, row.institution_id, False, _by(row))
    return 0


def _release(row: LtiLaunchRow, db: Session) -> int:
    return release(db, row.institution_id)


def _discard(row: LtiLaunchRow, db: Session) -> int:
    return discard(db, row.institution_id)


def _retry_dead(row: LtiLaunchRow, db: Session) -> int:
    return retry_dead(db, row.institution_id)


_ACTIONS: dict[str, Callable[[LtiLaunchRow, Session], int]] = {
    "pause": _pause, "resume": _resume, "release": _release, "discard": _discard, "retry-dead": _retry_dead,
}


@bp.post("/<launch_id>/<action>")
def act(launch_id: str, action: str) -> Response:
    """Run one operator action on the launch's institution, then show the page again with what it did."""
    row = _admin_launch(launch_id)
    if action not in _ACTIONS:
        abort(404)
    form = DiscardForm() if action == "discard" else AdminActionForm()
    if not form.validate():
        abort(400, description="error_confirm" if action == "discard" else "error_bad_request")
    with write_session(engine()) as db:
        count = _ACTIONS[action](row, db)
    return redirect(url_for("admin.overview", launch_id=launch_id, done=action, n=count), code=303)
