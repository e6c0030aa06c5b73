"""Is this Canvas user an active teacher of the course with this SIS id? (the co-reading consent check)"""

from __future__ import annotations

import pytest

from app.canvas.client import CanvasClient
from app.canvas.errors import CanvasUnavailable
from app.canvas.teachers import teaches_course
from app.sandbox.canvas import CanvasSandbox, FaultConfig
from tests.integration.canvas.sandbox_factory import SandboxFactory

OFFERING = "6f1c2a4e-0000-4000-8000-00000000b001"


def _course_with_teacher(
    sandbox: CanvasSandbox, type_name: str = "TeacherEnrollment", state: str = "active"
) -> tuple[int, int]:
    course = sandbox.create_course("Envariabelanalys HT2024", OFFERING)
    user = sandbox.create_user("Tora Lärare", "tora")
    enrollment = sandbox.enroll(user, course, type_name)
    sandbox.set_enrollment_state(enrollment, state)
    return course, user


def test_an_active_teacher_of_the_course_is_one(sandbox_and_client: tuple[CanvasSandbox, CanvasClient]) -> None:
    sandbox, client = sandbox_and_client
    _course, user = _course_with_teacher(sandbox)
    assert teaches_course(client, OFFERING, str(user))


@pytest.mark.parametrize(
    ("type_name", "state"),
    [
        ("TaEnrollment", "active"),
        ("DesignerEnrollment", "active"),
        ("StudentEnrollment", "active"),
        ("TeacherEnrollment", "inactive"),
        ("TeacherEnrollment", "completed"),
        ("TeacherEnrollment", "deleted"),
    ],
)
def test_other_roles_and_ended_teaching_are_not(
    sandbox_and_client: tuple[CanvasSandbox, CanvasClient], type_name: str, state: str
) -> None:
    sandbox, client = sandbox_and_client
    _course, user = _course_with_teacher(sandbox, type_name, state)
    assert not teaches_course(client, OFFERING, str(user))


def test_teaching_another_course_or_a_course_that_is_not_there_is_not(
    sandbox_and_client: tuple[CanvasSandbox, CanvasClient],
) -> None:
    sandbox, client = sandbox_and_client
    elsewhere = sandbox.create_course("Annan kurs", "another-offering")
    user = sandbox.create_user("Tora Lärare", "tora")
    sandbox.enroll(user, elsewhere, "TeacherEnrollment")
    sandbox.create_course("Envariabelanalys HT2024", OFFERING)
    assert not teaches_course(client, OFFERING, str(user))
    assert not teaches_course(client, "no-such-offering", str(user))  # Canvas: 404 for the course
    assert not teaches_course(client, OFFERING, "999999")  # Canvas: 404 for the user


def test_a_teacher_in_a_deleted_course_is_not(sandbox_and_client: tuple[CanvasSandbox, CanvasClient]) -> None:
    sandbox, client = sandbox_and_client
    course, user = _course_with_teacher(sandbox)
    sandbox.delete_course(course)
    assert not teaches_course(client, OFFERING, str(user))


def test_canvas_failing_is_not_a_no(make_canvas: SandboxFactory) -> None:
    _sandbox, client = make_canvas(faults=FaultConfig(error_rate=1.0))
    with pytest.raises(CanvasUnavailable):
        teaches_course(client, OFFERING, "1")
