"""Operator controls in the database: pause/resume, delay delete, and the removals the safety filter held.

The safety filter's limits are not here: they are the configuration file's (`[institution.safeguards]`),
so what the file says is what runs. An operator acts on the filter at run time by releasing or discarding
what it held.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from sqlalchemy import and_, delete, func, select, update
from sqlalchemy.orm import Session

from app.core.plan import Operation, SweepOtherSections, Unenroll
from app.core.safeguards import Controls, RemovalBudget, SafetyLimits
from app.store.db import as_utc
from app.store.projection import DirtyKey
from app.store.queue import Claim, mark_dirty
from app.store.queue_tables import JobRow
from app.store.rows import rows_changed
from app.store.tables import ActionLogRow, HeldRemovalRow, InstitutionControlRow, LedgerEnrollmentRow

RELEASE_WINDOW = dt.timedelta(minutes=30)
PAUSED_RETRY = dt.timedelta(seconds=30)


def _row(session: Session, institution_id: str) -> InstitutionControlRow:
    row = session.get(InstitutionControlRow, institution_id)
    if row is None:
        row = InstitutionControlRow(institution_id=institution_id, paused=False)
        session.add(row)
    return row


def is_paused(session: Session, institution_id: str) -> bool:
    """Whether the institution is paused (events are still read and recorded, nothing is applied)."""
    row = session.get(InstitutionControlRow, institution_id)
    return bool(row and row.paused)


def controls(session: Session, institution_id: str, limits: SafetyLimits, now: dt.datetime | None = None) -> Controls:
    """The safeguards for the decide/act step: the file's `limits` with the operator's windows."""
    return _controls(session.get(InstitutionControlRow, institution_id), limits, now)


def paused_and_controls(session: Session, institution_id: str, limits: SafetyLimits) -> tuple[bool, Controls]:
    """Whether the institution is paused, and its safeguards, from one read of its control row."""
    row = session.get(InstitutionControlRow, institution_id)
    return bool(row and row.paused), _controls(row, limits)


def _controls(row: InstitutionControlRow | None, limits: SafetyLimits, now: dt.datetime | None = None) -> Controls:
    now = now or dt.datetime.now(dt.UTC)
    if row is None:
        return Controls(limits=limits)
    window = (row.delay_delete_start, row.delay_delete_end) if row.delay_delete_start and row.delay_delete_end else None
    released = row.released_until is not None and as_utc(row.released_until) > now
    return Controls(window, limits, released)


def set_paused(session: Session, institution_id: str, paused: bool, by: str) -> None:
    """Pause, or resume: on resume the backlog is applied at once."""
    row = _row(session, institution_id)
    row.paused, row.paused_by = paused, by if paused else None
    if not paused:
        session.execute(
            update(JobRow)
            .where(JobRow.institution_id == institution_id, JobRow.dead.is_(False))
            .values(not_before=dt.datetime.now(dt.UTC))
        )


def set_delay_delete(session: Session, institution_id: str, start: dt.date | None, end: dt.date | None) -> None:
    """Set (or clear, with None) the window in which removals are deferred."""
    if (start is None) != (end is None) or (start and end and end < start):
        raise ValueError("delay delete needs a start and an end on or after it")
    row = _row(session, institution_id)
    row.delay_delete_start, row.delay_delete_end = start, end


def take_report_turn(
    session: Session, institution_id: str, every: dt.timedelta, now: dt.datetime | None = None
) -> dt.datetime | None:
    """Whether this worker sends the next status report: returns the period's start, or None.

    One atomic update decides, so of several workers exactly one sends each report.
    """
    now = now or dt.datetime.now(dt.UTC)
    row = _row(session, institution_id)
    session.flush()
    previous = as_utc(row.last_report_at)
    taken = rows_changed(
        session,
        update(InstitutionControlRow)
        .where(
            InstitutionControlRow.institution_id == institution_id,
            (InstitutionControlRow.last_report_at.is_(None)) | (InstitutionControlRow.last_report_at <= now - every),
        )
        .values(last_report_at=now),
    )
    if not taken:
        return None
    return previous or now - every


def requeue_deferred(session: Session, institution_id: str) -> int:
    """Queue the students whose removals a delay-delete window deferred (when the window is cleared early)."""
    students = set(
        session.scalars(
            select(ActionLogRow.student_uid).where(
                ActionLogRow.institution_id == institution_id, ActionLogRow.outcome == "deferred"
            )
        )
    )
    mark_dirty(session, institution_id, {DirtyKey("student", u) for u in students if u})
    return len(students)


def postpone(session: Session, claim_: Claim, owner: str, now: dt.datetime | None = None) -> None:
    """Give a claimed key back untouched, to be tried again later (the institution is paused)."""
    now = now or dt.datetime.now(dt.UTC)
    session.execute(
        update(JobRow)
        .where(
            JobRow.institution_id == claim_.institution_id,
            JobRow.kind == claim_.key.kind,
            JobRow.uid == claim_.key.uid,
            JobRow.lease_owner == owner,
        )
        .values(lease_owner=None, lease_until=None, not_before=now + PAUSED_RETRY)
    )


def removal_budget(
    session: Session, institution_id: str, course_ids: set[int], now: dt.datetime | None = None
) -> RemovalBudget:
    """Removals made in the last hour (overall and in these courses) and the courses' sizes in the ledger."""
    since = (now or dt.datetime.now(dt.UTC)) - dt.timedelta(hours=1)
    recent = session.scalars(
        select(ActionLogRow.detail).where(
            ActionLogRow.institution_id == institution_id,
            ActionLogRow.operation == "Unenroll",
            ActionLogRow.outcome == "done",
            ActionLogRow.at >= since,
        )
    ).all()
    by_course = Counter(d.get("canvas_course_id") for d in recent if d.get("canvas_course_id") in course_ids)
    sizes = (
        dict(
            session.execute(
                select(LedgerEnrollmentRow.canvas_course_id, func.count())
                .where(
                    LedgerEnrollmentRow.institution_id == institution_id,
                    LedgerEnrollmentRow.canvas_course_id.in_(sorted(course_ids)),
                )
                .group_by(LedgerEnrollmentRow.canvas_course_id)
            ).all()
        )
        if course_ids
        else {}
    )
    return RemovalBudget(len(recent), dict(by_course), sizes)


def hold(session: Session, institution_id: str, student_uid: str, op: Operation, reason: str) -> None:
    """Keep a held removal for an operator to release or discard."""
    kind: str  # an enrollment kind, or "sweep" for a sweep of the other sections
    if isinstance(op, Unenroll):
        section, kind, course = op.current.section_sis_id, op.current.kind, op.current.canvas_course_id
    elif isinstance(op, SweepOtherSections):
        section, kind, course = "*other-sections*", "sweep", op.course.canvas_course_id or 0
    else:
        raise TypeError(f"{type(op).__name__} is not a removal")
    row = session.get(HeldRemovalRow, (institution_id, student_uid, section, kind))
    if row is None:
        session.add(
            HeldRemovalRow(
                institution_id=institution_id,
                student_uid=student_uid,
                section_sis_id=section,
                kind=kind,
                canvas_course_id=course,
                reason=reason,
            )
        )


def held(session: Session, institution_id: str) -> list[HeldRemovalRow]:
    """Removals waiting for an operator, oldest first."""
    return list(
        session.scalars(
            select(HeldRemovalRow)
            .where(HeldRemovalRow.institution_id == institution_id)
            .order_by(HeldRemovalRow.held_at)
        )
    )


def release(session: Session, institution_id: str, now: dt.datetime | None = None) -> int:
    """Let the held removals through: open a short release window and queue their students again."""
    now = now or dt.datetime.now(dt.UTC)
    rows = held(session, institution_id)
    _row(session, institution_id).released_until = now + RELEASE_WINDOW
    session.execute(delete(HeldRemovalRow).where(HeldRemovalRow.institution_id == institution_id))
    mark_dirty(session, institution_id, {DirtyKey("student", r.student_uid) for r in rows}, now)
    return len(rows)


def discard(session: Session, institution_id: str) -> int:
    """Drop the held removals: those enrollments stay in Canvas and the adapter stops managing them."""
    rows = held(session, institution_id)
    for r in rows:
        session.execute(
            delete(LedgerEnrollmentRow).where(
                and_(
                    LedgerEnrollmentRow.institution_id == institution_id,
                    LedgerEnrollmentRow.student_uid == r.student_uid,
                    LedgerEnrollmentRow.section_sis_id == r.section_sis_id,
                    LedgerEnrollmentRow.kind == r.kind,
                )
            )
        )
    session.execute(delete(HeldRemovalRow).where(HeldRemovalRow.institution_id == institution_id))
    return len(rows)
