"""Enrollments (enrollments_api_controller.rb: index, create, destroy, reactivate)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.sandbox.canvas.errors import ApiError, bad_request_message, not_found
from app.sandbox.canvas.lookup import find_course, find_role, find_section, find_user
from app.sandbox.canvas.ops_enrollments import NewEnrollment, end_enrollment, enroll_user, reactivate, resolve_role
from app.sandbox.canvas.pagination import paginate_bookmarked
from app.sandbox.canvas.params import as_list, section, text, to_bool
from app.sandbox.canvas.router import ApiRequest, ApiResponse, Router, ok
from app.sandbox.canvas.serializers import enrollment_json
from app.sandbox.canvas.state import CanvasState, Course, Enrollment, Role, Section

MISSING_PARAMETERS = "No parameters given"
MISSING_USER_ID = "Can't create an enrollment without a user. Include enrollment[user_id] to create an enrollment"
# Without state[], a course or section list shown to an admin is `all_active_or_pending` (inactive
# included); a user's list is active and invited only (course_index_enrollments, user_index_enrollments).
ADMIN_DEFAULT_EXCLUDED = ("rejected", "completed", "deleted")
USER_DEFAULT_STATES = ("active", "invited")
# enrollment_states_for_state_param: synthetic states, honoured only when callers ask about themselves;
# for anyone else state[] is matched against workflow_state as given (enrollment_index_conditions).
SYNTHETIC_STATES = {
    "current_and_invited": ("active", "invited"),
    "current_and_future": ("active", "invited", "creation_pending"),
    "current_and_concluded": ("active", "completed"),
}


def _create(request: ApiRequest, course: Course, fixed_section: Section | None) -> ApiResponse:
    state = request.state
    fields = section(request.params, "enrollment")
    if not fields:
        raise bad_request_message(MISSING_PARAMETERS)
    role = find_role_or_bad(state, fields.get("role_id"), course)
    type_name, role = resolve_role(state, text(fields.get("type")) or None, role)
    if not text(fields.get("user_id")):
        raise bad_request_message(MISSING_USER_ID)
    target_section = fixed_section
    if target_section is None and text(fields.get("course_section_id")):
        target_section = find_section(state, fields["course_section_id"], course.id)
    user = find_user(state, fields["user_id"], request.current_user_id)
    enrollment = enroll_user(
        state,
        course,
        NewEnrollment(
            user=user,
            type=type_name,
            role=role,
            section=target_section,
            enrollment_state=text(fields.get("enrollment_state")) or None,
            start_at=text(fields.get("start_at")) or None,
            end_at=text(fields.get("end_at")) or None,
            limit_privileges_to_course_section=to_bool(fields.get("limit_privileges_to_course_section", False)),
        ),
    )
    return ok(enrollment_json(state, enrollment))


def find_role_or_bad(state: CanvasState, raw: Any, course: Course) -> Role | None:
    """enrollment[role_id] resolved to a role the course may use; any other id is "Invalid role" (400), not 404.

    EnrollmentsApiController#create asks @context.account.get_role_by_id, and Account#valid_role? (account.rb)
    only admits a built-in role or one defined in the course's account or an account above it.
    """
    if raw is None or text(raw) == "":
        return None
    try:
        role = find_role(state, raw)
    except ApiError:
        raise bad_request_message("Invalid role") from None
    # Built-in roles belong to the root account, which every course's chain reaches.
    if role.account_id not in state.account_chain(course.account_id):
        raise bad_request_message("Invalid role")
    return role


def _create_in_course(request: ApiRequest) -> ApiResponse:
    return _create(request, find_course(request.state, request.arg("course_id")), None)


def _create_in_section(request: ApiRequest) -> ApiResponse:
    target = find_section(request.state, request.arg("section_id"))
    return _create(request, request.state.courses[target.course_id], target)


def _sort_key(state: CanvasState) -> Callable[[Enrollment], list[Any]]:
    # Enrollments are ordered by type, the user's sortable name, then id.
    return lambda e: [e.type, state.users[e.user_id].sortable_name.lower(), e.id]


def _filter(
    request: ApiRequest, enrollments: list[Enrollment], user_scope: bool, own: bool = False
) -> list[Enrollment]:
    state = request.state
    params = request.params
    states = as_list(params.get("state"))
    if states:
        wanted: set[str] = set()
        for name in states:
            wanted.update(SYNTHETIC_STATES.get(name, (name,)) if own else (name,))
        enrollments = [e for e in enrollments if e.workflow_state in wanted]
    elif user_scope:
        enrollments = [e for e in enrollments if e.workflow_state in USER_DEFAULT_STATES]
    else:
        enrollments = [e for e in enrollments if e.workflow_state not in ADMIN_DEFAULT_EXCLUDED]
    role_ids = [int(r) for r in as_list(params.get("role_id")) if r.isdigit()]
    role_names = as_list(params.get("role"))
    if not role_ids and role_names:
        by_name = {r.role: r.id for r in state.roles.values() if r.is_course_role}
        if any(name not in by_name for name in role_names):
            raise ApiError(400, {"errors": [{"message": "role not found"}]})
        role_ids = [by_name[name] for name in role_names]
    types = as_list(params.get("type"))
    if role_ids:
        enrollments = [e for e in enrollments if e.role_id in role_ids]
    elif types:
        enrollments = [e for e in enrollments if e.type in types]
    sis_sections = as_list(params.get("sis_section_id"))
    if sis_sections:
        enrollments = [e for e in enrollments if state.sections[e.course_section_id].sis_section_id in sis_sections]
    sis_courses = as_list(params.get("sis_course_id"))
    if sis_courses:
        enrollments = [e for e in enrollments if state.courses[e.course_id].sis_course_id in sis_courses]
    sis_users = as_list(params.get("sis_user_id"))
    if sis_users:
        holders = {
            p.user_id for p in state.pseudonyms.values() if p.workflow_state == "active" and p.sis_user_id in sis_users
        }
        enrollments = [e for e in enrollments if e.user_id in holders]
    return enrollments


def _respond(request: ApiRequest, enrollments: list[Enrollment]) -> ApiResponse:
    page, headers = paginate_bookmarked(request, enrollments, _sort_key(request.state))
    return ApiResponse(200, [enrollment_json(request.state, e) for e in page], headers)


def _live(state: CanvasState) -> list[Enrollment]:
    return [e for e in state.enrollments.values() if state.courses[e.course_id].workflow_state != "deleted"]


def _context_index(request: ApiRequest, enrollments: list[Enrollment]) -> ApiResponse:
    """A course's or section's enrollments; with `user_id`, only that user's.

    course_index_enrollments hands a `user_id` to user_index_enrollments(course:), which api_finds the
    user (404 when there is none) and keeps the section condition of enrollment_index_conditions, so the
    section route filters by user exactly as the course route does.
    """
    user_scope = own = False
    if request.params.get("user_id") is not None:
        user = find_user(request.state, request.params["user_id"], request.current_user_id)
        enrollments = [e for e in enrollments if e.user_id == user.id]
        user_scope, own = True, user.id == request.current_user_id
    return _respond(request, _filter(request, enrollments, user_scope, own))


def _course_index(request: ApiRequest) -> ApiResponse:
    course = find_course(request.state, request.arg("course_id"))
    return _context_index(request, [e for e in _live(request.state) if e.course_id == course.id])


def _section_index(request: ApiRequest) -> ApiResponse:
    target = find_section(request.state, request.arg("section_id"))
    return _context_index(request, [e for e in _live(request.state) if e.course_section_id == target.id])


def _user_index(request: ApiRequest) -> ApiResponse:
    state = request.state
    user = find_user(state, request.arg("user_id"), request.current_user_id)
    enrollments = [e for e in _live(state) if e.user_id == user.id]
    return _respond(request, _filter(request, enrollments, True, user.id == request.current_user_id))


def _course_enrollment(request: ApiRequest) -> Enrollment:
    # @context.enrollments excludes deleted enrollments, so a deleted one is not found.
    state = request.state
    course = find_course(state, request.arg("course_id"))
    raw_id = request.arg("id")
    enrollment = state.enrollments.get(int(raw_id)) if raw_id.isdigit() else None
    if enrollment is None or enrollment.course_id != course.id or enrollment.workflow_state == "deleted":
        raise not_found()
    return enrollment


def _destroy(request: ApiRequest) -> ApiResponse:
    enrollment = _course_enrollment(request)
    end_enrollment(request.state, enrollment, text(request.params.get("task")))
    return ok(enrollment_json(request.state, enrollment))


def _reactivate(request: ApiRequest) -> ApiResponse:
    enrollment = _course_enrollment(request)
    reactivate(request.state, enrollment)
    return ok(enrollment_json(request.state, enrollment))


def register(router: Router) -> None:
    """Add the enrollment routes."""
    router.add("GET", "/api/v1/courses/:course_id/enrollments", _course_index)
    router.add("POST", "/api/v1/courses/:course_id/enrollments", _create_in_course)
    router.add("DELETE", "/api/v1/courses/:course_id/enrollments/:id", _destroy)
    router.add("PUT", "/api/v1/courses/:course_id/enrollments/:id/reactivate", _reactivate)
    router.add("GET", "/api/v1/sections/:section_id/enrollments", _section_index)
    router.add("POST", "/api/v1/sections/:section_id/enrollments", _create_in_section)
    router.add("GET", "/api/v1/users/:user_id/enrollments", _user_index)
