"""Each rule end to end: Ladok XML into the feed, the worker, and what the Canvas sandbox then holds."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine

from app.core.settings import InstitutionSettings
from app.store.course_settings import set_early_access
from app.store.db import write_session
from tests.integration.pipeline.world import World

START = dt.date.today() + dt.timedelta(days=10)
END = START + dt.timedelta(days=130)


def _catalogue(world: World, term: str = "HT2024") -> str:
    org = world.ladok.add_organisation(code="EECS", names={"sv": "Skolan för datavetenskap", "en": "EECS"})
    course = world.ladok.add_course(code="DD1310", names={"sv": "Programmeringsteknik", "en": "Programming"},
                                    organisation_uid=org)
    return world.ladok.add_offering(course_uid=course, code="50123", term_code=term, start=START, end=END,
                                    organisation_uid=org)


def _student(world: World, name: str = "Ada", personnummer: str = "199001011234") -> str:
    uid = world.ladok.add_student(first_name=name, last_name="Lovelace", personnummer=personnummer)
    world.ladok.add_contact(uid, f"{name.lower()}@example.se")
    return uid


def _roles(world: World) -> InstitutionSettings:
    registered = world.canvas.create_role("Registrerad")
    admitted = world.canvas.create_role("Antagen")
    return InstitutionSettings(use_admitted=True, role_id_registered=registered, role_id_admitted=admitted)


@pytest.fixture
def world(engine: Engine) -> World:
    return World(engine, InstitutionSettings())


def test_registration_creates_account_course_section_and_enrollment(world: World) -> None:
    offering = _catalogue(world)
    student = _student(world)
    world.ladok.add_registration(student, offering)

    world.sync()

    course = world.canvas.course_by_sis_id(offering)
    assert course.name == "Programmeringsteknik" and course.course_code == "DD1310 50123"
    (section,) = [s for s in world.canvas.sections(course.id) if s.sis_section_id == offering]
    assert section.name == "DD1310:50123:HT2024"
    user = world.canvas.user_by_sis_id(student)
    assert user.name == "Ada Lovelace" and user.email == "ada@example.se"
    assert [p.unique_id for p in world.canvas.logins(user.id)] == [student]  # UseAsLoginId = ladokuid
    assert [(s, st) for s, _role, st in world.enrollments(offering)] == [(student, "active")]


def test_student_data_alone_creates_no_account(world: World) -> None:
    _catalogue(world)
    student = _student(world)

    world.sync()

    assert world.canvas.user_by_sis_id(student) is None


def test_withdrawn_registration_removes_the_enrollment(world: World) -> None:
    offering = _catalogue(world)
    student = _student(world)
    world.ladok.add_registration(student, offering)
    world.sync()
    world.ladok.add_participation("AterkalladregistreringEvent", student, offering)

    world.sync()

    assert world.enrollments(offering) == []


def test_example_b_admitted_student_gets_in_when_early_access_is_turned_on_later(world: World) -> None:
    world.settings = _roles(world)
    registered, admitted = world.settings.role_id_registered, world.settings.role_id_admitted
    offering = _catalogue(world)
    student = _student(world)
    world.ladok.add_admission(student, offering)  # 1. the admission passes before the course is configured
    world.sync()
    assert world.canvas.user_by_sis_id(student) is None

    course = world.canvas.course_by_sis_id(offering)  # 2. the course gets early access
    with write_session(world.engine) as s:
        set_early_access(s, "kth", course.id, True, START + dt.timedelta(days=14), by="teacher")
    world.sync()
    assert world.enrollments(offering) == [(student, admitted, "active")]

    world.ladok.add_registration(student, offering)  # 3.–4. the registration arrives
    world.sync()

    assert world.enrollments(offering) == sorted([(student, admitted, "active"), (student, registered, "active")])
