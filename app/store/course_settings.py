"""Teachers' course settings: early access and co-reading links, each change kept with who and when
(docs/rules.md §4.7); a change marks the affected keys dirty. Requests for a link: app/store/link_requests.py."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.core.model import CoReadingLink, CourseSettings
from app.store.course_tables import CoReadingLinkRow, CourseAuditRow, CourseSettingsRow, LinkRequestRow
from app.store.object_kinds import ObjectKind
from app.store.projection import DirtyKey
from app.store.queue import mark_dirty
from app.store.tables import CanvasObjectRow, ParticipationRow

HISTORY_LIMIT = 200


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
            CanvasObjectRow.institution_id == institution_id,
            CanvasObjectRow.kind == ObjectKind.SECTION,
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


def audit(
    session: Session,
    institution_id: str,
    canvas_course_id: int,
    change: str,
    by: str,
    by_name: str | None,
    *,
    offering_uid: str | None = None,
    old: str | None = None,
    new: str | None = None,
) -> None:
    """Keep one change to a course's settings or links, with who made it and when."""
    session.add(
        CourseAuditRow(
            institution_id=institution_id,
            canvas_course_id=canvas_course_id,
            change=change,
            offering_uid=offering_uid,
            old_value=old,
            new_value=new,
            by=by,
            by_name=by_name,
            at=dt.datetime.now(dt.UTC),
        )
    )


def _on_off(on: bool) -> str:
    return "on" if on else "off"


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def set_early_access(
    session: Session,
    institution_id: str,
    canvas_course_id: int,
    on: bool,
    purge_date: dt.date | None,
    by: str,
    by_name: str | None = None,
) -> None:
    """Turn early access on/off for a Canvas course; backfill or remove admitted students via the queue."""
    row = session.get(CourseSettingsRow, (institution_id, canvas_course_id))
    if row is None:
        row = CourseSettingsRow(
            institution_id=institution_id, canvas_course_id=canvas_course_id, early_access=False, purge_date=None
        )
        session.add(row)
    purge_date = purge_date if on else None
    if row.early_access != on:
        audit(
            session,
            institution_id,
            canvas_course_id,
            "early_access",
            by,
            by_name,
            old=_on_off(row.early_access),
            new=_on_off(on),
        )
    if on and row.purge_date != purge_date:
        audit(
            session,
            institution_id,
            canvas_course_id,
            "purge_date",
            by,
            by_name,
            old=_date(row.purge_date),
            new=_date(purge_date),
        )
    row.early_access, row.purge_date, row.changed_by = on, purge_date, by
    row.changed_at = dt.datetime.now(dt.UTC)
    mark_dirty(
        session,
        institution_id,
        _students_of(session, institution_id, offerings_in_course(session, institution_id, canvas_course_id)),
    )


def links(
    session: Session,
    institution_id: str,
    canvas_course_id: int | None = None,
    offering_uids: Collection[str] | None = None,
) -> list[CoReadingLink]:
    """Co-reading links of the institution, of one Canvas course, or of these offerings."""
    query = select(CoReadingLinkRow).where(CoReadingLinkRow.institution_id == institution_id)
    if canvas_course_id is not None:
        query = query.where(CoReadingLinkRow.canvas_course_id == canvas_course_id)
    if offering_uids is not None:
        query = query.where(CoReadingLinkRow.offering_uid.in_(sorted(offering_uids)))
    return [CoReadingLink(r.offering_uid, r.canvas_course_id) for r in session.scalars(query)]


def add_link(session: Session, institution_id: str, canvas_course_id: int, offering_uid: str, by: str) -> bool:
    """The link row (True when it is new); its section and current students follow via the queue."""
    new = session.get(CoReadingLinkRow, (institution_id, canvas_course_id, offering_uid)) is None
    if new:
        session.add(
            CoReadingLinkRow(
                institution_id=institution_id,
                canvas_course_id=canvas_course_id,
                offering_uid=offering_uid,
                linked_by=by,
            )
        )
        session.flush()
    keys = _students_of(session, institution_id, [offering_uid]) | {DirtyKey("offering", offering_uid)}
    mark_dirty(session, institution_id, keys)
    return new


def link_offering(
    session: Session, institution_id: str, canvas_course_id: int, offering_uid: str, by: str, by_name: str | None = None
) -> None:
    """Link an offering into a Canvas course, by someone entitled to (docs/rules.md §4.7).

    A request still open for the same link is closed as `linked`: the consent it waited for was shown.
    """
    if add_link(session, institution_id, canvas_course_id, offering_uid, by):
        audit(session, institution_id, canvas_course_id, "link", by, by_name, offering_uid=offering_uid)
    request = pending_request(session, institution_id, canvas_course_id, offering_uid)
    if request is not None:
        settle_request(request, "linked", by)


def unlink_offering(
    session: Session, institution_id: str, canvas_course_id: int, offering_uid: str, by: str, by_name: str | None = None
) -> None:
    """Unlink an offering from a Canvas course; what the adapter put there is removed via the queue."""
    row = session.get(CoReadingLinkRow, (institution_id, canvas_course_id, offering_uid))
    if row is not None:
        session.delete(row)
        session.flush()
        audit(session, institution_id, canvas_course_id, "unlink", by, by_name, offering_uid=offering_uid)
    mark_dirty(session, institution_id, _students_of(session, institution_id, [offering_uid]))


def pending_request(
    session: Session, institution_id: str, canvas_course_id: int, offering_uid: str
) -> LinkRequestRow | None:
    """The open request to link this offering into this course, locked for the decision, if there is one."""
    return session.scalars(
        select(LinkRequestRow)
        .where(
            LinkRequestRow.institution_id == institution_id,
            LinkRequestRow.canvas_course_id == canvas_course_id,
            LinkRequestRow.offering_uid == offering_uid,
            LinkRequestRow.status == "pending",
        )
        .with_for_update()
    ).first()


def settle_request(request: LinkRequestRow, status: str, by: str) -> None:
    """Close a request as approved, rejected or linked directly, by whom and now."""
    request.status, request.decided_by, request.decided_at = status, by, dt.datetime.now(dt.UTC)


def history(
    session: Session,
    institution_id: str,
    *,
    canvas_course_ids: list[int] | None = None,
    offering_uids: list[str] | None = None,
    limit: int = HISTORY_LIMIT,
) -> list[CourseAuditRow]:
    """Settings changes, newest first: of the institution, or of these courses and these offerings' links."""
    query = select(CourseAuditRow).where(CourseAuditRow.institution_id == institution_id)
    if canvas_course_ids is not None or offering_uids is not None:
        query = query.where(
            or_(
                CourseAuditRow.canvas_course_id.in_(canvas_course_ids or []),
                CourseAuditRow.offering_uid.in_(offering_uids or []),
            )
        )
    return list(session.scalars(query.order_by(CourseAuditRow.id.desc()).limit(limit)))
