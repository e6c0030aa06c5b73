"""The sandbox Canvas's pages for people: its courses, and each course's sections and people with role and state.

They sit beside the API, outside /api/, and need no token (it is a sandbox); they only read.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from flask import Flask, abort, render_template

from app.sandbox.pages import pages_app

if TYPE_CHECKING:
    from app.sandbox.canvas.sandbox import CanvasSandbox

# What Canvas's UI calls a course's and an enrollment's internal workflow states.
COURSE_STATES = {
    "created": "Unpublished",
    "claimed": "Unpublished",
    "available": "Published",
    "completed": "Concluded",
    "deleted": "Deleted",
}
ENROLLMENT_STATES = {
    "active": "Active",
    "inactive": "Inactive",
    "invited": "Pending",
    "creation_pending": "Pending",
    "completed": "Completed",
    "rejected": "Rejected",
    "deleted": "Deleted",
}


@dataclass(frozen=True, slots=True)
class CourseLine:
    """A course as the course list shows it."""

    id: int
    name: str
    code: str
    sis_id: str | None
    term: str
    state: str
    people: str


@dataclass(frozen=True, slots=True)
class PersonLine:
    """One enrollment as the course's people list shows it."""

    name: str
    sis_user_id: str
    section: str
    role: str
    state: str
    state_key: str


def canvas_pages(sandbox: CanvasSandbox, nav: Mapping[str, str] | None = None) -> Flask:
    """The pages' WSGI app over one sandbox."""
    app = pages_app(__name__, title="Sandbox Canvas", theme="canvas", nav=nav)

    @app.get("/")
    def courses() -> str:
        return render_template("canvas_courses.html", live=True, courses=course_lines(sandbox))

    @app.get("/courses/<int:course_id>")
    def course(course_id: int) -> str:
        found = next((c for c in sandbox.courses() if c.id == course_id and c.workflow_state != "deleted"), None)
        if found is None:
            abort(404)
        line = next(c for c in course_lines(sandbox) if c.id == course_id)
        sections = sandbox.sections(course_id)
        people = person_lines(sandbox, course_id)
        per_section = Counter(p.section for p in people)
        return render_template(
            "canvas_course.html",
            live=True,
            course=line,
            people=people,
            sections=[(s, per_section[s.name]) for s in sections if s.workflow_state == "active"],
        )

    @app.errorhandler(404)
    def _missing(_error: Exception) -> tuple[str, int]:
        return render_template(
            "sandbox_message.html", heading="Page not found", message="The sandbox Canvas has no such page or course."
        ), 404

    return app


def course_lines(sandbox: CanvasSandbox) -> list[CourseLine]:
    """Every course that is not deleted, by name, with its people counted by enrollment state."""
    terms = {t.id: t.name for t in sandbox.terms()}
    counts: dict[int, Counter[str]] = {}
    for e in sandbox.enrollments():
        if e.workflow_state != "deleted":
            counts.setdefault(e.course_id, Counter())[ENROLLMENT_STATES.get(e.workflow_state, e.workflow_state)] += 1
    lines = [
        CourseLine(
            c.id,
            c.name,
            c.course_code,
            c.sis_course_id,
            terms.get(c.enrollment_term_id, ""),
            COURSE_STATES.get(c.workflow_state, c.workflow_state),
            ", ".join(f"{n} {state.lower()}" for state, n in sorted(counts.get(c.id, Counter()).items())) or "nobody",
        )
        for c in sandbox.courses()
        if c.workflow_state != "deleted"
    ]
    return sorted(lines, key=lambda c: (c.name, c.id))


def person_lines(sandbox: CanvasSandbox, course_id: int) -> list[PersonLine]:
    """The course's enrollments that are not deleted, by sortable name (as Canvas lists people) and role."""
    users = {u.id: u for u in sandbox.users()}
    sis: dict[int, str] = {}
    for p in sandbox.logins():  # Canvas shows the first active login's SIS id; logins may be personnummer
        if p.workflow_state == "active" and p.sis_user_id:
            sis.setdefault(p.user_id, p.sis_user_id)
    sections = {s.id: s.name for s in sandbox.sections()}
    roles = {r.id: r.label for r in sandbox.roles()}
    lines = sorted(
        (
            (users[e.user_id].sortable_name.casefold(), roles.get(e.role_id, e.type), e)
            for e in sandbox.enrollments(course_id=course_id)
            if e.workflow_state != "deleted"
        ),
        key=lambda item: item[:2],
    )
    return [
        PersonLine(
            users[e.user_id].name,
            sis.get(e.user_id, ""),
            sections.get(e.course_section_id, ""),
            role,
            ENROLLMENT_STATES.get(e.workflow_state, e.workflow_state),
            e.workflow_state,
        )
        for _, role, e in lines
    ]
