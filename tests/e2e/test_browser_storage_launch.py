"""A teacher launches the tool in headless Chromium where the tool's cookies are blocked in Canvas's frame.

The platform runs on http://127.0.0.1:P1 and the tool on http://localhost:P2: different sites. A Chromium
profile setting blocks every cookie of the tool's site when the platform's page is the top-level site (as Safari
does for all third-party cookies, partitioned ones included), while the tool's own tab keeps its cookies. Each
test checks that the cookies really were blocked or kept.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app.sandbox.lti.platform import SandboxPlatform
from app.store.course_tables import CourseSettingsRow
from app.store.lti_tables import LtiLaunchRow
from tests.e2e.axe import axe_source, serious_violations
from tests.e2e.chromium import BROWSER_TESTS, CHROMIUM
from tests.e2e.servers import free_port, threaded_tool
from tests.integration.lti.harness import make_config, make_tool, seed_course

pytestmark = BROWSER_TESTS

COOKIE_BLOCKED = 2  # Chromium's content setting value for "block"


@contextmanager
def _sites(database_url: str, **platform_options: Any) -> Iterator[tuple[SandboxPlatform, Flask, str]]:
    """The platform (127.0.0.1) and the tool (localhost), each on its own loopback port; yields the tool's base URL."""
    port = free_port()
    tool_base = f"http://localhost:{port}"
    platform = SandboxPlatform(
        tool_login_url=f"{tool_base}/lti/login", tool_launch_url=f"{tool_base}/lti/launch", **platform_options
    )
    with platform.serve():
        tool = make_tool(make_config(platform, database_url, frame_ancestors=(platform.base_url,)))
        seed_course(tool.extensions["kursadmin.engine"])
        with threaded_tool(tool, "127.0.0.1", port):
            yield platform, tool, tool_base


@contextmanager
def _chromium(block_tool_under: tuple[str, str] | None = None, locale: str = "en-GB") -> Iterator[Any]:
    """A Chromium context; with `(tool, platform)` the tool's cookies are blocked while the platform is top-level."""
    from playwright.sync_api import sync_playwright

    rules = {}
    if block_tool_under is not None:
        rules = {f"{block_tool_under[0]},{block_tool_under[1]}": {"setting": COOKIE_BLOCKED}}
    with tempfile.TemporaryDirectory() as profile, sync_playwright() as pw:
        Path(profile, "Default").mkdir()
        prefs = {"profile": {"content_settings": {"exceptions": {"cookies": rules}}}}
        Path(profile, "Default", "Preferences").write_text(json.dumps(prefs))
        # One renderer process for all frames: the tool's frame moves between the platform's site and its own
        # three times per launch, and under load Playwright at times lost track of it across process swaps.
        # Cookies, storage and postMessage keep their per-site rules either way.
        context = pw.chromium.launch_persistent_context(
            profile,
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-background-networking", "--disable-site-isolation-trials"],
            locale=locale,
            viewport={"width": 1000, "height": 600},
        )
        try:
            yield context
        finally:
            context.close()


def _tool_frame(page: Any, tool_base: str) -> Any:
    page.frame_locator("iframe[name='tool_content']").locator("h1").wait_for()
    return next(f for f in page.frames if f.url.startswith(tool_base))


def _teacher_course_page(browser: Any, platform: SandboxPlatform, tool_base: str) -> tuple[Any, Any]:
    """Open course 101 as the teacher in the platform; the page and the tool's frame once the course page shows."""
    page = browser.new_page()
    page.goto(platform.base_url + platform.frame_page_path("teacher", 101))
    frame = _tool_frame(page, tool_base)
    frame.get_by_role("heading", name="Course offerings in this course").wait_for()
    return page, frame


def _cookieless_launches(tool: Flask) -> list[bool]:
    """For each stored launch, whether it was made through platform storage."""
    return [r.cookieless for r in _launches(tool.extensions["kursadmin.engine"])]


def _launches(engine: Engine) -> list[LtiLaunchRow]:
    with Session(engine) as db:
        return list(db.scalars(select(LtiLaunchRow)))


def test_teacher_launches_through_platform_storage_with_cookies_blocked(database_url: str, engine: Engine) -> None:
    with _sites(database_url) as (platform, tool, tool_base), _chromium((tool_base, platform.base_url)) as browser:
        page, frame = _teacher_course_page(browser, platform, tool_base)
        frame.get_by_label("Early access on").check()
        frame.get_by_role("button", name="Save").click()
        frame.get_by_text("Early access is on. Purge date: 2024-09-16.").wait_for()
        assert browser.cookies(tool_base) == []  # the tool kept no cookie: storage carried the login
        db = tool.extensions["kursadmin.engine"]
        assert [(r.cookieless, r.canvas_course_id) for r in _launches(db)] == [(True, 101)]
        with Session(db) as session:
            assert session.get(CourseSettingsRow, ("kth", 101)).early_access
        # The platform's storage was tidied after the launch read it back.
        assert page.evaluate("() => Object.keys(localStorage).filter(k => k.startsWith('lti|'))") == []


def test_storage_withheld_offers_the_tool_in_a_new_tab(database_url: str, engine: Engine) -> None:
    with (
        _sites(database_url, platform_storage=False) as (platform, tool, tool_base),
        _chromium((tool_base, platform.base_url), locale="sv-SE") as browser,
    ):
        page = browser.new_page()
        page.goto(platform.base_url + platform.frame_page_path("teacher", 101, locale="sv-SE"))
        frame = _tool_frame(page, tool_base)
        link = frame.get_by_role("link", name="Öppna Kursadministration i en ny flik")
        link.wait_for()
        assert frame.locator("h2").inner_text() == "Öppna verktyget i en ny flik"
        assert serious_violations(frame, axe_source()) == []
        assert browser.cookies(tool_base) == []  # cookies really are blocked in the frame
        assert _launches(tool.extensions["kursadmin.engine"]) == []
        with browser.expect_page() as opened:
            link.click()
        tab = opened.value
        tab.get_by_role("heading", name="Kurstillfällen i den här kursen").wait_for()
        assert tab.url.startswith(f"{tool_base}/course/")
        assert _cookieless_launches(tool) == [False]


def test_with_cookies_allowed_the_launch_uses_them_as_today(database_url: str, engine: Engine) -> None:
    with _sites(database_url) as (platform, tool, tool_base), _chromium() as browser:
        _teacher_course_page(browser, platform, tool_base)
        assert {c["name"] for c in browser.cookies(tool_base)} >= {"session"}
        assert _cookieless_launches(tool) == [False]


def test_forged_storage_answers_are_ignored(database_url: str, engine: Engine) -> None:
    # Before each real answer the platform's page sends two forgeries with the value "forged": one from the right
    # origin with another message_id, one with the right message_id from another origin. Taking either would
    # post a wrong proof, which the server refuses.
    with (
        _sites(database_url, storage_forgeries=True) as (platform, tool, tool_base),
        _chromium((tool_base, platform.base_url)) as browser,
    ):
        page = browser.new_page()
        page.goto(platform.base_url + platform.frame_page_path("teacher", 101))
        # Watched from the platform's page: only the course page, taller than Canvas's 450 px minimum, makes the
        # platform grow the iframe; the refusal page a forged proof would earn does not.
        page.wait_for_function(
            "() => document.querySelector(\"iframe[name='tool_content']\").getBoundingClientRect().height > 450"
        )
        assert page.evaluate("() => document.body.dataset.forgedAnswers") == "2"
        assert _cookieless_launches(tool) == [True]


def test_the_platform_fits_its_iframe_to_the_tools_page(database_url: str, engine: Engine) -> None:
    with _sites(database_url) as (platform, _, tool_base), _chromium() as browser:
        page, frame = _teacher_course_page(browser, platform, tool_base)
        content = frame.evaluate("() => Math.ceil(document.documentElement.getBoundingClientRect().height)")
        assert content > 600  # taller than the window: without resizing, the bottom would be cut off
        page.wait_for_function(
            "h => Math.round(document.querySelector(\"iframe[name='tool_content']\").getBoundingClientRect().height)"
            " === h",
            arg=content,
        )
        assert frame.evaluate("() => document.documentElement.scrollHeight <= window.innerHeight")


def test_without_the_forwarding_frame_storage_goes_through_the_parent(database_url: str, engine: Engine) -> None:
    # Canvas's own fallback (its Rich Content Editor has no forwarding frame beside the tool): post to the parent.
    with (
        _sites(database_url, forwarding_frame=False) as (platform, tool, tool_base),
        _chromium((tool_base, platform.base_url)) as browser,
    ):
        _teacher_course_page(browser, platform, tool_base)
        assert browser.cookies(tool_base) == []
        assert _cookieless_launches(tool) == [True]


def test_storage_that_never_answers_falls_back_to_cookies(database_url: str, engine: Engine) -> None:
    with _sites(database_url, storage_answers=False) as (platform, tool, tool_base), _chromium() as browser:
        _teacher_course_page(browser, platform, tool_base)
        assert _cookieless_launches(tool) == [False]  # the login page timed out, found cookies working, went on
