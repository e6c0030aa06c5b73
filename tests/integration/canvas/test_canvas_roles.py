"""The configured enrollment roles are checked against Canvas, naming the setting Canvas would refuse."""

from __future__ import annotations

from app.canvas.roles import role_problems
from app.core.settings import InstitutionSettings
from tests.integration.canvas.sandbox_factory import SandboxFactory


def _settings(registered: int, admitted: int) -> InstitutionSettings:
    return InstitutionSettings(use_admitted=True, role_id_registered=registered, role_id_admitted=admitted)


def test_usable_student_roles_pass(make_canvas: SandboxFactory) -> None:
    sandbox, client = make_canvas()

    assert role_problems(client, _settings(sandbox.create_role("Registrerad"), sandbox.create_role("Antagen"))) == []


def test_each_unusable_role_is_named_with_its_reason(make_canvas: SandboxFactory) -> None:
    sandbox, client = make_canvas()
    teacher_like = sandbox.create_role("Kursansvarig", base_role_type="TeacherEnrollment")
    elsewhere = sandbox.create_sub_account("Annan skola")
    foreign = client.post(
        f"/api/v1/accounts/{elsewhere}/roles", {"label": "Antagen", "base_role_type": "StudentEnrollment"}
    )["id"]

    problems = role_problems(client, _settings(teacher_like, foreign))

    assert problems == [
        f"RoleIdRegistered = {teacher_like}: role 'Kursansvarig' is based on TeacherEnrollment, not StudentEnrollment",
        f"RoleIdAdmitted = {foreign}: Canvas has no such role in account 1 or above it",
    ]


def test_without_use_admitted_no_role_is_asked_for(make_canvas: SandboxFactory) -> None:
    _, client = make_canvas()

    assert role_problems(client, InstitutionSettings()) == []
