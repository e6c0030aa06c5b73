"""Link requests under concurrency (PostgreSQL): one open request per course and offering, one decision each."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

from app.store.course_tables import CoReadingLinkRow, CourseAuditRow, LinkRequestRow
from app.store.db import write_session
from app.store.link_requests import decide_request, request_link

pytestmark = pytest.mark.postgres
OFFERING = "o-dd2000-ht24"


def _first_waits_for_second(
    engine: Engine, first: Callable[[Session], object], second: Callable[[Session], object]
) -> tuple[object, object]:
    """Run `first` and hold its transaction open until `second`, in another transaction, is seen waiting for
    a lock; then commit `first` and let `second` finish. Their results, in that order."""
    results: dict[str, object] = {}
    first_done = threading.Event()

    def run_second() -> None:
        first_done.wait(timeout=10)
        with write_session(engine) as s:
            results["second"] = second(s)

    other = threading.Thread(target=run_second)
    other.start()
    with write_session(engine) as s:
        results["first"] = first(s)
        s.flush()
        first_done.set()
        _until_someone_waits_for_a_lock(engine)
    other.join(timeout=30)
    return results["first"], results["second"]


def _until_someone_waits_for_a_lock(engine: Engine) -> None:
    deadline = time.monotonic() + 10
    with engine.connect() as conn:
        while not conn.execute(
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
        ).scalar():
            assert time.monotonic() < deadline, "the second transaction never waited for the first"
            conn.rollback()  # a fresh snapshot of pg_stat_activity each round


def _postgres(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite serialises writers: two transactions never overlap")


def test_two_simultaneous_requests_for_one_link_make_one(engine: Engine) -> None:
    _postgres(engine)
    first, second = _first_waits_for_second(
        engine,
        lambda s: request_link(s, "kth", 101, OFFERING, "canvas:501", "Tora Lärare"),
        lambda s: request_link(s, "kth", 101, OFFERING, "canvas:509", "Tor Lärare"),
    )
    assert (first, second) == (True, False)
    with Session(engine) as db:
        assert [(r.status, r.requested_by) for r in db.scalars(select(LinkRequestRow))] == [("pending", "canvas:501")]
        assert db.scalar(select(func.count()).select_from(CourseAuditRow)) == 1


def test_two_admins_deciding_one_request_at_once_decide_it_once(engine: Engine) -> None:
    _postgres(engine)
    with write_session(engine) as s:
        request_link(s, "kth", 101, OFFERING, "canvas:501", "Tora Lärare")
        request_id = s.scalars(select(LinkRequestRow.id)).one()
    approved, rejected = _first_waits_for_second(
        engine,
        lambda s: decide_request(s, "kth", request_id, True, "canvas:505", "Ada"),
        lambda s: decide_request(s, "kth", request_id, False, "sso:ops@kth.se", "ops@kth.se"),
    )
    assert approved is not None and rejected is None  # the second saw it decided once the first committed
    with Session(engine) as db:
        assert db.get(LinkRequestRow, request_id).status == "approved"
        assert [r.offering_uid for r in db.scalars(select(CoReadingLinkRow))] == [OFFERING]
        assert [a.change for a in db.scalars(select(CourseAuditRow).order_by(CourseAuditRow.id))] == [
            "link_requested",
            "link_approved",
        ]
