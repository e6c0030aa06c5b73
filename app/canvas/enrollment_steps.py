"""Enroll, SetEnrollmentState, Unenroll and SweepOtherSections in Canvas, following an enrollment that moved."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Literal

from app.canvas import courses, enrollments, refs
from app.canvas.client import CanvasClient
from app.canvas.errors import CanvasError, CanvasNotFound
from app.canvas.known import KnownIds
from app.canvas.refs import course_ref, int_or_none
from app.canvas.results import (
    EnrollmentResult,
    RemovedResult,
    SweepResult,
    SweptEnrollment,
)
from app.canvas.sis import in_param, in_path, ref_in_path
from app.core.plan import (
    CourseRef,
    Enroll,
    EnrollmentKind,
    EnrollmentState,
    LedgerEnrollment,
    SetEnrollmentState,
    SweepOtherSections,
    Unenroll,
)


def enroll(op: Enroll, client: CanvasClient, known: KnownIds) -> EnrollmentResult:
    """Enroll the student (one request when the section is known); Canvas returns the existing one on repeat."""
    wanted = op.enrollment
    section_id = known.sections.get(wanted.section_sis_id)
    user_id = known.users.get(op.student_uid)
    try:
        made = enrollments.enroll(
            client,
            ref_in_path(section_id, "sis_section_id", wanted.section_sis_id),
            str(user_id) if user_id is not None else in_param("sis_user_id", op.student_uid),
            wanted.role_id,
            op.create_state,
        )
    except CanvasNotFound:
        if section_id is None and user_id is None:
            raise
        made = enrollments.enroll(
            client,
            in_path("sis_section_id", wanted.section_sis_id),
            in_param("sis_user_id", op.student_uid),
            wanted.role_id,
            op.create_state,
        )
    if op.then_conclude and enrollments.ledger_state(made) != "completed":
        made = enrollments.end_enrollment(client, int(made["course_id"]), int(made["id"]), "conclude")
    return _enrollment_result(op.student_uid, wanted.section_sis_id, wanted.kind, made)


def _enrollment_result(student_uid: str, section_sis_id: str, kind: EnrollmentKind, made: dict) -> EnrollmentResult:
    return EnrollmentResult(
        student_uid=student_uid,
        enrollment=LedgerEnrollment(
            section_sis_id=section_sis_id,
            kind=kind,
            canvas_enrollment_id=int(made["id"]),
            canvas_course_id=int(made["course_id"]),
            state=enrollments.ledger_state(made),
        ),
        canvas_user_id=int_or_none(made.get("user_id")),
        canvas_section_id=int_or_none(made.get("course_section_id")),
    )


def set_enrollment_state(op: SetEnrollmentState, client: CanvasClient, known: KnownIds) -> EnrollmentResult:
    """Deactivate, conclude or reactivate a ledger enrollment, following it if it moved course."""
    current = op.current
    if op.unless_concluded and _concluded(client, current.canvas_course_id):
        return EnrollmentResult(op.student_uid, current, course_concluded=True)
    user = refs.user_ref(op.student_uid, known)
    result = _on_enrollment(
        client, user, current, lambda course_id: _move_to(client, course_id, user, current, op.state)
    )
    if result is None:
        raise CanvasNotFound(404, f"enrollment {current.canvas_enrollment_id} is gone from Canvas")
    return _enrollment_result(op.student_uid, current.section_sis_id, current.kind, result)


def _concluded(client: CanvasClient, course_id: int) -> bool:
    """Whether the course has been concluded (Canvas workflow_state "completed"), e.g. by hand since we made it."""
    course = courses.get_course(client, str(course_id))
    return course is not None and course.get("workflow_state") == "completed"


def _move_to(
    client: CanvasClient, course_id: int, user_ref: str, current: LedgerEnrollment, state: EnrollmentState
) -> dict:
    enrollment_id = current.canvas_enrollment_id
    if state == "inactive":
        return enrollments.end_enrollment(client, course_id, enrollment_id, "deactivate")
    if state == "completed":
        return enrollments.end_enrollment(client, course_id, enrollment_id, "conclude")
    try:
        return enrollments.reactivate(client, course_id, enrollment_id)
    except CanvasError as exc:
        # Reactivate only lifts "inactive" (enrollments_api_controller.rb #reactivate answers 400
        # "enrollment not inactive"); a concluded one is restored by enrolling again with its role.
        if exc.status != 400:
            raise
    found = enrollments.find_enrollment(client, user_ref, enrollment_id)
    if found is None:
        raise CanvasNotFound(404, f"enrollment {enrollment_id} is gone from Canvas")
    if enrollments.ledger_state(found) == "active":
        return found
    return enrollments.enroll(
        client,
        str(found["course_section_id"]),
        str(found["user_id"]),
        int_or_none(found.get("role_id")),
        "active",
    )


def _on_enrollment(
    client: CanvasClient, user_ref: str, current: LedgerEnrollment, act: Callable[[int], dict]
) -> dict | None:
    """Run `act` on the enrollment's course; if it is not there (cross-listed since), find where it went."""
    try:
        return act(current.canvas_course_id)
    except CanvasNotFound:
        found = enrollments.find_enrollment(client, user_ref, current.canvas_enrollment_id)
        if found is None:
            return None
        return act(int(found["course_id"]))


def unenroll(op: Unenroll, client: CanvasClient, known: KnownIds) -> RemovedResult:
    """Delete the enrollment; one already gone counts as removed."""
    current = op.current
    deleted = _on_enrollment(
        client,
        refs.user_ref(op.student_uid, known),
        current,
        lambda course_id: enrollments.end_enrollment(client, course_id, current.canvas_enrollment_id, "delete"),
    )
    found_in = int_or_none(deleted.get("course_id")) if deleted else None
    move = None
    if found_in is not None and found_in != current.canvas_course_id:
        move = (current.canvas_course_id, found_in)
    return RemovedResult(
        op.student_uid, current.section_sis_id, current.kind, current.canvas_enrollment_id, course_move=move
    )


def sweep_other_sections(op: SweepOtherSections, client: CanvasClient, known: KnownIds) -> SweepResult:
    """Delete or conclude the student's enrollments in the course's other sections, manual ones included."""
    user_id = known.users.get(op.student_uid)
    user_ref = str(user_id) if user_id is not None else in_param("sis_user_id", op.student_uid)
    course = op.course
    moved_to = known.moved_courses.get(course.canvas_course_id) if course.canvas_course_id is not None else None
    if moved_to is not None:
        # The removed enrollment's section now sits in another course: "the same course" is that one.
        course = CourseRef(canvas_course_id=moved_to)
    try:
        found = enrollments.student_enrollments(client, course_ref(course, known), user_ref)
    except CanvasNotFound:
        if course.canvas_course_id is not None or course.sis_course_id not in known.courses:
            raise
        found = enrollments.student_enrollments(
            client, in_path("sis_course_id", str(course.sis_course_id)), in_param("sis_user_id", op.student_uid)
        )
    keep_ids = {known.sections[s] for s in op.keep_section_sis_ids if s in known.sections}
    task: Literal["delete", "conclude"] = op.action
    swept: list[SweptEnrollment] = []
    for enrollment in found:
        section_sis_id = enrollment.get("sis_section_id")
        section_id = int_or_none(enrollment.get("course_section_id"))
        if section_sis_id in op.keep_section_sis_ids or section_id in keep_ids:
            continue
        if task == "conclude" and enrollments.ledger_state(enrollment) == "completed":
            continue
        # Not found means gone already (a retried delete that had landed, or a hand edit): what we want.
        with contextlib.suppress(CanvasNotFound):
            enrollments.end_enrollment(client, int(enrollment["course_id"]), int(enrollment["id"]), task)
        swept.append(SweptEnrollment(int(enrollment["id"]), section_id, section_sis_id))
    return SweepResult(op.student_uid, op.course, op.action, tuple(swept))
