"""The ledger: Canvas objects and enrollments the adapter knows it made, so repeats need no look-ups."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.core.plan import CourseRef, LedgerEnrollment
from app.store.db import as_utc, insert_for
from app.store.tables import ActionLogRow, CanvasObjectRow, EnrollIntentRow, LedgerEnrollmentRow, MessageIntentRow


def objects(session: Session, institution_id: str, kind: str, sis_ids: list[str] | None = None) -> dict[str, int]:
    """Canvas ids by sis id for one kind (user, course, section, term, account, child_account)."""
    query = select(CanvasObjectRow.sis_id, CanvasObjectRow.canvas_id).where(
        CanvasObjectRow.institution_id == institution_id, CanvasObjectRow.kind == kind
    )
    if sis_ids is not None:
        if not sis_ids:
            return {}
        query = query.where(CanvasObjectRow.sis_id.in_(sis_ids))
    return {sis: cid for sis, cid in session.execute(query)}


def object_row(session: Session, institution_id: str, kind: str, sis_id: str) -> CanvasObjectRow | None:
    """One ledger object, with the state we last set on it."""
    return session.get(CanvasObjectRow, (institution_id, kind, sis_id))


def put_object(
    session: Session, institution_id: str, kind: str, sis_id: str, canvas_id: int,
    parent_canvas_id: int | None = None, state: dict[str, Any] | None = None,
) -> None:
    """Remember a Canvas object (create or refresh) in one statement, so two workers recording it never collide."""
    values: dict[str, Any] = {"institution_id": institution_id, "kind": kind, "sis_id": sis_id,
                              "canvas_id": canvas_id, "updated_at": dt.datetime.now(dt.UTC)}
    changes = {"canvas_id": canvas_id, "updated_at": values["updated_at"]}
    if parent_canvas_id is not None:
        values["parent_canvas_id"] = changes["parent_canvas_id"] = parent_canvas_id
    if state is not None:
        values["state"] = changes["state"] = state
    values.setdefault("state", {})
    insert = insert_for(session.get_bind().dialect.name)
    session.execute(insert(CanvasObjectRow).values(values).on_conflict_do_update(
        index_elements=["institution_id", "kind", "sis_id"], set_=changes))


def drop_objects(
    session: Session, institution_id: str, kind: str, *, sis_id: str | None = None, canvas_id: int | None = None
) -> None:
    """Forget objects of a kind, by sis id and/or Canvas id, that proved to be gone from Canvas."""
    query = delete(CanvasObjectRow).where(
        CanvasObjectRow.institution_id == institution_id, CanvasObjectRow.kind == kind
    )
    if sis_id is not None:
        query = query.where(CanvasObjectRow.sis_id == sis_id)
    if canvas_id is not None:
        query = query.where(CanvasObjectRow.canvas_id == canvas_id)
    session.execute(query)


def enrollments(session: Session, institution_id: str, student_uid: str) -> tuple[LedgerEnrollment, ...]:
    """The student's enrollments the adapter made."""
    rows = session.scalars(select(LedgerEnrollmentRow).where(
        LedgerEnrollmentRow.institution_id == institution_id, LedgerEnrollmentRow.student_uid == student_uid,
    )).all()
    return tuple(
        LedgerEnrollment(r.section_sis_id, r.kind, r.canvas_enrollment_id, r.canvas_course_id, r.state)  # type: ignore[arg-type]
        for r in rows
    )


def put_enrollment(session: Session, institution_id: str, student_uid: str, entry: LedgerEnrollment) -> None:
    """Remember an enrollment as it now is in Canvas."""
    key = (institution_id, student_uid, entry.section_sis_id, entry.kind)
    row = session.get(LedgerEnrollmentRow, key)
    if row is None:
        row = LedgerEnrollmentRow(institution_id=institution_id, student_uid=student_uid,
                                  section_sis_id=entry.section_sis_id, kind=entry.kind)
        session.add(row)
    row.canvas_enrollment_id, row.canvas_course_id, row.state = (
        entry.canvas_enrollment_id, entry.canvas_course_id, entry.state)
    row.updated_at = dt.datetime.now(dt.UTC)


def drop_enrollment(session: Session, institution_id: str, student_uid: str, section_sis_id: str, kind: str) -> None:
    """Forget an enrollment that is gone from Canvas."""
    session.execute(delete(LedgerEnrollmentRow).where(
        LedgerEnrollmentRow.institution_id == institution_id, LedgerEnrollmentRow.student_uid == student_uid,
        LedgerEnrollmentRow.section_sis_id == section_sis_id, LedgerEnrollmentRow.kind == kind,
    ))


def log_action(
    session: Session, institution_id: str, operation: str, outcome: str, detail: dict[str, Any],
    student_uid: str | None = None, offering_uid: str | None = None,
) -> None:
    """Keep what was done (or held, or failed) and why, for 'explain' and the status report."""
    session.add(ActionLogRow(institution_id=institution_id, student_uid=student_uid, offering_uid=offering_uid,
                             operation=operation, outcome=outcome, detail=detail))


def add_intent(session: Session, institution_id: str, student_uid: str, section_sis_id: str, kind: str,
               role_id: int | None) -> None:
    """Note that an enrollment is about to be made; commit this before calling Canvas."""
    if session.get(EnrollIntentRow, (institution_id, student_uid, section_sis_id, kind)) is None:
        session.add(EnrollIntentRow(institution_id=institution_id, student_uid=student_uid,
                                    section_sis_id=section_sis_id, kind=kind, role_id=role_id))


def drop_intent(session: Session, institution_id: str, student_uid: str, section_sis_id: str, kind: str) -> None:
    """The enrollment's outcome is in the ledger: the intent is settled."""
    session.execute(delete(EnrollIntentRow).where(
        EnrollIntentRow.institution_id == institution_id, EnrollIntentRow.student_uid == student_uid,
        EnrollIntentRow.section_sis_id == section_sis_id, EnrollIntentRow.kind == kind,
    ))


def intents(session: Session, institution_id: str, student_uid: str) -> list[EnrollIntentRow]:
    """Enrollments that were being made when a worker stopped, still unsettled."""
    return list(session.scalars(select(EnrollIntentRow).where(
        EnrollIntentRow.institution_id == institution_id, EnrollIntentRow.student_uid == student_uid)))


def message_key(session: Session, institution_id: str, course: CourseRef) -> str:
    """The course of a suspension message as its note names it, the same before and after the ledger knows it.

    A plan names a course the ledger has not seen made by sis id and later by Canvas id, so an adapter-made
    course is keyed by its sis id either way; a teacher's course (co-reading) only has its Canvas id.
    """
    if course.canvas_course_id is None:
        return f"sis:{course.sis_course_id}"
    sis = session.scalar(select(CanvasObjectRow.sis_id).where(
        CanvasObjectRow.institution_id == institution_id, CanvasObjectRow.kind == "course",
        CanvasObjectRow.canvas_id == course.canvas_course_id))
    return f"sis:{sis}" if sis else str(course.canvas_course_id)


def note_message(session: Session, institution_id: str, suspension_uid: str, course: CourseRef,
                 student_uid: str) -> dt.datetime | None:
    """Note that a suspension message is about to be sent; the time of an earlier unsettled note, if any."""
    key = (institution_id, suspension_uid, message_key(session, institution_id, course))
    earlier = session.get(MessageIntentRow, key)
    if earlier is not None:
        return as_utc(earlier.noted_at)
    session.add(MessageIntentRow(institution_id=institution_id, suspension_uid=suspension_uid,
                                 course_key=key[2], student_uid=student_uid, noted_at=dt.datetime.now(dt.UTC)))
    return None


def drop_message_notes(session: Session, institution_id: str, student_uid: str) -> None:
    """Every message of the student's that was wanted is sent: notes left by plans since changed are stale."""
    session.execute(delete(MessageIntentRow).where(
        MessageIntentRow.institution_id == institution_id, MessageIntentRow.student_uid == student_uid))


def drop_message_note(session: Session, institution_id: str, suspension_uid: str, course: CourseRef) -> None:
    """The message is sent and recorded: its note is settled."""
    session.execute(delete(MessageIntentRow).where(
        MessageIntentRow.institution_id == institution_id, MessageIntentRow.suspension_uid == suspension_uid,
        MessageIntentRow.course_key == message_key(session, institution_id, course),
    ))
