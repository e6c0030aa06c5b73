"""The teacher's course page: offerings with counts, early access, co-reading, and whether Canvas caught up."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from flask import Flask
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.sandbox.canvas import CanvasSandbox
from app.store.course_tables import CoReadingLinkRow, CourseAuditRow, CourseSettingsRow
from app.store.db import write_session
from app.store.lti_tables import LtiLaunchRow
from app.store.queue_tables import JobRow
from app.store.tables import LedgerEnrollmentRow, OfferingRow
from tests.integration.lti.harness import LaunchDriver, as_canvas_user, csrf_token, seed_course


def _engine(tool: Flask):
    return tool.extensions["kursadmin.engine"]


def _row_text(html: str, code: str) -> str:
    match = re.search(rf"<tr>\s*<th scope=\"row\">{code}</th>(.*?)</tr>", html, re.S)
    assert match, f"no row for {code}"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip()


@pytest.fixture
def teaches_other(canvas: CanvasSandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    """The launching teacher also teaches the other offering's own Canvas course, so may link it."""
    other_course = canvas.create_course("Algoritmer HT2024", "o-dd2000-ht24")
    canvas.enroll(as_canvas_user(canvas, monkeypatch), other_course, "TeacherEnrollment")


def test_page_lists_the_course_offerings_with_counts(driver: LaunchDriver, tool: Flask) -> None:
    seed_course(_engine(tool))
    with write_session(_engine(tool)) as db:
        db.add(
            LedgerEnrollmentRow(
                institution_id="kth",
                student_uid="s-da-0",
                section_sis_id="o-da1000-ht24",
                kind="student",
                canvas_enrollment_id=1,
                canvas_course_id=101,
                state="active",
            )
        )
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
        assert row.changed_by == "canvas:501"
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


def test_every_settings_change_is_kept_with_who_and_when(driver: LaunchDriver, tool: Flask) -> None:
    ids = seed_course(_engine(tool))
    page = driver.launch_page()
    token = csrf_token(driver.client.get(page).get_data(as_text=True))
    driver.client.post(f"{page}/early-access", data={"enabled": "y", "csrf_token": token})
    driver.client.post(f"{page}/early-access", data={"enabled": "y", "purge_date": "2024-10-01", "csrf_token": token})
    driver.client.post(f"{page}/early-access", data={"enabled": "y", "purge_date": "2024-10-01", "csrf_token": token})
    driver.client.post(f"{page}/early-access", data={"csrf_token": token})
    with write_session(_engine(tool)) as db:  # linked earlier by an admin
        db.add(CoReadingLinkRow(institution_id="kth", canvas_course_id=101, offering_uid=ids["other"]))
    driver.client.post(f"{page}/unlink", data={"offering_uid": ids["other"], "csrf_token": token})
    with Session(_engine(tool)) as db:
        trail = [
            (a.canvas_course_id, a.change, a.offering_uid, a.old_value, a.new_value, a.by, a.by_name)
            for a in db.scalars(select(CourseAuditRow).order_by(CourseAuditRow.id))
        ]
        assert all(a.at is not None for a in db.scalars(select(CourseAuditRow)))
    who = ("canvas:501", "Tora Lärare")
    assert trail == [  # saving the same date again is no change
        (101, "early_access", None, "off", "on", *who),
        (101, "purge_date", None, None, "2024-09-16", *who),
        (101, "purge_date", None, "2024-09-16", "2024-10-01", *who),
        (101, "early_access", None, "on", "off", *who),
        (101, "unlink", ids["other"], None, None, *who),
    ]


def test_program_offerings_are_found_and_linked_like_course_offerings(driver: LaunchDriver, tool: Flask) -> None:
    seed_course(_engine(tool))
    with write_session(_engine(tool)) as db:
        db.add(
            OfferingRow(
                institution_id="kth",
                uid="o-prog-ht24",
                is_program=True,
                code="TCOMK",
                term="HT2024",
                names={"sv": "Civilingenjör datateknik", "en": "Computer Engineering"},
            )
        )
    page = driver.launch_page("admin", 101)
    found = driver.client.get(page, query_string={"q": "datateknik"}).get_data(as_text=True)
    assert "TCOMK" in found and 'aria-label="Link TCOMK"' in found
    driver.client.post(f"{page}/link", data={"offering_uid": "o-prog-ht24", "csrf_token": csrf_token(found)})
    with Session(_engine(tool)) as db:
        assert [r.offering_uid for r in db.scalars(select(CoReadingLinkRow))] == ["o-prog-ht24"]


def test_invalid_purge_date_is_explained_and_nothing_changes(driver: LaunchDriver, tool: Flask) -> None:
    page = driver.launch_page()
    token = csrf_token(driver.client.get(page).get_data(as_text=True))
    resp = driver.client.post(f"{page}/early-access", data={"enabled": "y", "purge_date": "31/12", "csrf_token": token})
    assert resp.status_code == 400
    assert "Please check the fields" in resp.get_data(as_text=True)
    assert 'aria-invalid="true"' in resp.get_data(as_text=True)
    with Session(_engine(tool)) as db:
        assert db.get(CourseSettingsRow, ("kth", 101)) is None


@pytest.mark.usefixtures("teaches_other")
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


@pytest.mark.usefixtures("teaches_other")
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


@pytest.mark.usefixtures("teaches_other")
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


def test_pages_may_be_framed_only_by_the_institutions_canvas(driver: LaunchDriver, canvas_url: str) -> None:
    resp = driver.client.get(driver.launch_page())
    csp = resp.headers["Content-Security-Policy"]
    assert f"frame-ancestors 'self' {canvas_url}" in csp
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
