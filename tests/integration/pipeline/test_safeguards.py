"""Operator safeguards end to end: pause/resume, delay delete, the safety filter with release and discard."""

from __future__ import annotations

import datetime as dt

from app.store import control
from app.store.db import write_session
from app.store.projection import DirtyKey
from app.store.queue import mark_dirty
from tests.integration.pipeline.world import World, add_student, registered_class, withdraw_all


def test_paused_institution_records_events_but_applies_nothing_until_resumed(world: World) -> None:
    with write_session(world.engine) as s:
        control.set_paused(s, "kth", True, by="ops")
    offering, _students = registered_class(world, 2)

    assert world.canvas.course_by_sis_id(offering) is None
    with write_session(world.engine) as s:
        control.set_paused(s, "kth", False, by="ops")
    world.sync()

    assert len(world.enrollments(offering)) == 2


def test_removals_wait_for_the_end_of_the_delay_delete_window(world: World) -> None:
    offering, (student,) = registered_class(world, 1)
    with write_session(world.engine) as s:
        control.set_delay_delete(s, "kth", world.today, world.today + dt.timedelta(days=30))
    world.ladok.add_participation("AvbrottEvent", student, offering)
    newcomer = add_student(world, "New", "199202021234")
    world.ladok.add_registration(newcomer, offering)
    world.sync()
    assert len(world.enrollments(offering)) == 2  # the addition went on, the removal waits

    world.today += dt.timedelta(days=31)
    with write_session(world.engine) as s:
        mark_dirty(s, "kth", [DirtyKey("student", student)])  # the timer set for the window's end
    world.sync()

    assert [e[0] for e in world.enrollments(offering)] == [newcomer]


def test_mass_removal_is_held_and_released_by_an_operator(world: World) -> None:
    offering, students = registered_class(world, 4)
    withdraw_all(world, offering, students)
    assert len(world.enrollments(offering)) == 2
    with write_session(world.engine) as s:
        assert len(control.held(s, "kth")) == 2
        assert control.release(s, "kth") == 2
    world.sync()

    assert world.enrollments(offering) == []


def test_discarded_removals_stay_in_canvas_unmanaged(world: World) -> None:
    offering, students = registered_class(world, 4)
    withdraw_all(world, offering, students)
    with write_session(world.engine) as s:
        assert control.discard(s, "kth") == 2
        mark_dirty(s, "kth", [DirtyKey("student", u) for u in students])
    world.sync()

    assert len(world.enrollments(offering)) == 2
