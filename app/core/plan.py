"""The vocabulary between decide and act: desired Canvas objects, ledger entries and the operations of a plan.

A plan is what the reconciler must do in Canvas to turn the ledger (what we know we made) into the
desired state. Every operation is safe to repeat: executing it twice leaves Canvas as executing it once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

EnrollmentKind = Literal["registered", "admitted"]
EnrollmentState = Literal["active", "inactive", "completed"]


@dataclass(frozen=True, slots=True)
class CourseRef:
    """A Canvas course named by sis id (adapter-made courses) or by Canvas id (co-reading targets)."""

    sis_course_id: str | None = None
    canvas_course_id: int | None = None

    @property
    def path_id(self) -> str:
        """The id as it goes in a Canvas API path."""
        if self.canvas_course_id is not None:
            return str(self.canvas_course_id)
        return f"sis_course_id:{self.sis_course_id}"


@dataclass(frozen=True, slots=True)
class AccountSpec:
    """Where a course lives: the organisation's sub-account, optionally its 'Kurs'/'Program' child."""

    organisation_uid: str | None
    organisation_name: str | None
    parent_account_id: int
    child_name: Literal["Kurs", "Program"] | None = None


@dataclass(frozen=True, slots=True)
class UserSpec:
    """A student's Canvas account as the settings want it."""

    sis_user_id: str
    name: str
    login_id: str
    email: str | None


@dataclass(frozen=True, slots=True)
class CourseSpec:
    """An offering's Canvas course as the rules want it (docs/rules.md §4.4)."""

    sis_course_id: str
    name: str
    course_code: str
    start: dt.date | None
    end: dt.date | None
    term: str | None
    account: AccountSpec
    overwrite: bool = True  # False with UpdateCourseFromLadok = false: create only, never update
    # Without overwrite a cancellation still reaches Canvas: the course's own name gets the prefix, once.
    prefix_cancelled: bool = False


@dataclass(frozen=True, slots=True)
class SectionSpec:
    """A section holding one offering's students in one Canvas course."""

    sis_section_id: str
    name: str
    course: CourseRef


@dataclass(frozen=True, slots=True)
class DesiredEnrollment:
    """One enrollment the rules want a student to have."""

    section_sis_id: str
    course: CourseRef
    kind: EnrollmentKind
    role_id: int | None  # None: Canvas's default StudentEnrollment role
    state: EnrollmentState


@dataclass(frozen=True, slots=True)
class LedgerEnrollment:
    """An enrollment the adapter made and knows about."""

    section_sis_id: str
    kind: EnrollmentKind
    canvas_enrollment_id: int
    canvas_course_id: int
    state: EnrollmentState


@dataclass(frozen=True, slots=True)
class EnsureUser:
    """Create the account if missing (adopting one with the same login), else update what the settings allow."""

    user: UserSpec
    update_name: bool
    update_email: bool
    update_login: bool


@dataclass(frozen=True, slots=True)
class EnsureCourse:
    """Create the course (with term, sub-account and its own section) if missing, else update it.

    A course this creates gets `early_access` and `purge_date` as its settings (docs/rules.md §4.5).
    """

    course: CourseSpec
    section: SectionSpec
    early_access: bool = False
    purge_date: dt.date | None = None


@dataclass(frozen=True, slots=True)
class EnsureSection:
    """Create a section (co-reading) in an existing Canvas course if missing."""

    section: SectionSpec


@dataclass(frozen=True, slots=True)
class Enroll:
    """Create an enrollment (or find Canvas's upserted one) and record it in the ledger."""

    student_uid: str
    enrollment: DesiredEnrollment

    @property
    def create_state(self) -> Literal["active", "inactive"]:
        """The state Canvas creates it in: inactive while suspended (§4.6), else active, completed ones too."""
        return "inactive" if self.enrollment.state == "inactive" else "active"

    @property
    def then_conclude(self) -> bool:
        """Canvas cannot create a concluded enrollment: a completed one (UseConcluded) is concluded after."""
        return self.enrollment.state == "completed"


@dataclass(frozen=True, slots=True)
class SetEnrollmentState:
    """Move a ledger enrollment to active (reactivate), inactive (deactivate) or completed (conclude)."""

    student_uid: str
    current: LedgerEnrollment
    state: EnrollmentState

    @property
    def unless_concluded(self) -> bool:
        """A deactivation leaves a course concluded by hand alone: it is read-only, and the seed keeps the
        suspended student active there (docs/rules.md §4.6). The facts' concluded courses are never planned;
        one concluded since we last looked is asked of Canvas first."""
        return self.state == "inactive"


@dataclass(frozen=True, slots=True)
class Unenroll:
    """Delete an enrollment the adapter made, and drop it from the ledger."""

    student_uid: str
    current: LedgerEnrollment


@dataclass(frozen=True, slots=True)
class SweepOtherSections:
    """EnrollmentsOtherSections: delete or conclude the student's enrollments in other sections of a course."""

    student_uid: str
    course: CourseRef
    keep_section_sis_ids: frozenset[str]
    action: Literal["delete", "conclude"]


@dataclass(frozen=True, slots=True)
class MessageTeachers:
    """Send the teachers of an active course one Canvas message about a suspension."""

    course: CourseRef
    suspension_uid: str
    student_uid: str
    subject: str
    body: str
    # Set when an earlier attempt may have sent it (a worker stopped after noting it): Canvas's sent box
    # since this time is read first, and only teachers without the message get it.
    sent_check_since: dt.datetime | None = None


Operation = (
    EnsureUser
    | EnsureCourse
    | EnsureSection
    | Enroll
    | SetEnrollmentState
    | Unenroll
    | SweepOtherSections
    | MessageTeachers
)
