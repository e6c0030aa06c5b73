"""An administrator pauses and resumes, releases or discards held removals, and retries dead letters."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.store.db import write_session
from app.store.queue_tables import JobRow
from app.store.tables import HeldRemovalRow, InstitutionControlRow, LedgerEnrollmentRow
from tests.builders import dead_letter
from tests.integration.lti.harness import LaunchDriver, csrf_token


def _admin(driver: LaunchDriver) -> tuple[str, str]:
    page = driver.launch_page("admin", None, placement="account_navigation")
    return page, csrf_token(driver.client.get(page).get_data(as_text=True))


def _db(tool: Flask) -> Session:
    return Session(tool.extensions["kursadmin.engine"])


def _hold(tool: Flask) -> None:
    with write_session(tool.extensions["kursadmin.engine"]) as db:
        db.add(
            LedgerEnrollmentRow(
                institution_id="kth",
                student_uid="s1",
                section_sis_id="o1",
                kind="student",
                canvas_enrollment_id=7,
                canvas_course_id=101,
                state="active",
            )
        )
        db.add(
            HeldRemovalRow(
                institution_id="kth",
                student_uid="s1",
                section_sis_id="o1",
                kind="student",
                canvas_course_id=101,
                reason="would remove 40% of course 101",
            )
        )


def test_pause_and_resume(driver: LaunchDriver, tool: Flask) -> None:
    page, token = _admin(driver)
    resp = driver.client.post(f"{page}/pause", data={"csrf_token": token})
    assert resp.status_code == 303
    html = driver.client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Paused: events are read and stored" in html and ">Resume<" in html
    with _db(tool) as db:
        row = db.get(InstitutionControlRow, "kth")
        assert row.paused and row.paused_by == "canvas:505"
    driver.client.post(f"{page}/resume", data={"csrf_token": token})
    with _db(tool) as db:
        assert not db.get(InstitutionControlRow, "kth").paused


def test_release_held_removals_queues_their_students(driver: LaunchDriver, tool: Flask) -> None:
    _hold(tool)
    page, token = _admin(driver)
    assert "would remove 40% of course 101" in driver.client.get(page).get_data(as_text=True)
    resp = driver.client.post(f"{page}/release", data={"csrf_token": token})
    assert "1 removals released." in driver.client.get(resp.headers["Location"]).get_data(as_text=True)
    with _db(tool) as db:
        assert db.scalars(select(HeldRemovalRow)).first() is None
        assert [(j.kind, j.uid) for j in db.scalars(select(JobRow))] == [("student", "s1")]


def test_discard_needs_confirmation_and_then_forgets_the_enrollments(driver: LaunchDriver, tool: Flask) -> None:
    _hold(tool)
    page, token = _admin(driver)
    refused = driver.client.post(f"{page}/discard", data={"csrf_token": token})
    assert refused.status_code == 400 and "Tick the confirmation first" in refused.get_data(as_text=True)
    with _db(tool) as db:
        assert db.scalars(select(HeldRemovalRow)).first() is not None
    driver.client.post(f"{page}/discard", data={"csrf_token": token, "confirm": "y"})
    with _db(tool) as db:
        assert db.scalars(select(HeldRemovalRow)).first() is None
        assert db.scalars(select(LedgerEnrollmentRow)).first() is None


def test_retry_dead_letters(driver: LaunchDriver, tool: Flask) -> None:
    with write_session(tool.extensions["kursadmin.engine"]) as db:
        db.add(dead_letter("s9", "boom"))
    page, token = _admin(driver)
    resp = driver.client.post(f"{page}/retry-dead", data={"csrf_token": token})
    assert "1 failed jobs queued again." in driver.client.get(resp.headers["Location"]).get_data(as_text=True)
    with _db(tool) as db:
        job = db.get(JobRow, ("kth", "student", "s9"))
        assert not job.dead and job.attempts == 0


def test_a_teacher_launch_cannot_act_as_administrator(driver: LaunchDriver, tool: Flask) -> None:
    page = driver.launch_page("teacher", 101)
    token = csrf_token(driver.client.get(page).get_data(as_text=True))
    launch_id = page.rsplit("/", 1)[-1]
    resp = driver.client.post(f"/admin/{launch_id}/pause", data={"csrf_token": token})
    assert resp.status_code == 403
    with _db(tool) as db:
        assert db.get(InstitutionControlRow, "kth") is None


def test_admin_action_without_csrf_token_is_refused(driver: LaunchDriver, tool: Flask) -> None:
    page, _ = _admin(driver)
    assert driver.client.post(f"{page}/pause").status_code == 400
    with _db(tool) as db:
        assert db.get(InstitutionControlRow, "kth") is None
