"""The admin view's page and operator actions, the same whether reached by a Canvas launch or through the SSO."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from flask import abort, redirect, render_template, request
from flask_wtf import FlaskForm
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response  # what redirect() returns; flask.Response is one

from app.pipeline.explain import explain
from app.pipeline.report import build_report
from app.store.control import discard, release, set_paused
from app.store.db import write_session
from app.store.link_requests import decide_request
from app.store.queue import retry_dead
from app.web.activity_chart import last_day
from app.web.admin_data import institution_health
from app.web.current import app_config, engine
from app.web.forms import AdminActionForm, DiscardForm, RequestDecisionForm

REPORT_PERIOD = dt.timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class Operator:
    """Who operates which institution, and where the page and its actions are for this way in."""

    institution_id: str
    by: str  # canvas:<user id> | sso:<identity>
    by_name: str | None
    lang: str
    page_url: Callable[..., str]  # query arguments → the page's URL
    action_url: Callable[[str], str]


def show(op: Operator, **context: object) -> str:
    """The page: report, feed, inbox, jobs, pause, held removals, requests, settings history, explain."""
    with Session(engine()) as db:
        health = institution_health(db, op.institution_id, op.lang)
    report = build_report(engine(), op.institution_id, dt.datetime.now(dt.UTC) - REPORT_PERIOD)
    activity = last_day(engine(), op.institution_id)
    student = request.args.get("student", "").strip()[:64]
    offering = request.args.get("offering", "").strip()[:64]
    settings = app_config().institution(op.institution_id).settings
    explained = explain(engine(), op.institution_id, settings, student, offering or None) if student else None
    done = request.args.get("done")
    return render_template(
        "admin.html",
        op=op,
        health=health,
        report=report,
        activity=activity,
        form=AdminActionForm(),
        decision_form=RequestDecisionForm(),
        student=student,
        offering=offering,
        explained=explained,
        discard_form=DiscardForm(),
        done=done if done in ACTIONS else None,
        count=request.args.get("n", type=int),
        **context,
    )


def _pause(op: Operator, db: Session, _form: FlaskForm) -> int:
    set_paused(db, op.institution_id, True, op.by)
    return 0


def _resume(op: Operator, db: Session, _form: FlaskForm) -> int:
    set_paused(db, op.institution_id, False, op.by)
    return 0


def _release(op: Operator, db: Session, _form: FlaskForm) -> int:
    return release(db, op.institution_id)


def _discard(op: Operator, db: Session, _form: FlaskForm) -> int:
    return discard(db, op.institution_id)


def _retry_dead(op: Operator, db: Session, _form: FlaskForm) -> int:
    return retry_dead(db, op.institution_id)


def _decide(approve: bool) -> Callable[[Operator, Session, FlaskForm], int]:
    def decide(op: Operator, db: Session, form: FlaskForm) -> int:
        if decide_request(db, op.institution_id, int(form.request_id.data), approve, op.by, op.by_name) is None:
            abort(409, description="error_request_gone")
        return 1

    return decide


ACTIONS: dict[str, Callable[[Operator, Session, FlaskForm], int]] = {
    "pause": _pause,
    "resume": _resume,
    "release": _release,
    "discard": _discard,
    "retry-dead": _retry_dead,
    "approve": _decide(True),
    "reject": _decide(False),
}
_FORMS: dict[str, type[FlaskForm]] = {
    "discard": DiscardForm,
    "approve": RequestDecisionForm,
    "reject": RequestDecisionForm,
}
_FORM_ERRORS = {"discard": "error_confirm"}


def perform(op: Operator, action: str) -> Response:
    """Run one operator action on the institution, then show the page again with what it did."""
    if action not in ACTIONS:
        abort(404)
    form = _FORMS.get(action, AdminActionForm)()
    if not form.validate():
        abort(400, description=_FORM_ERRORS.get(action, "error_bad_request"))
    with write_session(engine()) as db:
        count = ACTIONS[action](op, db, form)
    return redirect(op.page_url(done=action, n=count), code=303)
