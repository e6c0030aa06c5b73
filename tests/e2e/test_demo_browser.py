"""The demo in a browser, as a person plays with it: a change in Ladok shows in Canvas, as does a teacher's.

The demo runs whole (sandbox Ladok and Canvas, the sandbox LTI platform, the tool and the worker reading
the feed every second); Chromium opens its index, registers a student on the Ladok page and watches the
Canvas page, left open in another tab, show the student by itself; then a teacher launches the tool,
turns early access on, and the admitted students appear in Canvas.

Screenshots go to the test's own folder. KURSADMIN_README_SCREENSHOT=docs/images/demo-canvas.png also
writes the README's picture of the Canvas page (regenerate it with that variable set).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.demo.system import Demo, start_demo
from tests.e2e.axe import axe_source, serious_violations
from tests.e2e.chromium import BROWSER_TESTS

pytestmark = BROWSER_TESTS
README_SCREENSHOT = os.environ.get("KURSADMIN_README_SCREENSHOT")


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


def _row(page: Any, name: str) -> Any:
    """The people table's row of one person, once the page shows it."""
    row = page.locator("tbody tr", has_text=name)
    row.wait_for()
    return row


def test_a_ladok_change_and_a_teacher_s_change_show_in_canvas(demo: Demo, browser: Any, tmp_path: Path) -> None:
    axe = axe_source()
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    index = context.new_page()
    index.goto(demo.index_url)
    assert index.locator("h1").inner_text() == "Kursadministration demo"
    assert serious_violations(index.main_frame, axe) == []
    index.screenshot(path=tmp_path / "index.png", full_page=True)
    course_row = index.locator("tbody tr", has_text="DD1310 50101")
    canvas_page = course_row.get_by_role("link").first.get_attribute("href")
    teacher_launch = course_row.get_by_role("link", name="as teacher").get_attribute("href")

    canvas = context.new_page()  # left open: it must follow Canvas by itself
    canvas.goto(canvas_page)
    _row(canvas, "Astrid Lind")
    assert canvas.locator("tbody tr", has_text="Bo Ek").count() == 0  # admitted only: not in Canvas yet
    assert serious_violations(canvas.main_frame, axe) == []

    index.get_by_role("link", name="Open the sandbox Ladok").click()
    (offering,) = [o for o in demo.desk.offerings() if o.label.startswith("DD1310 50101")]
    form = index.get_by_role("region", name="A student on an offering")
    form.get_by_label("Student").select_option(label="Bo Ek")
    form.get_by_label("Offering (kurstillfälle)").select_option(label=f"{offering.label} – {offering.name}")
    form.get_by_label("Register (registrering)").check()
    form.get_by_role("button", name="Send to Ladok").click()
    index.get_by_text(f"Sent: RegistreringEvent: Bo Ek registered on {offering.label}").wait_for()
    assert serious_violations(index.main_frame, axe) == []
    index.screenshot(path=tmp_path / "ladok.png", full_page=True)

    registered = _row(canvas, "Bo Ek")
    assert "Registrerad" in registered.inner_text() and "Active" in registered.inner_text()
    canvas.screenshot(path=tmp_path / "canvas-registered.png", full_page=True)

    teacher = context.new_page()
    teacher.goto(teacher_launch)
    assert teacher.locator("h1").inner_text().startswith(f"{demo.canvas.course_by_sis_id(offering.uid).name} — ")
    tool = teacher.frame_locator("iframe[title='Kursadministration']")
    assert f"Canvas course {offering.uid}" in tool.locator("main p").first.inner_text()  # its SIS id, not "SIS-1"
    tool.get_by_label("Early access on").check()
    tool.get_by_role("button", name="Save").click()
    tool.get_by_text("Early access is on.").wait_for()
    teacher.screenshot(path=tmp_path / "tool.png")

    admitted = _row(canvas, "David Sund")  # admitted, not registered: in Canvas with early access only
    assert "Antagen" in admitted.inner_text() and "Active" in admitted.inner_text()
    canvas.screenshot(path=tmp_path / "canvas.png")
    if README_SCREENSHOT:
        canvas.screenshot(path=README_SCREENSHOT, full_page=True)
    assert sorted(p.name for p in tmp_path.glob("*.png")) == [
        "canvas-registered.png",
        "canvas.png",
        "index.png",
        "ladok.png",
        "tool.png",
    ]
    context.close()
