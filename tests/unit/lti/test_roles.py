"""Reading the role URIs Canvas sends: who is a teacher of the launch's course, and who only a TA."""

from __future__ import annotations

import pytest

from app.lti.roles import is_instructor, is_teaching_assistant
from app.sandbox.lti.personas import PERSONAS


@pytest.mark.parametrize(
    ("persona", "teacher"),
    [
        ("teacher", True),
        ("ta", False),
        ("student", False),
        ("designer", False),
        ("observer", False),
        ("admin", False),
        ("subadmin", False),
    ],
)
def test_only_membership_instructor_without_the_ta_subrole_is_a_teacher(persona: str, teacher: bool) -> None:
    assert is_instructor(PERSONAS[persona].roles) is teacher


def test_a_ta_is_not_an_instructor_although_canvas_sends_membership_instructor() -> None:
    roles = PERSONAS["ta"].roles
    assert "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor" in roles
    assert is_teaching_assistant(roles) and not is_instructor(roles)


def test_short_or_empty_role_names_are_no_roles() -> None:
    assert not is_instructor(["Instructor", "Administrator", ""])
