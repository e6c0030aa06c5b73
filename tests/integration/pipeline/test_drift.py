"""Drift: hand edits in Canvas show up in a dry run, and --fix brings Canvas back through the worker."""

from __future__ import annotations

from sqlalchemy import Engine

from app.core.settings import InstitutionSettings
from app.pipeline.drift import check_drift
from tests.integration.pipeline.world import World, add_offering, add_student


def test_hand_edits_are_reported_then_repaired(engine: Engine) -> None:
    world = World(engine, InstitutionSettings())
    offering = add_offering(world).offering
    kept, deleted = add_student(world, "Kept", "199001011111"), add_student(world, "Gone", "199001012222")
    for s in (kept, deleted):
        world.ladok.add_registration(s, offering)
    world.sync()
    course = world.canvas.course_by_sis_id(offering)
    gone = next(
        e for e in world.canvas.enrollments(course_id=course.id) if e.user_id == world.canvas.user_by_sis_id(deleted).id
    )
    world.canvas.set_enrollment_state(gone.id, "deleted")  # someone removed the student by hand
    stranger = world.canvas.create_user("Stranger", "stranger", sis_user_id="not-in-ladok")
    section = next(s for s in world.canvas.sections(course.id) if s.sis_section_id == offering)
    world.canvas.enroll(stranger, course.id, section_id=section.id)  # and added someone by hand
    client = world.context().canvas

    dry = check_drift(engine, "kth", world.settings, client, today=world.today)

    assert dry.missing == [f"{deleted} should have a registered enrollment (active) in section {offering}"]
    assert dry.extra == [f"not-in-ladok has a registered enrollment in section {offering} the rules do not want"]
    assert len(world.enrollments(offering)) == 2  # a dry run changes nothing

    check_drift(engine, "kth", world.settings, client, fix=True, today=world.today)
    world.sync()

    assert check_drift(engine, "kth", world.settings, client, today=world.today).missing == []
    assert {e[0] for e in world.enrollments(offering)} == {kept, deleted, "not-in-ladok"}
