"""What the teacher page shows about a Canvas course, read from the projection, ledger and queue."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import String, and_, cast, func, or_, select, tuple_
from sqlalchemy.orm import Session

from app.store.course_settings import links, offerings_in_course
from app.store.link_requests import link_requests
from app.store.queue_tables import JobRow
from app.store.tables import CourseRow, LedgerEnrollmentRow, OfferingRow, ParticipationRow

SEARCH_LIMIT = 50


@dataclass(frozen=True, slots=True)
class OfferingLine:
    """One offering as the page lists it."""

    uid: str
    code: str
    name: str
    term: str
    start_date: dt.date | None
    admitted: int
    registered: int
    in_canvas: int
    linked: bool


@dataclass(frozen=True, slots=True)
class RequestLine:
    """A link request as the pages list it: which offering into which course, asked by whom and when."""

    id: int
    canvas_course_id: int
    uid: str
    code: str
    name: str
    term: str
    status: str
    requested_by: str
    requested_by_name: str | None
    requested_at: dt.datetime


@dataclass(frozen=True, slots=True)
class SyncStatus:
    """How many of the course's reconcile keys Canvas has not caught up with."""

    pending: int
    dead: int


def _name(names: dict | None, course_names: dict | None, lang: str) -> str:
    for source in (names or {}, course_names or {}):
        if source:
            return str(source.get(lang) or source.get("sv") or source.get("en") or next(iter(source.values())))
    return ""


_Described = tuple[str, str, str, dt.date | None]  # code, name, term, start date
_UNKNOWN: _Described = ("", "", "", None)


def _describe(db: Session, institution_id: str, uids: list[str], lang: str) -> dict[str, _Described]:
    if not uids:
        return {}
    rows = db.execute(
        select(OfferingRow, CourseRow)
        .join(
            CourseRow,
            and_(CourseRow.institution_id == OfferingRow.institution_id, CourseRow.uid == OfferingRow.course_uid),
            isouter=True,
        )
        .where(OfferingRow.institution_id == institution_id, OfferingRow.uid.in_(uids))
    ).all()
    return {
        o.uid: (
            o.code or (c.code if c else "") or "",
            _name(o.names, c.names if c else None, lang),
            o.term or "",
            o.start_date,
        )
        for o, c in rows
    }


def course_offerings(db: Session, institution_id: str, canvas_course_id: int, lang: str) -> list[OfferingLine]:
    """The course's offerings (own sections and co-reading links) with their counts."""
    uids = offerings_in_course(db, institution_id, canvas_course_id)
    linked = {link.offering_uid for link in links(db, institution_id, canvas_course_id)}
    described = _describe(db, institution_id, uids, lang)
    counts = dict.fromkeys(uids, (0, 0))
    for uid, admitted, registered in db.execute(
        select(
            ParticipationRow.offering_uid,
            func.count().filter(ParticipationRow.admitted.is_(True)),
            func.count().filter(ParticipationRow.registered.is_(True)),
        )
        .where(ParticipationRow.institution_id == institution_id, ParticipationRow.offering_uid.in_(uids))
        .group_by(ParticipationRow.offering_uid)
    ):
        counts[uid] = (admitted, registered)
    in_canvas = _in_canvas(db, institution_id, canvas_course_id, uids)
    return [
        OfferingLine(
            uid, *described.get(uid, _UNKNOWN), counts[uid][0], counts[uid][1], in_canvas.get(uid, 0), uid in linked
        )
        for uid in uids
    ]


def _in_canvas(db: Session, institution_id: str, canvas_course_id: int, uids: list[str]) -> dict[str, int]:
    # Own sections have the offering uid as sis id; co-reading sections "{uid}:{course}" (docs/rules.md §4.7).
    section_of = {uid: uid for uid in uids} | {f"{uid}:{canvas_course_id}": uid for uid in uids}
    result: dict[str, int] = {}
    for section, students in db.execute(
        select(LedgerEnrollmentRow.section_sis_id, func.count(func.distinct(LedgerEnrollmentRow.student_uid)))
        .where(
            LedgerEnrollmentRow.institution_id == institution_id,
            LedgerEnrollmentRow.canvas_course_id == canvas_course_id,
            LedgerEnrollmentRow.section_sis_id.in_(list(section_of)),
            LedgerEnrollmentRow.state != "deleted",
        )
        .group_by(LedgerEnrollmentRow.section_sis_id)
    ):
        result[section_of[section]] = result.get(section_of[section], 0) + students
    return result


def search_offerings(db: Session, institution_id: str, query: str, lang: str) -> list[OfferingLine]:
    """Offerings, course and program alike, whose code, course code, name or term contains the query
    (case-insensitive)."""
    needle = f"%{query.strip().lower()}%"
    uids = db.scalars(
        select(OfferingRow.uid)
        .join(
            CourseRow,
            and_(CourseRow.institution_id == OfferingRow.institution_id, CourseRow.uid == OfferingRow.course_uid),
            isouter=True,
        )
        .where(
            OfferingRow.institution_id == institution_id,
            or_(
                func.lower(OfferingRow.code).like(needle),
                func.lower(CourseRow.code).like(needle),
                func.lower(OfferingRow.term).like(needle),
                func.lower(cast(OfferingRow.names, String)).like(needle),
                func.lower(cast(CourseRow.names, String)).like(needle),
            ),
        )
        .order_by(OfferingRow.code, OfferingRow.uid)
        .limit(SEARCH_LIMIT)
    ).all()
    described = _describe(db, institution_id, list(uids), lang)
    return [OfferingLine(uid, *described[uid], 0, 0, 0, False) for uid in uids]


def sync_status(db: Session, institution_id: str, offering_uids: list[str]) -> SyncStatus:
    """Pending and dead queue jobs for these offerings and their students."""
    students = (
        db.scalars(
            select(ParticipationRow.student_uid).where(
                ParticipationRow.institution_id == institution_id, ParticipationRow.offering_uid.in_(offering_uids)
            )
        ).all()
        if offering_uids
        else []
    )
    keys = [("offering", uid) for uid in offering_uids] + [("student", uid) for uid in set(students)]
    if not keys:
        return SyncStatus(0, 0)
    rows = db.execute(
        select(JobRow.dead, func.count())
        .where(
            JobRow.institution_id == institution_id,
            tuple_(JobRow.kind, JobRow.uid).in_(keys),
            JobRow.dirty_seq > JobRow.done_seq,
        )
        .group_by(JobRow.dead)
    ).all()
    by_dead = dict(rows)
    return SyncStatus(by_dead.get(False, 0), by_dead.get(True, 0))


def request_lines(
    db: Session,
    institution_id: str,
    lang: str,
    canvas_course_id: int | None = None,
    statuses: tuple[str, ...] | None = ("pending",),
) -> list[RequestLine]:
    """Link requests of one course or the whole institution, with their offerings described."""
    requests = link_requests(db, institution_id, canvas_course_id, statuses)
    described = _describe(db, institution_id, sorted({r.offering_uid for r in requests}), lang)
    return [
        RequestLine(
            r.id,
            r.canvas_course_id,
            r.offering_uid,
            *described.get(r.offering_uid, _UNKNOWN)[:3],
            r.status,
            r.requested_by,
            r.requested_by_name,
            r.requested_at,
        )
        for r in requests
    ]
