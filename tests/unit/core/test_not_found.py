"""A 404 for what the ledger knows is forgotten and planned again at once; any other failure backs off."""

from __future__ import annotations

from app.core.not_found import (
    MAX_REPLANS,
    AfterFailure,
    ForgetEnrollment,
    ForgetSection,
    ForgetUser,
    after_failure,
)
from app.core.plan import (
    CourseRef,
    DesiredEnrollment,
    Enroll,
    EnsureSection,
    LedgerEnrollment,
    SectionSpec,
    SetEnrollmentState,
)

ENROLL = Enroll("ada", DesiredEnrollment("OFF-1", CourseRef("OFF-1"), "registered", None, "active"))
SUSPEND = SetEnrollmentState("ada", LedgerEnrollment("OFF-1", "registered", 5, 7, "active"), "inactive")
LINKED = EnsureSection(SectionSpec("OFF-1:77", "DD1310:50123:HT2024", CourseRef(canvas_course_id=77)))


def test_an_enrollment_404_forgets_the_known_section_and_account_and_plans_again() -> None:
    assert after_failure([(ENROLL, 404)], {"OFF-1"}, {"ada"}, replans=0) == AfterFailure(
        (ForgetSection("OFF-1"), ForgetUser("ada")), replan=True
    )


def test_a_404_for_an_enrollment_gone_from_canvas_forgets_it_and_plans_again() -> None:
    assert after_failure([(SUSPEND, 404)], set(), set(), replans=1) == AfterFailure(
        (ForgetEnrollment("ada", "OFF-1", "registered"),), replan=True
    )


def test_a_404_the_ledger_knew_nothing_of_backs_off() -> None:
    assert after_failure([(ENROLL, 404)], set(), set(), replans=0) == AfterFailure((), replan=False)
    assert after_failure([(LINKED, 404)], {"OFF-1:77"}, set(), replans=0) == AfterFailure((), replan=False)


def test_another_failure_beside_a_404_backs_off_but_still_forgets() -> None:
    after = after_failure([(ENROLL, 404), (SUSPEND, 500)], {"OFF-1"}, set(), replans=0)
    assert after == AfterFailure((ForgetSection("OFF-1"),), replan=False)
    assert after_failure([(ENROLL, 404), (None, None)], {"OFF-1"}, set(), replans=0).replan is False


def test_a_canvas_that_keeps_answering_404_ends_in_a_back_off() -> None:
    assert after_failure([(ENROLL, 404)], {"OFF-1"}, set(), replans=MAX_REPLANS - 1).replan is True
    assert after_failure([(ENROLL, 404)], {"OFF-1"}, set(), replans=MAX_REPLANS) == AfterFailure(
        (ForgetSection("OFF-1"),), replan=False
    )
