"""The admin view says in words what was done in Canvas, in Swedish and English, and draws the last 24 hours."""

from __future__ import annotations

import datetime as dt
import re
from xml.etree.ElementTree import Element

from defusedxml.ElementTree import fromstring
from flask import Flask

from app.store.db import write_session
from app.store.ops_tables import LagSampleRow
from app.store.tables import ActionLogRow, InboxEvent
from tests.integration.lti.harness import LaunchDriver

SVG = "{http://www.w3.org/2000/svg}"


def _seed(tool: Flask, now: dt.datetime) -> None:
    hour_ago, three_ago = now - dt.timedelta(hours=1), now - dt.timedelta(hours=3)
    with write_session(tool.extensions["kursadmin.engine"]) as db:
        for at, op, n in [
            (hour_ago, "EnsureCourse", 3),
            (hour_ago, "Enroll", 5),
            (three_ago, "Enroll", 2),
            (three_ago, "EnsureUser", 8),
            (now - dt.timedelta(hours=30), "Enroll", 40),
        ]:
            db.add_all(ActionLogRow(institution_id="kth", operation=op, outcome="done", at=at) for _ in range(n))
        db.add(ActionLogRow(institution_id="kth", operation="Enroll", outcome="held", at=hour_ago))
        db.add(
            InboxEvent(
                institution_id="kth",
                handelse_uid="h",
                entry_id="e",
                event_type="T",
                outcome="other_institution",
                page_url="p",
            )
        )
        db.add_all(
            [
                LagSampleRow(
                    institution_id="kth",
                    minute=three_ago.replace(second=0, microsecond=0),
                    lag_seconds=125.0,
                    pending=4,
                ),
                LagSampleRow(
                    institution_id="kth", minute=hour_ago.replace(second=0, microsecond=0), lag_seconds=12.0, pending=1
                ),
                LagSampleRow(
                    institution_id="other",
                    minute=hour_ago.replace(second=0, microsecond=0),
                    lag_seconds=9999.0,
                    pending=1,
                ),
            ]
        )


def _chart(html: str) -> Element:
    svg = re.search(r"<svg .*?</svg>", html, re.DOTALL)
    assert svg is not None
    chart: Element = fromstring(svg.group(0))
    return chart


def test_what_was_done_is_said_in_english_words(driver: LaunchDriver, tool: Flask) -> None:
    _seed(tool, dt.datetime.now(dt.UTC))
    html = driver.client.get(driver.launch_page("admin", None, placement="account_navigation")).get_data(as_text=True)

    assert (
        "<li>Student accounts created or updated: 8</li><li>Courses created or updated: 3</li>"
        "<li>Students added to courses: 7</li>"
    ) in html
    assert '<th scope="row">Another institution, skipped</th>' in html
    for internal in ("EnsureUser", "EnsureCourse", "Enroll ", "other_institution"):
        assert internal not in html


def test_what_was_done_is_said_in_swedish_words(driver: LaunchDriver, tool: Flask) -> None:
    _seed(tool, dt.datetime.now(dt.UTC))
    html = driver.client.get(driver.launch_page("admin", None, "sv-SE", "account_navigation")).get_data(as_text=True)

    assert (
        "<li>Studentkonton skapade eller uppdaterade: 8</li><li>Kurser skapade eller uppdaterade: 3</li>"
        "<li>Studenter tillagda i kurser: 7</li>"
    ) in html
    assert '<th scope="row">Annat lärosäte, hoppades över</th>' in html
    assert "De senaste 24 timmarna gjordes 18 ändringar i Canvas, flest (10) timmen från kl." in html
    assert "Längsta väntetid för en ändring: 2 min, timmen från kl." in html
    assert _chart(html).find(f"{SVG}title").text == "Ändringar i Canvas och väntetid, senaste 24 timmarna"  # type: ignore[union-attr]


def test_the_chart_draws_the_last_24_hours_of_changes_and_lag(driver: LaunchDriver, tool: Flask) -> None:
    _seed(tool, dt.datetime.now(dt.UTC))
    html = driver.client.get(driver.launch_page("admin", None, placement="account_navigation")).get_data(as_text=True)
    svg = _chart(html)

    assert svg.get("role") == "img" and svg.get("aria-labelledby") == "activity-title activity-desc"
    assert svg.find(f"{SVG}title").text == "Changes in Canvas and lag, last 24 hours"  # type: ignore[union-attr]
    assert "at most 10" in (svg.find(f"{SVG}desc").text or "")  # three hours ago: 8 accounts and 2 enrollments
    bars = [
        (float(r.get("x", 0)), float(r.get("height", 0)), r.find(f"{SVG}title").text)  # type: ignore[union-attr]
        for r in svg.iter(f"{SVG}rect")
        if r.get("class") == "applied"
    ]
    assert len(bars) == 2  # two hours had changes; the one 30 hours ago is outside
    (early_x, early_h, early_title), (late_x, late_h, late_title) = sorted(bars)
    assert early_title.endswith(": 10") and late_title.endswith(": 8")  # type: ignore[union-attr]
    assert early_h > late_h and late_x - early_x > 0
    lag = svg.find(f"{SVG}polyline")
    assert lag is not None and len(lag.get("points", "").split()) == 2  # the other institution's lag is not drawn
    summary = re.search(r'<figcaption id="activity-summary">(.*?)</figcaption>', html, re.DOTALL)
    assert summary is not None
    assert "In the last 24 hours 18 changes were made in Canvas, the most (10)" in summary.group(1)
    assert "The longest a change waited: 2 min" in summary.group(1)


def test_with_nothing_done_the_chart_says_so(driver: LaunchDriver) -> None:
    html = driver.client.get(driver.launch_page("admin", None, placement="account_navigation")).get_data(as_text=True)
    assert "In the last 24 hours 0 changes were made in Canvas" in html
    assert "No worker measured the lag in this period." in html
    assert _chart(html).find(f"{SVG}polyline") is None
