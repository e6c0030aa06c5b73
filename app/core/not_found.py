"""What a 404 from Canvas tells about the ledger, and whether the key is planned again in the same run.

A course, section, account or enrollment deleted by hand in Canvas (docs/rules.md §5, hand edits) answers
404 where the ledger still holds its id. The ledger then forgets what the 404 proves gone, and the key is
planned again at once: the new plan makes sure of the course and section again (docs/rules.md §4.2), which
revives a deleted course by its SIS id, and enrolls the student in the same run rather than after a
back-off. Planning again is bounded (MAX_REPLANS), so a Canvas that keeps answering 404 ends in the
ordinary back-off; and a 404 that proves nothing the ledger holds (a co-reading teacher's course that is
gone, a message to a course that is gone) backs off at once, as any other failure does.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from app.core.plan import Enroll, EnrollmentKind, Operation, SetEnrollmentState

NOT_FOUND = 404
MAX_REPLANS = 3  # a course deleted by hand needs two: its enrollment, then its section and the account


@dataclass(frozen=True, slots=True)
class ForgetSection:
    """The section is gone, and with it its course when the section is the offering's own."""

    section_sis_id: str


@dataclass(frozen=True, slots=True)
class ForgetUser:
    """The student's account may be gone: look it up again by SIS id rather than trust the ledger's id."""

    student_uid: str


@dataclass(frozen=True, slots=True)
class ForgetEnrollment:
    """The enrollment is gone from Canvas (its course, or the enrollment itself, was deleted by hand)."""

    student_uid: str
    section_sis_id: str
    kind: EnrollmentKind


Forget = ForgetSection | ForgetUser | ForgetEnrollment


@dataclass(frozen=True, slots=True)
class AfterFailure:
    """What the ledger forgets after a run's failed steps, and whether the key is planned again at once."""

    forget: tuple[Forget, ...]
    replan: bool


def after_failure(
    failed: Sequence[tuple[Operation | None, int | None]],
    known_sections: Collection[str],
    known_users: Collection[str],
    replans: int,
) -> AfterFailure:
    """Decide from the failed steps (each with Canvas's HTTP status, None without one) and the ledger's ids.

    Planned again only when every failure is a 404 that makes the ledger forget something, and fewer than
    MAX_REPLANS re-plans have been made for this key in this run; otherwise the key backs off, still
    forgetting what the 404s proved gone.
    """
    forget: list[Forget] = []
    all_explained = True
    for op, status in failed:
        proved = _gone(op, known_sections, known_users) if status == NOT_FOUND else ()
        all_explained = all_explained and bool(proved)
        forget.extend(proved)
    unique = tuple(dict.fromkeys(forget))
    return AfterFailure(unique, replan=all_explained and bool(unique) and replans < MAX_REPLANS)


def _gone(op: Operation | None, known_sections: Collection[str], known_users: Collection[str]) -> tuple[Forget, ...]:
    """What a 404 on `op` proves gone among what the ledger knows."""
    if isinstance(op, Enroll):
        # Canvas answers an enrollment's 404 alike for a missing section and a missing user: forget both.
        section = op.enrollment.section_sis_id
        proved: list[Forget] = []
        if section in known_sections:
            proved.append(ForgetSection(section))
        if op.student_uid in known_users:
            proved.append(ForgetUser(op.student_uid))
        return tuple(proved)
    if isinstance(op, SetEnrollmentState):
        return (ForgetEnrollment(op.student_uid, op.current.section_sis_id, op.current.kind),)
    return ()
