"""Operator safeguards end to end: pause/resume, delay delete, the safety filter with release and discard."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine

from app.core.safeguards import SafetyLimits
from app.core.settings import InstitutionSettings
from app.store import control
from app.store.db import write_session
from app.store.projection import DirtyKey
from app.store.queue import mark_dirty
from tests.integration.pipeline.test_rules_end_to_end import _catalogue, _student
from tests.integration.pipeline.world import World


@pytest.fixture
def world(engine: Engine) -> World:
    return World(engine, InstitutionSettings())


def _registered(world: World, n: int) -> tuple[str, list[str]]:
    offering = _catalogue(world)
    students = [_student(world, name=f"S{i}", personnummer=f"19900101{1000 + i}") for i in range(n)]
    for s in students:
        world.ladok.add_registration(s, offering)
    world.sync()
    return offering, students


def test_paused_institution_records_events_but_applies_nothing_until_resumed(world: World) -> None:
    with write_session(world.engine) as s:
        control.set_paused(s, "kth", True, by="ops")
    offering, _students = _registered(world, 2)

    assert world.canvas.course_by_sis_id(offering) is None
    with write_session(world.engine) as s:
        control.set_paused(s, "kth", False, by="ops")
    world.sync()

    assert len(world.enrollments(offering)) == 2


def test_removals_wait_for_the_end_of_the_delay_delete_window(world: World) -> None:
    offering, (student,) = _registered(world, 1)
    with write_session(world.engine) as s:
        control.set_delay_delete(s, "kth", world.today, world.today + dt.timedelta(days=30))
    world.ladok.add_participation("AvbrottEvent", student, offering)
    newcomer = _student(world, "New", "199202021234")
    world.ladok.add_registration(newcomer, offering)
    world.sync()
    assert len(world.enrollments(offering)) == 2  # the addition went on, the removal waits

    world.today += dt.timedelta(days=31)
    with write_session(world.engine) as s:
        mark_dirty(s, "kth", [DirtyKey("student", student)])  # the timer set for the window's end
    world.sync()

    assert [e[0] for e in world.enrollments(offering)] == [newcomer]


def _withdraw_all(world: World, offering: str, students: list[str]) -> None:
    world.safeguards = SafetyLimits(max_removals_per_hour=2)
    for s_uid in students:
        world.ladok.add_participation("AvbrottEvent", s_uid, offering)
    world.sync()


def test_mass_removal_is_held_and_released_by_an_operator(world: World) -> None:
    offering, students = _registered(world, 4)
    _withdraw_all(world, offering, students)
    assert len(world.enrollments(offering)) == 2
    with write_session(world.engine) as s:
        assert len(control.held(s, "kth")) == 2
        assert control.release(s, "kth") == 2
    world.sync()

    assert world.enrollments(offering) == []


def test_discarded_removals_stay_in_canvas_unmanaged(world: World) -> None:
    offering, students = _registered(world, 4)
    _withdraw_all(world, offering, students)
    with write_session(world.engine) as s:
        assert control.discard(s, "kth") == 2
        mark_dirty(s, "kth", [DirtyKey("student", u) for u in students])
    world.sync()

    assert len(world.enrollments(offering)) == 2
