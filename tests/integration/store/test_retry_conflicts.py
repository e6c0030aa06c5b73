"""A transaction PostgreSQL aborts as a deadlock victim is run again; any other database error is not."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import Engine, text

from app.store.db import retry_conflicts, write_session
from app.store.projection import DirtyKey
from app.store.queue import mark_dirty


def _lock_in_order(engine: Engine, first: str, second: str, both_hold_one: threading.Barrier | None) -> None:
    with write_session(engine) as s:
        s.execute(text("UPDATE job SET attempts = attempts + 1 WHERE uid = :u"), {"u": first})
        if both_hold_one is not None:
            both_hold_one.wait(timeout=10)
        s.execute(text("UPDATE job SET attempts = attempts + 1 WHERE uid = :u"), {"u": second})


@pytest.mark.postgres
def test_both_sides_of_a_real_deadlock_end_up_committed(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite serialises writers: it cannot deadlock")
    with write_session(engine) as s:
        mark_dirty(s, "kth", [DirtyKey("student", "a"), DirtyKey("student", "b")])
    barrier = threading.Barrier(2)
    tries: list[str] = []

    def side(first: str, second: str) -> None:
        def transaction() -> None:
            tries.append(first)
            first_try = tries.count(first) == 1  # the victim's second run meets nobody at the barrier
            _lock_in_order(engine, first, second, barrier if first_try else None)

        retry_conflicts(transaction)

    threads = [threading.Thread(target=side, args=pair) for pair in (("a", "b"), ("b", "a"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    with engine.connect() as conn:
        attempts = dict(conn.execute(text("SELECT uid, attempts FROM job")).all())
    assert attempts == {"a": 2, "b": 2}  # each side's two updates landed exactly once
    assert len(tries) == 3  # PostgreSQL chose one victim, which ran a second time


def test_an_error_that_is_not_a_conflict_is_raised_at_once(engine: Engine) -> None:
    tries: list[int] = []

    def transaction() -> None:
        tries.append(1)
        with write_session(engine) as s:
            s.execute(text("SELECT * FROM no_such_table"))

    with pytest.raises(Exception, match="no_such_table"):
        retry_conflicts(transaction)
    assert tries == [1]
