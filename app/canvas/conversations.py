"""Messages to a course's teachers (Canvas conversations)."""

from __future__ import annotations

import datetime as dt

from app.canvas.client import CanvasClient
from app.canvas.errors import CanvasUnavailable
from app.canvas.times import canvas_instant

# How far Canvas's clock may be behind ours when a message's time is compared with when we noted it.
CLOCK_SKEW = dt.timedelta(minutes=5)


def teacher_ids(client: CanvasClient, course_ref: str) -> list[int]:
    """Canvas ids of the course's active teachers."""
    teachers = client.get_all(
        f"/api/v1/courses/{course_ref}/enrollments",
        {"type[]": ["TeacherEnrollment"], "state[]": ["active"]},
    )
    return sorted({int(enrollment["user_id"]) for enrollment in teachers})


def already_sent(
    client: CanvasClient, recipient_ids: list[int], subject: str, since: dt.datetime | None = None
) -> list[dict]:
    """Recent conversations in our sent box with this subject to any of the recipients (since a time, if given)."""
    recent = client.get("/api/v1/conversations", {"scope": "sent", "per_page": 50})
    wanted = set(recipient_ids)
    earliest = since - CLOCK_SKEW if since is not None else None
    return [
        conversation
        for conversation in recent
        if conversation.get("subject") == subject
        and wanted & _participants(conversation)
        and (earliest is None or _sent_at(conversation) >= earliest)
    ]


def _participants(conversation: dict) -> set[int]:
    return {int(p["id"]) for p in conversation.get("participants", []) if "id" in p}


def _sent_at(conversation: dict) -> dt.datetime:
    sent = canvas_instant(conversation.get("last_authored_message_at") or conversation.get("last_message_at"))
    # Unreadable: count it as sent since, rather than risk telling the teachers twice.
    return sent or dt.datetime.max.replace(tzinfo=dt.UTC)


def send_once(
    client: CanvasClient, recipient_ids: list[int], subject: str, body: str, since: dt.datetime
) -> list[dict]:
    """Send to the recipients who have not had this message since `since` (an attempt that may have landed)."""
    sent = already_sent(client, recipient_ids, subject, since)
    have = set().union(*map(_participants, sent)) if sent else set()
    missing = [r for r in recipient_ids if r not in have]
    return sent + (send(client, missing, subject, body) if missing else [])


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
        sent = already_sent(client, recipient_ids, subject)
        if sent:
            return sent
        return client.post("/api/v1/conversations", form, repeatable=False)
