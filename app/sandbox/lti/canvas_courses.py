"""The sandbox platform's course facts read from a sandbox Canvas, as Canvas fills a launch from its own course."""

from __future__ import annotations

from collections.abc import Callable

from app.sandbox.canvas import CanvasSandbox
from app.sandbox.lti.tokens import CourseFacts


def course_facts_from(canvas: CanvasSandbox) -> Callable[[int], CourseFacts | None]:
    """For a Canvas course id: its SIS id, name and course code in `canvas` (None for an unknown course)."""

    def facts(course_id: int) -> CourseFacts | None:
        course = next((c for c in canvas.courses() if c.id == course_id), None)
        return CourseFacts(course.sis_course_id, course.name, course.course_code) if course else None

    return facts
