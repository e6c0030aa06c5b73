"""Co-reading with consent (docs/rules.md §4.7): a teacher of X alone cannot bring offering B's students into X.

The whole loop runs: Ladok events made B's own Canvas course and enrolled its students (the real
pipeline, into the sandbox Canvas); the teacher launches the tool in their own course X and asks to link
B; the worker runs; Canvas is looked at. The tool asks the same sandbox Canvas, over HTTP, who teaches B.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from flask import Flask
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app.core.settings import InstitutionSettings
from app.sandbox.canvas import DEFAULT_TOKEN, CanvasSandbox
from app.sandbox.lti.platform import SandboxPlatform
from app.store.course_tables import CoReadingLinkRow, CourseAuditRow, LinkRequestRow
from app.store.queue_tables import JobRow
from tests.e2e.servers import free_port
from tests.integration.lti.harness import (
    LaunchDriver,
    as_canvas_user,
    csrf_token,
    make_config,
    make_tool,
    seed_course,
    tool_client,
)
from tests.integration.pipeline.world import World, add_offering, add_student


@dataclass
class Scene:
    """B's students in B's own course; teacher T (a Canvas user) teaches only their own course X."""

    world: World
    offering_b: str
    course_b: int
    students: list[str]
    course_x: int
    teacher: int


@pytest.fixture
def scene(engine: Engine, canvas: CanvasSandbox, monkeypatch: pytest.MonkeyPatch) -> Scene:
    world = World(engine, InstitutionSettings(), canvas=canvas)
    offering_b = add_offering(world, code="SF1625", offering_code="50456", name="Envariabelanalys").offering
    students = [add_student(world, "Ada", "199001011234"), add_student(world, "Bo", "199102021234")]
    for student in students:
        world.ladok.add_registration(student, offering_b)
    world.sync()
    course_b = canvas.course_by_sis_id(offering_b)
    assert course_b is not None
    course_x = canvas.create_course("Tora's egen kurs", course_code="X")
    teacher = as_canvas_user(canvas, monkeypatch)
    canvas.enroll(teacher, course_x, "TeacherEnrollment")
    return Scene(world, offering_b, course_b.id, sorted(students), course_x, teacher)


def _students_in(scene: Scene, course_id: int) -> list[str]:
    sis = {p.user_id: p.sis_user_id for p in scene.world.canvas.logins() if p.sis_user_id}
    return sorted(
        sis[e.user_id]
        for e in scene.world.canvas.enrollments(course_id=course_id)
        if e.workflow_state == "active" and e.type == "StudentEnrollment" and e.user_id in sis
    )


def _ask_to_link(driver: LaunchDriver, scene: Scene) -> str:
    """The teacher finds B by its code and presses Link; returns the page they land on."""
    page = driver.launch_page("teacher", scene.course_x)
    found = driver.client.get(page, query_string={"q": "SF1625"}).get_data(as_text=True)
    resp = driver.client.post(f"{page}/link", data={"offering_uid": scene.offering_b, "csrf_token": csrf_token(found)})
    assert resp.status_code == 303
    return driver.client.get(resp.headers["Location"]).get_data(as_text=True)


def _admin(tool: Flask, driver: LaunchDriver) -> tuple[LaunchDriver, str]:
    admin = LaunchDriver(driver.platform, tool_client(tool))  # another person, another browser
    return admin, admin.launch_page("admin", None, placement="account_navigation")


def _trail(tool: Flask) -> list[tuple[str, str, str | None]]:
    with Session(tool.extensions["kursadmin.engine"]) as db:
        return [(a.change, a.by, a.by_name) for a in db.scalars(select(CourseAuditRow).order_by(CourseAuditRow.id))]


def _request_row(html: str) -> str:
    match = re.search(r'<table id="requests">.*?<tbody>(.*?)</tbody>', html, re.S)
    assert match, "no request listed"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip()


def test_a_teacher_of_x_alone_only_asks_and_nobody_reaches_x(driver: LaunchDriver, tool: Flask, scene: Scene) -> None:
    html = _ask_to_link(driver, scene)
    assert "Your co-reading request waits for an administrator" in html
    assert "Waiting for approval" in html

    scene.world.sync()

    assert _students_in(scene, scene.course_x) == []
    assert _students_in(scene, scene.course_b) == scene.students  # B's own course is untouched
    with Session(tool.extensions["kursadmin.engine"]) as db:
        assert db.scalars(select(CoReadingLinkRow)).first() is None
        assert db.scalars(select(JobRow).where(JobRow.dirty_seq > JobRow.done_seq)).first() is None
    admin, admin_page = _admin(tool, driver)
    waiting = _request_row(admin.client.get(admin_page).get_data(as_text=True))
    assert waiting.startswith("50456 Envariabelanalys HT2024")
    assert f"{scene.course_x} Tora Lärare (Canvas user {scene.teacher})" in waiting
    # Asking twice keeps one request.
    _ask_to_link(driver, scene)
    with Session(tool.extensions["kursadmin.engine"]) as db:
        assert len(db.scalars(select(LinkRequestRow)).all()) == 1


def test_once_the_teacher_teaches_bs_own_course_the_link_is_made(
    driver: LaunchDriver, tool: Flask, scene: Scene
) -> None:
    _ask_to_link(driver, scene)
    scene.world.canvas.enroll(scene.teacher, scene.course_b, "TeacherEnrollment")  # made a teacher of B in Canvas

    html = _ask_to_link(driver, scene)
    assert "Your change is saved." in html and "Waiting for approval" not in html
    scene.world.sync()

    assert _students_in(scene, scene.course_x) == scene.students
    who = f"canvas:{scene.teacher}"
    assert _trail(tool) == [("link_requested", who, "Tora Lärare"), ("link", who, "Tora Lärare")]
    with Session(tool.extensions["kursadmin.engine"]) as db:
        assert [r.status for r in db.scalars(select(LinkRequestRow))] == ["linked"]
    admin, admin_page = _admin(tool, driver)
    assert "No requests are waiting." in admin.client.get(admin_page).get_data(as_text=True)


def test_once_an_admin_approves_bs_students_are_in_x(driver: LaunchDriver, tool: Flask, scene: Scene) -> None:
    _ask_to_link(driver, scene)
    admin, admin_page = _admin(tool, driver)
    html = admin.client.get(admin_page).get_data(as_text=True)
    request_id = re.search(r'name="request_id" value="(\d+)"', html).group(1)  # type: ignore[union-attr]

    resp = admin.client.post(f"{admin_page}/approve", data={"request_id": request_id, "csrf_token": csrf_token(html)})
    assert resp.status_code == 303
    after = admin.client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Request approved; the students are being added to the course." in after
    scene.world.sync()

    assert _students_in(scene, scene.course_x) == scene.students
    assert _trail(tool) == [
        ("link_requested", f"canvas:{scene.teacher}", "Tora Lärare"),
        ("link_approved", "canvas:505", "Ada Administratör"),
    ]
    # The admin view lists each step with the Canvas user, and so does explain for one of B's students.
    history = re.search(r'<table id="history">(.*?)</table>', after, re.S).group(1)  # type: ignore[union-attr]
    assert "Request approved" in history and "Ada Administratör (Canvas user 505)" in history
    assert "Link requested" in history and f"Tora Lärare (Canvas user {scene.teacher})" in history
    explained = admin.client.get(admin_page, query_string={"student": scene.students[0]}).get_data(as_text=True)
    assert f"link_requested of {scene.offering_b} in course {scene.course_x}" in explained
    assert f"by canvas:{scene.teacher} (Tora Lärare)" in explained
    assert f"link_approved of {scene.offering_b} in course {scene.course_x}" in explained
    # A request already decided cannot be decided again.
    again = admin.client.post(f"{admin_page}/reject", data={"request_id": request_id, "csrf_token": csrf_token(html)})
    assert again.status_code == 409 and "already decided" in again.get_data(as_text=True)


def test_a_rejected_request_leaves_x_untouched_and_the_teacher_sees_it(
    driver: LaunchDriver, tool: Flask, scene: Scene
) -> None:
    _ask_to_link(driver, scene)
    admin, admin_page = _admin(tool, driver)
    html = admin.client.get(admin_page).get_data(as_text=True)
    request_id = re.search(r'name="request_id" value="(\d+)"', html).group(1)  # type: ignore[union-attr]
    admin.client.post(f"{admin_page}/reject", data={"request_id": request_id, "csrf_token": csrf_token(html)})
    scene.world.sync()

    assert _students_in(scene, scene.course_x) == []
    teacher_page = driver.client.get(driver.launch_page("teacher", scene.course_x)).get_data(as_text=True)
    assert re.search(r"<td>Rejected</td>", teacher_page)
    assert [change for change, _by, _name in _trail(tool)] == ["link_requested", "link_rejected"]


def test_when_canvas_cannot_be_asked_nothing_is_linked_or_requested(
    platform: SandboxPlatform, engine: Engine, database_url: str
) -> None:
    down = f"http://127.0.0.1:{free_port()}"  # nobody listens: Canvas is down
    tool = make_tool(make_config(platform, database_url, canvas=(down, DEFAULT_TOKEN)))
    ids = seed_course(engine)
    driver = LaunchDriver(platform, tool_client(tool))
    page = driver.launch_page("teacher", 101)
    token = csrf_token(driver.client.get(page).get_data(as_text=True))

    resp = driver.client.post(f"{page}/link", data={"offering_uid": ids["other"], "csrf_token": token})

    assert resp.status_code == 503
    assert "Nothing was changed; try again in a while." in resp.get_data(as_text=True)
    with Session(engine) as db:
        assert db.scalars(select(CoReadingLinkRow)).first() is None
        assert db.scalars(select(LinkRequestRow)).first() is None
        assert db.scalars(select(CourseAuditRow)).first() is None
