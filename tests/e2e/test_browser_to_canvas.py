"""The whole loop in a browser: a teacher's clicks in the tool, then the worker, then the sandbox Canvas.

Ladok events made the Canvas course (through the real pipeline); the teacher launches the tool for that
course inside the sandbox platform's iframe (another site), turns early access on and links a second
offering; after the worker runs, Canvas holds the admitted student and the linked offering's section.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app.core.settings import InstitutionSettings
from app.sandbox.canvas import DEFAULT_TOKEN
from app.sandbox.lti.platform import SandboxPlatform
from app.store.course_tables import CoReadingLinkRow, CourseSettingsRow
from tests.e2e.chromium import BROWSER_TESTS
from tests.e2e.servers import free_port, threaded_tool
from tests.integration.lti.harness import as_canvas_user, make_config, make_tool
from tests.integration.pipeline.world import World, add_offering, add_student, with_roles

pytestmark = BROWSER_TESTS


def test_teachers_changes_reach_canvas_after_the_worker(
    engine: Engine, database_url: str, browser: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = World(engine, InstitutionSettings())
    world.settings = with_roles(world)
    own = add_offering(world, code="DD1310", offering_code="50123", name="Programmeringsteknik").offering
    other = add_offering(world, code="SF1625", offering_code="50456", name="Envariabelanalys").offering
    admitted, registered = add_student(world, "Ada", "199001011234"), add_student(world, "Alan", "199202021234")
    world.ladok.add_admission(admitted, own)
    world.ladok.add_registration(registered, other)
    world.sync()
    course = world.canvas.course_by_sis_id(own)
    assert world.enrollments(own) == []  # admitted only, and early access is off
    # The teacher teaches both offerings' own courses in Canvas, so may link the second into the first.
    teacher = as_canvas_user(world.canvas, monkeypatch)
    for offering in (own, other):
        world.canvas.enroll(teacher, world.canvas.course_by_sis_id(offering).id, "TeacherEnrollment")

    port = free_port()
    tool_base = f"http://localhost:{port}"
    platform = SandboxPlatform(tool_login_url=f"{tool_base}/lti/login", tool_launch_url=f"{tool_base}/lti/launch")
    with platform.serve(), world.canvas.serve() as canvas_server:
        tool = make_tool(
            make_config(
                platform, database_url, frame_ancestors=(platform.base_url,), canvas=(canvas_server.url, DEFAULT_TOKEN)
            )
        )
        with threaded_tool(tool, "127.0.0.1", port):
            page = browser.new_page()
            page.goto(platform.base_url + platform.frame_page_path("teacher", course.id))
            page.wait_for_function("() => document.querySelector('iframe') !== null")
            frame = page.frame_locator("iframe[title='Kursadministration']")
            frame.locator("h1").wait_for()
            frame.get_by_label("Early access on").check()
            frame.get_by_role("button", name="Save").click()
            frame.get_by_text("Early access is on.").wait_for()
            frame.get_by_label("Search offerings (code, name or term)").fill("SF1625")
            frame.get_by_role("button", name="Search").click()
            frame.get_by_role("button", name="Link 50456").click()
            frame.get_by_role("button", name="Unlink 50456").wait_for()
            page.close()

    with Session(engine) as db:  # the database holds the teacher's changes for the launch's course
        assert db.get(CourseSettingsRow, ("kth", course.id)).early_access
        assert [(r.canvas_course_id, r.offering_uid) for r in db.scalars(select(CoReadingLinkRow))] == [
            (course.id, other)
        ]

    world.sync()

    in_course = {(e[0], e[1]) for e in world.enrollments(own)}
    assert (admitted, world.settings.role_id_admitted) in in_course  # early access backfilled the admitted
    assert (registered, world.settings.role_id_registered) in in_course  # co-reading brought the other offering
    linked = [s for s in world.canvas.sections(course.id) if s.sis_section_id == f"{other}:{course.id}"]
    assert len(linked) == 1
