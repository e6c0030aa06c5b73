"""plan_student: enrollments, early access, accounts, co-reading and removals (docs/rules.md §4.2–4.5, §4.7)."""

import dataclasses
import datetime as dt

from app.core.decide import StudentFacts, plan_student
from app.core.model import (
    CoReadingLink,
    Course,
    CourseSettings,
    Offering,
    Organisation,
    Participation,
    Student,
)
from app.core.plan import (
    CourseRef,
    DesiredEnrollment,
    Enroll,
    EnsureCourse,
    EnsureSection,
    EnsureUser,
    LedgerEnrollment,
    Operation,
    SetEnrollmentState,
    SweepOtherSections,
    Unenroll,
    UserSpec,
)
from app.core.settings import InstitutionSettings

TODAY = dt.date(2025, 1, 10)
OFF = "a7c3e0f2-0001-11ef-9d4e-000000000001"
OWN_ID = 501
LINKED_ID = 777
PURGE = dt.date(2025, 2, 3)
OFFERING = Offering(
    uid=OFF,
    course_uid="c-1",
    code="12345",
    term="VT2025",
    start=dt.date(2025, 1, 20),
    end=dt.date(2025, 3, 23),
    organisation_uid="org-1",
    education_type_id=52,
    status=2,
)
STUDENT = Student(
    uid="s-1", first_name="Anna", last_name="Andersson", personnummer="199001011234", email="anna@example.se"
)
ACCOUNT = UserSpec(sis_user_id="s-1", name="Anna Andersson", login_id="s-1", email="anna@example.se")
PLAIN = InstitutionSettings()
ADMITTED = InstitutionSettings(use_admitted=True, role_id_registered=21, role_id_admitted=22)
EARLY_ON = {OWN_ID: CourseSettings(OWN_ID, early_access=True, purge_date=PURGE)}
EARLY_OFF = {OWN_ID: CourseSettings(OWN_ID, early_access=False)}


def participation(**flags: bool) -> Participation:
    return Participation(student_uid="s-1", offering_uid=OFF, **flags)


def facts(*participations: Participation, **changes: object) -> StudentFacts:
    """A student whose own course is already made (Canvas id 501) and whose account exists."""
    base = StudentFacts(
        student_uid="s-1",
        student=STUDENT,
        participations=participations,
        offerings={OFF: OFFERING},
        courses={"c-1": Course(uid="c-1", code="TDA123", names={"sv": "Programmering"})},
        organisations={"org-1": Organisation(uid="org-1", names={"sv": "Data"})},
        own_course_ids={OFF: OWN_ID},
        made_sections=frozenset({OFF}),
        account=ACCOUNT,
    )
    return dataclasses.replace(base, **changes)


def ledger_entry(section: str = OFF, kind: str = "registered", state: str = "active", course: int = OWN_ID):
    return LedgerEnrollment(section, kind, canvas_enrollment_id=9000, canvas_course_id=course, state=state)


def applied(before: StudentFacts, plan: list[Operation]) -> StudentFacts:
    """The facts after the act step carried out the plan: the ledger, sections and account updated."""
    ledger = {(e.section_sis_id, e.kind): e for e in before.ledger}
    made = set(before.made_sections)
    course_ids = dict(before.own_course_ids)
    account = before.account
    for op in plan:
        if isinstance(op, EnsureUser):
            account = op.user
        elif isinstance(op, EnsureCourse):
            made.add(op.section.sis_section_id)
            course_ids[op.course.sis_course_id] = OWN_ID
        elif isinstance(op, EnsureSection):
            made.add(op.section.sis_section_id)
        elif isinstance(op, Enroll):
            want = op.enrollment
            course_id = want.course.canvas_course_id or course_ids[want.section_sis_id]
            ledger[(want.section_sis_id, want.kind)] = ledger_entry(
                want.section_sis_id, want.kind, want.state, course_id
            )
        elif isinstance(op, SetEnrollmentState):
            ledger[(op.current.section_sis_id, op.current.kind)] = dataclasses.replace(op.current, state=op.state)
        elif isinstance(op, Unenroll):
            del ledger[(op.current.section_sis_id, op.current.kind)]
    return dataclasses.replace(
        before, ledger=tuple(ledger.values()), made_sections=frozenset(made), own_course_ids=course_ids, account=account
    )


def enrolls(plan: list[Operation]) -> list[DesiredEnrollment]:
    return [op.enrollment for op in plan if isinstance(op, Enroll)]


def unenrolled(plan: list[Operation]) -> list[tuple[str, str]]:
    return [(op.current.section_sis_id, op.current.kind) for op in plan if isinstance(op, Unenroll)]


def own(kind: str, role: int | None, state: str = "active") -> DesiredEnrollment:
    return DesiredEnrollment(OFF, CourseRef(sis_course_id=OFF), kind, role, state)


# Registered and admitted enrollments (§4.2)


def test_registered_student_gets_default_student_role_without_use_admitted() -> None:
    plan = plan_student(facts(participation(registered=True)), PLAIN, TODAY)
    assert enrolls(plan) == [own("registered", None)]


def test_registered_student_gets_role_id_registered_with_use_admitted() -> None:
    plan = plan_student(facts(participation(registered=True)), ADMITTED, TODAY)
    assert enrolls(plan) == [own("registered", 21)]


def test_admitted_student_gets_nothing_without_use_admitted() -> None:
    plan = plan_student(facts(participation(admitted=True), course_settings=EARLY_ON), PLAIN, TODAY)
    assert plan == []


def test_admitted_student_gets_admitted_role_when_course_has_early_access() -> None:
    plan = plan_student(facts(participation(admitted=True), course_settings=EARLY_ON), ADMITTED, TODAY)
    assert enrolls(plan) == [own("admitted", 22)]


def test_admitted_student_gets_nothing_when_course_has_no_early_access() -> None:
    plan = plan_student(facts(participation(admitted=True), course_settings=EARLY_OFF), ADMITTED, TODAY)
    assert plan == []


def test_admitted_and_registered_student_holds_both_roles() -> None:
    both = participation(admitted=True, registered=True)
    plan = plan_student(facts(both, course_settings=EARLY_ON), ADMITTED, TODAY)
    assert enrolls(plan) == [own("registered", 21), own("admitted", 22)]


def test_example_a_early_access_set_before_admission_then_registration() -> None:
    state = facts(participation(admitted=True), course_settings=EARLY_ON)
    first = plan_student(state, ADMITTED, TODAY)
    assert enrolls(first) == [own("admitted", 22)]
    state = dataclasses.replace(applied(state, first), participations=(participation(admitted=True, registered=True),))
    second = plan_student(state, ADMITTED, TODAY)
    assert enrolls(second) == [own("registered", 21)]
    assert unenrolled(second) == []


def test_example_b_admission_recorded_before_early_access_is_backfilled() -> None:
    state = facts(participation(admitted=True), course_settings=EARLY_OFF, account=None)
    assert plan_student(state, ADMITTED, TODAY) == []
    turned_on = dataclasses.replace(state, course_settings=EARLY_ON)
    plan = plan_student(turned_on, ADMITTED, TODAY)
    assert isinstance(plan[0], EnsureUser)
    assert enrolls(plan) == [own("admitted", 22)]


def test_turning_early_access_off_removes_admitted_only_student() -> None:
    state = facts(participation(admitted=True), course_settings=EARLY_OFF, ledger=(ledger_entry(kind="admitted"),))
    assert unenrolled(plan_student(state, ADMITTED, TODAY)) == [(OFF, "admitted")]


def test_purge_date_reached_removes_admitted_enrollment_but_keeps_registered() -> None:
    ledger = (ledger_entry(kind="registered"), ledger_entry(kind="admitted"))
    state = facts(participation(admitted=True, registered=True), course_settings=EARLY_ON, ledger=ledger)
    assert plan_student(state, ADMITTED, PURGE - dt.timedelta(days=1)) == []
    assert unenrolled(plan_student(state, ADMITTED, PURGE)) == [(OFF, "admitted")]


def test_early_access_disable_purge_keeps_admitted_after_purge_date() -> None:
    settings = dataclasses.replace(ADMITTED, early_access_disable_purge=True)
    state = facts(participation(admitted=True), course_settings=EARLY_ON, ledger=(ledger_entry(kind="admitted"),))
    assert plan_student(state, settings, PURGE + dt.timedelta(days=30)) == []


def test_own_course_not_made_yet_uses_early_access_on_create_course_and_default_purge() -> None:
    settings = dataclasses.replace(ADMITTED, early_access_on_create_course=True)
    state = facts(participation(admitted=True), own_course_ids={}, made_sections=frozenset())
    plan = plan_student(state, settings, TODAY)
    assert [type(op) for op in plan] == [EnsureCourse, Enroll]  # the account exists and is up to date
    default_purge = OFFERING.start + dt.timedelta(days=14)
    assert plan_student(state, settings, default_purge) == []


# Concluding (§4.2 UseConcluded)


def test_use_concluded_concludes_completed_participation() -> None:
    state = facts(participation(registered=True, completed=True), ledger=(ledger_entry(),))
    plan = plan_student(state, dataclasses.replace(PLAIN, use_concluded=True), TODAY)
    assert plan == [SetEnrollmentState("s-1", ledger_entry(), "completed")]


def test_completed_participation_stays_active_without_use_concluded() -> None:
    state = facts(participation(registered=True, completed=True), ledger=(ledger_entry(),))
    assert plan_student(state, PLAIN, TODAY) == []


# Removal and EnrollmentsOtherSections


def test_withdrawn_registration_unenrolls() -> None:
    state = facts(participation(registered=False), ledger=(ledger_entry(),))
    assert plan_student(state, PLAIN, TODAY) == [Unenroll("s-1", ledger_entry())]


def test_enrollments_other_sections_sweeps_the_course_on_removal() -> None:
    state = facts(participation(registered=False), ledger=(ledger_entry(),))
    plan = plan_student(state, dataclasses.replace(PLAIN, enrollments_other_sections=True), TODAY)
    assert plan == [
        Unenroll("s-1", ledger_entry()),
        SweepOtherSections("s-1", CourseRef(canvas_course_id=OWN_ID), frozenset(), "delete"),
    ]


def test_no_sweep_while_student_keeps_an_enrollment_in_the_course() -> None:
    ledger = (ledger_entry(kind="registered"), ledger_entry(kind="admitted"))
    state = facts(participation(registered=True), course_settings=EARLY_ON, ledger=ledger)
    settings = dataclasses.replace(ADMITTED, enrollments_other_sections=True)
    plan = plan_student(state, settings, TODAY)
    assert unenrolled(plan) == [(OFF, "admitted")]
    assert not any(isinstance(op, SweepOtherSections) for op in plan)


def test_enrollments_other_sections_concludes_other_sections_on_completion() -> None:
    state = facts(participation(registered=True, completed=True), ledger=(ledger_entry(),))
    settings = dataclasses.replace(PLAIN, use_concluded=True, enrollments_other_sections=True)
    plan = plan_student(state, settings, TODAY)
    assert plan[-1] == SweepOtherSections("s-1", CourseRef(sis_course_id=OFF), frozenset({OFF}), "conclude")


# Co-reading (§4.7)


def test_co_reading_link_backfills_enrollment_in_linked_section() -> None:
    state = facts(participation(registered=True), links=(CoReadingLink(OFF, LINKED_ID),), ledger=(ledger_entry(),))
    plan = plan_student(state, PLAIN, TODAY)
    section = next(op for op in plan if isinstance(op, EnsureSection))
    assert section.section.sis_section_id == f"{OFF}:{LINKED_ID}"
    assert enrolls(plan) == [
        DesiredEnrollment(f"{OFF}:{LINKED_ID}", CourseRef(canvas_course_id=LINKED_ID), "registered", None, "active")
    ]


def test_co_reading_unlink_removes_enrollment_in_linked_section() -> None:
    linked = ledger_entry(section=f"{OFF}:{LINKED_ID}", course=LINKED_ID)
    state = facts(participation(registered=True), ledger=(ledger_entry(), linked))
    assert plan_student(state, PLAIN, TODAY) == [Unenroll("s-1", linked)]


def test_co_reading_course_uses_its_own_early_access_setting() -> None:
    settings_by_course = {**EARLY_OFF, LINKED_ID: CourseSettings(LINKED_ID, early_access=True, purge_date=PURGE)}
    state = facts(
        participation(admitted=True),
        links=(CoReadingLink(OFF, LINKED_ID),),
        course_settings=settings_by_course,
        made_sections=frozenset({OFF, f"{OFF}:{LINKED_ID}"}),
    )
    assert [e.section_sis_id for e in enrolls(plan_student(state, ADMITTED, TODAY))] == [f"{OFF}:{LINKED_ID}"]


# Ignore list


def test_ignored_education_type_gets_no_enrollment_and_ledger_is_left_alone() -> None:
    settings = InstitutionSettings(education_type_ignore_list=(52,))
    state = facts(participation(registered=False), ledger=(ledger_entry(),))
    assert plan_student(state, settings, TODAY) == []
    assert plan_student(facts(participation(registered=True), account=None), settings, TODAY) == []


# Accounts (§4.3)


def test_no_account_for_student_data_alone() -> None:
    assert plan_student(facts(account=None), PLAIN, TODAY) == []


def test_new_enrollment_first_ensures_account_course_and_section() -> None:
    state = facts(participation(registered=True), own_course_ids={}, made_sections=frozenset(), account=None)
    plan = plan_student(state, PLAIN, TODAY)
    assert [type(op) for op in plan] == [EnsureUser, EnsureCourse, Enroll]
    course = plan[1]
    assert isinstance(course, EnsureCourse)
    assert course.course.sis_course_id == OFF


def test_account_login_is_ladok_uid_by_default_and_personnummer_with_ssn() -> None:
    state = facts(participation(registered=True), account=None)
    by_uid = plan_student(state, PLAIN, TODAY)[0]
    by_ssn = plan_student(state, InstitutionSettings(use_as_login_id="ssn"), TODAY)[0]
    assert isinstance(by_uid, EnsureUser)
    assert isinstance(by_ssn, EnsureUser)
    assert by_uid.user == UserSpec("s-1", "Anna Andersson", "s-1", "anna@example.se")
    assert by_ssn.user.login_id == "199001011234"


def test_account_has_no_email_without_update_email_from_ladok() -> None:
    state = facts(participation(registered=True), account=None)
    op = plan_student(state, InstitutionSettings(update_email_from_ladok=False), TODAY)[0]
    assert isinstance(op, EnsureUser)
    assert op.user.email is None
    assert op.update_email is False


def test_enroll_waits_for_personnummer_when_login_is_ssn() -> None:
    state = facts(participation(registered=True), student=dataclasses.replace(STUDENT, personnummer=None), account=None)
    assert plan_student(state, InstitutionSettings(use_as_login_id="ssn"), TODAY) == []


def test_existing_account_is_updated_when_ladok_name_changes() -> None:
    renamed = dataclasses.replace(STUDENT, last_name="Berg")
    plan = plan_student(facts(student=renamed), PLAIN, TODAY)
    assert plan == [
        EnsureUser(
            UserSpec("s-1", "Anna Berg", "s-1", "anna@example.se"),
            update_name=True,
            update_email=True,
            update_login=False,
        )
    ]


def test_name_change_is_not_pushed_without_update_name_from_ladok() -> None:
    renamed = dataclasses.replace(STUDENT, last_name="Berg")
    assert plan_student(facts(student=renamed), InstitutionSettings(update_name_from_ladok=False), TODAY) == []


def test_new_personnummer_updates_login_only_with_update_ssn_from_ladok() -> None:
    ssn_account = dataclasses.replace(ACCOUNT, login_id="199001011234")
    changed = facts(student=dataclasses.replace(STUDENT, personnummer="199001019999"), account=ssn_account)
    updating = InstitutionSettings(use_as_login_id="ssn", update_ssn_from_ladok=True)
    (op,) = plan_student(changed, updating, TODAY)
    assert isinstance(op, EnsureUser)
    assert (op.user.login_id, op.update_login) == ("199001019999", True)
    assert plan_student(changed, InstitutionSettings(use_as_login_id="ssn"), TODAY) == []


# Order and idempotence


def test_ensures_come_before_enrolls_and_removals_last() -> None:
    other = "b8d4f1a3-0002-11ef-9d4e-000000000002"
    dropped = ledger_entry(section=other, course=502)
    state = facts(
        participation(registered=True),
        Participation("s-1", other, registered=False),
        offerings={OFF: OFFERING, other: dataclasses.replace(OFFERING, uid=other)},
        own_course_ids={OFF: OWN_ID, other: 502},
        made_sections=frozenset(),
        ledger=(dropped,),
    )
    plan = plan_student(state, PLAIN, TODAY)
    assert [type(op) for op in plan] == [EnsureCourse, Enroll, Unenroll]
    assert [type(op) for op in plan_student(dataclasses.replace(state, account=None), PLAIN, TODAY)] == [
        EnsureUser,
        EnsureCourse,
        Enroll,
        Unenroll,
    ]


def test_steady_state_enroll_needs_no_account_step() -> None:
    """A known account whose data the ledger says is current: enrolling is the only step (one request)."""
    plan = plan_student(facts(participation(registered=True)), PLAIN, TODAY)
    assert [type(op) for op in plan] == [Enroll]


def test_plan_is_empty_once_ledger_matches() -> None:
    settings = dataclasses.replace(
        ADMITTED, use_concluded=True, enrollments_other_sections=True, early_access_on_create_course=True
    )
    state = facts(
        participation(admitted=True, registered=True),
        links=(CoReadingLink(OFF, LINKED_ID),),
        course_settings={**EARLY_ON, LINKED_ID: CourseSettings(LINKED_ID, early_access=True, purge_date=PURGE)},
        own_course_ids={},
        made_sections=frozenset(),
        account=None,
    )
    first = plan_student(state, settings, TODAY)
    assert len(enrolls(first)) == 4
    assert plan_student(applied(state, first), settings, TODAY) == []


def test_ledger_entry_of_an_offering_missing_from_the_facts_is_left_alone() -> None:
    unknown = ledger_entry(section="c9e5a2b4-0003-11ef-9d4e-000000000003", course=503)
    assert plan_student(facts(participation(registered=True), ledger=(ledger_entry(), unknown)), PLAIN, TODAY) == []


def test_program_offering_participants_are_enrolled_like_course_participants() -> None:
    program = dataclasses.replace(OFFERING, is_program=True, education_type_id=94)
    plan = plan_student(facts(participation(registered=True), offerings={OFF: program}), PLAIN, TODAY)
    assert enrolls(plan) == [own("registered", None)]
