"""The sandbox platform names the launch's course as Canvas would: its SIS id, name and course code."""

from __future__ import annotations

from app.lti.claims import parse_claims
from app.sandbox.lti.personas import PERSONAS
from app.sandbox.lti.platform import SandboxPlatform
from app.sandbox.lti.tokens import LTI, CourseFacts, LaunchContext, claims


def _claims(course: CourseFacts | None) -> dict[str, object]:
    return claims(
        issuer="https://canvas.instructure.com",
        client_id="1",
        deployment_id="1:d",
        target_link_uri="https://tool/launch",
        persona=PERSONAS["teacher"],
        ctx=LaunchContext("course_navigation", 7, 1, "en", course),
        nonce="n",
    )


def test_a_known_course_is_named_by_its_sis_id_name_and_code() -> None:
    body = _claims(CourseFacts("offering-uid", "Programmeringsteknik HT2026", "DD1310 50101"))

    assert parse_claims(body).canvas_course_sis_id == "offering-uid"
    assert body[LTI + "context"]["title"] == "Programmeringsteknik HT2026"
    assert body[LTI + "context"]["label"] == "DD1310 50101"


def test_a_course_without_sis_id_sends_the_variable_unexpanded() -> None:
    body = _claims(CourseFacts(None, "Sandlåda", "SANDBOX"))

    assert body[LTI + "custom"]["canvas_course_sis_id"] == "$Canvas.course.sisSourceId"
    assert parse_claims(body).canvas_course_sis_id is None


def test_the_platform_asks_its_canvas_about_the_course_it_launches_in() -> None:
    known = {7: CourseFacts("offering-uid", "Programmeringsteknik HT2026", "DD1310 50101")}
    platform = SandboxPlatform(
        tool_login_url="https://tool/login", tool_launch_url="https://tool/launch", course_facts=known.get
    )

    page = platform.app.test_client().get(platform.frame_page_path("teacher", 7)).get_data(as_text=True)

    assert "<h1>Programmeringsteknik HT2026 — Tora Lärare</h1>" in page
