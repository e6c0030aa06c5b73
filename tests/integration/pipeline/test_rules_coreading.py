"""Co-reading end to end (docs/rules.md §4.7, §4.4): linked offerings, backfill, unlinking, hand cross-listing."""

from __future__ import annotations

import random

import pytest

from app.core.settings import InstitutionSettings
from app.store.course_settings import link_offering, set_early_access, unlink_offering
from app.store.db import write_session
from tests.integration.pipeline.world import World, add_offering, add_student, with_roles


def _teachers_course(world: World) -> int:
    return world.canvas.create_course("Samläst kurs HT2024", course_code="SAM")


def _link(world: World, course_id: int, offering: str) -> None:
    with write_session(world.engine) as s:
        link_offering(s, "kth", course_id, offering, by="teacher")


def _unlink(world: World, course_id: int, offering: str) -> None:
    with write_session(world.engine) as s:
        unlink_offering(s, "kth", course_id, offering, by="teacher")


def _in_course(world: World, course_id: int) -> list[tuple[str, str, str]]:
    """(student sis id, section sis id, state) of the course's live enrollments; "" for no sis id."""
    sis = {p.user_id: p.sis_user_id for p in world.canvas.logins() if p.sis_user_id}
    sections = {s.id: s.sis_section_id for s in world.canvas.sections()}
    return sorted(
        (sis.get(e.user_id, ""), sections[e.course_section_id] or "", e.workflow_state)
        for e in world.canvas.enrollments(course_id=course_id)
        if e.workflow_state != "deleted"
    )


def test_linking_backfills_current_participants_into_a_section_of_its_own(world: World) -> None:
    offering = add_offering(world).offering
    ada, bo = add_student(world, "Ada"), add_student(world, "Bo", "199102021234")
    for student in (ada, bo):
        world.ladok.add_registration(student, offering)
    world.sync()
    course = _teachers_course(world)

    _link(world, course, offering)
    world.sync()

    section = f"{offering}:{course}"
    assert [(s.sis_section_id, s.name) for s in world.canvas.sections(course) if s.sis_section_id] == [
        (section, "DD1310:50123:HT2024")
    ]
    assert _in_course(world, course) == sorted([(ada, section, "active"), (bo, section, "active")])
    assert [s for s, _r, _st in world.enrollments(offering)] == sorted([ada, bo])


def test_later_events_fill_the_linked_section_like_the_own_one(world: World) -> None:
    offering = add_offering(world).offering
    course = _teachers_course(world)
    world.sync()
    _link(world, course, offering)
    student = add_student(world)
    world.ladok.add_registration(student, offering)
    world.sync()
    assert _in_course(world, course) == [(student, f"{offering}:{course}", "active")]

    world.ladok.add_participation("AvbrottEvent", student, offering)
    world.sync()

    assert _in_course(world, course) == []
    assert world.enrollments(offering) == []


def _linked_with_a_teacher(world: World) -> tuple[str, str, int, int]:
    """A registered student's offering linked into a teacher's course: offering, student, course, teacher."""
    offering = add_offering(world).offering
    student = add_student(world)
    world.ladok.add_registration(student, offering)
    course = _teachers_course(world)
    teacher = world.canvas.create_user("Lärare", login_id="larare")
    world.canvas.enroll(teacher, course, "TeacherEnrollment")
    world.sync()
    _link(world, course, offering)
    world.sync()
    return offering, student, course, teacher


def test_unlinking_removes_what_the_adapter_put_there_only(world: World) -> None:
    offering, student, course, _ = _linked_with_a_teacher(world)

    _unlink(world, course, offering)
    world.sync()

    assert _in_course(world, course) == [("", "", "active")]  # the teacher stays
    assert [(s, st) for s, _r, st in world.enrollments(offering)] == [(student, "active")]
    # The emptied section stays: the seed warns against deleting adapter sections ("krockar i sis id"),
    # and Canvas keeps a deleted section's SIS id taken (course_section.rb verify_unique_sis_source_id).
    # Linking again reuses it.
    _link(world, course, offering)
    world.sync()
    section = f"{offering}:{course}"
    assert _in_course(world, course) == sorted([("", "", "active"), (student, section, "active")])
    assert [s.sis_section_id for s in world.canvas.sections(course) if s.sis_section_id] == [section]


def test_a_linked_course_admits_only_with_its_own_early_access(world: World) -> None:
    world.settings = with_roles(world, early_access_on_create_course=True)
    offering = add_offering(world).offering
    student = add_student(world)
    world.ladok.add_admission(student, offering)
    course = _teachers_course(world)
    world.sync()
    _link(world, course, offering)
    world.sync()
    assert _in_course(world, course) == []

    with write_session(world.engine) as s:
        set_early_access(s, "kth", course, True, None, by="teacher")
    world.sync()

    assert _in_course(world, course) == [(student, f"{offering}:{course}", "active")]


def test_a_section_cross_listed_by_hand_keeps_being_filled(world: World) -> None:
    offering = add_offering(world).offering
    ada = add_student(world, "Ada")
    world.ladok.add_registration(ada, offering)
    world.sync()
    own = world.canvas.course_by_sis_id(offering)
    (section,) = [s for s in world.canvas.sections(own.id) if s.sis_section_id == offering]
    other = _teachers_course(world)
    world.canvas.crosslist(section.id, other)

    bo = add_student(world, "Bo", "199102021234")
    world.ladok.add_registration(bo, offering)
    world.ladok.add_participation("AvbrottEvent", ada, offering)
    world.sync()

    assert _in_course(world, other) == [(bo, offering, "active")]
    assert len([c for c in world.canvas.courses() if c.sis_course_id == offering]) == 1
    assert len([s for s in world.canvas.sections() if s.sis_section_id == offering]) == 1


def test_teachers_of_a_linked_course_hear_of_a_suspension_once(world: World) -> None:
    world.settings = InstitutionSettings(use_restrictions=True, restrictions_send_message_to_teachers=True)
    offering, student, course, teacher = _linked_with_a_teacher(world)

    world.ladok.add_suspension(student, start=world.today, end=None)
    world.sync()
    world.mark_dirty(student)
    world.sync()

    assert _in_course(world, course)[-1] == (student, f"{offering}:{course}", "inactive")
    assert [c.subject for c in world.canvas.conversations() if teacher in c.participant_ids] == [
        "Avstängning: Ada Lovelace"
    ]


def test_other_sections_are_kept_while_a_linked_offering_still_brings_the_student(world: World) -> None:
    world.settings = InstitutionSettings(enrollments_other_sections=True)
    own = add_offering(world).offering
    linked = add_offering(world, code="DD1311").offering
    student = add_student(world)
    world.ladok.add_registration(student, own)
    world.ladok.add_registration(student, linked)
    world.sync()
    course = world.canvas.course_by_sis_id(own).id
    _link(world, course, linked)
    world.sync()
    manual = world.canvas.enroll(
        world.canvas.user_by_sis_id(student).id, course, section_id=world.canvas.create_section(course, "Grupp A")
    )

    world.ladok.add_participation("AvbrottEvent", student, own)
    world.sync()
    assert _in_course(world, course) == sorted([(student, f"{linked}:{course}", "active"), (student, "", "active")])

    world.ladok.add_participation("AvbrottEvent", student, linked)
    world.sync()
    assert _in_course(world, course) == []
    assert next(e.workflow_state for e in world.canvas.enrollments() if e.id == manual) == "deleted"


def test_other_sections_follow_a_section_cross_listed_by_hand(world: World) -> None:
    world.settings = InstitutionSettings(enrollments_other_sections=True)
    offering = add_offering(world).offering
    student = add_student(world)
    world.ladok.add_registration(student, offering)
    world.sync()
    own = world.canvas.course_by_sis_id(offering)
    (section,) = [s for s in world.canvas.sections(own.id) if s.sis_section_id == offering]
    other = _teachers_course(world)
    world.canvas.crosslist(section.id, other)
    manual = world.canvas.enroll(
        world.canvas.user_by_sis_id(student).id, other, section_id=world.canvas.create_section(other, "Grupp A")
    )

    world.ladok.add_participation("AvbrottEvent", student, offering)
    world.sync()

    assert _in_course(world, other) == []
    assert next(e.workflow_state for e in world.canvas.enrollments() if e.id == manual) == "deleted"


def test_early_access_in_a_linked_course_alone_creates_the_account(world: World) -> None:
    world.settings = with_roles(world)
    offering = add_offering(world).offering
    course = _teachers_course(world)
    world.sync()
    _link(world, course, offering)
    with write_session(world.engine) as s:
        set_early_access(s, "kth", course, True, None, by="teacher")
    student = add_student(world)
    world.ladok.add_admission(student, offering)

    world.sync()

    assert _in_course(world, course) == [(student, f"{offering}:{course}", "active")]
    assert world.enrollments(offering) == []  # the own course has no early access


@pytest.mark.parametrize("seed", [7, 8])
def test_random_links_unlinks_and_registrations_keep_linked_courses_in_step(world: World, seed: int) -> None:
    rng = random.Random(seed)
    offerings = [add_offering(world, code=f"DD13{i}0").offering for i in range(2)]
    courses = [_teachers_course(world) for _ in range(2)]
    students = [add_student(world, f"S{i}", f"19900101{i:04d}") for i in range(4)]
    registered: set[tuple[str, str]] = set()
    linked: set[tuple[int, str]] = set()
    for _step in range(6):
        for _ in range(3):
            student, offering = rng.choice(students), rng.choice(offerings)
            if rng.random() < 0.6:
                world.ladok.add_registration(student, offering)
                registered.add((student, offering))
            else:
                world.ladok.add_participation("AvbrottEvent", student, offering)
                registered.discard((student, offering))
        world.sync()
        course, offering = rng.choice(courses), rng.choice(offerings)
        if (course, offering) in linked:
            _unlink(world, course, offering)
            linked.discard((course, offering))
        else:
            _link(world, course, offering)
            linked.add((course, offering))
        world.sync()

        for course in courses:
            expected = sorted((s, f"{o}:{course}", "active") for s, o in registered if (course, o) in linked)
            assert _in_course(world, course) == expected
        for offering in offerings:
            assert sorted(s for s, _r, _st in world.enrollments(offering)) == sorted(
                s for s, o in registered if o == offering
            )
