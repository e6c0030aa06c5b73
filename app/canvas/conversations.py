"""Messages to a course's teachers (Canvas conversations)."""

from __future__ import annotations

from app.canvas.client import CanvasClient
from app.canvas.errors import CanvasUnavailable


def teacher_ids(client: CanvasClient, course_ref: str) -> list[int]:
    """Canvas ids of the course's active teachers."""
    teachers = client.get_all(
        f"/api/v1/courses/{course_ref}/enrollments",
        {"type[]": ["TeacherEnrollment"], "state[]": ["active"]},
    )
    return sorted({int(enrollment["user_id"]) for enrollment in teachers})


def _already_sent(client: CanvasClient, recipient_ids: list[int], subject: str) -> list[dict]:
    recent = client.get("/api/v1/conversations", {"scope": "sent", "per_page": 50})
    wanted = set(recipient_ids)
    return [
        conversation
        for conversation in recent
        if conversation.get("subject") == subject
        and wanted & {int(p["id"]) for p in conversation.get("participants", []) if "id" in p}
    ]


def send(client: CanvasClient, recipient_ids: list[int], subject: str, body: str) -> list[dict]:
    """Start one private conversation with each recipient; return the conversations (201).

    A conversation is not idempotent in Canvas, so the POST is never blindly resent: after an uncertain
    failure the sent box is checked for this subject first.
    """
    form = {
        "recipients[]": [str(i) for i in recipient_ids],
        "subject": subject,
        "body": body,
        "force_new": "true",
        "group_conversation": "false",
    }
    try:
        return client.post("/api/v1/conversations", form, repeatable=False)
    except CanvasUnavailable as exc:
        if not exc.maybe_applied:
            raise
        sent = _already_sent(client, recipient_ids, subject)
        if sent:
            return sent
        return client.post("/api/v1/conversations", form, repeatable=False)
