"""One refused step does not hold back a student's other steps: a withdrawal is applied all the same."""

from __future__ import annotations

from sqlalchemy import Engine

from app.core.settings import InstitutionSettings
from app.store.course_settings import link_offering
from app.store.db import write_session
from tests.integration.pipeline.world import World, add_offering, add_student


def test_a_withdrawal_goes_through_while_a_linked_course_is_gone(engine: Engine) -> None:
    world = World(engine, InstitutionSettings())
    linked = add_offering(world, code="DD1310", offering_code="50123").offering
    other = add_offering(world, code="SF1625", offering_code="50456").offering
    student = add_student(world)
    world.ladok.add_registration(student, linked)
    world.ladok.add_registration(student, other)
    world.sync()
    teachers_course = world.canvas.create_course("Lärarens kurs")
    with write_session(engine) as s:
        link_offering(s, "kth", teachers_course, linked, by="teacher")
    world.canvas.delete_course(teachers_course)  # deleted by hand before the link was applied
    world.ladok.add_participation("AvbrottEvent", student, other)

    world.sync()

    assert world.enrollments(other) == []  # the removal was not held back by the failing link
    assert [e[0] for e in world.enrollments(linked)] == [student]
