"""The enrollments a student should have, in every section that carries an offering (docs/rules.md §4.2, §4.6, §4.7)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from app.core.decide_course import is_ignored, own_course_ref
from app.core.decide_facts import StudentFacts
from app.core.early_access import admits_today, stored_or_default
from app.core.model import Offering, Participation
from app.core.plan import CourseRef, DesiredEnrollment, EnrollmentKind, EnrollmentState, LedgerEnrollment
from app.core.settings import InstitutionSettings


@dataclass(frozen=True, slots=True)
class Target:
    """A section that receives an offering's students: its own section or a co-reading section."""

    offering: Offering
    section_sis_id: str
    course: CourseRef
    canvas_course_id: int | None  # None: an own course the ledger has not seen made yet
    own: bool

    @property
    def course_key(self) -> int | str:
        """One key per Canvas course, whether it is known by Canvas id or only by sis id."""
        return self.canvas_course_id if self.canvas_course_id is not None else self.offering.uid


@dataclass(frozen=True, slots=True)
class Wanted:
    """A desired enrollment together with the section it goes into."""

    target: Target
    enrollment: DesiredEnrollment

    @property
    def key(self) -> tuple[str, EnrollmentKind]:
        """What a ledger entry is matched on: section and kind."""
        return (self.enrollment.section_sis_id, self.enrollment.kind)


def targets(offering: Offering, facts: StudentFacts) -> list[Target]:
    """The offering's own section, then its co-reading sections in Canvas-id order."""
    found = [
        Target(
            offering=offering,
            section_sis_id=offering.uid,
            course=own_course_ref(offering.uid),
            canvas_course_id=facts.own_course_ids.get(offering.uid),
            own=True,
        )
    ]
    links = sorted(
        (link for link in facts.links if link.offering_uid == offering.uid),
        key=lambda link: link.canvas_course_id,
    )
    found.extend(
        Target(
            offering=offering,
            section_sis_id=link.section_sis_id,
            course=CourseRef(canvas_course_id=link.canvas_course_id),
            canvas_course_id=link.canvas_course_id,
            own=False,
        )
        for link in links
    )
    return found


def desired_enrollments(facts: StudentFacts, settings: InstitutionSettings, today: dt.date) -> list[Wanted]:
    """Every enrollment the rules want for the student today, in a stable order."""
    wanted: list[Wanted] = []
    for participation in sorted(facts.participations, key=lambda p: p.offering_uid):
        offering = facts.offerings.get(participation.offering_uid)
        if offering is None or is_ignored(offering, settings):
            continue
        for target in targets(offering, facts):
            wanted.extend(_wanted_in(target, participation, facts, settings, today))
    return wanted


def _wanted_in(
    target: Target,
    participation: Participation,
    facts: StudentFacts,
    settings: InstitutionSettings,
    today: dt.date,
) -> list[Wanted]:
    """The registered and admitted enrollments (either, both or none) the student gets in one section.

    Both can coexist because Canvas keeps one enrollment per user, type, role and section (canvas-lms
    unique index `index_enrollments_on_user_type_role_section`), and the two kinds carry different roles;
    RoleIdRegistered = RoleIdAdmitted would merge them into one Canvas enrollment.
    """
    state = _state(target, participation, facts, settings, today)
    found: list[Wanted] = []
    if participation.registered:
        found.append(Wanted(target, _desired(target, "registered", settings.role_id_for("registered"), state)))
    if participation.admitted and _admits(target, facts, settings, today):
        found.append(Wanted(target, _desired(target, "admitted", settings.role_id_for("admitted"), state)))
    return found


def _desired(target: Target, kind: EnrollmentKind, role_id: int | None, state: EnrollmentState) -> DesiredEnrollment:
    """A desired enrollment in the target's section."""
    return DesiredEnrollment(
        section_sis_id=target.section_sis_id,
        course=target.course,
        kind=kind,
        role_id=role_id,
        state=state,
    )


def _admits(target: Target, facts: StudentFacts, settings: InstitutionSettings, today: dt.date) -> bool:
    """Whether the target's course has early access in effect today.

    An own course without stored settings gets the creation default; a co-reading course without stored
    settings is a teacher's course that never turned early access on.
    """
    stored = None if target.canvas_course_id is None else facts.course_settings.get(target.canvas_course_id)
    if stored is None and not target.own:
        return False
    return admits_today(stored_or_default(stored, target.offering.start, settings), settings, today)


def _state(
    target: Target,
    participation: Participation,
    facts: StudentFacts,
    settings: InstitutionSettings,
    today: dt.date,
) -> EnrollmentState:
    """Completed with UseConcluded; inactive while suspended, except in concluded (read-only) courses."""
    if settings.use_concluded and participation.completed:
        return "completed"
    suspended = any(s.in_effect(today) for s in facts.suspensions if s.student_uid == facts.student_uid)
    # A concluded course is read-only in Canvas, so the seed leaves a suspended student active there.
    if settings.use_restrictions and suspended and target.canvas_course_id not in facts.concluded_course_ids:
        return "inactive"
    return "active"


def is_managed(entry: LedgerEnrollment, facts: StudentFacts, settings: InstitutionSettings) -> bool:
    """Whether the rules own a ledger entry: its offering is known and not on the ignore list."""
    offering = facts.offerings.get(entry.section_sis_id.split(":", 1)[0])
    return offering is not None and not is_ignored(offering, settings)
