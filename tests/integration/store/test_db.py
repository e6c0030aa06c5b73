"""The threads of one worker share a database: each gets a connection, and SQLite writers take turns without polling."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, make_url, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.store import db
from app.store.db import make_engine, write_session
from app.store.schema import upgrade
from app.store.tables import FeedPosition, StudentRow

RECONCILERS = 24


@pytest.fixture
def impatient_sqlite(tmp_path: Path) -> Iterator[Engine]:
    """A migrated SQLite engine whose connections give up at once when another holds the write lock."""
    engine = make_engine(f"sqlite:///{tmp_path / 'kursadmin.db'}")

    @event.listens_for(engine, "connect")
    def _no_patience(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.execute("PRAGMA busy_timeout=0")  # after make_engine's 30 s: a wait shows as an error

    upgrade(engine)
    yield engine
    engine.dispose()


def _bump(engine: Engine) -> None:
    """One write transaction that reads a counter and writes it back one higher."""
    with write_session(engine) as s:
        row = s.get(FeedPosition, "kth")
        if row is None:
            s.add(FeedPosition(institution_id="kth", page_url="0"))
        else:
            row.page_url = str(int(row.page_url) + 1)


def test_the_writers_of_one_process_never_meet_sqlites_lock(impatient_sqlite: Engine) -> None:
    errors: list[Exception] = []

    def writer() -> None:
        for _ in range(25):
            try:
                _bump(impatient_sqlite)
            except Exception as exc:  # "database is locked": two writers of this process met in SQLite
                errors.append(exc)

    _bump(impatient_sqlite)
    threads = [threading.Thread(target=writer) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with impatient_sqlite.connect() as conn:
        assert conn.scalar(select(FeedPosition.page_url)) == str(8 * 25)


def test_a_writer_waits_for_another_process_holding_the_database_then_writes(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite's file lock")
    other = sqlite3.connect(make_url(str(engine.url)).database or "", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # as another worker process in the middle of its write
    writer = threading.Thread(target=_bump, args=(engine,))
    writer.start()
    writer.join(timeout=0.5)
    assert writer.is_alive()  # waiting for the other process, not failed
    other.execute("COMMIT")
    writer.join()
    with engine.connect() as conn:
        assert conn.scalar(select(FeedPosition.page_url)) == "0"
    other.close()


def test_every_reconciler_of_a_busy_worker_holds_a_connection_at_once(database_url: str) -> None:
    engine = make_engine(database_url, pool_timeout=5)
    all_connected = threading.Barrier(RECONCILERS + 2, timeout=20)  # reconcilers, heartbeat, reclaimer
    failures: list[Exception] = []

    def reconciler() -> None:
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
                all_connected.wait()
        except Exception as exc:  # the pool ran dry: this thread waited for another's connection
            failures.append(exc)
            all_connected.abort()

    threads = [threading.Thread(target=reconciler) for _ in range(RECONCILERS + 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    engine.dispose()
    assert failures == []


def test_a_writer_held_up_by_a_stuck_one_of_its_process_fails_instead_of_waiting_for_good(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL's writers do not take turns")
    monkeypatch.setattr(db, "WRITE_WAIT", 0.1)
    holding, release = threading.Event(), threading.Event()

    def stuck() -> None:
        with write_session(engine):
            holding.set()
            release.wait(timeout=30)

    thread = threading.Thread(target=stuck)
    thread.start()
    holding.wait(timeout=30)
    with pytest.raises(TimeoutError):
        _bump(engine)
    release.set()
    thread.join()
    _bump(engine)  # the turn is free again


def test_a_database_error_does_not_quote_personal_data(engine: Engine) -> None:
    student = {"institution_id": "kth", "uid": "u-1", "personnummer": "199001012384", "email": "anna@example.se"}
    with Session(engine) as s:
        s.add(StudentRow(**student))
        s.commit()
    with pytest.raises(IntegrityError) as raised, Session(engine) as s:
        s.add(StudentRow(**student))
        s.commit()
    assert "199001012384" not in str(raised.value) and "anna@example.se" not in str(raised.value)
    assert "hidden due to hide_parameters" in str(raised.value)
