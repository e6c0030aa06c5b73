"""Courses (courses_controller.rb: create, show, update, destroy)."""

from __future__ import annotations

from app.sandbox.canvas.errors import bad_request_message
from app.sandbox.canvas.lookup import find_account, find_course, find_term
from app.sandbox.canvas.ops_courses import (
    NewCourse,
    apply_course_event,
    conclude_course,
    create_course,
    delete_course,
    rename_course,
    set_course_sis_id,
)
from app.sandbox.canvas.pagination import paginate
from app.sandbox.canvas.params import as_list, section, text, to_bool
from app.sandbox.canvas.router import ApiRequest, ApiResponse, Router, ok
from app.sandbox.canvas.serializers import course_json


def _create(request: ApiRequest) -> ApiResponse:
    state = request.state
    account = find_account(state, request.arg("account_id"))
    fields = section(request.params, "course")
    term_ref = text(fields.get("term_id")) or text(fields.get("enrollment_term_id"))
    term_id = find_term(state, state.root_of(account.id), term_ref).id if term_ref else None
    new = NewCourse(
        name=text(fields.get("name")),
        course_code=text(fields.get("course_code")),
        sis_course_id=text(fields.get("sis_course_id")) or None,
        term_id=term_id,
        start_at=text(fields.get("start_at")),
        end_at=text(fields.get("end_at")) or text(fields.get("conclude_at")),
        restrict_enrollments_to_course_dates=to_bool(fields.get("restrict_enrollments_to_course_dates", False)),
        offer=to_bool(request.params.get("offer", False)),
        enable_sis_reactivation=to_bool(request.params.get("enable_sis_reactivation", False)),
    )
    return ok(course_json(create_course(state, account.id, new)))


def _show(request: ApiRequest) -> ApiResponse:
    # CoursesController#show looks in Course.active: a deleted course is 404 here.
    return ok(course_json(find_course(request.state, request.arg("id"))))


def _update(request: ApiRequest) -> ApiResponse:
    state = request.state
    # Update and destroy find deleted courses too (api_find(Course, ...)), so course[event]=undelete works.
    course = find_course(state, request.arg("id"), include_deleted=True)
    fields = section(request.params, "course")
    account_ref = text(fields.get("account_id"))
    if account_ref:
        # #update: account_id = params[:course].delete :account_id; account = api_find(Account, account_id)
        # (404 when there is none), and the course moves when it is another account (admin token: allowed).
        course.account_id = find_account(state, account_ref).id
    if "sis_course_id" in fields:
        set_course_sis_id(state, course, text(fields["sis_course_id"]))
    term_ref = text(fields.get("term_id")) or text(fields.get("enrollment_term_id"))
    if term_ref:
        course.enrollment_term_id = find_term(state, course.root_account_id, term_ref).id
    name = text(fields.get("name"))
    if name and name != course.name:
        rename_course(state, course, name)
    course_code = text(fields.get("course_code"))
    if course_code:
        course.course_code = course_code
    if "start_at" in fields:
        course.start_at = text(fields["start_at"]) or None
    if "end_at" in fields or "conclude_at" in fields:
        course.end_at = text(fields.get("end_at", fields.get("conclude_at"))) or None
    if "restrict_enrollments_to_course_dates" in fields:
        course.restrict_enrollments_to_course_dates = to_bool(fields["restrict_enrollments_to_course_dates"])
    event = text(fields.get("event"))
    if event:
        apply_course_event(state, course, event)
    return ok(course_json(course))


def _destroy(request: ApiRequest) -> ApiResponse:
    state = request.state
    course = find_course(state, request.arg("id"), include_deleted=True)
    event = text(request.params.get("event"))
    if event == "delete":
        delete_course(state, course)
        return ok({"delete": True})
    if event == "conclude":
        conclude_course(state, course)
        return ok({"conclude": True})
    raise bad_request_message('Only "delete" and "conclude" events are allowed.')


def _account_courses(request: ApiRequest) -> ApiResponse:
    """AccountsController#courses_api: courses of the account and its sub-accounts, filtered."""
    state = request.state
    account = find_account(state, request.arg("account_id"))
    params = request.params
    # state[] takes Canvas's internal states; without it every course but the deleted ones is listed.
    states = set(as_list(params.get("state"))) or {"created", "claimed", "available", "completed"}
    courses = [
        c
        for c in state.courses.values()
        if ("all" in states or c.workflow_state in states) and account.id in state.account_chain(c.account_id)
    ]
    term_ref = text(params.get("enrollment_term_id"))
    if term_ref:
        term_id = find_term(state, state.root_of(account.id), term_ref).id
        courses = [c for c in courses if c.enrollment_term_id == term_id]
    needle = (text(params.get("search_term")) or "").lower()
    if needle:
        courses = [
            c
            for c in courses
            if needle in c.name.lower() or needle in c.course_code.lower() or needle in (c.sis_course_id or "").lower()
        ]
    page, headers = paginate(request, sorted(courses, key=lambda c: c.id))
    return ApiResponse(200, [course_json(c) for c in page], headers)


def register(router: Router) -> None:
    """Add the course routes."""
    router.add("POST", "/api/v1/accounts/:account_id/courses", _create)
    router.add("GET", "/api/v1/accounts/:account_id/courses", _account_courses)
    router.add("GET", "/api/v1/courses/:id", _show)
    router.add("PUT", "/api/v1/courses/:id", _update)
    router.add("DELETE", "/api/v1/courses/:id", _destroy)
