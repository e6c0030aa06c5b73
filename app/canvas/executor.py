"""Carry out one plan operation in Canvas and say what is there now; the caller records it in its ledger.

Every handler is safe to repeat, and so is every request a retry may send twice:
- term, sub-account, user, course and section creates carry a SIS id, so a create that had landed
  answers "already in use" the second time and the object is looked up instead;
- an enrollment POST is upserted by Canvas on (user, type, role, section);
- the "Kurs"/"Program" child has no SIS id and a conversation is never idempotent: both are sent with
  repeatable=False, and after an uncertain failure the children (or the sent box) are read first;
- PUT and DELETE are idempotent; a repeated delete's 404 means "already gone".
Known Canvas ids skip the look-ups; when one turns out stale (404) the handler falls back to the SIS id
once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.canvas import conversations
from app.canvas.client import CanvasClient
from app.canvas.course_steps import ensure_course, ensure_section
from app.canvas.enrollment_steps import enroll, set_enrollment_state, sweep_other_sections, unenroll
from app.canvas.known import NOTHING_KNOWN, KnownIds
from app.canvas.refs import course_ref
from app.canvas.results import MessageResult, OpResult
from app.canvas.user_steps import ensure_user
from app.core.plan import (
    Enroll,
    EnsureCourse,
    EnsureSection,
    EnsureUser,
    MessageTeachers,
    Operation,
    SetEnrollmentState,
    SweepOtherSections,
    Unenroll,
)


def execute(op: Operation, client: CanvasClient, known: KnownIds = NOTHING_KNOWN) -> OpResult:
    """Perform `op` in Canvas; raise a CanvasError when Canvas refuses it."""
    handler = HANDLERS[type(op)]
    return handler(op, client, known)


def message_teachers(op: MessageTeachers, client: CanvasClient, known: KnownIds) -> MessageResult:
    """Send each active teacher of the course the suspension message (nothing when it has no teacher)."""
    recipients = conversations.teacher_ids(client, course_ref(op.course, known))
    if not recipients:
        return MessageResult(op.course, op.suspension_uid, op.student_uid, (), ())
    if op.sent_check_since is not None:
        sent = conversations.send_once(client, recipients, op.subject, op.body, op.sent_check_since)
    else:
        sent = conversations.send(client, recipients, op.subject, op.body)
    return MessageResult(
        op.course, op.suspension_uid, op.student_uid, tuple(recipients), tuple(int(c["id"]) for c in sent)
    )


HANDLERS: dict[type, Callable[[Any, CanvasClient, KnownIds], OpResult]] = {
    EnsureUser: ensure_user,
    EnsureCourse: ensure_course,
    EnsureSection: ensure_section,
    Enroll: enroll,
    SetEnrollmentState: set_enrollment_state,
    Unenroll: unenroll,
    SweepOtherSections: sweep_other_sections,
    MessageTeachers: message_teachers,
}
