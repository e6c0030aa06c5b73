"""Worker heartbeats per process and institution, and on PostgreSQL a lock that lives exactly as long as its holder."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from app.store import workers
from app.store.db import write_session

NOW = dt.datetime(2025, 11, 24, 12, 0, tzinfo=dt.UTC)


def test_the_last_heartbeat_per_institution_and_the_workers_still_running(engine: Engine) -> None:
    with write_session(engine) as s:
        workers.beat(s, "a:1:10:ff", "a", 1, ["kth"], NOW, now=NOW)
        workers.beat(s, "b:2:20:ff", "b", 2, ["kth", "uu"], NOW, now=NOW + dt.timedelta(seconds=5))
        workers.beat(s, "a:1:10:ff", "a", 1, ["kth"], NOW, now=NOW + dt.timedelta(seconds=20))
        workers.stopped(s, ["b:2:20:ff"], now=NOW + dt.timedelta(seconds=21))

    with Session(engine) as s:
        assert workers.last_beat(s, "kth") == NOW + dt.timedelta(seconds=20)
        assert workers.last_beat(s, "uu") == NOW + dt.timedelta(seconds=5)  # stopped since, its last beat stands
        assert workers.last_beat(s, "lu") is None
        assert [(w.host, w.pid) for w in workers.running(s, "kth")] == [("a", 1)]
        assert workers.running(s, "uu") == []


def test_a_beat_after_a_worker_was_taken_for_stopped_lists_it_again_and_old_rows_go(engine: Engine) -> None:
    with write_session(engine) as s:
        workers.beat(s, "a:1:10:ff", "a", 1, ["kth"], NOW, now=NOW)
        workers.stopped(s, ["a:1:10:ff"], now=NOW)
        workers.beat(s, "a:1:10:ff", "a", 1, ["kth"], NOW, now=NOW + dt.timedelta(seconds=20))
        workers.beat(s, "old:3:30:ff", "old", 3, ["kth"], NOW, now=NOW - workers.KEPT_FOR - dt.timedelta(seconds=1))
        workers.forget_old(s, now=NOW)

    with Session(engine) as s:
        assert [w.host for w in workers.running(s)] == ["a"]


@pytest.mark.postgres
def test_on_postgresql_a_worker_is_present_exactly_while_its_lock_is_held(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no sessions to outlive: there leases run out, or this host's /proc tells")
    # Two runs of one process at once: the shared lock lets both hold it.
    with workers.Presence(engine, "a:1:10:ff"), workers.Presence(engine, "a:1:10:ff"), Session(engine) as s:
        assert workers.present(s, ["a:1:10:ff", "b:2:20:ff"]) == {"a:1:10:ff"}
    with Session(engine) as s:
        assert workers.present(s, ["a:1:10:ff"]) == set()
