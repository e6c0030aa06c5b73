"""What each planned operation does in Canvas, in words support reads instead of the operation's class name."""

from __future__ import annotations

OPERATION_WORDS: dict[str, str] = {
    "EnsureUser": "create or update the student's Canvas account",
    "EnsureCourse": "create or update the course",
    "EnsureSection": "create the co-reading section",
    "Enroll": "enroll the student",
    "SetEnrollmentState": "reactivate, deactivate or conclude the enrollment",
    "Unenroll": "remove the enrollment",
    "SweepOtherSections": "clear the student from the course's other sections",
    "MessageTeachers": "message the teachers about a suspension",
}


def in_words(operation: str) -> str:
    """The words for an operation named as the action log names it (its class name); unknown names as they are."""
    return OPERATION_WORDS.get(operation, operation)
