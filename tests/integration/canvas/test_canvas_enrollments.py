"""Enrollments, removals, state changes, sweeps and teacher messages in the Canvas sandbox."""

from __future__ import annotations

import pytest

from app.canvas.errors import CanvasNotFound
from app.canvas.executor import execute
from app.canvas.known import KnownIds
from app.canvas.results import EnrollmentResult, RemovedResult
from app.core.plan import CourseRef, MessageTeachers, SetEnrollmentState, SweepOtherSections, Unenroll
from tests.integration.canvas.plan_examples import OFFERING, STUDENT, enroll, ensure_course, ensure_user


@pytest.fixture
def course_and_student(sandbox_and_client):
    """The offering's course and the student's account exist; returns (sandbox, client, course, user)."""
    sandbox, client = sandbox_and_client
    course = execute(ensure_course(), client)
    user = execute(ensure_user(), client)
    return sandbox, client, course, user


def student_enrollments(sandbox, user_id):
    """The student's enrollments that are not deleted."""
    return [e for e in sandbox.enrollments(user_id=user_id) if e.workflow_state != "deleted"]


def test_enroll_twice_is_one_enrollment(course_and_student):
    sandbox, client, course, user = course_and_student

    first = execute(enroll(), client)
    second = execute(enroll(), client)

    [made] = student_enrollments(sandbox, user.canvas_user_id)
    assert isinstance(first, EnrollmentResult)
    assert first.enrollment.canvas_enrollment_id == second.enrollment.canvas_enrollment_id == made.id
    assert (made.course_section_id, made.workflow_state, made.type) == (
        course.canvas_section_id,
        "active",
        "StudentEnrollment",
    )


def test_admitted_and_registered_roles_coexist_in_one_section(course_and_student):
    sandbox, client, _course, user = course_and_student
    registered = sandbox.create_role("Registrerad")
    admitted = sandbox.create_role("Antagen")

    execute(enroll("registered", registered), client)
    execute(enroll("admitted", admitted), client)

    assert sorted(e.role_id for e in student_enrollments(sandbox, user.canvas_user_id)) == sorted(
        [registered, admitted]
    )


def test_enroll_during_a_suspension_is_inactive(course_and_student):
    sandbox, client, _course, user = course_and_student

    result = execute(enroll(state="inactive"), client)

    assert result.enrollment.state == "inactive"
    assert [e.workflow_state for e in student_enrollments(sandbox, user.canvas_user_id)] == ["inactive"]


def test_steady_state_enroll_and_unenroll_are_one_request_each(course_and_student):
    sandbox, client, course, user = course_and_student
    known = KnownIds(users={STUDENT: user.canvas_user_id}, sections={OFFERING: course.canvas_section_id})
    client.counter.reset()

    made = execute(enroll(), client, known)
    after_enroll = client.counter.total
    execute(Unenroll(STUDENT, made.enrollment), client, known)

    assert (after_enroll, client.counter.total) == (1, 2)
    assert student_enrollments(sandbox, user.canvas_user_id) == []


def test_unenroll_twice_is_harmless(course_and_student):
    sandbox, client, _course, user = course_and_student
    made = execute(enroll(), client)

    first = execute(Unenroll(STUDENT, made.enrollment), client)
    second = execute(Unenroll(STUDENT, made.enrollment), client)

    assert first == second == RemovedResult(STUDENT, OFFERING, "registered", made.enrollment.canvas_enrollment_id)
    assert student_enrollments(sandbox, user.canvas_user_id) == []


def test_deactivate_conclude_and_reactivate(course_and_student):
    sandbox, client, _course, user = course_and_student
    current = execute(enroll(), client).enrollment

    def state_after(state):
        nonlocal current
        current = execute(SetEnrollmentState(STUDENT, current, state), client).enrollment
        [enrollment] = student_enrollments(sandbox, user.canvas_user_id)
        return current.state, enrollment.workflow_state

    assert state_after("inactive") == ("inactive", "inactive")
    assert state_after("inactive") == ("inactive", "inactive")
    assert state_after("active") == ("active", "active")
    assert state_after("completed") == ("completed", "completed")
    assert state_after("active") == ("active", "active")


def test_enrollment_in_a_cross_listed_section_is_followed(course_and_student):
    sandbox, client, course, user = course_and_student
    made = execute(enroll(), client).enrollment
    other = sandbox.create_course("Samläsning", "other-course")
    sandbox.crosslist(course.canvas_section_id, other)

    moved = execute(SetEnrollmentState(STUDENT, made, "inactive"), client)
    execute(Unenroll(STUDENT, moved.enrollment), client)

    assert moved.enrollment.canvas_course_id == other
    assert student_enrollments(sandbox, user.canvas_user_id) == []


def test_enroll_into_a_cross_listed_section_lands_where_the_section_is(course_and_student):
    sandbox, client, course, _user = course_and_student
    other = sandbox.create_course("Samläsning", "other-course")
    sandbox.crosslist(course.canvas_section_id, other)

    result = execute(enroll(), client)

    assert result.enrollment.canvas_course_id == other
    assert result.canvas_section_id == course.canvas_section_id


def test_stale_known_section_falls_back_to_the_sis_id(course_and_student):
    sandbox, client, course, user = course_and_student
    known = KnownIds(sections={OFFERING: 999_999})

    result = execute(enroll(), client, known)

    assert result.canvas_section_id == course.canvas_section_id
    assert len(student_enrollments(sandbox, user.canvas_user_id)) == 1


def test_enroll_of_a_student_without_account_is_refused(sandbox_and_client):
    _sandbox, client = sandbox_and_client
    execute(ensure_course(), client)

    with pytest.raises(CanvasNotFound):
        execute(enroll(), client)


def test_sweep_removes_manual_enrollments_in_other_sections_only(course_and_student):
    sandbox, client, course, user = course_and_student
    ours = execute(enroll(), client).enrollment
    manual_section = sandbox.create_section(course.canvas_course_id, "Extra")
    manual = sandbox.enroll(user.canvas_user_id, course.canvas_course_id, section_id=manual_section)
    sweep = SweepOtherSections(STUDENT, CourseRef(OFFERING), frozenset({OFFERING}), "delete")

    result = execute(sweep, client)
    again = execute(sweep, client)

    assert [s.canvas_enrollment_id for s in result.swept] == [manual]
    assert again.swept == ()
    assert [e.id for e in student_enrollments(sandbox, user.canvas_user_id)] == [ours.canvas_enrollment_id]


def test_sweep_can_conclude_instead(course_and_student):
    sandbox, client, course, user = course_and_student
    manual_section = sandbox.create_section(course.canvas_course_id, "Extra")
    manual = sandbox.enroll(user.canvas_user_id, course.canvas_course_id, section_id=manual_section)

    execute(SweepOtherSections(STUDENT, CourseRef(OFFERING), frozenset({OFFERING}), "conclude"), client)

    assert {e.id: e.workflow_state for e in student_enrollments(sandbox, user.canvas_user_id)} == {manual: "completed"}


def test_teachers_get_one_message_each(course_and_student):
    sandbox, client, course, _user = course_and_student
    teachers = [sandbox.create_user(f"Lärare {n}", f"teacher{n}") for n in (1, 2)]
    for teacher in teachers:
        sandbox.enroll(teacher, course.canvas_course_id, "TeacherEnrollment")
    op = MessageTeachers(CourseRef(OFFERING), "susp-1", STUDENT, "Avstängning", "En student är avstängd.")

    result = execute(op, client)

    assert result.recipient_ids == tuple(sorted(teachers))
    conversations = [c for c in sandbox.conversations() if c.subject == "Avstängning"]
    assert len(conversations) == 2


def test_a_course_without_teachers_gets_no_message(course_and_student):
    sandbox, client, _course, _user = course_and_student

    result = execute(MessageTeachers(CourseRef(OFFERING), "susp-1", STUDENT, "Avstängning", "x"), client)

    assert result.recipient_ids == () and sandbox.conversations() == []


def test_every_page_of_teachers_is_read(course_and_student):
    sandbox, client, course, _user = course_and_student
    teachers = [sandbox.create_user(f"Lärare {n}", f"teacher{n}") for n in range(130)]
    for teacher in teachers:
        sandbox.enroll(teacher, course.canvas_course_id, "TeacherEnrollment")

    result = execute(MessageTeachers(CourseRef(OFFERING), "susp-1", STUDENT, "Avstängning", "x"), client)

    assert result.recipient_ids == tuple(sorted(teachers))
    assert len(sandbox.conversations()) == 130
