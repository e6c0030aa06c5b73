"""`kursadmin explain`, `report` and `reconcile` on a student the worker enrolled."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from sqlalchemy import Engine

from app.core.settings import InstitutionSettings
from tests.integration.pipeline.world import World, add_offering, add_student


@pytest.fixture
def world(engine: Engine) -> World:
    """One student registered on one offering, applied to the sandbox Canvas."""
    world = World(engine, InstitutionSettings())
    offering = add_offering(world).offering
    world.ladok.add_registration(add_student(world), offering)
    world.sync()
    return world


def _student_and_offering(world: World) -> tuple[str, str]:
    (student,) = [p.sis_user_id for p in world.canvas.logins() if p.sis_user_id]
    (course,) = [c for c in world.canvas.courses() if c.sis_course_id]
    assert student is not None and course.sis_course_id is not None
    return student, course.sis_course_id


def test_explain_says_what_ladok_said_what_the_rules_want_and_what_was_done(
    config: Path, world: World, cli: Callable[..., Result]
) -> None:
    student, offering = _student_and_offering(world)

    result = cli("explain", "--institution", "kth", "--student", student)

    assert result.exit_code == 0, result.output
    said, decided = result.output.index("What Ladok said:"), result.output.index("What the rules decide:")
    done = result.output.index("What was done in Canvas:")
    assert said < decided < done
    assert f"RegistreringEvent on {offering}" in result.output[said:decided]
    assert f"wants registered enrollment (active) in section {offering}" in result.output[decided:done]
    assert "enroll the student: done" in result.output[done:]
    assert result.output.endswith("Queue: up to date\n")


def test_report_counts_what_was_applied(config: Path, world: World, cli: Callable[..., Result]) -> None:
    result = cli("report", "--hours", "1")
    no_mail = cli("report", "--send")

    assert result.exit_code == 0, result.output
    assert result.output.startswith("Kursadministration, kth: ")
    assert "Running.\n" in result.output and "Pending keys: 0" in result.output
    assert "Applied in Canvas: nothing" not in result.output
    assert "Students added to courses: " in result.output and "Enroll " not in result.output
    assert no_mail.exit_code == 2 and "no [mail] table in the configuration" in no_mail.output


def test_reconcile_reports_an_enrollment_deleted_by_hand(
    write_config: Callable[..., Path], world: World, cli: Callable[..., Result]
) -> None:
    student, offering = _student_and_offering(world)
    (enrollment,) = world.canvas.enrollments()
    world.canvas.set_enrollment_state(enrollment.id, "deleted")
    with world.canvas.serve() as running:
        write_config(canvas_url=running.url)

        result = cli("reconcile", "--institution", "kth")

    assert result.exit_code == 0, result.output
    assert result.output.startswith("1 sections checked\nmissing: 1\n")
    assert student in result.output and offering in result.output
    assert result.output.endswith("dry run: nothing changed (run with --fix to adopt and queue)\n")
