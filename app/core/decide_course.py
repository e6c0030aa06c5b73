"""Decide an offering's Canvas course, its own section and its co-reading sections (docs/rules.md §4.4, §4.7)."""

from __future__ import annotations

from typing import Literal

from app.core.decide_facts import OfferingFacts
from app.core.early_access import stored_or_default
from app.core.model import RUNNING_STATUSES, CoReadingLink, Offering
from app.core.naming import course_code, course_name, section_name
from app.core.plan import (
    AccountSpec,
    CourseRef,
    CourseSpec,
    EnsureCourse,
    EnsureSection,
    Operation,
    SectionSpec,
)
from app.core.settings import InstitutionSettings


def plan_offering(facts: OfferingFacts, settings: InstitutionSettings) -> list[Operation]:
    """The course, own section and co-reading sections a running, not ignored offering must have in Canvas."""
    status = facts.offering.status
    # An unknown status means we never saw the status event (it predates us); the seed creates a missing
    # course on any update event, so only a known non-running status (1, draft) holds the course back.
    if status is not None and status not in RUNNING_STATUSES:
        return []
    return offering_operations(facts, settings)


def offering_operations(facts: OfferingFacts, settings: InstitutionSettings) -> list[Operation]:
    """EnsureCourse with the own section, then EnsureSection per co-reading link; none for ignored types."""
    if is_ignored(facts.offering, settings):
        return []
    operations: list[Operation] = [ensure_course(facts, settings)]
    operations.extend(EnsureSection(co_reading_section(facts, link)) for link in facts.links)
    return operations


def is_ignored(offering: Offering, settings: InstitutionSettings) -> bool:
    """Whether the offering's education type is in EducationTypeIgnoreList."""
    return offering.education_type_id in settings.education_type_ignore_list


def ensure_course(facts: OfferingFacts, settings: InstitutionSettings) -> EnsureCourse:
    """The offering's own course and section as the settings want them, and its early access if it is new.

    EarlyAccessOnCreateCourse is fixed at creation with the default purge date, so a later change of the
    setting leaves existing courses alone (docs/rules.md §4.5).
    """
    created_with = stored_or_default(None, facts.offering.start, settings)
    return EnsureCourse(
        course=course_spec(facts, settings),
        section=own_section(facts),
        early_access=created_with.on,
        purge_date=created_with.purge_date,
    )


def course_spec(facts: OfferingFacts, settings: InstitutionSettings) -> CourseSpec:
    """The Canvas course of an offering: sis id = offering uid, name by CourseNameFormat, term and dates."""
    offering = facts.offering
    return CourseSpec(
        sis_course_id=offering.uid,
        name=course_name(offering, facts.course, settings.course_name_format),
        course_code=course_code(offering, facts.course),
        start=offering.start,
        end=offering.end,
        term=offering.term,
        account=account_spec(facts, settings),
        overwrite=settings.update_course_from_ladok,
        # Without UpdateCourseFromLadok a cancellation still reaches the name Canvas has (docs/rules.md §4.4).
        prefix_cancelled=offering.cancelled and not settings.update_course_from_ladok,
    )


def account_spec(facts: OfferingFacts, settings: InstitutionSettings) -> AccountSpec:
    """The organisation's sub-account under SubAccountNewOrganisations, and its Kurs/Program child if used."""
    organisation = facts.organisation
    child: Literal["Kurs", "Program"] | None = None
    if settings.use_subaccounts_for_program_and_courses:
        child = "Program" if facts.offering.is_program else "Kurs"
    return AccountSpec(
        organisation_uid=facts.offering.organisation_uid,
        organisation_name=organisation.name if organisation else None,
        parent_account_id=settings.sub_account_new_organisations,
        child_name=child,
    )


def own_section(facts: OfferingFacts) -> SectionSpec:
    """The offering's own section in its own course: sis id = offering uid."""
    offering = facts.offering
    return SectionSpec(
        sis_section_id=offering.uid,
        name=section_name(offering, facts.course),
        course=own_course_ref(offering.uid),
    )


def co_reading_section(facts: OfferingFacts, link: CoReadingLink) -> SectionSpec:
    """The section an offering gets in a course it is linked into, named like its own section."""
    return SectionSpec(
        sis_section_id=link.section_sis_id,
        name=section_name(facts.offering, facts.course),
        course=CourseRef(canvas_course_id=link.canvas_course_id),
    )


def own_course_ref(offering_uid: str) -> CourseRef:
    """The offering's own Canvas course, named by its sis id."""
    return CourseRef(sis_course_id=offering_uid)
