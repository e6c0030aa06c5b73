"""A failure whose text names a person (a login search by personnummer) is stored, logged and shown without it."""

from __future__ import annotations

import logging

import httpx
import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app.core.settings import InstitutionSettings
from app.store.queue_tables import JobRow
from app.store.tables import ActionLogRow
from tests.integration.pipeline.world import FakeClock, World, add_offering, add_student

PERSONNUMMER = "199001011239"


class FailingSecondPage(httpx.BaseTransport):
    """Canvas answering the root account's login search with a next page, which then keeps failing (500)."""

    def __init__(self, canvas: httpx.BaseTransport) -> None:
        self.canvas = canvas

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Pass everything to the sandbox except the search's second page."""
        if request.url.path != "/api/v1/accounts/1/users" or "search_term" not in request.url.params:
            return self.canvas.handle_request(request)
        if request.url.params.get("page") == "2":
            return httpx.Response(500, json={"errors": [{"message": "An error occurred."}]})
        response = self.canvas.handle_request(request)
        response.headers["Link"] = f'<{request.url.copy_merge_params({"page": "2"})}>; rel="next"'
        return response


@pytest.fixture
def failed_search(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, redacting_logs: None
) -> World:
    """A student whose personnummer is their login, whose account creation must search Canvas by it, and fails."""
    world = World(engine, InstitutionSettings(use_as_login_id="ssn"), clock=FakeClock())
    world.canvas.create_user("Ada Lovelace", login_id=PERSONNUMMER)  # made by hand: the login is taken
    sandbox = world.canvas.transport
    monkeypatch.setattr(world.canvas, "transport", lambda: FailingSecondPage(sandbox()))
    world.ladok.add_registration(add_student(world, "Ada", PERSONNUMMER), add_offering(world).offering)
    caplog.set_level(logging.INFO)
    world.sync()
    return world


def test_the_stored_error_names_the_search_but_not_the_person(failed_search: World) -> None:
    with Session(failed_search.engine) as s:
        (job,) = s.scalars(select(JobRow).where(JobRow.kind == "student")).all()
        logged = s.scalars(select(ActionLogRow.detail).where(ActionLogRow.outcome == "failed")).all()

    assert job.attempts == 1 and job.last_error is not None
    assert "/api/v1/accounts/1/users?search_term=[redacted]&per_page=100&page=2 → 500" in job.last_error
    assert PERSONNUMMER not in job.last_error
    assert [PERSONNUMMER in d["error"] for d in logged] == [False]


def test_the_log_says_what_failed_without_the_person(failed_search: World, caplog: pytest.LogCaptureFixture) -> None:
    records = caplog.get_records("setup")  # the fixture's run
    logged = "\n".join(caplog.handler.format(r) for r in records)

    assert any(r.levelno == logging.WARNING and "search_term=[redacted]" in r.getMessage() for r in records)
    assert "search_term" in logged and PERSONNUMMER not in logged
