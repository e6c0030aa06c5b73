"""The admin view shows the institution's feed position, inbox, rejected entries and jobs."""

from __future__ import annotations

import datetime as dt

from flask import Flask

from app.store.db import write_session
from app.store.queue_tables import JobRow
from app.store.tables import ActionLogRow, FeedPosition, InboxEvent, RejectedEntry
from tests.integration.lti.harness import LaunchDriver, seed_course


def test_admin_sees_the_adapter_state_of_their_institution(driver: LaunchDriver, tool: Flask) -> None:
    now = dt.datetime.now(dt.UTC)
    with write_session(tool.extensions["kursadmin.engine"]) as db:
        db.add(FeedPosition(institution_id="kth", page_url="https://ladok/feed/317100", entry_id="e-9"))
        for i, outcome in enumerate(["recorded", "recorded", "unknown"]):
            db.add(
                InboxEvent(
                    institution_id="kth",
                    handelse_uid=f"h{i}",
                    entry_id=f"e{i}",
                    event_type="T",
                    outcome=outcome,
                    page_url="p",
                )
            )
        db.add(RejectedEntry(institution_id="kth", page_url="p", entry_id="e-bad", reason="no HandelseUID"))
        for op, outcome in [("Enroll", "done"), ("Enroll", "done"), ("CreateSection", "done"), ("Enroll", "failed")]:
            db.add(ActionLogRow(institution_id="kth", operation=op, outcome=outcome))
        db.add(RejectedEntry(institution_id="other", page_url="p", entry_id="e-else", reason="not ours"))
        db.add_all(
            [
                JobRow(
                    institution_id="kth",
                    kind="student",
                    uid="s1",
                    dirty_seq=2,
                    done_seq=1,
                    not_before=now,
                    dirtied_at=now,
                ),
                JobRow(
                    institution_id="kth",
                    kind="student",
                    uid="s2",
                    dirty_seq=1,
                    done_seq=0,
                    not_before=now,
                    dirtied_at=now,
                    dead=True,
                    last_error="Canvas said 500",
                ),
            ]
        )
    html = driver.client.get(driver.launch_page("admin", None, placement="account_navigation")).get_data(as_text=True)
    assert "https://ladok/feed/317100" in html and "e-9" in html
    assert '<th scope="row">Recorded</th><td class="num">2</td>' in html
    assert "no HandelseUID" in html and "not ours" not in html
    assert '<dd id="jobs-pending">1</dd>' in html and '<dd id="jobs-dead">1</dd>' in html
    assert "Canvas said 500" in html
    assert "<li>Students added to courses: 2</li><li>Other changes: 1</li>" in html
    assert "Enroll" not in html and "CreateSection" not in html


def test_admin_view_in_swedish(driver: LaunchDriver) -> None:
    html = driver.client.get(driver.launch_page("admin", None, "sv-SE", "account_navigation")).get_data(as_text=True)
    assert '<html lang="sv">' in html and "Adapterns tillstånd" in html and "Flödet har inte lästs ännu." in html
    assert "Inga händelser har tagits emot." in html


def test_admin_explains_a_student(driver: LaunchDriver, tool: Flask) -> None:
    seed_course(tool.extensions["kursadmin.engine"])
    page = driver.launch_page("admin", None, placement="account_navigation")
    html = driver.client.get(page, query_string={"student": "s-da-2"}).get_data(as_text=True)
    assert "What Ladok said" in html
    assert "now: o-da1000-ht24 admitted=True registered=False" in html
    assert "Queue: never queued" in html
