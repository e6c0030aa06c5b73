"""Teacher views: the course's offerings, early access, and co-reading search, link (or request) and unlink."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, session, url_for
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response  # what redirect() returns; flask.Response is one

from app.core.access import link_outcome, may_change_course
from app.core.early_access import default_purge_date
from app.store.course_settings import (
    get_settings,
    link_offering,
    offerings_in_course,
    set_early_access,
    unlink_offering,
)
from app.store.db import write_session
from app.store.link_requests import request_link
from app.store.lti_tables import LtiLaunchRow
from app.store.tables import OfferingRow
from app.web.consent import teaches_offering_course
from app.web.course_data import (
    RequestLine,
    SyncStatus,
    course_offerings,
    request_lines,
    search_offerings,
    sync_status,
)
from app.web.current import (
    admin_user_ids,
    current_launch,
    engine,
    institution_of,
    launch_actor,
    launch_is_admin,
    launch_person,
)
from app.web.forms import EarlyAccessForm, OfferingForm
from app.web.i18n import translate

bp = Blueprint("course", __name__, url_prefix="/course")


def _teacher_launch(launch_id: str) -> LtiLaunchRow:
    row = current_launch(launch_id)
    if row.placement != "course" or row.canvas_course_id is None:
        abort(403, description="error_no_course")
    if not may_change_course(launch_person(row), admin_user_ids(institution_of(row))):
        abort(403, description="refused")
    return row


def _touched_key(launch_id: str) -> str:
    return f"touched:{launch_id}"


def _remember_touched(launch_id: str, offering_uid: str) -> None:
    # An unlinked offering leaves the course, but its students' removal is still to be watched.
    touched = session.get(_touched_key(launch_id), [])
    if offering_uid not in touched:
        session[_touched_key(launch_id)] = [*touched, offering_uid][-20:]


def _sync(db: Session, row: LtiLaunchRow, offering_uids: list[str]) -> SyncStatus:
    watched = sorted(set(offering_uids) | set(session.get(_touched_key(row.launch_id), [])))
    return sync_status(db, row.institution_id, watched)


def _open_requests(requests: list[RequestLine], in_course: set[str]) -> list[RequestLine]:
    # The newest request per offering, while it waits or was turned down and the offering is not in the course.
    newest = {r.uid: r for r in requests}
    return [r for r in newest.values() if r.status in ("pending", "rejected") and r.uid not in in_course]


def _render(
    row: LtiLaunchRow, early_form: EarlyAccessForm | None = None, status_code: int = 200, message: str | None = None
) -> tuple[str, int]:
    course_id = row.canvas_course_id
    assert course_id is not None
    query = request.args.get("q", "").strip()
    with Session(engine()) as db:
        lines = course_offerings(db, row.institution_id, course_id, row.locale)
        settings = get_settings(db, row.institution_id, course_id)
        results = search_offerings(db, row.institution_id, query, row.locale) if query else []
        status = _sync(db, row, [line.uid for line in lines])
        requests = request_lines(db, row.institution_id, row.locale, course_id, statuses=None)
    suggested = default_purge_date(line.start_date for line in lines)
    if early_form is None:
        purge = settings.purge_date if settings and settings.purge_date else suggested
        early_form = EarlyAccessForm(formdata=None, enabled=bool(settings and settings.early_access), purge_date=purge)
    in_course = {line.uid for line in lines}
    shown_requests = _open_requests(requests, in_course)
    html = render_template(
        "course.html",
        launch=row,
        lines=lines,
        settings=settings,
        suggested=suggested,
        early_form=early_form,
        query=query,
        results=results,
        in_course=in_course,
        status=status,
        offering_form=OfferingForm(),
        requests=shown_requests,
        requested={r.uid for r in shown_requests if r.status == "pending"},
        done=request.args.get("done"),
        message=message,
    )
    return html, status_code


def _back(launch_id: str, done: str = "saved") -> Response:
    return redirect(
        url_for("course.overview", launch_id=launch_id, done=done, q=request.args.get("q") or None), code=303
    )


@bp.get("/<launch_id>")
def overview(launch_id: str) -> tuple[str, int]:
    """The course page."""
    return _render(_teacher_launch(launch_id))


@bp.get("/<launch_id>/status")
def status(launch_id: str) -> tuple[str, int, dict[str, str]]:
    """The "Status in Canvas" fragment, polled by the page while changes are pending (X-Pending: how many)."""
    row = _teacher_launch(launch_id)
    assert row.canvas_course_id is not None
    with Session(engine()) as db:
        current = _sync(db, row, offerings_in_course(db, row.institution_id, row.canvas_course_id))
    return render_template("_sync_status.html", status=current), 200, {"X-Pending": str(current.pending)}


@bp.post("/<launch_id>/early-access")
def early_access(launch_id: str) -> Response | tuple[str, int]:
    """Turn early access on or off for the launch's course, with the purge date given or suggested."""
    row = _teacher_launch(launch_id)
    form = EarlyAccessForm()
    if not form.validate():
        errors = "; ".join(f"{translate('purge_date')}: {e}" for e in form.purge_date.errors)
        return _render(row, early_form=form, status_code=400, message=translate("error_form", errors=errors))
    course_id = row.canvas_course_id
    assert course_id is not None
    with write_session(engine()) as db:
        purge = form.purge_date.data
        if form.enabled.data and purge is None:
            lines = course_offerings(db, row.institution_id, course_id, row.locale)
            purge = default_purge_date(line.start_date for line in lines)
        set_early_access(db, row.institution_id, course_id, bool(form.enabled.data), purge, *launch_actor(row))
    return _back(launch_id)


def _offering_form(row: LtiLaunchRow) -> str:
    form = OfferingForm()
    if not form.validate():
        abort(400, description="error_bad_request")
    uid = form.offering_uid.data
    with Session(engine()) as db:
        if db.get(OfferingRow, (row.institution_id, uid)) is None:
            abort(404, description="error_unknown_offering")
    return uid


@bp.post("/<launch_id>/link")
def link(launch_id: str) -> Response | tuple[str, int]:
    """Link an offering into the launch's course (co-reading), or ask an admin to (docs/rules.md §4.7).

    The link is made at once for an institution admin and for an active teacher of the offering's own
    Canvas course (Canvas is asked now, outside any database transaction); anyone else's becomes a
    request. When Canvas cannot be asked nothing is recorded and the teacher is told to try again.
    """
    row = _teacher_launch(launch_id)
    uid = _offering_form(row)
    course_id = row.canvas_course_id
    assert course_id is not None
    with Session(engine()) as db:
        # An offering whose own section is in this course needs no co-reading section beside it.
        if uid in offerings_in_course(db, row.institution_id, course_id):
            return _back(launch_id)
    admin = launch_is_admin(row)
    teaches = None if admin else teaches_offering_course(institution_of(row), uid, row.canvas_user_id)
    outcome = link_outcome(admin, teaches)
    if outcome == "ask_again":
        return _render(row, status_code=503, message=translate("error_canvas_check"))
    if outcome == "request":
        with write_session(engine()) as db:
            request_link(db, row.institution_id, course_id, uid, *launch_actor(row))
        return _back(launch_id, "requested")
    with write_session(engine()) as db:
        link_offering(db, row.institution_id, course_id, uid, *launch_actor(row))
    _remember_touched(launch_id, uid)
    return _back(launch_id)


@bp.post("/<launch_id>/unlink")
def unlink(launch_id: str) -> Response:
    """Unlink an offering from the launch's course."""
    row = _teacher_launch(launch_id)
    uid = _offering_form(row)
    assert row.canvas_course_id is not None
    with write_session(engine()) as db:
        unlink_offering(db, row.institution_id, row.canvas_course_id, uid, *launch_actor(row))
    _remember_touched(launch_id, uid)
    return _back(launch_id)
