"""Teachers' course settings: early access and co-reading links; each change marks affected keys dirty."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.model import CoReadingLink, CourseSettings
from app.store.projection import DirtyKey
from app.store.queue import mark_dirty
from app.store.tables import CanvasObjectRow, CoReadingLinkRow, CourseSettingsRow, ParticipationRow


def get_settings(session: Session, institution_id: str, canvas_course_id: int) -> CourseSettings | None:
    """The course's settings, or None when nobody has set any."""
    row = session.get(CourseSettingsRow, (institution_id, canvas_course_id))
    if row is None:
        return None
    return CourseSettings(row.canvas_course_id, row.early_access, row.purge_date)


def offerings_in_course(session: Session, institution_id: str, canvas_course_id: int) -> list[str]:
    """Offering uids whose students land in the course: its own sections and its co-reading links."""
    own = session.scalars(
        select(CanvasObjectRow.sis_id).where(
            CanvasObjectRow.institution_id == institution_id, CanvasObjectRow.kind == "section",
            CanvasObjectRow.parent_canvas_id == canvas_course_id,
        )
    ).all()
    linked = [link.offering_uid for link in links(session, institution_id, canvas_course_id)]
    return sorted({uid for uid in own if ":" not in uid} | set(linked))


def _students_of(session: Session, institution_id: str, offering_uids: list[str]) -> set[DirtyKey]:
    if not offering_uids:
        return set()
    uids = session.scalars(
        select(ParticipationRow.student_uid).where(
            ParticipationRow.institution_id == institution_id, ParticipationRow.offering_uid.in_(offering_uids)
        )
    ).all()
    return {DirtyKey("student", u) for u in uids}


def set_early_access(
    session: Session, institution_id: str, canvas_course_id: int, on: bool, purge_date: dt.date | None, by: str
) -> None:
    """Turn early access on/off for a Canvas course; backfill or remove admitted students via the queue."""
    row = session.get(CourseSettingsRow, (institution_id, canvas_course_id))
    if row is None:
        row = CourseSettingsRow(institution_id=institution_id, canvas_course_id=canvas_course_id)
        session.add(row)
    row.early_access, row.purge_date, row.changed_by = on, purge_date if on else None, by
    row.changed_at = dt.datetime.now(dt.UTC)
    mark_dirty(session, institution_id, _students_of(session, institution_id,
                                                     offerings_in_course(session, institution_id, canvas_course_id)))


def links(session: Session, institution_id: str, canvas_course_id: int | None = None) -> list[CoReadingLink]:
    """Co-reading links of one Canvas course, or of the whole institution."""
    query = select(CoReadingLinkRow).where(CoReadingLinkRow.institution_id == institution_id)
    if canvas_course_id is not None:
        query = query.where(CoReadingLinkRow.canvas_course_id == canvas_course_id)
    return [CoReadingLink(r.offering_uid, r.canvas_course_id) for r in session.scalars(query)]


def link_offering(session: Session, institution_id: str, canvas_course_id: int, offering_uid: str, by: str) -> None:
    """Link an offering into a Canvas course; its section and current students follow via the queue."""
    if session.get(CoReadingLinkRow, (institution_id, canvas_course_id, offering_uid)) is None:
        session.add(CoReadingLinkRow(institution_id=institution_id, canvas_course_id=canvas_course_id,
                                     offering_uid=offering_uid, linked_by=by))
        session.flush()
    keys = _students_of(session, institution_id, [offering_uid]) | {DirtyKey("offering", offering_uid)}
    mark_dirty(session, institution_id, keys)


def unlink_offering(session: Session, institution_id: str, canvas_course_id: int, offering_uid: str) -> None:
    """Unlink an offering from a Canvas course; what the adapter put there is removed via the queue."""
    row = session.get(CoReadingLinkRow, (institution_id, canvas_course_id, offering_uid))
    if row is not None:
        session.delete(row)
        session.flush()
    mark_dirty(session, institution_id, _students_of(session, institution_id, [offering_uid]))
