"""Early access end to end (docs/rules.md §4.5): backfill, switching off, the purge date and EarlyAccessDisablePurge."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from app.core.settings import InstitutionSettings
from app.core.swedish_time import swedish_today
from app.pipeline.context import InstitutionContext
from app.store.course_settings import link_offering, set_early_access
from app.store.db import write_session
from tests.integration.pipeline.world import START, World, add_offering, add_student, with_roles

DEFAULT_PURGE = START + dt.timedelta(days=14)


def _admitted_and_registered(world: World, offering: str) -> tuple[str, str]:
    """One student only admitted, one admitted and registered."""
    only_admitted = add_student(world, name="Ada", personnummer="199001011234")
    both = add_student(world, name="Bo", personnummer="199102021234")
    for student in (only_admitted, both):
        world.ladok.add_admission(student, offering)
    world.ladok.add_registration(both, offering)
    return only_admitted, both


def test_turning_early_access_off_removes_admitted_only_students(world: World) -> None:
    world.settings = with_roles(world, early_access_on_create_course=True)
    registered, admitted = world.settings.role_id_registered, world.settings.role_id_admitted
    offering = add_offering(world).offering
    only_admitted, both = _admitted_and_registered(world, offering)
    world.sync()
    assert len(world.enrollments(offering)) == 3

    world.set_early_access(offering, False)
    world.sync()

    assert world.enrollments(offering) == [(both, registered, "active")]
    assert world.canvas.user_by_sis_id(only_admitted) is not None  # the account stays; only the enrollment goes
    world.set_early_access(offering, True, DEFAULT_PURGE)
    world.sync()
    assert world.enrollments(offering) == sorted(
        [(only_admitted, admitted, "active"), (both, admitted, "active"), (both, registered, "active")]
    )


def test_purge_date_removes_admitted_students_by_a_timer(world: World) -> None:
    world.settings = with_roles(world, early_access_on_create_course=True)
    registered = world.settings.role_id_registered
    offering = add_offering(world).offering
    only_admitted, both = _admitted_and_registered(world, offering)
    world.sync()
    assert set(world.timers()) >= {only_admitted, both}

    world.advance(DEFAULT_PURGE - dt.timedelta(days=1))
    assert len(world.enrollments(offering)) == 3
    world.advance(DEFAULT_PURGE)

    assert world.enrollments(offering) == [(both, registered, "active")]


def test_teacher_chosen_purge_date_is_kept(world: World) -> None:
    world.settings = with_roles(world)
    offering = add_offering(world).offering
    world.sync()
    purge = START + dt.timedelta(days=40)
    world.set_early_access(offering, True, purge)
    _only_admitted, both = _admitted_and_registered(world, offering)
    world.sync()

    world.advance(DEFAULT_PURGE)
    assert len(world.enrollments(offering)) == 3
    world.advance(purge)

    assert world.enrollments(offering) == [(both, world.settings.role_id_registered, "active")]


def test_early_access_disable_purge_keeps_admitted_students(world: World) -> None:
    world.settings = with_roles(world, early_access_on_create_course=True, early_access_disable_purge=True)
    offering = add_offering(world).offering
    _admitted_and_registered(world, offering)
    world.sync()

    world.advance(DEFAULT_PURGE + dt.timedelta(days=30))
    world.mark_dirty(*{s for s, _r, _st in world.enrollments(offering)})
    world.sync()

    assert len(world.enrollments(offering)) == 3


def test_admission_after_the_purge_date_gives_no_access(world: World) -> None:
    world.settings = with_roles(world, early_access_on_create_course=True)
    offering = add_offering(world).offering
    world.sync()
    world.today = DEFAULT_PURGE
    student = add_student(world)
    world.ladok.add_admission(student, offering)

    world.sync()

    assert world.enrollments(offering) == []
    assert world.canvas.user_by_sis_id(student) is None


def test_without_use_admitted_admissions_never_enroll(world: World) -> None:
    world.settings = InstitutionSettings(early_access_on_create_course=True)
    offering = add_offering(world).offering
    student = add_student(world)
    world.ladok.add_admission(student, offering)

    world.sync()

    assert world.canvas.user_by_sis_id(student) is None


def test_each_course_purges_on_its_own_date(world: World) -> None:
    world.settings = with_roles(world, early_access_on_create_course=True)
    admitted = world.settings.role_id_admitted
    offering = add_offering(world).offering
    student = add_student(world)
    world.ladok.add_admission(student, offering)
    linked_course = world.canvas.create_course("Samläsning", course_code="SAM")
    world.sync()
    later = START + dt.timedelta(days=40)
    with write_session(world.engine) as s:
        link_offering(s, "kth", linked_course, offering, by="teacher")
        set_early_access(s, "kth", linked_course, True, later, by="teacher")
    world.sync()
    in_linked = [(student, admitted, "active")]
    assert world.enrollments(offering) == in_linked and _in(world, linked_course) == in_linked

    world.advance(DEFAULT_PURGE)
    assert world.enrollments(offering) == [] and _in(world, linked_course) == in_linked
    world.advance(later)

    assert _in(world, linked_course) == []


def _in(world: World, course_id: int) -> list[tuple[str, int, str]]:
    sis = {p.user_id: p.sis_user_id for p in world.canvas.logins() if p.sis_user_id}
    return sorted(
        (sis.get(e.user_id, ""), e.role_id, e.workflow_state)
        for e in world.canvas.enrollments(course_id=course_id)
        if e.workflow_state == "active"
    )


def test_the_purge_timer_fires_when_the_pipelines_own_clock_says_the_purge_date(world: World) -> None:
    world.settings = with_roles(world, early_access_on_create_course=True)
    offering = add_offering(world).offering
    student = add_student(world)
    world.ladok.add_admission(student, offering)
    world.sync()

    due = world.timers()[student]

    # The worker decides with its default clock (not the world's); at the due instant it must say the
    # purge date, or the purge waits for the student's next event (the server's own zone may be UTC).
    assert swedish_today(due) == DEFAULT_PURGE
    assert swedish_today(due - dt.timedelta(minutes=10)) == DEFAULT_PURGE - dt.timedelta(days=1)
    assert InstitutionContext("kth", world.settings, world.context().canvas).today is swedish_today


@pytest.mark.parametrize("seed", [3, 4])
def test_random_admissions_toggles_and_days_follow_the_early_access_rule(world: World, seed: int) -> None:
    rng = random.Random(seed)
    world.settings = with_roles(world)
    roles = {"registered": world.settings.role_id_registered, "admitted": world.settings.role_id_admitted}
    offering = add_offering(world).offering
    world.sync()
    students = [add_student(world, f"S{i}", f"19900101{i:04d}") for i in range(4)]
    state = {s: {"registered": False, "admitted": False} for s in students}
    early_access, purge, day = False, DEFAULT_PURGE, world.today
    events = {
        "ForvantatDeltagandeSkapadEvent": ("admitted", True),
        "ForvantatDeltagandeBorttagetEvent": ("admitted", False),
        "RegistreringEvent": ("registered", True),
        "AvbrottEvent": ("registered", False),
    }
    for _step in range(6):
        for _ in range(4):
            student, event = rng.choice(students), rng.choice(sorted(events))
            world.ladok.add_participation(event, student, offering)
            kind, value = events[event]
            state[student][kind] = value
        if rng.random() < 0.5:
            early_access = not early_access
            world.set_early_access(offering, early_access, purge)
        world.sync()
        day = day + dt.timedelta(days=rng.choice([0, 3, 7]))
        world.advance(day)

        admits = early_access and day < purge
        expected = sorted(
            (s, roles[kind], "active")
            for s, kinds in state.items()
            for kind, on in kinds.items()
            if on and (kind == "registered" or admits)
        )
        assert world.enrollments(offering) == expected, f"day {day}, early access {early_access}"
