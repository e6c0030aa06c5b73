"""The teacher's course page: offerings with counts, early access, co-reading, and whether Canvas caught up."""

from __future__ import annotations

import datetime as dt
import re

from flask import Flask
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.store.db import write_session
from app.store.lti_tables import LtiLaunchRow
from app.store.tables import CoReadingLinkRow, CourseSettingsRow, JobRow, LedgerEnrollmentRow
from tests.integration.lti.harness import LaunchDriver, csrf_token, seed_course


def _engine(tool: Flask):
    return tool.extensions["kursadmin.engine"]


def _row_text(html: str, code: str) -> str:
    match = re.search(rf"<tr>\s*<th scope=\"row\">{code}</th>(.*?)</tr>", html, re.S)
    assert match, f"no row for {code}"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip()


def test_page_lists_the_course_offerings_with_counts(driver: LaunchDriver, tool: Flask) -> None:
    seed_course(_engine(tool))
    with write_session(_engine(tool)) as db:
        db.add(LedgerEnrollmentRow(institution_id="kth", student_uid="s-da-0", section_sis_id="o-da1000-ht24",
                                   kind="student", canvas_enrollment_id=1, canvas_course_id=101, state="active"))
    html = driver.client.get(driver.launch_page()).get_data(as_text=True)
    # code, name, term, start, admitted, registered, in Canvas, connection
    assert _row_text(html, "50123") == "Databases HT2024 2024-09-02 3 2 1 Own section"
    assert "50999" not in html  # the other offering is not in this course


def test_early_access_on_with_the_suggested_purge_date(driver: LaunchDriver, tool: Flask) -> None:
    seed_course(_engine(tool))
    page = driver.launch_page()
    html = driver.client.get(page).get_data(as_text=True)
    assert 'value="2024-09-16"' in html  # earliest start 2024-09-02 + 14 days
    resp = driver.client.post(f"{page}/early-access", data={"enabled": "y", "csrf_token": csrf_token(html)})
    assert resp.status_code == 303
    after = driver.client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Early access is on. Purge date: 2024-09-16." in after
    assert "Pending…" in after
    with Session(_engine(tool)) as db:
        row = db.get(CourseSettingsRow, ("kth", 101))
        assert (row.early_access, row.purge_date) == (True, dt.date(2024, 9, 16))
        assert row.changed_by == "lti:501"
        assert {j.uid for j in db.scalars(select(JobRow))} == {"s-da-0", "s-da-1", "s-da-2"}


def test_teacher_chooses_another_purge_date_and_turns_it_off_again(driver: LaunchDriver, tool: Flask) -> None:
    seed_course(_engine(tool))
    page = driver.launch_page()
    token = csrf_token(driver.client.get(page).get_data(as_text=True))
    driver.client.post(f"{page}/early-access", data={"enabled": "y", "purge_date": "2024-10-01", "csrf_token": token})
    with Session(_engine(tool)) as db:
        assert db.get(CourseSettingsRow, ("kth", 101)).purge_date == dt.date(2024, 10, 1)
    driver.client.post(f"{page}/early-access", data={"csrf_token": token})
    with Session(_engine(tool)) as db:
        assert db.get(CourseSettingsRow, ("kth", 101)).early_access is False


def test_invalid_purge_date_is_explained_and_nothing_changes(driver: LaunchDriver, tool: Flask) -> None:
    page = driver.launch_page()
    token = csrf_token(driver.client.get(page).get_data(as_text=True))
    resp = driver.client.post(f"{page}/early-access", data={"enabled": "y", "purge_date": "31/12", "csrf_token": token})
    assert resp.status_code == 400
    assert "Please check the fields" in resp.get_data(as_text=True)
    assert 'aria-invalid="true"' in resp.get_data(as_text=True)
    with Session(_engine(tool)) as db:
        assert db.get(CourseSettingsRow, ("kth", 101)) is None


def test_search_link_and_unlink_an_offering(driver: LaunchDriver, tool: Flask) -> None:
    ids = seed_course(_engine(tool))
    page = driver.launch_page()
    found = driver.client.get(page, query_string={"q": "algor"}).get_data(as_text=True)
    assert "50999" in found and "Link" in found
    assert "No offerings matched" in driver.client.get(page, query_string={"q": "zzz"}).get_data(as_text=True)
    token = csrf_token(found)
    resp = driver.client.post(f"{page}/link", data={"offering_uid": ids["other"], "csrf_token": token})
    assert resp.status_code == 303
    html = driver.client.get(resp.headers["Location"]).get_data(as_text=True)
    assert _row_text(html, "50999").endswith("Co-reading Unlink")
    with Session(_engine(tool)) as db:
        assert [r.offering_uid for r in db.scalars(select(CoReadingLinkRow))] == [ids["other"]]
        keys = {(j.kind, j.uid) for j in db.scalars(select(JobRow))}
        assert {("offering", ids["other"]), ("student", "s-dd-0"), ("student", "s-dd-1")} <= keys
    driver.client.post(f"{page}/unlink", data={"offering_uid": ids["other"], "csrf_token": token})
    with Session(_engine(tool)) as db:
        assert db.scalars(select(CoReadingLinkRow)).first() is None


def test_linking_an_unknown_offering_is_refused(driver: LaunchDriver, tool: Flask) -> None:
    page = driver.launch_page()
    token = csrf_token(driver.client.get(page).get_data(as_text=True))
    resp = driver.client.post(f"{page}/link", data={"offering_uid": "nope", "csrf_token": token})
    assert resp.status_code == 404
    assert "does not exist" in resp.get_data(as_text=True)


def test_linking_the_courses_own_offering_adds_no_co_reading_link(driver: LaunchDriver, tool: Flask) -> None:
    ids = seed_course(_engine(tool))
    page = driver.launch_page()
    token = csrf_token(driver.client.get(page).get_data(as_text=True))
    assert driver.client.post(f"{page}/link", data={"offering_uid": ids["own"], "csrf_token": token}).status_code == 303
    assert driver.client.post(f"{page}/link", data={"csrf_token": token}).status_code == 400
    with Session(_engine(tool)) as db:
        assert db.scalars(select(CoReadingLinkRow)).first() is None


def test_status_turns_up_to_date_when_the_worker_has_done_the_jobs(driver: LaunchDriver, tool: Flask) -> None:
    ids = seed_course(_engine(tool))
    page = driver.launch_page()
    token = csrf_token(driver.client.get(page).get_data(as_text=True))
    driver.client.post(f"{page}/link", data={"offering_uid": ids["other"], "csrf_token": token})
    assert "Pending…" in driver.client.get(page).get_data(as_text=True)
    with write_session(_engine(tool)) as db:
        db.execute(update(JobRow).values(done_seq=JobRow.dirty_seq))
    assert "Canvas is up to date." in driver.client.get(page).get_data(as_text=True)
    with write_session(_engine(tool)) as db:
        db.execute(update(JobRow).where(JobRow.uid == "s-dd-0").values(dirty_seq=JobRow.dirty_seq + 1, dead=True))
    assert "1 changes failed" in driver.client.get(page).get_data(as_text=True)


def test_status_fragment_reports_pending_changes_for_the_page_to_poll(driver: LaunchDriver, tool: Flask) -> None:
    ids = seed_course(_engine(tool))
    page = driver.launch_page()
    token = csrf_token(driver.client.get(page).get_data(as_text=True))
    driver.client.post(f"{page}/link", data={"offering_uid": ids["other"], "csrf_token": token})
    driver.client.post(f"{page}/unlink", data={"offering_uid": ids["other"], "csrf_token": token})
    pending = driver.client.get(f"{page}/status")
    assert pending.headers["X-Pending"] == "3"  # the unlinked offering and its two students are still watched
    assert "Pending… 3 changes" in pending.get_data(as_text=True)
    with write_session(_engine(tool)) as db:
        db.execute(update(JobRow).values(done_seq=JobRow.dirty_seq))
    done = driver.client.get(f"{page}/status")
    assert done.headers["X-Pending"] == "0" and "Canvas is up to date." in done.get_data(as_text=True)


def test_pages_may_be_framed_only_by_the_institutions_canvas(driver: LaunchDriver) -> None:
    resp = driver.client.get(driver.launch_page())
    csp = resp.headers["Content-Security-Policy"]
    assert "frame-ancestors 'self' https://canvas.example.se" in csp
    assert "X-Frame-Options" not in resp.headers


def test_another_browser_cannot_open_the_page(driver: LaunchDriver, tool: Flask) -> None:
    page = driver.launch_page()
    stranger = tool.test_client()
    resp = stranger.get(page, base_url="https://localhost")
    assert resp.status_code == 403
    assert "belongs to another or an expired launch" in resp.get_data(as_text=True)


def test_unknown_or_expired_launch_ids_are_refused(driver: LaunchDriver, tool: Flask) -> None:
    page = driver.launch_page()
    assert driver.client.get("/course/no-such-launch").status_code == 403
    with write_session(_engine(tool)) as db:
        db.execute(update(LtiLaunchRow).values(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)))
    resp = driver.client.get(page)
    assert resp.status_code == 403
    assert "belongs to another or an expired launch" in resp.get_data(as_text=True)
