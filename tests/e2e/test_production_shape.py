"""Production's shape, run as docs/install.md runs it: `kursadmin init`, gunicorn with two workers serving
`app:create_app()` and two `kursadmin worker` processes on one PostgreSQL database. A Ladok event reaches
Canvas, a teacher launches the tool in the course the adapter made, and /healthz and /metrics say so."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from app.sandbox.canvas import DEFAULT_TOKEN, CanvasSandbox
from app.sandbox.ladok import SandboxLadok
from app.sandbox.ladok.server import serve as serve_ladok
from app.sandbox.lti.platform import SandboxPlatform
from app.sandbox.lti.tokens import CourseFacts
from tests.e2e.http_launch import launch_page
from tests.e2e.servers import free_port, gunicorn_tool
from tests.integration.pipeline.procs import KURSADMIN
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


def _config(path: Path, database_url: str, ladok_url: str, canvas_url: str, platform: SandboxPlatform) -> Path:
    path.write_text(f'''database_url = "{database_url}"
secret_key = "production-shape-secret"

[web]
frame_ancestors = ["{platform.base_url}"]

[[institution]]
id = "kth"
ladok_larosate_id = 29
ladok_url = "{ladok_url}"
ladok_start_page = 1
canvas_url = "{canvas_url}"
canvas_token = "{DEFAULT_TOKEN}"

[[institution.lti]]
issuer = "{platform.issuer}"
client_id = "{platform.client_id}"
auth_login_url = "{platform.auth_login_url}"
auth_token_url = "{platform.auth_token_url}"
key_set_url = "{platform.key_set_url}"
deployment_ids = []
''')
    return path


@contextmanager
def _workers(env: dict[str, str], logs: Path, count: int) -> Iterator[None]:
    """`count` processes of `kursadmin worker --concurrency 4`, as the install guide's unit starts each."""
    procs = []
    for n in range(count):
        with (logs / f"worker-{n}.log").open("wb") as out:
            procs.append(
                subprocess.Popen(
                    [str(KURSADMIN), "worker", "--concurrency", "4"], env=env, stdout=out, stderr=subprocess.STDOUT
                )
            )
    try:
        yield
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=60)


def _course_facts(canvas: CanvasSandbox) -> Callable[[int], CourseFacts | None]:
    def facts(course_id: int) -> CourseFacts | None:
        course = next((c for c in canvas.courses() if c.id == course_id), None)
        return CourseFacts(course.sis_course_id, course.name, course.course_code) if course else None

    return facts


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
        tool_login_url=f"{tool}/lti/login", tool_launch_url=f"{tool}/lti/launch", course_facts=_course_facts(canvas)
    )
    with serve_ladok(ladok) as ladok_url, canvas.serve() as running, platform.serve():
        config = _config(tmp_path / "kursadmin.toml", database_url, ladok_url, running.url, platform)
        env = {**os.environ, "KURSADMIN_CONFIG": str(config)}
        env.pop("KURSADMIN_DATABASE_URL", None)
        init = subprocess.run([str(KURSADMIN), "init"], env=env, capture_output=True, text=True, check=False)
        assert init.returncode == 0, init.stderr
        gunicorn = gunicorn_tool(config, port, 2, tmp_path / "access.log", app="app:create_app()")
        with gunicorn, _workers(env, tmp_path, 2):
            course = _eventually(
                "Ada's course and enrollment in Canvas", lambda: canvas.course_by_sis_id(offering) or None
            )
            _eventually("Ada enrolled", lambda: _enrolled(canvas, ada, course.id) or None)

            with httpx.Client() as client:
                page = launch_page(client, platform, tool, "teacher", course.id)
            assert "50123" in page  # the offering the adapter put in this course, on the teacher's page

            bo = add_student(ladok, "Bo", "199202021238")
            ladok.add_registration(bo, offering)
            _eventually("Bo, registered after the launch, enrolled", lambda: _enrolled(canvas, bo, course.id) or None)

            health = httpx.get(f"{tool}/healthz", timeout=10)
            metrics = httpx.get(f"{tool}/metrics", timeout=10)
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
