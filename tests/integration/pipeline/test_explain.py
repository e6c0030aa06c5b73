"""'Explain this student' tells support what Ladok said, what the rules want and what was done."""

from __future__ import annotations

from sqlalchemy import Engine

from app.core.settings import InstitutionSettings
from app.pipeline.explain import explain
from tests.integration.pipeline.world import World, add_offering, add_student


def test_explain_a_registered_student(engine: Engine) -> None:
    world = World(engine, InstitutionSettings())
    offering = add_offering(world).offering
    student = add_student(world)
    world.ladok.add_registration(student, offering)
    world.sync()

    found = explain(engine, "kth", world.settings, student, today=world.today)

    assert any("RegistreringEvent on " + offering in line for line in found.ladok)
    assert f"now: {offering} admitted=False registered=True completed=False" in found.ladok
    assert found.decided == [
        f"wants registered enrollment (active) in section {offering} of course sis_course_id:{offering}"
    ]
    assert any("enroll the student: done" in line and offering in line for line in found.done)
    assert found.queue == "up to date"


def test_explain_a_withdrawn_student_shows_the_removal(engine: Engine) -> None:
    world = World(engine, InstitutionSettings())
    offering = add_offering(world).offering
    student = add_student(world)
    world.ladok.add_registration(student, offering)
    world.sync()
    world.ladok.add_participation("AvbrottEvent", student, offering)
    world.sync()

    found = explain(engine, "kth", world.settings, student, offering_uid=offering, today=world.today)

    assert found.decided == [f"wants no enrollment for {offering}"]
    assert any("remove the enrollment: done" in line for line in found.done)
