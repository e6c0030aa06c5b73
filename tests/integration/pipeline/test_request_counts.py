"""Steady state costs Canvas one request per enrollment change (student and section already known)."""

from __future__ import annotations

from sqlalchemy import Engine

from app.core.settings import InstitutionSettings
from tests.integration.pipeline.world import World, add_offering, add_student


def test_one_request_per_enrollment_change_once_student_and_section_are_known(engine: Engine) -> None:
    world = World(engine, InstitutionSettings())
    first = add_offering(world, code="DD1310", offering_code="50123").offering
    second = add_offering(world, code="SF1625", offering_code="50456").offering
    student = add_student(world)
    world.ladok.add_registration(student, first)
    world.sync()  # creates the account, both courses and their sections

    for event, offering in (("RegistreringEvent", second), ("AvbrottEvent", first)):
        world.canvas.reset_stats()
        world.ladok.add_participation(event, student, offering)
        world.sync()
        counts = world.canvas.request_counts()
        assert sum(counts.values()) == 1, (event, counts)
