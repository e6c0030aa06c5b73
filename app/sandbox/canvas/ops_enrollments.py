"""Enrollment operations: Course#enroll_user's upsert and EnrollmentsApiController's state changes."""

from __future__ import annotations

from dataclasses import dataclass

from app.sandbox.canvas.errors import ApiError, bad_request_message
from app.sandbox.canvas.ops_courses import default_section
from app.sandbox.canvas.state import CanvasState, Course, Enrollment, Role, Section, User

# EnrollmentsApiController @@errors (app/controllers/enrollments_api_controller.rb).
ERRORS = {
    "bad_type": "Invalid type",
    "bad_role": "Invalid role",
    "base_type_mismatch": "The specified type must match the base type for the role",
    "concluded_course": "Can't add an enrollment to a concluded course.",
}
ADMIN_TYPES = ("TeacherEnrollment", "TaEnrollment", "DesignerEnrollment")


@dataclass(frozen=True)
class NewEnrollment:
    """The enrollment[...] parameters after the user, role and section are resolved."""

    user: User
    type: str
    role: Role
    section: Section | None = None
    enrollment_state: str | None = None
    start_at: str | None = None
    end_at: str | None = None
    limit_privileges_to_course_section: bool = False


def resolve_role(state: CanvasState, type_name: str | None, role: Role | None) -> tuple[str, Role]:
    """The type/role rules of EnrollmentsApiController#create (role wins; type must match its base)."""
    if role is None:
        type_name = type_name or "StudentEnrollment"
        role = next(
            (
                r
                for r in state.roles.values()
                if r.role == type_name and r.base_role_type == type_name and r.is_course_role
            ),
            None,
        )
        if role is None:
            raise bad_request_message(ERRORS["bad_type"])
    if not role.is_course_role or role.workflow_state == "deleted":
        raise bad_request_message(ERRORS["bad_role"])
    type_name = type_name or role.base_role_type
    if type_name != role.base_role_type:
        raise bad_request_message(ERRORS["base_type_mismatch"])
    return type_name, role


def _initial_state(course: Course, type_name: str, requested: str | None) -> str:
    available = course.workflow_state == "available"
    state = requested or ("invited" if available else "creation_pending")
    if type_name in ADMIN_TYPES:
        return "invited" if state == "creation_pending" else state
    return "creation_pending" if state == "invited" and not available else state


def enroll_user(state: CanvasState, course: Course, new: NewEnrollment) -> Enrollment:
    """Course#enroll_user with allow_multiple_enrollments: upsert on (user, type, role, section)."""
    if course.workflow_state == "completed":
        raise bad_request_message(ERRORS["concluded_course"])
    section = new.section or default_section(state, course)
    wanted = _initial_state(course, new.type, new.enrollment_state)
    now = state.timestamp()
    existing = next(
        (
            e
            for e in state.enrollments_of(new.user.id)
            if e.course_id == course.id
            and e.type == new.type
            and e.role_id == new.role.id
            and e.associated_user_id is None
            and e.course_section_id == section.id
        ),
        None,
    )
    if existing is not None:
        # An active enrollment is returned untouched; any other is moved to the requested state.
        if existing.workflow_state != "active" and existing.workflow_state != wanted:
            existing.workflow_state = wanted
            existing.updated_at = now
        existing.limit_privileges_to_course_section = new.limit_privileges_to_course_section
        existing.start_at = new.start_at
        existing.end_at = new.end_at
        return existing
    enrollment = Enrollment(
        id=state.next_id("enrollments"),
        user_id=new.user.id,
        course_id=course.id,
        course_section_id=section.id,
        root_account_id=course.root_account_id,
        type=new.type,
        role_id=new.role.id,
        workflow_state=wanted,
        created_at=now,
        updated_at=now,
        start_at=new.start_at,
        end_at=new.end_at,
        limit_privileges_to_course_section=new.limit_privileges_to_course_section,
    )
    state.add_enrollment(enrollment)
    return enrollment


# DELETE ...?task=: "inactivate" and "deactivate" are equivalent; anything else concludes.
TASK_STATES = {"delete": "deleted", "deactivate": "inactive", "inactivate": "inactive", "conclude": "completed"}


def end_enrollment(state: CanvasState, enrollment: Enrollment, task: str | None) -> None:
    """EnrollmentsApiController#destroy: conclude (the default), delete or deactivate."""
    enrollment.workflow_state = TASK_STATES.get(task or "conclude", "completed")
    enrollment.updated_at = state.timestamp()


def reactivate(state: CanvasState, enrollment: Enrollment) -> None:
    """EnrollmentsApiController#reactivate: only an inactive enrollment may be reactivated."""
    if enrollment.workflow_state != "inactive":
        raise ApiError(400, {"error": "enrollment not inactive"})
    enrollment.workflow_state = "active"
    enrollment.updated_at = state.timestamp()
