"""Courses and sections: find by SIS id (wherever a section is), create with SIS reactivation, update."""

from __future__ import annotations

from app.canvas.client import CanvasClient
from app.canvas.errors import CanvasNotFound
from app.core.plan import CourseSpec, SectionSpec


def get_course(client: CanvasClient, ref: str) -> dict | None:
    """The live course at `ref` (a Canvas id or `sis_course_id:X`); None when missing or deleted."""
    try:
        course = client.get(f"/api/v1/courses/{ref}")
    except CanvasNotFound:
        return None
    return None if course.get("workflow_state") == "deleted" else course


def course_times(spec: CourseSpec) -> tuple[str | None, str | None]:
    """The offering's first and last day as the course's start and end (UTC, the whole last day included)."""
    start = f"{spec.start.isoformat()}T00:00:00Z" if spec.start is not None else None
    end = f"{spec.end.isoformat()}T23:59:59Z" if spec.end is not None else None
    return start, end


def _course_fields(spec: CourseSpec) -> dict[str, str]:
    fields = {"course[name]": spec.name, "course[course_code]": spec.course_code}
    start, end = course_times(spec)
    if start is not None:
        fields["course[start_at]"] = start
    if end is not None:
        fields["course[end_at]"] = end
    return fields


def create_course(client: CanvasClient, account_id: int, spec: CourseSpec, term_id: int | None) -> dict:
    """Create the course; a course with this SIS id deleted by hand is revived instead.

    courses_controller.rb #create: with enable_sis_reactivation it first looks for a deleted course with
    the SIS id and reclaims it, so "SIS ID is already in use" never blocks a course deleted by hand.
    It also drops start and end unless restrict_enrollments_to_course_dates is set, which would lock
    early-access students out before the start, so the caller sets the dates with an update after.
    """
    form = _course_fields(spec) | {
        "course[sis_course_id]": spec.sis_course_id,
        "enable_sis_reactivation": "true",
    }
    if term_id is not None:
        form["course[term_id]"] = str(term_id)
    return client.post(f"/api/v1/accounts/{account_id}/courses", form)


def update_course(client: CanvasClient, course_id: int, spec: CourseSpec) -> dict:
    """Overwrite the course's name, code and dates with the offering's."""
    return client.put(f"/api/v1/courses/{course_id}", _course_fields(spec))


def move_course(client: CanvasClient, course_id: int, account_id: int) -> dict:
    """Move the course to another account of the same root account (course[account_id] on update)."""
    return client.put(f"/api/v1/courses/{course_id}", {"course[account_id]": str(account_id)})


def rename_course(client: CanvasClient, course_id: int, name: str) -> dict:
    """Change only the course's name."""
    return client.put(f"/api/v1/courses/{course_id}", {"course[name]": name})


def get_section(client: CanvasClient, ref: str) -> dict | None:
    """The section at `ref` (a Canvas id or `sis_section_id:X`) in whatever course it now is, or None."""
    try:
        section = client.get(f"/api/v1/sections/{ref}")
    except CanvasNotFound:
        return None
    return None if section.get("workflow_state") == "deleted" else section


def create_section(client: CanvasClient, course_id: int, spec: SectionSpec) -> dict:
    """Create the section in the course; one deleted by hand with this SIS id is revived instead."""
    return client.post(
        f"/api/v1/courses/{course_id}/sections",
        {
            "course_section[name]": spec.name,
            "course_section[sis_section_id]": spec.sis_section_id,
            "enable_sis_reactivation": "true",
        },
    )
