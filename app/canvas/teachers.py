"""Whether a Canvas user actively teaches a course: the consent check behind co-reading (docs/rules.md §4.7)."""

from __future__ import annotations

from app.canvas.client import CanvasClient
from app.canvas.errors import CanvasNotFound
from app.canvas.sis import in_path


def teaches_course(client: CanvasClient, sis_course_id: str, canvas_user_id: str) -> bool:
    """True when the user has an active TeacherEnrollment in the course with this SIS id.

    GET /api/v1/courses/:course_id/enrollments with `user_id` narrows to that user's enrollments in the
    course (enrollments_api_controller.rb course_index_enrollments → user_index_enrollments), `type[]` to
    teachers and `state[]` to workflow_state active. No such course or user (404) means no. Any other
    Canvas failure is raised: not knowing is not the same as no.
    """
    try:
        found = client.get_all(
            f"/api/v1/courses/{in_path('sis_course_id', sis_course_id)}/enrollments",
            {"user_id": canvas_user_id, "type[]": ["TeacherEnrollment"], "state[]": ["active"]},
        )
    except CanvasNotFound:
        return False
    # The filters are Canvas's; checking the answer too keeps a consent from resting on one query parameter.
    return any(
        str(e.get("user_id")) == canvas_user_id
        and e.get("type") == "TeacherEnrollment"
        and e.get("enrollment_state", e.get("workflow_state")) == "active"
        for e in found
    )
