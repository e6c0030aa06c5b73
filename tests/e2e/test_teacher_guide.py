"""The teacher's view in Swedish, in a browser, as docs/larare.md shows it: early access and co-reading.

The demo runs whole; its teacher is a teacher of every course in the sandbox Canvas, so linking another
offering they teach needs nobody's approval. Screenshots go to the test's folder, and to the folder named
by KURSADMIN_GUIDE_SCREENSHOTS (docs/images, to take the guide's pictures again).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.demo.system import Demo, start_demo
from tests.e2e.chromium import BROWSER_TESTS

pytestmark = BROWSER_TESTS
GUIDE_SCREENSHOTS = os.environ.get("KURSADMIN_GUIDE_SCREENSHOTS")


@pytest.fixture
def demo(database_url: str) -> Iterator[Demo]:
    """The demo with its seeded term applied and the worker running, as `kursadmin demo` runs it."""
    with start_demo(database_url) as running:
        running.apply()
        stop = threading.Event()
        worker = threading.Thread(target=running.work, args=(stop,), name="demo-worker")
        worker.start()
        try:
            yield running
        finally:
            stop.set()
            worker.join()


def _shoot(page: Any, folder: Path, name: str) -> None:
    page.screenshot(path=folder / name)
    if GUIDE_SCREENSHOTS:
        page.screenshot(path=Path(GUIDE_SCREENSHOTS) / name)


def test_a_teacher_turns_early_access_on_and_links_an_offering_they_teach_in_swedish(
    demo: Demo, browser: Any, tmp_path: Path
) -> None:
    courses = {c.course_code: c for c in demo.courses()}  # the demo's people are seated in each
    own = courses["DD1310 50101"]
    context = browser.new_context(viewport={"width": 1100, "height": 1500}, locale="sv-SE")
    page = context.new_page()
    page.goto(demo.platform_url + demo.platform.frame_page_path("teacher", own.id, locale="sv"))
    tool = page.frame_locator("iframe[title='Kursadministration']")
    tool.get_by_role("heading", name="Kurstillfällen i den här kursen").wait_for()
    assert tool.locator("#early-state").inner_text() == "Tidig åtkomst är av."
    _shoot(page, tmp_path, "larare-kurs.png")

    tool.get_by_label("Tidig åtkomst på").check()
    tool.get_by_role("button", name="Spara").click()
    tool.get_by_text("Tidig åtkomst är på.").wait_for()
    _shoot(page, tmp_path, "larare-tidig-atkomst.png")

    tool.get_by_label("Sök kurstillfälle (kod, namn eller termin)").fill("50102")
    tool.get_by_role("button", name="Sök").click()
    tool.get_by_role("button", name="Koppla 50102").wait_for()
    _shoot(page, tmp_path, "larare-sok.png")
    tool.get_by_role("button", name="Koppla 50102").click()
    linked = tool.locator("tr", has_text="Samläsning")
    linked.wait_for()
    assert "50102" in linked.inner_text()  # linked at once: Canvas says this teacher teaches its course
    assert tool.get_by_text("väntar på en administratörs godkännande").count() == 0
    _shoot(page, tmp_path, "larare-samlasning.png")
    context.close()
