"""What the adapter looks up only once: an offering's details from Ladok's catalogue, sub-accounts from Canvas."""

from __future__ import annotations

from sqlalchemy import Engine

from app.core.settings import InstitutionSettings
from app.sandbox.ladok.sandbox import SandboxLadok
from tests.integration.pipeline.world import World, add_offering, add_student


def test_an_offering_only_ladoks_catalogue_knows_gets_its_course_from_there(engine: Engine) -> None:
    world = World(engine, InstitutionSettings(course_name_format=3))
    before_us = SandboxLadok()  # its events came before the adapter started: only the REST catalogue has them
    before_us.catalogue = world.ladok.catalogue
    offering = add_offering(
        before_us, code="DD1310", offering_code="50123", term="HT2024", name="Programmeringsteknik"
    ).offering
    student = add_student(world)
    world.ladok.add_registration(student, offering)
    world.sync()
    course = world.canvas.course_by_sis_id(offering)
    assert course is not None and course.name == "Programmeringsteknik DD1310 HT2024"
    assert [uid for uid, _role, _state in world.enrollments(offering)] == [student]


def test_a_second_course_of_an_organisation_finds_its_sub_accounts_in_the_ledger(engine: Engine) -> None:
    world = World(engine, InstitutionSettings(use_subaccounts_for_program_and_courses=True))
    first = add_offering(world, code="DD1310", offering_code="50123")
    world.sync()
    world.canvas.reset_stats()
    second = add_offering(world, code="SF1625", offering_code="50456", organisation=first.organisation)
    world.sync()
    account_requests = {route: n for route, n in world.canvas.request_counts().items() if "accounts" in route[1]}
    course = world.canvas.course_by_sis_id(second.offering)
    assert course is not None
    assert course.account_id == world.canvas.course_by_sis_id(first.offering).account_id  # the same "Kurs" child
    assert account_requests == {("POST", "/api/v1/accounts/:account_id/courses"): 1}
