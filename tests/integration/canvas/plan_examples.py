"""Plan operations for one student and one offering, as the decide step would produce them."""

from __future__ import annotations

import datetime as dt

from app.core.plan import (
    AccountSpec,
    CourseRef,
    CourseSpec,
    DesiredEnrollment,
    Enroll,
    EnrollmentKind,
    EnrollmentState,
    EnsureCourse,
    EnsureUser,
    SectionSpec,
    UserSpec,
)

STUDENT = "3f2a1b00-1111-4c1d-9000-00000000a001"
OFFERING = "9c8b7a00-2222-4c1d-9000-00000000b002"
ORGANISATION = "org-matematik"


def ensure_user(
    name: str = "Anna Andersson", login_id: str = "anna.andersson", email: str | None = "anna@x.se", update: bool = True
) -> EnsureUser:
    """EnsureUser for the student."""
    return EnsureUser(UserSpec(STUDENT, name, login_id, email), update, update, update)


def ensure_course(
    name: str = "Linjär algebra", overwrite: bool = True, child: bool = True, offering: str = OFFERING
) -> EnsureCourse:
    """EnsureCourse for the offering, in the organisation's "Kurs" sub-account."""
    course = CourseSpec(
        sis_course_id=offering,
        name=name,
        course_code="SF1624 50123",
        start=dt.date(2024, 9, 2),
        end=dt.date(2025, 1, 14),
        term="HT2024",
        account=AccountSpec(ORGANISATION, "Matematik", 1, "Kurs" if child else None),
        overwrite=overwrite,
    )
    return EnsureCourse(course, SectionSpec(offering, "SF1624:50123:HT2024", CourseRef(offering)))


def enroll(
    kind: EnrollmentKind = "registered",
    role_id: int | None = None,
    state: EnrollmentState = "active",
    section: str = OFFERING,
) -> Enroll:
    """Enroll the student in the offering's section."""
    return Enroll(STUDENT, DesiredEnrollment(section, CourseRef(OFFERING), kind, role_id, state))
