"""Delay delete and the safety filter act on removals only; additions always go on."""

from __future__ import annotations

import datetime as dt

from app.core.plan import CourseRef, DesiredEnrollment, Enroll, LedgerEnrollment, Unenroll
from app.core.safeguards import Controls, RemovalBudget, SafetyLimits, filter_removals

TODAY = dt.date(2025, 6, 20)


def _unenroll(student: str, course: int = 7) -> Unenroll:
    return Unenroll(student, LedgerEnrollment("sec", "registered", 1, course, "active"))


ENROLL = Enroll("new", DesiredEnrollment("sec", CourseRef("sec"), "registered", None, "active"))


def test_inside_the_delay_delete_window_removals_wait_and_additions_go_on() -> None:
    controls = Controls(delay_delete=(dt.date(2025, 6, 15), dt.date(2025, 8, 15)))
    out = filter_removals([ENROLL, _unenroll("a")], controls, RemovalBudget(), TODAY)

    assert out.run == [ENROLL] and out.deferred == [_unenroll("a")] and out.held == []
    after = filter_removals([_unenroll("a")], controls, RemovalBudget(), dt.date(2025, 8, 16))
    assert after.run == [_unenroll("a")]


def test_removals_beyond_the_hourly_limit_are_held_with_a_reason() -> None:
    controls = Controls(limits=SafetyLimits(max_removals_per_hour=3))
    out = filter_removals([_unenroll("a"), _unenroll("b"), ENROLL], controls, RemovalBudget(removed_last_hour=2), TODAY)

    assert out.run == [_unenroll("a"), ENROLL]
    assert out.held == [(_unenroll("b"), "more than 3 removals in an hour")]


def test_removing_too_large_a_share_of_a_course_is_held() -> None:
    controls = Controls(limits=SafetyLimits(max_course_fraction=0.3))
    budget = RemovalBudget(removed_by_course={7: 2}, course_sizes={7: 10})
    out = filter_removals([_unenroll("a"), _unenroll("b"), _unenroll("c", course=8)], controls, budget, TODAY)

    assert [op.student_uid for op in out.run] == ["a", "c"]  # 3 of 10 is the limit; course 8 is tiny
    assert "30% of course 7's 10 enrollments" in out.held[0][1]


def test_a_release_or_a_switched_off_filter_lets_everything_through() -> None:
    ops = [_unenroll(str(i)) for i in range(5)]
    for controls in (
        Controls(limits=SafetyLimits(max_removals_per_hour=1), released=True),
        Controls(limits=SafetyLimits(safety_filter=False)),
    ):
        assert filter_removals(ops, controls, RemovalBudget(removed_last_hour=99), TODAY).run == ops
