"""A teacher launches the tool inside the sandbox platform's iframe in headless Chromium, on another site.

The platform runs on http://127.0.0.1:P1 and the tool on http://localhost:P2: different sites, so the tool
is a third-party iframe and its cookies must be `Secure; SameSite=None; Partitioned`. Chromium treats
http://localhost as a secure context and accepts Secure cookies from it, so no TLS is needed for the test.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from app.config import SsoConfig
from app.sandbox.canvas import DEFAULT_TOKEN, CanvasSandbox
from app.sandbox.lti.platform import SandboxPlatform
from app.store.course_tables import CoReadingLinkRow, CourseSettingsRow, LinkRequestRow
from app.store.db import write_session
from app.store.link_requests import request_link
from app.store.queue_tables import JobRow
from app.store.tables import HeldRemovalRow
from tests.builders import dead_letter
from tests.e2e.axe import axe_source, serious_violations
from tests.e2e.chromium import BROWSER_TESTS
from tests.e2e.servers import free_port, threaded_tool
from tests.integration.lti.harness import as_canvas_user, make_config, make_tool, seed_course

pytestmark = BROWSER_TESTS

OPERATOR = "ops@kth.se"


@pytest.fixture
def canvas() -> Iterator[tuple[CanvasSandbox, str]]:
    """The institution's Canvas: a sandbox on a loopback port, and its URL."""
    sandbox = CanvasSandbox(tokens=[DEFAULT_TOKEN])
    with sandbox.serve() as server:
        yield sandbox, server.url


@pytest.fixture
def sites(
    engine: Engine, database_url: str, canvas: tuple[CanvasSandbox, str]
) -> Iterator[tuple[SandboxPlatform, Flask]]:
    """The platform and the tool, each on its own loopback site; the browser may act as the SSO proxy."""
    port = free_port()
    tool_base = f"http://localhost:{port}"
    platform = SandboxPlatform(tool_login_url=f"{tool_base}/lti/login", tool_launch_url=f"{tool_base}/lti/launch")
    with platform.serve():
        config = make_config(
            platform, database_url, frame_ancestors=(platform.base_url,), canvas=(canvas[1], DEFAULT_TOKEN)
        )
        sso = SsoConfig(header="eppn", trusted_proxies=("127.0.0.1",), admins={OPERATOR: ("kth",)})
        tool = make_tool(dataclasses.replace(config, sso=sso))
        with threaded_tool(tool, "127.0.0.1", port):
            yield platform, tool


def _tool_frame(page: Any, heading: str) -> Any:
    """The tool's frame once it shows `heading`: the login's own page comes first and has a heading too."""
    page.wait_for_function("() => document.querySelector('iframe') !== null")
    frame = page.frame_locator("iframe[title='Kursadministration']")
    try:
        frame.get_by_role("heading", level=1, name=heading, exact=True).wait_for()
    except PlaywrightTimeoutError:
        # Say what the frames showed instead: a time-out alone does not tell a refusal from a slow page.
        shown = {f.url: f.evaluate("() => document.body ? document.body.innerText : ''") for f in page.frames}
        raise AssertionError(f"no heading {heading!r} in the tool's frame; the frames showed {shown}") from None
    return next(f for f in page.frames if f.url.startswith("http://localhost"))


def test_teacher_switches_early_access_on_and_links_an_offering(
    sites, canvas, browser, monkeypatch: pytest.MonkeyPatch
) -> None:
    platform, tool = sites
    engine = tool.extensions["kursadmin.engine"]
    ids = seed_course(engine)
    sandbox = canvas[0]  # the teacher also teaches the other offering's own course, so may link it
    sandbox.enroll(
        as_canvas_user(sandbox, monkeypatch), sandbox.create_course("Algoritmer", ids["other"]), "TeacherEnrollment"
    )
    axe = axe_source()
    page = browser.new_page()
    page.goto(platform.base_url + platform.frame_page_path("teacher", 101))
    frame = _tool_frame(page, "Course offerings in this course")
    assert serious_violations(frame, axe) == []

    # Keyboard only: Space ticks the checkbox, Enter submits.
    frame.get_by_label("Early access on").press("Space")
    frame.get_by_role("button", name="Save").press("Enter")
    frame.get_by_text("Early access is on. Purge date: 2024-09-16.").wait_for()

    frame.get_by_label("Search offerings (code, name or term)").fill("algor")
    frame.get_by_label("Search offerings (code, name or term)").press("Enter")
    frame.get_by_role("button", name="Link 50999").press("Enter")
    frame.get_by_role("button", name="Unlink 50999").wait_for()
    assert "Pending…" in frame.locator("#sync-status").inner_text()
    assert serious_violations(frame, axe) == []

    with Session(engine) as db:
        settings = db.get(CourseSettingsRow, ("kth", 101))
        assert settings is not None and settings.early_access
        assert [r.offering_uid for r in db.scalars(select(CoReadingLinkRow))] == [ids["other"]]
        pending = {(j.kind, j.uid) for j in db.scalars(select(JobRow)) if j.dirty_seq > j.done_seq}
        assert {("offering", ids["other"]), ("student", "s-dd-0"), ("student", "s-da-2")} <= pending
    # The worker catches up; the page notices by itself.
    with write_session(engine) as db:
        db.execute(update(JobRow).values(done_seq=JobRow.dirty_seq))
    frame.locator("#sync-status").get_by_text("Canvas is up to date.").wait_for(timeout=20_000)
    page.close()


def test_refusal_and_admin_pages_in_swedish_are_accessible(sites, browser) -> None:
    platform, tool = sites
    engine = tool.extensions["kursadmin.engine"]
    seed_course(engine)
    with write_session(engine) as db:
        db.add(
            HeldRemovalRow(
                institution_id="kth",
                student_uid="s-da-0",
                section_sis_id="o-da1000-ht24",
                kind="student",
                canvas_course_id=101,
                reason="40 % av kursen",
            )
        )
        db.add(dead_letter("s-da-1", "Canvas svarade 500", attempts=0))
    axe = axe_source()
    page = browser.new_page()
    page.goto(platform.base_url + platform.frame_page_path("student", 101, locale="sv-SE"))
    frame = _tool_frame(page, "Du kan inte ändra inställningarna")
    assert serious_violations(frame, axe) == []
    page.goto(platform.base_url + platform.frame_page_path("admin", None, locale="sv-SE"))
    frame = _tool_frame(page, "Adapterns tillstånd")
    frame.get_by_label("Studentens Ladok-UID").fill("s-da-2")
    frame.get_by_role("button", name="Förklara").press("Enter")
    frame.get_by_text("admitted=True registered=False").wait_for()
    assert serious_violations(frame, axe) == []
    page.close()


def test_admin_approves_a_request_in_canvas_and_an_sso_operator_sees_it(sites, browser) -> None:
    platform, tool = sites
    engine = tool.extensions["kursadmin.engine"]
    ids = seed_course(engine)
    with write_session(engine) as db:
        request_link(db, "kth", 101, ids["other"], "canvas:501", "Tora Lärare")
    axe = axe_source()
    page = browser.new_page()
    page.goto(platform.base_url + platform.frame_page_path("admin", None))
    frame = _tool_frame(page, "Adapter status")
    assert "Tora Lärare (Canvas user 501)" in frame.locator("#requests").inner_text()
    assert serious_violations(frame, axe) == []
    frame.get_by_role("button", name="Approve 50999 in Canvas course 101").press("Enter")
    frame.get_by_text("Request approved; the students are being added to the course.").wait_for()
    assert "Ada Administratör (Canvas user 505)" in frame.locator("#history").inner_text()
    assert serious_violations(frame, axe) == []
    page.close()
    with Session(engine) as db:
        assert [r.status for r in db.scalars(select(LinkRequestRow))] == ["approved"]
        assert [r.offering_uid for r in db.scalars(select(CoReadingLinkRow))] == [ids["other"]]

    # Outside Canvas, through the SSO (here the browser itself stands where the proxy would).
    sso_page = browser.new_page(extra_http_headers={"eppn": OPERATOR, "Accept-Language": "sv-SE"})
    sso_page.goto(platform.tool_login_url.replace("/lti/login", "/admin"))
    assert sso_page.locator("h1").inner_text() == "Adapterns tillstånd"
    assert "Koppling begärd" in sso_page.locator("#history").inner_text()
    assert serious_violations(sso_page.main_frame, axe) == []
    sso_page.get_by_role("button", name="Pausa").press("Enter")
    sso_page.get_by_text("Pausad.", exact=True).wait_for()
    sso_page.close()


def test_tool_refuses_to_be_framed_by_a_site_it_does_not_know(sites, browser) -> None:
    platform, _ = sites
    tool_page = platform.tool_login_url.replace("/lti/login", "/lti/jwks")
    stranger = Flask("stranger")
    stranger.add_url_rule("/", "index", lambda: f'<iframe title="tool" src="{tool_page}"></iframe>')
    with threaded_tool(stranger, "127.0.0.2", free_port()) as stranger_url:
        page = browser.new_page()
        with page.expect_console_message(lambda m: "frame-ancestors" in m.text) as refused:
            page.goto(stranger_url)
        assert "violates the following Content Security Policy directive" in refused.value.text
        page.close()
