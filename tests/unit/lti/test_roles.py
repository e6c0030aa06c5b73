"""Who may change a course's settings, from the role URIs Canvas sends."""

from __future__ import annotations

import pytest

from app.lti.roles import is_administrator, is_instructor, is_teaching_assistant, may_change_course
from app.sandbox.lti.personas import PERSONAS


@pytest.mark.parametrize(("persona", "allowed"),
                         [("teacher", True), ("admin", True), ("ta", False), ("student", False), ("designer", False)])
def test_only_teachers_and_administrators_may_change(persona: str, allowed: bool) -> None:
    assert may_change_course(PERSONAS[persona].roles) is allowed


def test_a_ta_is_not_an_instructor_although_canvas_sends_membership_instructor() -> None:
    roles = PERSONAS["ta"].roles
    assert "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor" in roles
    assert is_teaching_assistant(roles) and not is_instructor(roles)


def test_a_teacher_who_is_also_account_admin_may_change_even_with_ta_subrole() -> None:
    roles = [*PERSONAS["ta"].roles, "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator"]
    assert may_change_course(roles) and is_administrator(roles)


def test_short_or_empty_role_names_give_no_rights() -> None:
    assert not may_change_course(["Instructor", "Administrator", ""])
