"""Seeding and inspecting the sandbox from Python, without HTTP."""

from __future__ import annotations

import pytest

from app.sandbox.canvas import CanvasSandbox
from app.sandbox.canvas.errors import ApiError


def test_fresh_sandbox_has_root_account_default_term_roles_and_admin() -> None:
    sandbox = CanvasSandbox()
    assert [t.name for t in sandbox.terms()] == ["Default Term"]
    assert sandbox.sub_accounts() == []
    assert {r.role for r in sandbox.roles()} >= {"StudentEnrollment", "TeacherEnrollment", "AccountAdmin"}
    admin = sandbox.users()[0]
    assert admin.id == sandbox.admin_user_id
    assert [login.sis_user_id for login in sandbox.logins(admin.id)] == [None]


def test_seeded_teacher_in_manual_section() -> None:
    sandbox = CanvasSandbox()
    course = sandbox.create_course("Programmering 1", "C1", published=True)
    teacher = sandbox.create_admin_user("Lärare Ett", "larare@x.se")
    manual = sandbox.create_section(course, "Manuell")
    enrollment = sandbox.enroll(teacher, course, "TeacherEnrollment", section_id=manual)
    [seen] = sandbox.enrollments(course_id=course)
    assert (seen.id, seen.type, seen.course_section_id, seen.workflow_state) == (
        enrollment,
        "TeacherEnrollment",
        manual,
        "active",
    )


def test_inspection_returns_copies() -> None:
    sandbox = CanvasSandbox()
    course = sandbox.create_course("Kurs", "C1")
    copy = sandbox.courses()[0]
    copy.name = "Changed"
    assert sandbox.courses()[0].name == "Kurs"
    assert sandbox.course_by_sis_id("C1").id == course


def test_hand_deletion_and_cross_listing() -> None:
    sandbox = CanvasSandbox()
    home = sandbox.create_course("Hem", "HOME")
    other = sandbox.create_course("Annan", "OTHER")
    section = sandbox.create_section(home, "Sektion", "SEC")
    student = sandbox.create_user("Stud Ent", "s@x.se", "S1")
    sandbox.enroll(student, home, section_id=section)
    sandbox.crosslist(section, other)
    assert sandbox.enrollments(user_id=student)[0].course_id == other
    sandbox.uncrosslist(section)
    with pytest.raises(ApiError, match="You can't delete a section"):
        sandbox.delete_section(section)
    sandbox.delete_section(section, with_enrollments=True)
    assert sandbox.sections(home)[0].workflow_state == "deleted"
    sandbox.delete_course(home)
    assert sandbox.course_by_sis_id("HOME").workflow_state == "deleted"


def test_send_message_records_a_conversation() -> None:
    sandbox = CanvasSandbox()
    student = sandbox.create_user("Stud Ent", "s@x.se", "S1")
    [conversation_id] = sandbox.send_message([student], "Ämne", "Text")
    [conversation] = sandbox.conversations()
    assert conversation.id == conversation_id
    assert conversation.participant_ids == sorted([sandbox.admin_user_id, student])
    assert conversation.messages[0].body == "Text"
