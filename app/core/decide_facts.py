"""What the decide step reads: everything about one offering, or one student, gathered from projection and ledger."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from app.core.model import (
    CoReadingLink,
    Course,
    CourseSettings,
    Offering,
    Organisation,
    Participation,
    Student,
    Suspension,
)
from app.core.plan import LedgerEnrollment, UserSpec


@dataclass(frozen=True, slots=True)
class OfferingFacts:
    """One offering with its Ladok course, its organisation and the Canvas courses it is linked into."""

    offering: Offering
    course: Course | None = None
    organisation: Organisation | None = None
    links: tuple[CoReadingLink, ...] = ()


@dataclass(frozen=True, slots=True)
class StudentFacts:
    """One student: what Ladok says, the course settings that apply, and what the ledger says we made.

    `offerings` must hold every offering the student participates in and every offering named by a
    ledger section (a section sis id is `{offering_uid}` or `{offering_uid}:{canvas_course_id}`);
    ledger entries whose offering is missing are left alone, as we cannot tell whether it is ignored.
    """

    student_uid: str
    student: Student | None = None
    participations: tuple[Participation, ...] = ()
    offerings: Mapping[str, Offering] = field(default_factory=dict)
    courses: Mapping[str, Course] = field(default_factory=dict)
    organisations: Mapping[str, Organisation] = field(default_factory=dict)
    own_course_ids: Mapping[str, int] = field(default_factory=dict)
    course_settings: Mapping[int, CourseSettings] = field(default_factory=dict)
    links: tuple[CoReadingLink, ...] = ()
    suspensions: tuple[Suspension, ...] = ()
    ledger: tuple[LedgerEnrollment, ...] = ()
    made_sections: frozenset[str] = frozenset()
    messaged: frozenset[tuple[str, int]] = frozenset()
    concluded_course_ids: frozenset[int] = frozenset()
    account: UserSpec | None = None

    def offering_facts(self, offering: Offering) -> OfferingFacts:
        """The facts of one of the student's offerings, for building its course and sections."""
        return OfferingFacts(
            offering=offering,
            course=self.courses.get(offering.course_uid) if offering.course_uid else None,
            organisation=(self.organisations.get(offering.organisation_uid) if offering.organisation_uid else None),
            links=tuple(link for link in self.links if link.offering_uid == offering.uid),
        )
