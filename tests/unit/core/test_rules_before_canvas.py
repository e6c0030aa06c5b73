"""Rules the executor and reconcile used to apply themselves, now fields and decisions of the plan."""

from __future__ import annotations

import dataclasses
import datetime as dt

from app.core.catalogue_gaps import CatalogueGaps, offering_gaps, student_gaps
from app.core.decide import OfferingFacts, StudentFacts, decide, plan_offering
from app.core.decide_timers import wake_up
from app.core.model import Course, Offering, Participation, Student
from app.core.plan import (
    CourseRef,
    DesiredEnrollment,
    Enroll,
    EnrollmentState,
    EnsureCourse,
    LedgerEnrollment,
    SetEnrollmentState,
)
from app.core.settings import InstitutionSettings
from app.core.swedish_time import wake_at

START = dt.date(2025, 1, 20)
OFFERING = Offering(uid="o-1", course_uid="c-1", code="12345", term="VT2025", start=START, status=2)
COURSE = Course(uid="c-1", code="TDA123", names={"sv": "Programmering"})
TODAY = dt.date(2025, 3, 1)
NOW = dt.datetime(2025, 3, 1, 12, tzinfo=dt.UTC)


def ensure_course(offering: Offering, settings: InstitutionSettings) -> EnsureCourse:
    (op,) = plan_offering(OfferingFacts(offering, COURSE), settings)
    assert isinstance(op, EnsureCourse)
    return op


def test_a_cancelled_offering_without_update_course_from_ladok_asks_for_the_prefix_only() -> None:
    op = ensure_course(
        dataclasses.replace(OFFERING, cancelled=True), InstitutionSettings(update_course_from_ladok=False)
    )
    assert (op.course.overwrite, op.course.prefix_cancelled) == (False, True)


def test_with_update_course_from_ladok_the_cancelled_name_is_written_whole() -> None:
    op = ensure_course(dataclasses.replace(OFFERING, cancelled=True), InstitutionSettings())
    assert op.course.overwrite and not op.course.prefix_cancelled
    assert op.course.name.startswith("[INSTÄLLT] ")


def test_a_running_offering_never_asks_for_the_prefix() -> None:
    assert not ensure_course(OFFERING, InstitutionSettings(update_course_from_ladok=False)).course.prefix_cancelled


def test_early_access_on_create_course_gives_a_new_course_early_access_and_the_default_purge_date() -> None:
    op = ensure_course(OFFERING, InstitutionSettings(early_access_on_create_course=True))
    assert (op.early_access, op.purge_date) == (True, START + dt.timedelta(days=14))


def test_without_early_access_on_create_course_a_new_course_has_it_off() -> None:
    assert ensure_course(OFFERING, InstitutionSettings()).early_access is False


def enroll(state: EnrollmentState) -> Enroll:
    return Enroll("s-1", DesiredEnrollment("o-1", CourseRef(sis_course_id="o-1"), "registered", None, state))


def test_a_completed_enrollment_is_made_active_and_then_concluded() -> None:
    assert (enroll("completed").create_state, enroll("completed").then_conclude) == ("active", True)


def test_an_enrollment_made_during_a_suspension_is_made_inactive_and_not_concluded() -> None:
    assert (enroll("inactive").create_state, enroll("inactive").then_conclude) == ("inactive", False)
    assert (enroll("active").create_state, enroll("active").then_conclude) == ("active", False)


def test_only_a_deactivation_first_asks_whether_the_course_was_concluded() -> None:
    current = LedgerEnrollment("o-1", "registered", 7, 70, "active")
    assert SetEnrollmentState("s-1", current, "inactive").unless_concluded
    assert not SetEnrollmentState("s-1", current, "completed").unless_concluded
    assert not SetEnrollmentState("s-1", current, "active").unless_concluded


def test_removals_deferred_by_delay_delete_wake_the_key_the_day_after_the_window() -> None:
    window = (dt.date(2025, 2, 20), dt.date(2025, 3, 10))
    woken = wake_up(None, InstitutionSettings(), TODAY, NOW, deferred=True, delay_delete=window)
    assert woken == wake_at(dt.date(2025, 3, 11))


def test_nothing_deferred_and_no_change_ahead_sets_no_timer() -> None:
    window = (dt.date(2025, 2, 20), dt.date(2025, 3, 10))
    assert wake_up(None, InstitutionSettings(), TODAY, NOW, deferred=False, delay_delete=window) is None


def test_a_wake_up_already_past_sets_no_timer() -> None:
    window = (dt.date(2025, 2, 20), dt.date(2025, 2, 27))
    assert wake_up(None, InstitutionSettings(), TODAY, NOW, deferred=True, delay_delete=window) is None


def test_a_students_next_change_comes_before_the_end_of_the_window() -> None:
    student = StudentFacts(
        "s-1",
        Student("s-1", "A", "B", None, None),
        (Participation("s-1", "o-1", admitted=True, registered=False),),
        {"o-1": OFFERING},
    )
    settings = InstitutionSettings(
        use_admitted=True, role_id_registered=1, role_id_admitted=2, early_access_on_create_course=True
    )
    window = (dt.date(2025, 1, 1), dt.date(2025, 3, 10))
    early = dt.date(2025, 1, 10)  # before the purge date of 3 February
    woken = wake_up(student, settings, early, NOW.replace(month=1, day=10), deferred=True, delay_delete=window)
    assert woken == wake_at(START + dt.timedelta(days=14))


def test_a_student_no_event_has_described_is_looked_up_with_the_offerings_known_only_in_part() -> None:
    facts = StudentFacts(
        "s-1",
        None,
        (Participation("s-1", "o-1", registered=True), Participation("s-1", "o-2", registered=True)),
        {"o-1": OFFERING},
    )
    assert student_gaps(facts) == CatalogueGaps(student_uid="s-1", offering_uids=("o-2",))


def test_an_offering_whose_start_period_has_no_term_yet_is_looked_up() -> None:
    waiting = Offering(uid="o-1", course_uid="c-1", code="12345", term=None, period_id=41)
    assert offering_gaps("o-1", OfferingFacts(waiting)) == CatalogueGaps(offering_uids=("o-1",))
    assert not offering_gaps("o-1", OfferingFacts(OFFERING))
    assert offering_gaps("o-9", None) == CatalogueGaps(offering_uids=("o-9",))


def test_an_offering_nobody_has_told_us_of_has_an_empty_plan() -> None:
    assert decide(None, InstitutionSettings(), TODAY) == []
