"""`kursadmin demo`: one address; a Canvas view, a Ladok desk and launches; a change at the desk reaches Canvas."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from app.canvas.teachers import teaches_course
from app.cli import main
from app.demo.system import Demo, start_demo


@pytest.fixture
def demo(database_url: str) -> Iterator[Demo]:
    """The demo on the test's database, its seeded term applied to Canvas once."""
    with start_demo(database_url) as running:
        running.apply()
        yield running


def test_demo_once_prints_one_address_and_what_canvas_holds(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["demo", "--once", "--database", str(tmp_path / "demo.db")])

    assert result.exit_code == 0, result.output
    assert re.match(r"Kursadministration demo: open http://127\.0\.0\.1:\d+/\n", result.output)
    assert len(re.findall(r"https?://", result.output)) == 1
    lines = {line.split(":")[0].strip(): line for line in result.output.splitlines()[2:]}
    # Early access is off: only the registered are in Canvas; the suspended student is inactive.
    assert re.search(r"'Programmeringsteknik [VH]T\d{4}', enrollments \{'active': 3\}$", lines["DD1310 50101"])
    assert lines["SF1625 60201"].endswith("enrollments {'active': 2, 'inactive': 1}")
    assert lines["DD1310 50102"].endswith("enrollments {'active': 1}")


def _links(html: str) -> dict[str, str]:
    """A page's links: text (or aria-label) → address."""
    found = {}
    for attrs, text in re.findall(r"<a ([^>]*)>(.*?)</a>", html, re.DOTALL):
        href = re.search(r'href="([^"]+)"', attrs)
        label = re.search(r'aria-label="([^"]+)"', attrs)
        if href:
            found[(label.group(1) if label else text).replace("&amp;", "&")] = href.group(1).replace("&amp;", "&")
    return found


def test_the_index_links_the_canvas_view_the_ladok_desk_and_the_launches(demo: Demo) -> None:
    index = httpx.get(demo.index_url)
    links = _links(index.text)
    (course,) = [c for c in demo.courses() if c.course_code == "DD1310 50101"]

    canvas = httpx.get(links["Open the sandbox Canvas"])
    ladok = httpx.get(links["Open the sandbox Ladok"])
    launch = httpx.get(links[f"Launch in {course.name} (DD1310 50101) as teacher"])

    assert index.status_code == canvas.status_code == ladok.status_code == launch.status_code == 200
    assert f'href="/courses/{course.id}">{course.name}</a>' in canvas.text
    assert "<h1>Sandbox Ladok</h1>" in ladok.text
    assert f"<h1>{course.name} — Tora Lärare</h1>" in launch.text  # the real course, not "Course 1"
    for who in ("TA", "student"):
        assert links[f"Launch in {course.name} (DD1310 50101) as {who}"].startswith(demo.platform_url)
    assert links["Launch as an administrator"].startswith(f"{demo.platform_url}/accounts/1/")


def _send(client: httpx.Client, form: str, prefix: str, **fields: str) -> None:
    page = client.get("/gui/").text
    token = re.search(rf'name="{prefix}-csrf_token" type="hidden" value="([^"]+)"', page)
    assert token, page
    sent = client.post(
        f"/gui/{form}", data={f"{prefix}-csrf_token": token.group(1), **{f"{prefix}-{k}": v for k, v in fields.items()}}
    )
    assert sent.status_code == 303, sent.text


def _people(demo: Demo, offering_uid: str) -> dict[str, tuple[str, str]]:
    """Name → (role label, state) of a course's live enrollments."""
    course = demo.canvas.course_by_sis_id(offering_uid)
    assert course is not None
    users = {u.id: u.name for u in demo.canvas.users()}
    roles = {r.id: r.label for r in demo.canvas.roles()}
    return {
        users[e.user_id]: (roles[e.role_id], e.workflow_state)
        for e in demo.canvas.enrollments(course_id=course.id)
        if e.workflow_state != "deleted"
    }


def test_each_change_at_the_ladok_desk_reaches_canvas_through_the_feed(demo: Demo) -> None:
    offering = demo.seeded.offering_uids[0]
    bo, astrid = demo.seeded.student_uids[1], demo.seeded.student_uids[0]
    with httpx.Client(base_url=demo.ladok_url) as ladok:
        _send(ladok, "participation", "p", student=bo, offering=offering, action="register")
        _send(ladok, "suspension", "s", student=astrid, days="7")
        _send(
            ladok,
            "offering",
            "o",
            course=demo.seeded.course_uids[1],
            code="60299",
            term=demo.seeded.term_code,
            start=demo.seeded.start.isoformat(),
            end=demo.seeded.end.isoformat(),
        )
        demo.apply()
        people = _people(demo, offering)
        assert people["Bo Ek"] == ("Registrerad", "active")
        assert people["Astrid Lind"] == ("Registrerad", "inactive")
        (added,) = [o for o in demo.desk.offerings() if o.code == "60299"]
        assert demo.canvas.course_by_sis_id(added.uid) is not None

        _send(ladok, "participation", "p", student=bo, offering=offering, action="drop_out")
        demo.apply()

    assert "Bo Ek" not in _people(demo, offering)


def test_the_people_the_demo_launches_as_are_canvas_users_enrolled_as_such(demo: Demo) -> None:
    users = {u.id: u.name for u in demo.canvas.users()}
    personas = demo.platform.personas
    assert {users.get(personas[k].canvas_user_id) for k in ("teacher", "ta", "student", "admin")} == {
        "Tora Lärare",
        "Tage Assistent",
        "Stina Student",
        "Ada Administratör",
    }
    for course in demo.courses():
        seated = {
            (e.user_id, e.type) for e in demo.canvas.enrollments(course_id=course.id) if e.workflow_state == "active"
        }
        assert {
            (personas["teacher"].canvas_user_id, "TeacherEnrollment"),
            (personas["ta"].canvas_user_id, "TaEnrollment"),
            (personas["student"].canvas_user_id, "StudentEnrollment"),
        } <= seated
    # The co-reading consent asks Canvas exactly this about the launching teacher.
    course = demo.courses()[0]
    assert teaches_course(demo.context.canvas, course.sis_course_id or "", str(personas["teacher"].canvas_user_id))
    assert not teaches_course(demo.context.canvas, course.sis_course_id or "", str(personas["ta"].canvas_user_id))
