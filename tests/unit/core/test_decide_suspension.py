"""Suspension (docs/rules.md §4.6) in plan_student, and next_change: the day a timer must wake the pipeline."""

import dataclasses
import datetime as dt

from app.core.decide import StudentFacts, next_change, plan_student
from app.core.model import CoReadingLink, CourseSettings, Offering, Participation, Student, Suspension
from app.core.plan import CourseRef, Enroll, LedgerEnrollment, MessageTeachers, SetEnrollmentState, UserSpec
from app.core.settings import InstitutionSettings

OFF = "a7c3e0f2-0001-11ef-9d4e-000000000001"
OWN_ID = 501
LINKED_ID = 777
LINKED = f"{OFF}:{LINKED_ID}"
TODAY = dt.date(2025, 3, 1)
SUSPENSION = Suspension(uid="susp-1", student_uid="s-1", start=dt.date(2025, 3, 1), end=dt.date(2025, 3, 31))
OFFERING = Offering(uid=OFF, code="12345", term="VT2025", start=dt.date(2025, 1, 20), education_type_id=52, status=2)
STUDENT = Student(uid="s-1", first_name="Anna", last_name="Andersson")
RESTRICTED = InstitutionSettings(use_restrictions=True)
MESSAGING = InstitutionSettings(use_restrictions=True, restrictions_send_message_to_teachers=True)


def entry(section: str = OFF, course: int = OWN_ID, state: str = "active") -> LedgerEnrollment:
    return LedgerEnrollment(section, "registered", canvas_enrollment_id=9000, canvas_course_id=course, state=state)


def facts(**changes: object) -> StudentFacts:
    """A registered student in the own course (501) and a co-reading course (777), both enrolled and active."""
    base = StudentFacts(
        student_uid="s-1",
        student=STUDENT,
        participations=(Participation("s-1", OFF, registered=True),),
        offerings={OFF: OFFERING},
        own_course_ids={OFF: OWN_ID},
        links=(CoReadingLink(OFF, LINKED_ID),),
        suspensions=(SUSPENSION,),
        ledger=(entry(), entry(LINKED, LINKED_ID)),
        made_sections=frozenset({OFF, LINKED}),
        account=UserSpec("s-1", "Anna Andersson", "s-1", None),
    )
    return dataclasses.replace(base, **changes)


def state_changes(plan: list) -> list[tuple[str, str]]:
    return [(op.current.section_sis_id, op.state) for op in plan if isinstance(op, SetEnrollmentState)]


def test_suspension_in_effect_makes_enrollments_inactive() -> None:
    plan = plan_student(facts(), RESTRICTED, TODAY)
    assert state_changes(plan) == [(OFF, "inactive"), (LINKED, "inactive")]


def test_suspension_has_no_effect_without_use_restrictions() -> None:
    assert plan_student(facts(), InstitutionSettings(), TODAY) == []


def test_suspension_not_yet_started_changes_nothing() -> None:
    assert plan_student(facts(), RESTRICTED, SUSPENSION.start - dt.timedelta(days=1)) == []


def test_suspension_leaves_concluded_course_active() -> None:
    plan = plan_student(facts(concluded_course_ids=frozenset({OWN_ID})), RESTRICTED, TODAY)
    assert state_changes(plan) == [(LINKED, "inactive")]


def test_enrollment_made_during_suspension_is_inactive() -> None:
    plan = plan_student(facts(ledger=()), RESTRICTED, TODAY)
    assert [op.enrollment.state for op in plan if isinstance(op, Enroll)] == ["inactive", "inactive"]


def test_enrollments_are_reactivated_after_suspension_ends() -> None:
    suspended = (entry(state="inactive"), entry(LINKED, LINKED_ID, state="inactive"))
    plan = plan_student(facts(ledger=suspended), RESTRICTED, SUSPENSION.end + dt.timedelta(days=1))
    assert state_changes(plan) == [(OFF, "active"), (LINKED, "active")]


def test_teachers_of_each_active_course_get_one_swedish_message() -> None:
    plan = plan_student(facts(concluded_course_ids=frozenset({LINKED_ID})), MESSAGING, TODAY)
    messages = [op for op in plan if isinstance(op, MessageTeachers)]
    assert [(m.course, m.suspension_uid) for m in messages] == [(CourseRef(canvas_course_id=OWN_ID), "susp-1")]
    assert "Anna Andersson" in messages[0].subject
    assert "Anna Andersson är avstängd från och med 2025-03-01 till och med 2025-03-31" in messages[0].body


def test_teachers_are_not_messaged_twice_for_the_same_suspension() -> None:
    already = frozenset({("susp-1", OWN_ID), ("susp-1", LINKED_ID)})
    suspended = (entry(state="inactive"), entry(LINKED, LINKED_ID, state="inactive"))
    assert plan_student(facts(ledger=suspended, messaged=already), MESSAGING, TODAY) == []


def test_no_message_without_restrictions_send_message_to_teachers() -> None:
    plan = plan_student(facts(), RESTRICTED, TODAY)
    assert not any(isinstance(op, MessageTeachers) for op in plan)


def test_next_change_is_the_suspension_start() -> None:
    assert next_change(facts(), RESTRICTED, dt.date(2025, 2, 1)) == SUSPENSION.start


def test_next_change_is_the_day_after_the_suspension_ends() -> None:
    assert next_change(facts(), RESTRICTED, TODAY) == SUSPENSION.end + dt.timedelta(days=1)


def test_next_change_is_none_when_nothing_is_time_bound() -> None:
    assert next_change(facts(), InstitutionSettings(), TODAY) is None
    assert next_change(facts(), RESTRICTED, dt.date(2025, 4, 1)) is None


def test_next_change_is_the_purge_date_for_an_admitted_student() -> None:
    settings = InstitutionSettings(use_admitted=True, role_id_registered=21, role_id_admitted=22)
    purge = dt.date(2025, 2, 3)
    admitted = facts(
        participations=(Participation("s-1", OFF, admitted=True),),
        suspensions=(),
        course_settings={OWN_ID: CourseSettings(OWN_ID, early_access=True, purge_date=purge)},
    )
    assert next_change(admitted, settings, dt.date(2025, 1, 10)) == purge
    no_purge = dataclasses.replace(settings, early_access_disable_purge=True)
    assert next_change(admitted, no_purge, dt.date(2025, 1, 10)) is None


def test_concluded_participation_stays_completed_during_suspension() -> None:
    settings = dataclasses.replace(RESTRICTED, use_concluded=True)
    completed = facts(
        participations=(Participation("s-1", OFF, registered=True, completed=True),),
        ledger=(entry(state="completed"), entry(LINKED, LINKED_ID, state="completed")),
    )
    assert plan_student(completed, settings, TODAY) == []
