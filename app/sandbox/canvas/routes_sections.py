"""Sections and cross-listing (sections_controller.rb)."""

from __future__ import annotations

from app.sandbox.canvas.lookup import find_course, find_section
from app.sandbox.canvas.ops_courses import (
    create_section,
    crosslist_section,
    delete_section,
    set_section_sis_id,
    uncrosslist_section,
)
from app.sandbox.canvas.pagination import paginate
from app.sandbox.canvas.params import section, text, to_bool
from app.sandbox.canvas.router import ApiRequest, ApiResponse, Router, ok
from app.sandbox.canvas.serializers import section_json


def _index(request: ApiRequest) -> ApiResponse:
    state = request.state
    course = find_course(state, request.arg("course_id"))
    sections = sorted(
        (s for s in state.sections.values() if s.course_id == course.id and s.workflow_state == "active"),
        key=lambda s: s.id,
    )
    page, headers = paginate(request, sections)
    return ApiResponse(200, [section_json(state, s) for s in page], headers)


def _create(request: ApiRequest) -> ApiResponse:
    state = request.state
    course = find_course(state, request.arg("course_id"))
    fields = section(request.params, "course_section")
    created = create_section(
        state,
        course,
        text(fields.get("name")),
        text(fields.get("sis_section_id")) or None,
        to_bool(request.params.get("enable_sis_reactivation", False)),
    )
    return ok(section_json(state, created))


def _show(request: ApiRequest) -> ApiResponse:
    return ok(section_json(request.state, find_section(request.state, request.arg("id"))))


def _show_in_course(request: ApiRequest) -> ApiResponse:
    course = find_course(request.state, request.arg("course_id"))
    return ok(section_json(request.state, find_section(request.state, request.arg("id"), course.id)))


def _update(request: ApiRequest) -> ApiResponse:
    state = request.state
    target = find_section(state, request.arg("id"))
    fields = section(request.params, "course_section")
    if "sis_section_id" in fields:
        set_section_sis_id(state, target, text(fields["sis_section_id"]))
    name = text(fields.get("name"))
    if name:
        target.name = name
    for key in ("start_at", "end_at"):
        if key in fields:
            setattr(target, key, text(fields[key]) or None)
    return ok(section_json(state, target))


def _destroy(request: ApiRequest) -> ApiResponse:
    state = request.state
    target = find_section(state, request.arg("id"))
    delete_section(state, target)
    return ok(section_json(state, target))


def _crosslist(request: ApiRequest) -> ApiResponse:
    state = request.state
    target = find_section(state, request.arg("id"))
    new_course = find_course(state, request.arg("new_course_id"))
    crosslist_section(state, target, new_course)
    return ok(section_json(state, target))


def _uncrosslist(request: ApiRequest) -> ApiResponse:
    state = request.state
    target = find_section(state, request.arg("id"))
    uncrosslist_section(state, target)
    return ok(section_json(state, target))


def register(router: Router) -> None:
    """Add the section routes."""
    router.add("GET", "/api/v1/courses/:course_id/sections", _index)
    router.add("POST", "/api/v1/courses/:course_id/sections", _create)
    router.add("GET", "/api/v1/courses/:course_id/sections/:id", _show_in_course)
    router.add("GET", "/api/v1/sections/:id", _show)
    router.add("PUT", "/api/v1/sections/:id", _update)
    router.add("DELETE", "/api/v1/sections/:id", _destroy)
    router.add("POST", "/api/v1/sections/:id/crosslist/:new_course_id", _crosslist)
    router.add("DELETE", "/api/v1/sections/:id/crosslist", _uncrosslist)
