"""Intents committed before a Canvas call and settled with its result: enrollments, and suspension messages."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.core.plan import CourseRef, EnrollmentKind
from app.store.db import as_utc, insert_for
from app.store.object_kinds import ObjectKind
from app.store.tables import CanvasObjectRow, EnrollIntentRow, MessageIntentRow


def add_intent(
    session: Session,
    institution_id: str,
    student_uid: str,
    section_sis_id: str,
    kind: EnrollmentKind,
    role_id: int | None,
) -> None:
    """Note that an enrollment is about to be made (kept as first noted); commit this before calling Canvas."""
    insert = insert_for(session.get_bind().dialect.name)
    session.execute(
        insert(EnrollIntentRow)
        .values(
            institution_id=institution_id,
            student_uid=student_uid,
            section_sis_id=section_sis_id,
            kind=kind,
            role_id=role_id,
        )
        .on_conflict_do_nothing()
    )


def drop_intent(
    session: Session, institution_id: str, student_uid: str, section_sis_id: str, kind: EnrollmentKind
) -> None:
    """The enrollment's outcome is in the ledger: the intent is settled."""
    session.execute(
        delete(EnrollIntentRow).where(
            EnrollIntentRow.institution_id == institution_id,
            EnrollIntentRow.student_uid == student_uid,
            EnrollIntentRow.section_sis_id == section_sis_id,
            EnrollIntentRow.kind == kind,
        )
    )


def intents(session: Session, institution_id: str, student_uid: str) -> list[EnrollIntentRow]:
    """Enrollments that were being made when a worker stopped, still unsettled."""
    return list(
        session.scalars(
            select(EnrollIntentRow).where(
                EnrollIntentRow.institution_id == institution_id, EnrollIntentRow.student_uid == student_uid
            )
        )
    )


def message_key(session: Session, institution_id: str, course: CourseRef) -> str:
    """The course of a suspension message as its note names it, the same before and after the ledger knows it.

    A plan names a course the ledger has not seen made by sis id and later by Canvas id, so an adapter-made
    course is keyed by its sis id either way; a teacher's course (co-reading) only has its Canvas id.
    """
    if course.canvas_course_id is None:
        return f"sis:{course.sis_course_id}"
    sis = session.scalar(
        select(CanvasObjectRow.sis_id).where(
            CanvasObjectRow.institution_id == institution_id,
            CanvasObjectRow.kind == ObjectKind.COURSE,
            CanvasObjectRow.canvas_id == course.canvas_course_id,
        )
    )
    return f"sis:{sis}" if sis else str(course.canvas_course_id)


def note_message(
    session: Session, institution_id: str, suspension_uid: str, course: CourseRef, student_uid: str
) -> dt.datetime | None:
    """Note that a suspension message is about to be sent; the time of an earlier unsettled note, if any."""
    key = (institution_id, suspension_uid, message_key(session, institution_id, course))
    earlier = session.get(MessageIntentRow, key)
    if earlier is not None:
        return as_utc(earlier.noted_at)
    session.add(
        MessageIntentRow(
            institution_id=institution_id,
            suspension_uid=suspension_uid,
            course_key=key[2],
            student_uid=student_uid,
            noted_at=dt.datetime.now(dt.UTC),
        )
    )
    return None


def drop_message_notes(session: Session, institution_id: str, student_uid: str) -> None:
    """Every message of the student's that was wanted is sent: notes left by plans since changed are stale."""
    session.execute(
        delete(MessageIntentRow).where(
            MessageIntentRow.institution_id == institution_id, MessageIntentRow.student_uid == student_uid
        )
    )


def drop_message_note(session: Session, institution_id: str, suspension_uid: str, course: CourseRef) -> None:
    """The message is sent and recorded: its note is settled."""
    session.execute(
        delete(MessageIntentRow).where(
            MessageIntentRow.institution_id == institution_id,
            MessageIntentRow.suspension_uid == suspension_uid,
            MessageIntentRow.course_key == message_key(session, institution_id, course),
        )
    )
