"""Link requests: a teacher asks for an offering they may not link themselves, an admin approves or rejects."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.store.course_settings import add_link, audit, pending_request, settle_request
from app.store.course_tables import LinkRequestRow


def request_link(
    session: Session, institution_id: str, canvas_course_id: int, offering_uid: str, by: str, by_name: str | None = None
) -> bool:
    """Ask an admin to link an offering the asker may not link (docs/rules.md §4.7); nothing reaches Canvas.

    False when the same link is already asked for (one open request per course and offering).
    """
    if pending_request(session, institution_id, canvas_course_id, offering_uid) is not None:
        return False
    try:
        with session.begin_nested():
            session.add(
                LinkRequestRow(
                    institution_id=institution_id,
                    canvas_course_id=canvas_course_id,
                    offering_uid=offering_uid,
                    status="pending",
                    requested_by=by,
                    requested_by_name=by_name,
                    requested_at=dt.datetime.now(dt.UTC),
                )
            )
    except IntegrityError:  # another request for it was recorded at the same moment
        return False
    audit(session, institution_id, canvas_course_id, "link_requested", by, by_name, offering_uid=offering_uid)
    return True


def decide_request(
    session: Session, institution_id: str, request_id: int, approve: bool, by: str, by_name: str | None = None
) -> LinkRequestRow | None:
    """An admin approves (the link is made, students follow via the queue) or rejects an open request.

    None when there is no such open request in the institution (already decided, or another's).
    """
    request = session.scalars(
        select(LinkRequestRow)
        .where(
            LinkRequestRow.id == request_id,
            LinkRequestRow.institution_id == institution_id,
            LinkRequestRow.status == "pending",
        )
        .with_for_update()
    ).first()
    if request is None:
        return None
    settle_request(request, "approved" if approve else "rejected", by)
    audit(
        session,
        institution_id,
        request.canvas_course_id,
        "link_approved" if approve else "link_rejected",
        by,
        by_name,
        offering_uid=request.offering_uid,
    )
    if approve:
        add_link(session, institution_id, request.canvas_course_id, request.offering_uid, by)
    return request


def link_requests(
    session: Session,
    institution_id: str,
    canvas_course_id: int | None = None,
    statuses: tuple[str, ...] | None = ("pending",),
) -> list[LinkRequestRow]:
    """Requests of one course or the whole institution in the given states (None: all), oldest first."""
    query = select(LinkRequestRow).where(LinkRequestRow.institution_id == institution_id)
    if statuses is not None:
        query = query.where(LinkRequestRow.status.in_(statuses))
    if canvas_course_id is not None:
        query = query.where(LinkRequestRow.canvas_course_id == canvas_course_id)
    return list(session.scalars(query.order_by(LinkRequestRow.id)))
