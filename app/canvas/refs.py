"""References to Canvas objects for API paths: the Canvas id the ledger knows, else the SIS id."""

from __future__ import annotations

from typing import Any

from app.canvas.known import KnownIds
from app.canvas.sis import ref_in_path
from app.core.plan import CourseRef


def course_ref(ref: CourseRef, known: KnownIds) -> str:
    """The course as a path segment: its Canvas id when the plan or the ledger has it, else its SIS id."""
    if ref.canvas_course_id is not None:
        return str(ref.canvas_course_id)
    return ref_in_path(known.courses.get(str(ref.sis_course_id)), "sis_course_id", str(ref.sis_course_id))


def user_ref(student_uid: str, known: KnownIds) -> str:
    """The student's account as a path segment: its known Canvas id, else the SIS id."""
    return ref_in_path(known.users.get(student_uid), "sis_user_id", student_uid)


def int_or_none(value: Any) -> int | None:
    """An id from Canvas's JSON, which may be absent."""
    return None if value is None else int(value)
