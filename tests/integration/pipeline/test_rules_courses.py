"""Courses, sections, terms and sub-accounts end to end (docs/rules.md §4.4)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine

from app.core.settings import InstitutionSettings
from app.sandbox.canvas import DEFAULT_TOKEN, CanvasSandbox, FaultConfig
from tests.integration.pipeline.world import START, Catalogued, World, add_offering, add_student


def _offering_with_a_student(world: World) -> Catalogued:
    """An offering whose course the pipeline made for one registered student."""
    made = add_offering(world)
    world.ladok.add_registration(add_student(world), made.offering)
    world.sync()
    return made


def _course(world: World, sis_course_id: str):
    course = world.canvas.course_by_sis_id(sis_course_id)
    assert course is not None, f"no Canvas course {sis_course_id}"
    return course


def test_running_offering_makes_course_with_code_dates_and_section(world: World) -> None:
    offering = add_offering(world, code="SF1624", offering_code="10777", term="VT2025").offering

    world.sync()

    course = _course(world, offering)
    assert course.course_code == "SF1624 10777"
    assert dt.date.fromisoformat(course.start_at[:10]) == START
    assert dt.date.fromisoformat(course.end_at[:10]) == START + dt.timedelta(days=130)
    assert [(s.sis_section_id, s.name) for s in world.canvas.sections(course.id) if s.sis_section_id] == [
        (offering, "SF1624:10777:VT2025")
    ]


def test_draft_offering_makes_no_course(world: World) -> None:
    org = world.ladok.add_organisation(code="EECS", names={"sv": "EECS"})
    course = world.ladok.add_course(code="DD1310", names={"sv": "Prog"}, organisation_uid=org)
    offering = world.ladok.add_offering(
        course_uid=course,
        code="50123",
        term_code="HT2024",
        start=START,
        end=START + dt.timedelta(days=100),
        organisation_uid=org,
        status=1,
    )

    world.sync()

    assert world.canvas.course_by_sis_id(offering) is None


@pytest.mark.parametrize("program", [False, True])
def test_update_event_for_a_missing_course_creates_it(world: World, program: bool) -> None:
    org = world.ladok.add_organisation(code="EECS", names={"sv": "EECS"})
    course = world.ladok.add_course(code="CDATE", names={"sv": "Datateknik"}, organisation_uid=org, program=program)
    offering = world.ladok.add_offering(
        course_uid=course,
        code="CDATE1",
        term_code="HT2024",
        start=START,
        end=START + dt.timedelta(days=300),
        organisation_uid=org,
        program=program,
        updated=True,
    )

    world.sync()

    assert _course(world, offering).name == "Datateknik"


def test_term_is_created_once_named_by_its_sis_id_without_dates(world: World) -> None:
    first = add_offering(world, term="HT2024").offering
    second = add_offering(world, code="DD1311", term="HT2024").offering

    world.sync()

    terms = [t for t in world.canvas.terms() if t.sis_term_id == "HT2024"]
    assert [(t.name, t.start_at, t.end_at) for t in terms] == [("HT2024", None, None)]
    assert _course(world, first).enrollment_term_id == _course(world, second).enrollment_term_id == terms[0].id


def test_existing_term_with_the_sis_id_is_reused(world: World) -> None:
    term = world.canvas.create_term("Hösten 2024", sis_term_id="HT2024")
    offering = add_offering(world, term="HT2024").offering

    world.sync()

    assert _course(world, offering).enrollment_term_id == term
    assert [t.name for t in world.canvas.terms() if t.sis_term_id == "HT2024"] == ["Hösten 2024"]


def test_organisation_sub_account_is_made_under_sub_account_new_organisations(world: World) -> None:
    parent = world.canvas.create_sub_account("Nya organisationer")
    world.settings = InstitutionSettings(sub_account_new_organisations=parent)
    made = add_offering(world)

    world.sync()

    (org,) = [a for a in world.canvas.sub_accounts() if a.sis_account_id == made.organisation]
    assert (org.parent_account_id, org.name) == (parent, "Skolan för datavetenskap")
    assert _course(world, made.offering).account_id == org.id


def test_existing_organisation_sub_account_is_found_by_sis_id_wherever_it_was_moved(world: World) -> None:
    elsewhere = world.canvas.create_sub_account("Fakulteten")
    made_org = world.ladok.add_organisation(code="EECS", names={"sv": "EECS"})
    moved = world.canvas.create_sub_account("EECS (flyttad)", sis_account_id=made_org, parent_id=elsewhere)
    offering = add_offering(world, organisation=made_org).offering

    world.sync()

    assert _course(world, offering).account_id == moved
    assert [a.id for a in world.canvas.sub_accounts() if a.sis_account_id == made_org] == [moved]


def test_courses_and_programs_go_into_kurs_and_program_children(world: World) -> None:
    world.settings = InstitutionSettings(use_subaccounts_for_program_and_courses=True)
    org = world.ladok.add_organisation(code="EECS", names={"sv": "EECS"})
    course = add_offering(world, organisation=org).offering
    program = add_offering(world, code="CDATE", name="Datateknik", organisation=org, program=True).offering

    world.sync()
    later = add_offering(world, code="DD1311", organisation=org).offering  # the children exist by now
    world.sync()

    (org_account,) = [a for a in world.canvas.sub_accounts() if a.sis_account_id == org]
    children = {a.name: a.id for a in world.canvas.sub_accounts() if a.parent_account_id == org_account.id}
    assert sorted(children) == ["Kurs", "Program"]
    assert _course(world, course).account_id == _course(world, later).account_id == children["Kurs"]
    assert _course(world, program).account_id == children["Program"]


def test_an_existing_kurs_child_is_reused(world: World) -> None:
    world.settings = InstitutionSettings(use_subaccounts_for_program_and_courses=True)
    org = world.ladok.add_organisation(code="EECS", names={"sv": "EECS"})
    org_account = world.canvas.create_sub_account("EECS", sis_account_id=org)
    kurs = world.canvas.create_sub_account("Kurs", parent_id=org_account)
    offering = add_offering(world, organisation=org).offering

    world.sync()

    assert _course(world, offering).account_id == kurs
    assert [a.id for a in world.canvas.sub_accounts() if a.name == "Kurs"] == [kurs]


@pytest.mark.parametrize(
    ("name_format", "expected"),
    [
        (1, "Programmeringsteknik"),
        (2, "Programmeringsteknik HT2024"),
        (3, "Programmeringsteknik DD1310 HT2024"),
        (4, "Programmeringsteknik DD1310 50123 HT2024"),
    ],
)
def test_course_name_format(world: World, name_format: int, expected: str) -> None:
    world.settings = InstitutionSettings(course_name_format=name_format)  # type: ignore[arg-type]
    offering = add_offering(world).offering

    world.sync()

    assert _course(world, offering).name == expected


def _teacher_renames(world: World, sis_course_id: str, name: str) -> None:
    course = _course(world, sis_course_id)
    with world.canvas.client() as http:
        http.put(f"/api/v1/courses/{course.id}", data={"course[name]": name}).raise_for_status()


@pytest.mark.parametrize("overwrite", [True, False])
def test_course_updates_follow_update_course_from_ladok(world: World, overwrite: bool) -> None:
    world.settings = InstitutionSettings(update_course_from_ladok=overwrite)
    made = add_offering(world)
    world.sync()
    _teacher_renames(world, made.offering, "Lärarens namn")

    world.ladok.add_course(
        made.course,
        code="DD1310",
        names={"sv": "Programmering I", "en": "Programming I"},
        organisation_uid=made.organisation,
        updated=True,
    )
    moved_end = START + dt.timedelta(days=150)
    world.ladok.add_offering(
        made.offering,
        course_uid=made.course,
        code="50999",
        term_code="HT2024",
        start=START,
        end=moved_end,
        organisation_uid=made.organisation,
        updated=True,
    )
    world.sync()

    course = _course(world, made.offering)
    end = dt.date.fromisoformat(course.end_at[:10])
    if overwrite:
        assert (course.name, course.course_code, end) == ("Programmering I", "DD1310 50999", moved_end)
    else:
        assert (course.name, course.course_code, end) == (
            "Lärarens namn",
            "DD1310 50123",
            START + dt.timedelta(days=130),
        )


@pytest.mark.parametrize("overwrite", [True, False])
def test_cancelled_prefix_exactly_once_after_repeated_events(world: World, overwrite: bool) -> None:
    world.settings = InstitutionSettings(update_course_from_ladok=overwrite)
    made = add_offering(world)
    world.sync()
    world.ladok.add_cancellation(made.offering)
    world.sync()
    world.ladok.add_cancellation(made.offering)
    world.ladok.add_offering(
        made.offering,
        course_uid=made.course,
        code="50123",
        term_code="HT2024",
        start=START,
        end=START + dt.timedelta(days=130),
        organisation_uid=made.organisation,
        updated=True,
    )
    world.sync()
    world.ladok.add_cancellation(made.offering)
    world.sync()

    assert _course(world, made.offering).name == "[INSTÄLLT] Programmeringsteknik"


def test_education_type_on_the_ignore_list_makes_no_course_and_no_enrollment(world: World) -> None:
    world.settings = InstitutionSettings(education_type_ignore_list=(94,))
    ignored = add_offering(world, code="CDATE", program=True, education_type_id=94).offering
    kept = add_offering(world, education_type_id=52).offering
    student = add_student(world)
    world.ladok.add_participation("PaborjatUtbildningstillfalleEvent", student, ignored)

    world.sync()

    assert world.canvas.course_by_sis_id(ignored) is None
    assert world.canvas.user_by_sis_id(student) is None
    assert world.canvas.course_by_sis_id(kept) is not None


def test_registration_before_any_course_event_makes_the_course_from_ladoks_rest_api(world: World) -> None:
    world.settings = InstitutionSettings(course_name_format=4)
    org, course, offering = (
        "0a1b2c3d-0000-4000-8000-00000000000a",
        "0a1b2c3d-0000-4000-8000-00000000000b",
        "0a1b2c3d-0000-4000-8000-00000000000c",
    )
    cat = world.ladok.catalogue
    cat.organisations[org] = {"Uid": org, "Organisationskod": "SCI", "Benamning": {"sv": "Skolan för teknikvetenskap"}}
    cat.courses[course] = {
        "Uid": course,
        "Utbildningskod": "SI1121",
        "Benamningar": {"sv": "Termodynamik"},
        "OrganisationUID": org,
        "UtbildningstypID": 22,
    }
    cat.offerings[offering] = {
        "Uid": offering,
        "Tillfalleskod": "60606",
        "UtbildningsinstansUID": course,
        "OrganisationUID": org,
        "StartperiodID": {"value": cat.period_id("VT2025")},
        "UtbildningstypID": {"value": 52},
        "Tillfallesperioder": [
            {
                "ForstaUndervisningsdatum": START.isoformat(),
                "SistaUndervisningsdatum": (START + dt.timedelta(days=60)).isoformat(),
            }
        ],
    }
    student = add_student(world)
    world.ladok.add_registration(student, offering)

    world.sync()

    made = _course(world, offering)
    assert (made.name, made.course_code) == ("Termodynamik SI1121 60606 VT2025", "SI1121 60606")
    (org_account,) = [a for a in world.canvas.sub_accounts() if a.sis_account_id == org]
    assert (made.account_id, org_account.name) == (org_account.id, "Skolan för teknikvetenskap")
    assert [t.name for t in world.canvas.terms() if t.id == made.enrollment_term_id] == ["VT2025"]
    assert [(s, st) for s, _r, st in world.enrollments(offering)] == [(student, "active")]


def test_program_update_renames_the_program_course(world: World) -> None:
    made = add_offering(world, code="CDATE", name="Datateknik", program=True)
    world.sync()

    world.ladok.add_course(
        made.course,
        code="CDATE",
        names={"sv": "Civilingenjör Datateknik"},
        organisation_uid=made.organisation,
        program=True,
        updated=True,
    )
    world.sync()

    assert _course(world, made.offering).name == "Civilingenjör Datateknik"


def test_takes_over_the_old_adapters_course_section_and_enrollment(world: World) -> None:
    made = add_offering(world)
    student = add_student(world)
    old_course = world.canvas.create_course("Gammalt namn", made.offering, course_code="GAMMAL")
    old_section = world.canvas.create_section(old_course, "DD1310:50123:HT2024", made.offering)
    user = world.canvas.create_user("Ada Lovelace", login_id=student, sis_user_id=student)
    old_enrollment = world.canvas.enroll(user, old_course, section_id=old_section)
    world.ladok.add_registration(student, made.offering)

    world.sync()

    assert [c.id for c in world.canvas.courses() if c.sis_course_id == made.offering] == [old_course]
    assert _course(world, made.offering).name == "Programmeringsteknik"
    assert [s.id for s in world.canvas.sections() if s.sis_section_id == made.offering] == [old_section]
    live = [e.id for e in world.canvas.enrollments(course_id=old_course) if e.workflow_state == "active"]
    assert live == [old_enrollment]

    world.ladok.add_participation("AvbrottEvent", student, made.offering)
    world.sync()
    assert world.enrollments(made.offering) == []


def test_concurrent_reconcilers_make_one_kurs_child(engine: Engine) -> None:
    # A little latency lets the reconcilers' look-ups and creates interleave as on a real Canvas.
    canvas = CanvasSandbox(tokens=[DEFAULT_TOKEN], faults=FaultConfig(latency=0.003))
    world = World(engine, InstitutionSettings(use_subaccounts_for_program_and_courses=True), canvas=canvas)
    org = world.ladok.add_organisation(code="EECS", names={"sv": "EECS"})
    offerings = [add_offering(world, code=f"DD13{i}0", organisation=org).offering for i in range(6)]

    world.sync(concurrency=6)

    (org_account,) = [a for a in world.canvas.sub_accounts() if a.sis_account_id == org]
    children = [a for a in world.canvas.sub_accounts() if a.parent_account_id == org_account.id]
    assert [a.name for a in children] == ["Kurs"]
    assert {_course(world, o).account_id for o in offerings} == {children[0].id}


def test_cancellation_prefixes_the_teachers_name_without_update_course_from_ladok(world: World) -> None:
    world.settings = InstitutionSettings(update_course_from_ladok=False)
    made = add_offering(world)
    world.sync()
    course = _course(world, made.offering)
    with world.canvas.client() as http:
        http.put(
            f"/api/v1/courses/{course.id}",
            data={
                "course[name]": "Lärarens namn",
                "course[course_code]": "EGEN",
                "course[end_at]": "2031-01-01T00:00:00Z",
            },
        ).raise_for_status()

    world.ladok.add_cancellation(made.offering)
    world.sync()
    world.ladok.add_cancellation(made.offering)
    world.sync()

    after = _course(world, made.offering)
    assert (after.name, after.course_code, after.end_at[:10]) == ("[INSTÄLLT] Lärarens namn", "EGEN", "2031-01-01")


def test_course_deleted_by_hand_is_revived_by_the_next_enrollment(world: World) -> None:
    made = _offering_with_a_student(world)
    deleted = _course(world, made.offering).id
    world.canvas.delete_course(deleted)
    bo = add_student(world, "Bo", "199102021234")
    world.ladok.add_registration(bo, made.offering)

    world.sync()  # the first plan finds the section's course gone; the ledger forgets it and the next revives it

    revived = _course(world, made.offering)
    assert (revived.id, revived.workflow_state != "deleted") == (deleted, True)
    assert [(s, st) for s, _r, st in world.enrollments(made.offering)] == [(bo, "active")]


def test_a_revived_course_returns_to_the_account_the_rules_give_it(world: World) -> None:
    made = _offering_with_a_student(world)
    course = _course(world, made.offering)
    placed = course.account_id
    archive = world.canvas.create_sub_account("Arkiv")
    world.canvas.client().put(f"/api/v1/courses/{course.id}", data={"course[account_id]": str(archive)})
    world.canvas.delete_course(course.id)  # moved to an archive by hand, then deleted
    world.ladok.add_registration(add_student(world, "Bo", "199102021234"), made.offering)

    world.sync()

    assert _course(world, made.offering).account_id == placed != archive


def test_section_deleted_by_hand_is_revived_by_the_next_enrollment(world: World) -> None:
    made = _offering_with_a_student(world)
    course = _course(world, made.offering)
    (section,) = [s for s in world.canvas.sections(course.id) if s.sis_section_id == made.offering]
    world.canvas.delete_section(section.id, with_enrollments=True)
    bo = add_student(world, "Bo", "199102021234")
    world.ladok.add_registration(bo, made.offering)

    world.sync()

    assert [(s.id, s.workflow_state) for s in world.canvas.sections(course.id) if s.sis_section_id] == [
        (section.id, "active")
    ]
    assert [(s, st) for s, _r, st in world.enrollments(made.offering)] == [(bo, "active")]
