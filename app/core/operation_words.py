"""How people are told of a planned operation, instead of by its class name: what it will do (support's
English) and, counted once done, what it did in Canvas (the admin view and the status report, Swedish and
English)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class OperationWords:
    """The words for one kind of operation."""

    to_do: str  # what one will do, for "explain this student"
    applied: dict[str, str]  # by language: a heading for a count of them done in Canvas


OPERATION_WORDS: dict[str, OperationWords] = {
    "EnsureUser": OperationWords(
        "create or update the student's Canvas account",
        {"sv": "Studentkonton skapade eller uppdaterade", "en": "Student accounts created or updated"},
    ),
    "EnsureCourse": OperationWords(
        "create or update the course",
        {"sv": "Kurser skapade eller uppdaterade", "en": "Courses created or updated"},
    ),
    "EnsureSection": OperationWords(
        "create the co-reading section",
        {"sv": "Sektioner för samläsning skapade", "en": "Co-reading sections created"},
    ),
    "Enroll": OperationWords(
        "enroll the student", {"sv": "Studenter tillagda i kurser", "en": "Students added to courses"}
    ),
    "SetEnrollmentState": OperationWords(
        "reactivate, deactivate or conclude the enrollment",
        {
            "sv": "Deltaganden återaktiverade, inaktiverade eller avslutade",
            "en": "Enrollments reactivated, deactivated or concluded",
        },
    ),
    "Unenroll": OperationWords(
        "remove the enrollment", {"sv": "Studenter borttagna ur kurser", "en": "Students removed from courses"}
    ),
    "SweepOtherSections": OperationWords(
        "clear the student from the course's other sections",
        {"sv": "Studenter flyttade från andra sektioner", "en": "Students cleared from other sections"},
    ),
    "MessageTeachers": OperationWords(
        "message the teachers about a suspension",
        {"sv": "Meddelanden till lärare om avstängningar", "en": "Messages to teachers about suspensions"},
    ),
}
OTHER_APPLIED = {"sv": "Övriga ändringar", "en": "Other changes"}


def in_words(operation: str) -> str:
    """What an operation named as the action log names it (its class name) will do; unknown names as they are."""
    words = OPERATION_WORDS.get(operation)
    return words.to_do if words else operation


def applied_in_words(applied: dict[str, int], lang: str) -> list[tuple[str, int]]:
    """Counts of operations done, as headings in `lang` in the order the adapter makes them; others summed last."""
    lines = [(words.applied[lang], applied[op]) for op, words in OPERATION_WORDS.items() if applied.get(op)]
    other = sum(n for op, n in applied.items() if op not in OPERATION_WORDS)
    return [*lines, (OTHER_APPLIED[lang], other)] if other else lines
