"""Each rule end to end: Ladok XML into the feed, the worker, and what the Canvas sandbox then holds."""

from __future__ import annotations

import datetime as dt

from app.store.course_settings import set_early_access
from app.store.db import write_session
from tests.integration.pipeline.world import START, World, add_offering, add_student, with_roles


def test_registration_creates_account_course_section_and_enrollment(world: World) -> None:
    offering = add_offering(world).offering
    student = add_student(world)
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
    add_offering(world)
    student = add_student(world)

    world.sync()

    assert world.canvas.user_by_sis_id(student) is None


def test_withdrawn_registration_removes_the_enrollment(world: World) -> None:
    offering = add_offering(world).offering
    student = add_student(world)
    world.ladok.add_registration(student, offering)
    world.sync()
    world.ladok.add_participation("AterkalladregistreringEvent", student, offering)

    world.sync()

    assert world.enrollments(offering) == []


def test_example_b_admitted_student_gets_in_when_early_access_is_turned_on_later(world: World) -> None:
    world.settings = with_roles(world)
    registered, admitted = world.settings.role_id_registered, world.settings.role_id_admitted
    offering = add_offering(world).offering
    student = add_student(world)
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
