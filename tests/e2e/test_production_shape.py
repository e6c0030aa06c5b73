"""Production's shape, run as docs/install.md runs it: `kursadmin init`, gunicorn with two workers serving
`app:create_app()` and two `kursadmin worker` processes on one PostgreSQL database. A Ladok event reaches
Canvas, a teacher launches the tool in the course the adapter made, and /healthz and /metrics say so."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from app.sandbox.canvas import DEFAULT_TOKEN, CanvasSandbox
from app.sandbox.ladok import SandboxLadok
from app.sandbox.ladok.server import serve as serve_ladok
from app.sandbox.lti.canvas_courses import course_facts_from
from app.sandbox.lti.platform import SandboxPlatform
from tests.e2e.http_launch import launch_page
from tests.e2e.servers import free_port, gunicorn_tool, write_config
from tests.integration.pipeline.procs import Workers
from tests.integration.pipeline.world import add_offering, add_student

# A hang guard, not a speed goal: a change applied "within seconds" on a quiet machine may take longer on
# a busy CI machine running the other tests beside this one.
GUARD_SECONDS = 120

T = TypeVar("T")


def _eventually(what: str, probe: Callable[[], T | None]) -> T:
    deadline = time.monotonic() + GUARD_SECONDS
    while time.monotonic() < deadline:
        found = probe()
        if found is not None:
            return found
        time.sleep(0.2)
    raise AssertionError(f"not within {GUARD_SECONDS} s: {what}")


def _enrolled(canvas: CanvasSandbox, student_uid: str, course_id: int) -> bool:
    user = canvas.user_by_sis_id(student_uid)
    return user is not None and any(
        e.workflow_state == "active" for e in canvas.enrollments(course_id=course_id, user_id=user.id)
    )


def test_a_ladok_event_reaches_canvas_through_gunicorn_and_two_workers(database_url: str, tmp_path: Path) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("production runs on PostgreSQL: the test suite's PostgreSQL pass runs this")
    ladok, canvas = SandboxLadok(), CanvasSandbox(tokens=[DEFAULT_TOKEN])
    offering = add_offering(ladok).offering
    ada = add_student(ladok, "Ada", "199001011234")
    ladok.add_registration(ada, offering)
    port = free_port()
    tool = f"http://127.0.0.1:{port}"
    platform = SandboxPlatform(
        tool_login_url=f"{tool}/lti/login", tool_launch_url=f"{tool}/lti/launch", course_facts=course_facts_from(canvas)
    )
    with serve_ladok(ladok) as ladok_url, canvas.serve() as running, platform.serve():
        config = write_config(
            tmp_path / "kursadmin.toml",
            platform,
            database_url,
            ladok_url=ladok_url,
            canvas_url=running.url,
            canvas_token=DEFAULT_TOKEN,
        )
        (tmp_path / "workers").mkdir()
        # As the install guide's unit runs each; the lease is the worker's default, said out loud.
        workers = Workers(config, database_url, tmp_path / "workers", ["--concurrency", "4"], lease=60)
        init = workers.run("init")
        assert init.returncode == 0, init.stderr
        gunicorn = gunicorn_tool(config, port, 2, tmp_path / "access.log", app="app:create_app()")
        with gunicorn:
            workers.start(1)
            workers.start(2)
            try:
                course = _eventually("Ada's course in Canvas", lambda: canvas.course_by_sis_id(offering))
                _eventually("Ada enrolled", lambda: _enrolled(canvas, ada, course.id) or None)

                with httpx.Client() as client:
                    page = launch_page(client, platform, tool, "teacher", course.id)
                assert "50123" in page  # the offering the adapter put in this course, on the teacher's page

                bo = add_student(ladok, "Bo", "199202021238")
                ladok.add_registration(bo, offering)
                _eventually(
                    "Bo, registered after the launch, enrolled", lambda: _enrolled(canvas, bo, course.id) or None
                )

                health = httpx.get(f"{tool}/healthz", timeout=10)
                metrics = httpx.get(f"{tool}/metrics", timeout=10)
                stopped = workers.terminate_all()  # systemd stops a unit with SIGTERM
            except AssertionError as failed:
                raise AssertionError(f"{failed}\n{workers.log_text()}") from None
            finally:
                workers.kill_all()
    assert stopped == {1: 0, 2: 0}
    assert health.status_code == 200, health.text
    assert health.json()["status"] == "ok" and health.json()["institutions"]["kth"]["stale"] == []
    recorded = {
        sample.labels["type"]: sample.value
        for family in text_string_to_metric_families(metrics.text)
        if family.name == "kursadmin_ladok_events_recorded"
        for sample in family.samples
        if not sample.name.endswith("_created")
    }
    assert recorded["RegistreringEvent"] == 2
