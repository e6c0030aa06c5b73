"""Enrollments end to end (docs/rules.md §4.1, §4.2): every participation event, roles, concluding, other sections."""

from __future__ import annotations

import random

import pytest

from app.core.settings import InstitutionSettings
from tests.integration.pipeline.world import World, add_offering, add_student, with_roles

ENROLLING = [
    "RegistreringEvent",
    "OmregistreringEvent",
    "PaborjatUtbildningstillfalleEvent",
    "AvbrottBorttagetEvent",
    "UppehallBorttagetEvent",
]
UNENROLLING = [
    "AterkalladregistreringEvent",
    "AterkalladOmregistreringEvent",
    "AvbrottEvent",
    "AterkallatPaborjatUtbildningstillfalleEvent",
    "AterbudEvent",
]


def _student_role(world: World) -> int:
    return next(r.id for r in world.canvas.roles() if r.role == "StudentEnrollment")


@pytest.mark.parametrize("event", ENROLLING)
def test_enrolling_event_enrolls_as_student(world: World, event: str) -> None:
    offering = add_offering(world).offering
    student = add_student(world)
    world.ladok.add_participation(event, student, offering)

    world.sync()

    assert world.enrollments(offering) == [(student, _student_role(world), "active")]


@pytest.mark.parametrize("event", ENROLLING)
def test_enrolling_event_uses_role_id_registered_with_use_admitted(world: World, event: str) -> None:
    world.settings = with_roles(world)
    offering = add_offering(world).offering
    student = add_student(world)
    world.ladok.add_participation(event, student, offering)

    world.sync()

    assert world.enrollments(offering) == [(student, world.settings.role_id_registered, "active")]


@pytest.mark.parametrize("event", UNENROLLING)
def test_unenrolling_event_deletes_the_enrollment(world: World, event: str) -> None:
    offering = add_offering(world).offering
    student = add_student(world)
    world.ladok.add_registration(student, offering)
    world.sync()
    world.ladok.add_participation(event, student, offering)

    world.sync()

    assert world.enrollments(offering) == []
    assert [st for _s, _r, st in world.enrollments(offering, states=("deleted",))] == ["deleted"]


@pytest.mark.parametrize("event", UNENROLLING)
def test_re_registering_after_an_unenrolling_event_enrolls_again(world: World, event: str) -> None:
    offering = add_offering(world).offering
    student = add_student(world)
    world.ladok.add_registration(student, offering)
    world.ladok.add_participation(event, student, offering)
    world.sync()
    world.ladok.add_participation("OmregistreringEvent", student, offering)

    world.sync()

    assert [(s, st) for s, _r, st in world.enrollments(offering)] == [(student, "active")]


def test_uppehall_leaves_the_student_in_the_course(world: World) -> None:
    offering = add_offering(world).offering
    student = add_student(world)
    world.ladok.add_registration(student, offering)
    world.sync()
    world.ladok.add_participation("UppehallEvent", student, offering)

    world.sync()

    assert [(s, st) for s, _r, st in world.enrollments(offering)] == [(student, "active")]


def test_admission_and_its_removal(world: World) -> None:
    world.settings = with_roles(world, early_access_on_create_course=True)
    admitted = world.settings.role_id_admitted
    offering = add_offering(world).offering
    student = add_student(world)
    world.ladok.add_admission(student, offering)
    world.sync()
    assert world.enrollments(offering) == [(student, admitted, "active")]

    world.ladok.add_participation("ForvantatDeltagandeBorttagetEvent", student, offering)
    world.sync()

    assert world.enrollments(offering) == []


def test_admitted_and_registered_roles_at_once_and_aterbud_removes_both(world: World) -> None:
    world.settings = with_roles(world, early_access_on_create_course=True)
    registered, admitted = world.settings.role_id_registered, world.settings.role_id_admitted
    offering = add_offering(world).offering
    student = add_student(world)
    world.ladok.add_admission(student, offering)
    world.ladok.add_registration(student, offering)
    world.sync()
    assert world.enrollments(offering) == sorted([(student, registered, "active"), (student, admitted, "active")])

    world.ladok.add_participation("AterbudEvent", student, offering)
    world.sync()

    assert world.enrollments(offering) == []


def test_avbrott_removes_the_registered_enrollment_only(world: World) -> None:
    world.settings = with_roles(world, early_access_on_create_course=True)
    offering = add_offering(world).offering
    student = add_student(world)
    world.ladok.add_admission(student, offering)
    world.ladok.add_registration(student, offering)
    world.sync()

    world.ladok.add_participation("AvbrottEvent", student, offering)
    world.sync()

    assert world.enrollments(offering) == [(student, world.settings.role_id_admitted, "active")]


def test_example_a_configured_in_time_admitted_then_registered(world: World) -> None:
    world.settings = with_roles(world)
    registered, admitted = world.settings.role_id_registered, world.settings.role_id_admitted
    offering = add_offering(world).offering
    world.sync()
    world.set_early_access(offering, True)  # 1. the course gets early access
    student = add_student(world)
    world.ladok.add_admission(student, offering)  # 2.–3. the admission arrives: admitted
    world.sync()
    assert world.enrollments(offering) == [(student, admitted, "active")]

    world.ladok.add_registration(student, offering)  # 4.–5. the registration arrives: registered too
    world.sync()

    assert world.enrollments(offering) == sorted([(student, admitted, "active"), (student, registered, "active")])


@pytest.mark.parametrize(
    ("use_concluded", "event"),
    [
        (True, "ResultatPaHelKursAttesteratEvent"),
        (False, "ResultatPaHelKursAttesteratEvent"),
        (True, "AvklaradEvent"),
        (False, "AvklaradEvent"),
    ],
)
def test_completion_concludes_only_with_use_concluded(world: World, use_concluded: bool, event: str) -> None:
    world.settings = InstitutionSettings(use_concluded=use_concluded)
    offering = add_offering(world, program=event == "AvklaradEvent").offering
    student = add_student(world)
    world.ladok.add_registration(student, offering)
    world.sync()
    world.ladok.add_participation(event, student, offering)

    world.sync()

    expected = "completed" if use_concluded else "active"
    assert [(s, st) for s, _r, st in world.enrollments(offering, states=("active", "completed"))] == [
        (student, expected)
    ]


def _manual_enrollment(world: World, sis_course_id: str, student: str) -> int:
    course = world.canvas.course_by_sis_id(sis_course_id)
    section = world.canvas.create_section(course.id, "Grupp A (manuell)")
    user = world.canvas.user_by_sis_id(student)
    return world.canvas.enroll(user.id, course.id, section_id=section)


def _state_of(world: World, enrollment_id: int) -> str:
    return next(e.workflow_state for e in world.canvas.enrollments() if e.id == enrollment_id)


@pytest.mark.parametrize("other_sections", [True, False])
def test_removal_covers_manual_sections_with_enrollments_other_sections(world: World, other_sections: bool) -> None:
    world.settings = InstitutionSettings(enrollments_other_sections=other_sections)
    offering = add_offering(world).offering
    student = add_student(world)
    world.ladok.add_registration(student, offering)
    world.sync()
    manual = _manual_enrollment(world, offering, student)

    world.ladok.add_participation("AvbrottEvent", student, offering)
    world.sync()

    assert _state_of(world, manual) == ("deleted" if other_sections else "active")


@pytest.mark.parametrize("other_sections", [True, False])
def test_concluding_covers_manual_sections_with_enrollments_other_sections(world: World, other_sections: bool) -> None:
    world.settings = InstitutionSettings(use_concluded=True, enrollments_other_sections=other_sections)
    offering = add_offering(world).offering
    student = add_student(world)
    world.ladok.add_registration(student, offering)
    world.sync()
    manual = _manual_enrollment(world, offering, student)

    world.ladok.add_participation("ResultatPaHelKursAttesteratEvent", student, offering)
    world.sync()

    assert _state_of(world, manual) == ("completed" if other_sections else "active")


def test_repeated_events_make_one_enrollment(world: World) -> None:
    offering = add_offering(world).offering
    student = add_student(world)
    for _ in range(2):
        world.ladok.add_registration(student, offering)
        world.ladok.add_participation("OmregistreringEvent", student, offering)
        world.sync()

    assert len(world.enrollments(offering)) == 1
    assert len([u for u in world.canvas.users() if u.name == "Ada Lovelace"]) == 1


def test_role_id_registered_may_be_the_built_in_student_role(world: World) -> None:
    student_role = _student_role(world)
    world.settings = InstitutionSettings(
        use_admitted=True,
        role_id_registered=student_role,
        role_id_admitted=world.canvas.create_role("Antagen"),
        early_access_on_create_course=True,
    )
    offering = add_offering(world).offering
    student = add_student(world)
    world.ladok.add_admission(student, offering)
    world.ladok.add_registration(student, offering)
    world.sync()
    assert world.enrollments(offering) == sorted(
        [(student, student_role, "active"), (student, world.settings.role_id_admitted, "active")]
    )

    world.ladok.add_participation("ForvantatDeltagandeBorttagetEvent", student, offering)
    world.sync()

    assert world.enrollments(offering) == [(student, student_role, "active")]


# docs/rules.md §4.1: event → (registered, admitted); None: unchanged
TABLE: dict[str, tuple[bool | None, bool | None]] = {
    **{event: (True, None) for event in ENROLLING},
    **{event: (False, None) for event in UNENROLLING},
    "AterbudEvent": (False, False),
    "ForvantatDeltagandeSkapadEvent": (None, True),
    "ForvantatDeltagandeBorttagetEvent": (None, False),
    "UppehallEvent": (None, None),
}


@pytest.mark.parametrize("seed", [1, 2])
def test_random_event_sequences_follow_the_participation_table(world: World, seed: int) -> None:
    rng = random.Random(seed)
    world.settings = with_roles(world, early_access_on_create_course=True)
    roles = {"registered": world.settings.role_id_registered, "admitted": world.settings.role_id_admitted}
    offerings = [add_offering(world, code=f"DD13{i}0").offering for i in range(2)]
    students = [add_student(world, f"S{i}", f"19900101{i:04d}") for i in range(4)]
    state = {(s, o): {"registered": False, "admitted": False} for s in students for o in offerings}
    for _round in range(3):
        for _ in range(12):
            student, offering, event = rng.choice(students), rng.choice(offerings), rng.choice(sorted(TABLE))
            world.ladok.add_participation(event, student, offering)
            for kind, value in zip(("registered", "admitted"), TABLE[event], strict=True):
                if value is not None:
                    state[(student, offering)][kind] = value
        world.sync()

        for offering in offerings:
            expected = sorted(
                (s, roles[kind], "active")
                for (s, o), kinds in state.items()
                if o == offering
                for kind, on in kinds.items()
                if on
            )
            assert world.enrollments(offering) == expected
