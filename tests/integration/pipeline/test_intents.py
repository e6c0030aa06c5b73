"""An enrollment made just before a worker stopped is found again, so a later withdrawal still removes it."""

from __future__ import annotations

from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from app.core.settings import InstitutionSettings
from app.store import ledger
from app.store.db import write_session
from app.store.tables import EnrollIntentRow, LedgerEnrollmentRow
from tests.integration.pipeline.test_rules_end_to_end import _catalogue, _student
from tests.integration.pipeline.world import World


def _crash_after_enrolling(world: World) -> tuple[str, str]:
    """The state a kill leaves between Canvas's answer and the ledger's commit: an intent, no ledger row."""
    offering = _catalogue(world)
    student = _student(world)
    world.ladok.add_registration(student, offering)
    world.sync()
    with write_session(world.engine) as s:
        s.execute(delete(LedgerEnrollmentRow))
        ledger.add_intent(s, "kth", student, offering, "registered", None)
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
    offering = _catalogue(world)
    student = _student(world)
    world.ladok.add_registration(student, offering)
    world.sync()
    # A worker deleted the enrollment in Canvas for a withdrawal and was killed before recording it; the
    # ledger still says "enrolled". Then the withdrawal is taken back (re-registration).
    (made,) = world.canvas.enrollments(course_id=world.canvas.course_by_sis_id(offering).id)
    world.canvas.set_enrollment_state(made.id, "deleted")
    with write_session(world.engine) as s:
        ledger.add_intent(s, "kth", student, offering, "registered", None)
    world.ladok.add_registration(student, offering)

    world.sync()

    assert [e[0] for e in world.enrollments(offering)] == [student]


def test_an_intent_is_settled_from_the_students_own_enrollment_not_a_classmates(engine: Engine) -> None:
    world = World(engine, InstitutionSettings())
    offering = _catalogue(world)
    classmate, student = _student(world), _student(world, "Bo", "199002021234")
    world.ladok.add_registration(classmate, offering)
    world.sync()
    # A worker was about to enroll the student when it was killed: the intent is there, Canvas has nothing.
    with write_session(world.engine) as s:
        ledger.add_intent(s, "kth", student, offering, "registered", None)
    world.ladok.add_registration(student, offering)

    world.sync()

    assert sorted(e[0] for e in world.enrollments(offering)) == sorted([classmate, student])
