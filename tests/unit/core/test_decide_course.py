"""plan_offering: an offering's course, own section and co-reading sections (docs/rules.md §4.4, §4.7)."""

import datetime as dt

from app.core.decide import OfferingFacts, plan_offering
from app.core.model import CoReadingLink, Course, Offering, Organisation
from app.core.plan import AccountSpec, CourseRef, EnsureCourse, EnsureSection
from app.core.settings import InstitutionSettings

OFFERING = Offering(
    uid="o-1",
    course_uid="c-1",
    code="12345",
    term="VT2025",
    start=dt.date(2025, 1, 20),
    end=dt.date(2025, 3, 23),
    organisation_uid="org-1",
    education_type_id=52,
    status=2,
)
COURSE = Course(uid="c-1", code="TDA123", names={"sv": "Programmering"})
ORGANISATION = Organisation(uid="org-1", code="DATA", names={"sv": "Institutionen för data"})


def facts(offering: Offering = OFFERING, links: tuple[CoReadingLink, ...] = ()) -> OfferingFacts:
    return OfferingFacts(offering=offering, course=COURSE, organisation=ORGANISATION, links=links)


def only_course(operations: list) -> EnsureCourse:
    (op,) = operations
    assert isinstance(op, EnsureCourse)
    return op


def test_running_offering_gets_course_with_its_own_section() -> None:
    op = only_course(plan_offering(facts(), InstitutionSettings(course_name_format=3)))
    assert op.course.sis_course_id == "o-1"
    assert op.course.name == "Programmering TDA123 VT2025"
    assert op.course.course_code == "TDA123 12345"
    assert (op.course.start, op.course.end, op.course.term) == (dt.date(2025, 1, 20), dt.date(2025, 3, 23), "VT2025")
    assert op.course.overwrite is True
    assert op.section.sis_section_id == "o-1"
    assert op.section.name == "TDA123:12345:VT2025"
    assert op.section.course == CourseRef(sis_course_id="o-1")


def test_complete_status_also_gets_a_course() -> None:
    assert plan_offering(facts(Offering(uid="o-1", status=3)), InstitutionSettings())


def test_draft_offering_gets_no_course() -> None:
    assert plan_offering(facts(Offering(uid="o-1", status=1)), InstitutionSettings()) == []


def test_offering_with_unknown_status_is_created_as_on_an_update_event() -> None:
    assert plan_offering(facts(Offering(uid="o-1", status=None)), InstitutionSettings())


def test_ignored_education_type_gets_no_course_and_no_sections() -> None:
    settings = InstitutionSettings(education_type_ignore_list=(52,))
    assert plan_offering(facts(links=(CoReadingLink("o-1", 777),)), settings) == []


def test_course_goes_in_organisation_sub_account_under_sub_account_new_organisations() -> None:
    op = only_course(plan_offering(facts(), InstitutionSettings(sub_account_new_organisations=5)))
    assert op.course.account == AccountSpec(
        organisation_uid="org-1", organisation_name="Institutionen för data", parent_account_id=5
    )


def test_subaccounts_for_program_and_courses_picks_kurs_or_program_child() -> None:
    settings = InstitutionSettings(use_subaccounts_for_program_and_courses=True)
    course_op = only_course(plan_offering(facts(), settings))
    program = Offering(uid="p-1", is_program=True, organisation_uid="org-1", status=2)
    program_op = only_course(plan_offering(facts(program), settings))
    assert course_op.course.account.child_name == "Kurs"
    assert program_op.course.account.child_name == "Program"


def test_update_course_from_ladok_false_creates_without_overwriting() -> None:
    op = only_course(plan_offering(facts(), InstitutionSettings(update_course_from_ladok=False)))
    assert op.course.overwrite is False


def test_cancelled_offering_course_is_renamed_with_prefix_even_without_update_course_from_ladok() -> None:
    cancelled = Offering(uid="o-1", course_uid="c-1", status=2, cancelled=True)
    op = only_course(plan_offering(facts(cancelled), InstitutionSettings(update_course_from_ladok=False)))
    assert op.course.name == "[INSTÄLLT] Programmering"
    assert op.course.overwrite is False  # the executor still prefixes the existing name in Canvas


def test_co_reading_link_gets_a_section_in_the_linked_course() -> None:
    operations = plan_offering(facts(links=(CoReadingLink("o-1", 777),)), InstitutionSettings())
    assert len(operations) == 2
    own, linked = operations
    assert isinstance(own, EnsureCourse)
    assert isinstance(linked, EnsureSection)
    assert linked.section.sis_section_id == "o-1:777"
    assert linked.section.name == own.section.name
    assert linked.section.course == CourseRef(canvas_course_id=777)
