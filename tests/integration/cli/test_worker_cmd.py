"""`kursadmin worker`: reads Ladok's feed over HTTP and makes Canvas match; refuses roles Canvas would refuse."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from click.testing import Result
from sqlalchemy import Engine

from app.sandbox.canvas import CanvasSandbox
from app.sandbox.ladok import SandboxLadok
from app.sandbox.ladok.server import serve as serve_ladok
from tests.integration.pipeline.world import add_offering, add_student


def test_worker_until_idle_applies_the_feed_to_canvas(
    write_config: Callable[..., Path], engine: Engine, cli: Callable[..., Result]
) -> None:
    ladok, canvas = SandboxLadok(), CanvasSandbox(tokens=["sandbox-token"])
    offering = add_offering(ladok).offering
    student = add_student(ladok)
    ladok.add_registration(student, offering)
    with serve_ladok(ladok) as ladok_url, canvas.serve() as running:
        write_config(canvas_url=running.url, ladok_url=ladok_url)

        result = cli("worker", "--until-idle")

    assert result.exit_code == 0, result.output
    assert "kth feed: 6 recorded, 0 unknown type skipped, 0 other institution, 0 already seen" in result.output
    assert re.search(r"^reconciled \d+ keys with \d+ Canvas operations$", result.output, re.MULTILINE)
    course = canvas.course_by_sis_id(offering)
    user = canvas.user_by_sis_id(student)
    assert course is not None and user is not None
    assert [(e.user_id, e.workflow_state) for e in canvas.enrollments(course_id=course.id)] == [(user.id, "active")]


def test_a_worker_refuses_to_start_with_a_role_canvas_would_refuse(
    write_config: Callable[..., Path], engine: Engine, cli: Callable[..., Result]
) -> None:
    canvas = CanvasSandbox(tokens=["sandbox-token"])
    registered = canvas.create_role("Registrerad")
    with canvas.serve() as running:
        write_config(
            canvas_url=running.url,
            more=f"[institution.settings]\nUseAdmitted = true\nRoleIdRegistered = {registered}\nRoleIdAdmitted = 999\n",
        )

        result = cli("worker", "--until-idle", "--no-feed")

    assert result.exit_code == 1
    assert "institution[kth].settings.RoleIdAdmitted = 999: Canvas has no such role in account 1" in result.output
    assert "RoleIdRegistered" not in result.output
