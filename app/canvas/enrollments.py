"""Enrollments: create (Canvas upserts), conclude/deactivate/delete, reactivate, list a student's in a course."""

from __future__ import annotations

from typing import Literal

from app.canvas.client import CanvasClient
from app.canvas.errors import CanvasNotFound
from app.core.plan import EnrollmentState

Task = Literal["conclude", "delete", "deactivate"]
# enrollments_api_controller.rb filters state[] on enrollments.workflow_state; "deleted" is left out.
LIVE_STATES = ("active", "invited", "inactive", "completed", "creation_pending")


def enroll(
    client: CanvasClient,
    section_ref: str,
    user_ref: str,
    role_id: int | None,
    state: Literal["active", "inactive"],
) -> dict:
    """Enroll the user in the section as a student; repeating it finds the same enrollment.

    Course#enroll_user reuses the enrollment with the same user, type, role and section, so a repeat
    (or a retry after a lost answer) never makes a second one.
    """
    form = {
        "enrollment[user_id]": user_ref,
        "enrollment[enrollment_state]": state,
        "enrollment[notify]": "false",
    }
    if role_id is None:
        form["enrollment[type]"] = "StudentEnrollment"
    else:
        form["enrollment[role_id]"] = str(role_id)
    return client.post(f"/api/v1/sections/{section_ref}/enrollments", form)


def end_enrollment(client: CanvasClient, course_id: int, enrollment_id: int, task: Task) -> dict:
    """Conclude, deactivate or delete an enrollment (DELETE …/enrollments/:id?task=)."""
    return client.delete(f"/api/v1/courses/{course_id}/enrollments/{enrollment_id}", {"task": task})


def reactivate(client: CanvasClient, course_id: int, enrollment_id: int) -> dict:
    """Make an inactive enrollment active again."""
    return client.put(f"/api/v1/courses/{course_id}/enrollments/{enrollment_id}/reactivate")


def find_enrollment(client: CanvasClient, user_ref: str, enrollment_id: int) -> dict | None:
    """The user's live enrollment with this id in whatever course it now is, or None when deleted."""
    try:
        found = client.get_all(f"/api/v1/users/{user_ref}/enrollments", {"state[]": list(LIVE_STATES)})
    except CanvasNotFound:
        return None
    return next((e for e in found if int(e["id"]) == enrollment_id), None)


def student_enrollments(client: CanvasClient, course_ref: str, user_ref: str) -> list[dict]:
    """The user's live student enrollments in the course, in every section, manual ones included."""
    return client.get_all(
        f"/api/v1/courses/{course_ref}/enrollments",
        {"user_id": user_ref, "type[]": ["StudentEnrollment"], "state[]": list(LIVE_STATES)},
    )


def ledger_state(enrollment: dict) -> EnrollmentState:
    """An enrollment's Canvas state in the ledger's words."""
    state = enrollment.get("enrollment_state") or enrollment.get("workflow_state")
    if state == "inactive":
        return "inactive"
    if state == "completed":
        return "completed"
    return "active"
