"""An enrollment made just before a worker stopped is found again, so a later withdrawal still removes it."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from app.core.plan import CourseRef
from app.core.settings import InstitutionSettings
from app.store import intents
from app.store.db import write_session
from app.store.object_kinds import ObjectKind
from app.store.tables import CanvasObjectRow, EnrollIntentRow, LedgerEnrollmentRow, MessageIntentRow, SuspensionRow
from tests.integration.pipeline.world import TODAY, World, add_offering, add_student, add_teacher, messages_to, register


def _offering_and_registered_student(world: World) -> tuple[str, str]:
    """An offering and a student registered on it, applied to Canvas."""
    offering = add_offering(world).offering
    student = add_student(world)
    world.ladok.add_registration(student, offering)
    world.sync()
    return offering, student


def _crash_after_enrolling(world: World) -> tuple[str, str]:
    """The state a kill leaves between Canvas's answer and the ledger's commit: an intent, no ledger row."""
    offering, student = _offering_and_registered_student(world)
    with write_session(world.engine) as s:
        s.execute(delete(LedgerEnrollmentRow))
        intents.add_intent(s, "kth", student, offering, "registered", None)
    return offering, student


def test_a_withdrawal_after_the_crash_removes_the_enrollment(engine: Engine) -> None:
    world = World(engine, InstitutionSettings())
    offering, student = _crash_after_enrolling(world)
    world.ladok.add_participation("AterkalladregistreringEvent", student, offering)

    world.sync()

    assert world.enrollments(offering) == []
    with Session(engine) as s:
        assert s.scalars(select(EnrollIntentRow)).all() == []


def test_a_still_wanted_enrollment_is_adopted_not_made_twice(engine: Engine) -> None:
    world = World(engine, InstitutionSettings())
    offering, student = _crash_after_enrolling(world)
    world.ladok.add_contact(student, "new@example.se")  # any event that brings the student back to a worker

    world.sync()

    assert [e[0] for e in world.enrollments(offering)] == [student]
    with Session(engine) as s:
        (row,) = s.scalars(select(LedgerEnrollmentRow)).all()
        assert row.student_uid == student and row.state == "active"


def test_a_removal_made_but_not_recorded_is_noticed_when_the_student_is_wanted_again(engine: Engine) -> None:
    world = World(engine, InstitutionSettings())
    offering, student = _offering_and_registered_student(world)
    # A worker deleted the enrollment in Canvas for a withdrawal and was killed before recording it; the
    # ledger still says "enrolled". Then the withdrawal is taken back (re-registration).
    (made,) = world.canvas.enrollments(course_id=world.canvas.course_by_sis_id(offering).id)
    world.canvas.set_enrollment_state(made.id, "deleted")
    with write_session(world.engine) as s:
        intents.add_intent(s, "kth", student, offering, "registered", None)
    world.ladok.add_registration(student, offering)

    world.sync()

    assert [e[0] for e in world.enrollments(offering)] == [student]


def test_an_intent_is_settled_from_the_students_own_enrollment_not_a_classmates(engine: Engine) -> None:
    world = World(engine, InstitutionSettings())
    offering = add_offering(world).offering
    classmate, student = add_student(world), add_student(world, "Bo", "199002021234")
    world.ladok.add_registration(classmate, offering)
    world.sync()
    # A worker was about to enroll the student when it was killed: the intent is there, Canvas has nothing.
    with write_session(world.engine) as s:
        intents.add_intent(s, "kth", student, offering, "registered", None)
    world.ladok.add_registration(student, offering)

    world.sync()

    assert sorted(e[0] for e in world.enrollments(offering)) == sorted([classmate, student])


def _suspended_with_teachers(engine: Engine, teachers: int) -> tuple[World, str, list[int], CourseRef, str]:
    """A registered student whose suspension the teachers were told about; the world, ids, course and suspension."""
    world = World(engine, InstitutionSettings(use_restrictions=True, restrictions_send_message_to_teachers=True))
    offering = add_offering(world).offering
    student = register(world, offering)
    taught = [add_teacher(world, offering, f"Lärare {n}") for n in range(teachers)]
    world.ladok.add_suspension(student, start=TODAY, end=TODAY + dt.timedelta(days=20))
    world.sync()
    with Session(engine) as s:
        suspension = s.scalars(select(SuspensionRow.uid)).one()
    return world, student, taught, CourseRef(canvas_course_id=world.canvas.course_by_sis_id(offering).id), suspension


def _killed_around_sending(world: World, student: str, course: CourseRef, suspension: str, sent: bool) -> None:
    """What a kill leaves: the message noted, and (if `sent`) in Canvas, but not recorded as sent."""
    with write_session(world.engine) as s:
        s.execute(delete(CanvasObjectRow).where(CanvasObjectRow.kind == ObjectKind.MESSAGE))
        intents.note_message(s, "kth", suspension, course, student)
    if not sent:
        world.canvas.state.conversations.clear()
    world.mark_dirty(student)


def test_a_message_sent_just_before_a_kill_is_not_sent_again(engine: Engine) -> None:
    world, student, (teacher,), course, suspension = _suspended_with_teachers(engine, 1)
    _killed_around_sending(world, student, course, suspension, sent=True)

    world.sync()

    assert messages_to(world, teacher) == ["Avstängning: Ada Lovelace"]
    with Session(engine) as s:
        assert s.scalars(select(MessageIntentRow)).all() == []


def test_a_message_noted_but_never_sent_is_sent(engine: Engine) -> None:
    world, student, (teacher,), course, suspension = _suspended_with_teachers(engine, 1)
    _killed_around_sending(world, student, course, suspension, sent=False)

    world.sync()

    assert messages_to(world, teacher) == ["Avstängning: Ada Lovelace"]


def test_a_teacher_who_missed_the_message_gets_it_and_the_others_not_again(engine: Engine) -> None:
    world, student, (told, missed), course, suspension = _suspended_with_teachers(engine, 2)
    _killed_around_sending(world, student, course, suspension, sent=True)
    for conversation_id, conversation in list(world.canvas.state.conversations.items()):
        if missed in conversation.participant_ids:
            del world.canvas.state.conversations[conversation_id]

    world.sync()

    assert messages_to(world, told) == messages_to(world, missed) == ["Avstängning: Ada Lovelace"]


def test_a_note_for_a_message_no_longer_wanted_is_dropped(engine: Engine) -> None:
    world, student, (teacher,), course, _ = _suspended_with_teachers(engine, 1)
    with write_session(world.engine) as s:  # a suspension since removed, whose message never got through
        intents.note_message(s, "kth", "removed-suspension", course, student)
    world.mark_dirty(student)

    world.sync()

    with Session(engine) as s:
        assert s.scalars(select(MessageIntentRow)).all() == []
    assert messages_to(world, teacher) == ["Avstängning: Ada Lovelace"]


def test_a_message_noted_before_the_ledger_knew_its_course_is_not_sent_again(engine: Engine) -> None:
    world, student, (teacher,), course, suspension = _suspended_with_teachers(engine, 1)
    # The killed attempt named the course by sis id (then unknown to the ledger); the retry knows its id.
    by_sis = CourseRef(sis_course_id=world.canvas.state.courses[course.canvas_course_id].sis_course_id)
    _killed_around_sending(world, student, by_sis, suspension, sent=True)

    world.sync()

    assert messages_to(world, teacher) == ["Avstängning: Ada Lovelace"]
