"""Suspension end to end (docs/rules.md §4.6): inactive during the period, reactivated after, teachers told once."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from sqlalchemy import Engine

from app.core.settings import InstitutionSettings
from tests.integration.pipeline.world import TODAY, World, add_offering, add_student, add_teacher, messages_to, register

SUSPENSION_START = TODAY + dt.timedelta(days=5)
SUSPENSION_END = TODAY + dt.timedelta(days=25)


@pytest.fixture
def world(engine: Engine) -> World:
    return World(engine, InstitutionSettings(use_restrictions=True, restrictions_send_message_to_teachers=True))


def _states(world: World, offering: str) -> list[str]:
    """The states of the course's student enrollments (teachers left out)."""
    return [st for s, _r, st in world.enrollments(offering, states=("active", "inactive", "completed")) if s]


def test_enrollments_are_inactive_during_the_period_and_active_after(world: World) -> None:
    offering = add_offering(world).offering
    student = register(world, offering)
    world.ladok.add_suspension(student, start=SUSPENSION_START, end=SUSPENSION_END)
    world.sync()
    assert _states(world, offering) == ["active"]

    world.advance(SUSPENSION_START)
    assert _states(world, offering) == ["inactive"]
    world.advance(SUSPENSION_END)
    assert _states(world, offering) == ["inactive"]
    world.advance(SUSPENSION_END + dt.timedelta(days=1))

    assert _states(world, offering) == ["active"]


def test_enrollment_made_during_the_period_is_inactive(world: World) -> None:
    first, second = add_offering(world).offering, add_offering(world, code="DD1311").offering
    student = register(world, first)
    world.ladok.add_suspension(student, start=TODAY - dt.timedelta(days=1), end=SUSPENSION_END)
    world.sync()

    world.ladok.add_registration(student, second)
    world.sync()

    assert _states(world, first) == _states(world, second) == ["inactive"]
    world.advance(SUSPENSION_END + dt.timedelta(days=1))
    assert _states(world, first) == _states(world, second) == ["active"]


def test_without_use_restrictions_nothing_changes(world: World) -> None:
    world.settings = InstitutionSettings()
    offering = add_offering(world).offering
    student = register(world, offering)
    world.ladok.add_suspension(student, start=TODAY, end=SUSPENSION_END)

    world.sync()

    assert _states(world, offering) == ["active"]


def test_other_restriction_types_are_ignored(world: World) -> None:
    offering = add_offering(world).offering
    student = register(world, offering)
    world.ladok.add_suspension(student, start=TODAY, end=SUSPENSION_END, restriktionstyp="AVSKILJANDE")

    world.sync()

    assert _states(world, offering) == ["active"]


def test_a_course_concluded_by_hand_is_left_alone(world: World) -> None:
    running, concluded = add_offering(world).offering, add_offering(world, code="DD1311").offering
    student = register(world, running, concluded)
    teacher = add_teacher(world, concluded)
    world.canvas.conclude_course(world.canvas.course_by_sis_id(concluded).id)
    before = [
        (e.id, e.workflow_state, e.updated_at)
        for e in world.canvas.enrollments(course_id=world.canvas.course_by_sis_id(concluded).id)
    ]

    world.ladok.add_suspension(student, start=TODAY, end=SUSPENSION_END)
    world.sync()

    assert _states(world, running) == ["inactive"]
    assert [
        (e.id, e.workflow_state, e.updated_at)
        for e in world.canvas.enrollments(course_id=world.canvas.course_by_sis_id(concluded).id)
    ] == before
    assert messages_to(world, teacher) == []  # only teachers of active courses are told


def test_teachers_are_messaged_once_per_suspension(world: World) -> None:
    first, second = add_offering(world).offering, add_offering(world, code="DD1311").offering
    student = register(world, first, second)
    teacher = add_teacher(world, first)
    world.ladok.add_suspension(student, start=TODAY, end=SUSPENSION_END)
    world.sync()
    assert messages_to(world, teacher) == ["Avstängning: Ada Lovelace"]

    world.mark_dirty(student)  # anything else about the student later: no second message
    world.ladok.add_registration(student, add_offering(world, code="DD1312").offering)
    world.sync()
    world.advance(TODAY + dt.timedelta(days=2))
    assert messages_to(world, teacher) == ["Avstängning: Ada Lovelace"]

    world.ladok.add_suspension(
        student, start=SUSPENSION_END + dt.timedelta(days=10), end=SUSPENSION_END + dt.timedelta(days=20)
    )
    world.advance(SUSPENSION_END + dt.timedelta(days=10))  # a second suspension: a second message
    assert messages_to(world, teacher) == ["Avstängning: Ada Lovelace"] * 2


def test_no_message_without_restrictions_send_message_to_teachers(world: World) -> None:
    world.settings = InstitutionSettings(use_restrictions=True)
    offering = add_offering(world).offering
    student = register(world, offering)
    teacher = add_teacher(world, offering)
    world.ladok.add_suspension(student, start=TODAY, end=SUSPENSION_END)

    world.sync()

    assert _states(world, offering) == ["inactive"]
    assert messages_to(world, teacher) == []


def test_a_removed_suspension_reactivates(world: World) -> None:
    offering = add_offering(world).offering
    student = register(world, offering)
    restriction = world.ladok.add_suspension(student, start=TODAY, end=SUSPENSION_END)
    world.sync()
    assert _states(world, offering) == ["inactive"]

    world.ladok.add_suspension(
        student, start=TODAY, end=SUSPENSION_END, restriction_uid=restriction, handelsetyp="BORTTAGEN"
    )
    world.sync()

    assert _states(world, offering) == ["active"]


def test_open_ended_suspension_stays_and_a_past_one_changes_nothing(world: World) -> None:
    first, second = add_offering(world).offering, add_offering(world, code="DD1311").offering
    open_ended = register(world, first)
    bo = add_student(world, "Bo", "199102021234")
    world.ladok.add_registration(bo, second)
    world.ladok.add_suspension(open_ended, start=TODAY - dt.timedelta(days=3), end=None)
    world.ladok.add_suspension(bo, start=TODAY - dt.timedelta(days=30), end=TODAY - dt.timedelta(days=1))
    world.sync()

    world.advance(TODAY + dt.timedelta(days=400))

    assert _states(world, first) == ["inactive"]
    assert _states(world, second) == ["active"]


def test_a_shortened_suspension_reactivates_on_its_new_end(world: World) -> None:
    offering = add_offering(world).offering
    student = register(world, offering)
    restriction = world.ladok.add_suspension(student, start=TODAY, end=SUSPENSION_END)
    world.sync()
    new_end = TODAY + dt.timedelta(days=3)

    world.ladok.add_suspension(student, start=TODAY, end=new_end, restriction_uid=restriction, handelsetyp="UPPDATERAD")
    world.sync()
    assert _states(world, offering) == ["inactive"]
    world.advance(new_end + dt.timedelta(days=1))

    assert _states(world, offering) == ["active"]


@pytest.mark.parametrize("seed", [5, 6])
def test_random_suspensions_and_days_follow_the_suspension_rule(world: World, seed: int) -> None:
    rng = random.Random(seed)
    running, concluded = add_offering(world).offering, add_offering(world, code="DD1311").offering
    students = [add_student(world, f"S{i}", f"19900101{i:04d}") for i in range(3)]
    for student in students:
        world.ladok.add_registration(student, running)
        world.ladok.add_registration(student, concluded)
    world.sync()
    world.canvas.conclude_course(world.canvas.course_by_sis_id(concluded).id)
    periods: dict[str, list[tuple[dt.date, dt.date]]] = {s: [] for s in students}
    day = TODAY
    for _step in range(6):
        student = rng.choice(students)
        start = day + dt.timedelta(days=rng.randint(-3, 8))
        end = start + dt.timedelta(days=rng.randint(0, 12))
        world.ladok.add_suspension(student, start=start, end=end)
        periods[student].append((start, end))
        world.sync()
        day = day + dt.timedelta(days=rng.choice([1, 4, 9]))
        world.advance(day)

        expected = sorted((s, "inactive" if any(a <= day <= b for a, b in periods[s]) else "active") for s in students)
        assert [(s, st) for s, _r, st in world.enrollments(running, states=("active", "inactive"))] == expected
        assert {st for _s, _r, st in world.enrollments(concluded, states=("active", "inactive", "completed"))} == {
            "completed"
        }
