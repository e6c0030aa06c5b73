"""Errors stored before redaction (old rows) are shown to admins without the personal data they carry."""

from __future__ import annotations

from flask import Flask

from app.store.db import write_session
from app.store.tables import ActionLogRow
from tests.builders import dead_letter
from tests.integration.lti.harness import LaunchDriver

OLD_ERROR = (
    "CanvasUnavailable: GET https://canvas.example.se/api/v1/accounts/1/users?search_term=199001011239"
    "&per_page=100&page=2 → 500: An error occurred."
)


def _old_rows(tool: Flask) -> None:
    with write_session(tool.extensions["kursadmin.engine"]) as db:
        db.add(dead_letter("s-1", OLD_ERROR))
        db.add(
            ActionLogRow(
                institution_id="kth",
                student_uid="s-1",
                operation="reconcile",
                outcome="dead",
                detail={"key": "student:s-1", "error": OLD_ERROR},
            )
        )


def test_the_admin_view_and_explain_show_old_errors_without_the_personnummer(driver: LaunchDriver, tool: Flask) -> None:
    _old_rows(tool)
    admin = driver.launch_page("admin", None, placement="account_navigation")

    overview = driver.client.get(admin).get_data(as_text=True)
    explained = driver.client.get(admin, query_string={"student": "s-1"}).get_data(as_text=True)

    for page in (overview, explained):
        assert "search_term=[redacted]&amp;per_page=100&amp;page=2" in page
        assert "199001011239" not in page
    assert "dead letter after 8 attempts" in explained
