"""What executing an operation did in Canvas: plain values the caller records in its ledger."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from app.core.plan import CourseRef, EnrollmentKind, LedgerEnrollment


@dataclass(frozen=True, slots=True)
class UserResult:
    """The student's Canvas account; `adopted` when an existing login without SIS id was linked."""

    sis_user_id: str
    canvas_user_id: int
    created: bool = False
    adopted: bool = False
    updated: bool = False


@dataclass(frozen=True, slots=True)
class CourseResult:
    """The offering's Canvas course and its own section, with the term and account it went into."""

    sis_course_id: str
    canvas_course_id: int
    section_sis_id: str
    canvas_section_id: int
    canvas_term_id: int | None
    canvas_account_id: int | None
    workflow_state: str
    created: bool = False
    updated: bool = False
    # The sub-accounts resolved while creating the course (None otherwise): the ledger remembers them.
    organisation_account_id: int | None = None
    child_account_id: int | None = None


@dataclass(frozen=True, slots=True)
class SectionResult:
    """A section found by SIS id (possibly cross-listed: `canvas_course_id` is where it is now)."""

    sis_section_id: str
    canvas_section_id: int
    canvas_course_id: int
    created: bool = False


@dataclass(frozen=True, slots=True)
class EnrollmentResult:
    """An enrollment as it now is in Canvas (after Enroll or SetEnrollmentState).

    `course_concluded`: a deactivation was not made because the course has been concluded (by hand) since;
    the enrollment is left as it was and the caller remembers the course as concluded.
    """

    student_uid: str
    enrollment: LedgerEnrollment
    canvas_user_id: int | None = None
    canvas_section_id: int | None = None
    course_concluded: bool = False


@dataclass(frozen=True, slots=True)
class RemovedResult:
    """An adapter enrollment is gone from Canvas (deleted now, or already gone)."""

    student_uid: str
    section_sis_id: str
    kind: EnrollmentKind
    canvas_enrollment_id: int
    # (ledger course id, course it was found in) when its section had been cross-listed away by hand
    course_move: tuple[int, int] | None = None


@dataclass(frozen=True, slots=True)
class SweptEnrollment:
    """One enrollment SweepOtherSections deleted or concluded."""

    canvas_enrollment_id: int
    canvas_section_id: int | None
    section_sis_id: str | None


@dataclass(frozen=True, slots=True)
class SweepResult:
    """The student's enrollments in other sections of the course that were deleted or concluded."""

    student_uid: str
    course: CourseRef
    action: Literal["delete", "conclude"]
    swept: tuple[SweptEnrollment, ...]


@dataclass(frozen=True, slots=True)
class MessageResult:
    """The suspension message to a course's teachers; `recipient_ids` empty when the course has none."""

    course: CourseRef
    suspension_uid: str
    student_uid: str
    recipient_ids: tuple[int, ...]
    conversation_ids: tuple[int, ...]


OpResult = UserResult | CourseResult | SectionResult | EnrollmentResult | RemovedResult | SweepResult | MessageResult
