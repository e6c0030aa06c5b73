"""The job queue: one pending job per key, leases, re-runs after marks during work, dead letters, timers."""

from __future__ import annotations

import datetime as dt
import threading

from sqlalchemy import Engine

from app.store.clock import utcnow
from app.store.db import write_session
from app.store.projection import DirtyKey
from app.store.queue import (
    Lease,
    claim,
    complete,
    fail,
    fire_timers,
    lease_owners,
    leases,
    mark_dirty,
    release,
    retry_dead,
    set_timer,
)

A = DirtyKey("student", "a")
B = DirtyKey("student", "b")


def _claim(engine: Engine, owner: str = "w1", limit: int = 10, now: dt.datetime | None = None):
    with write_session(engine) as s:
        return claim(s, owner, limit=limit, now=now)


def test_marking_a_key_many_times_queues_it_once(engine: Engine) -> None:
    with write_session(engine) as s:
        mark_dirty(s, "kth", [A, A, B])
        mark_dirty(s, "kth", [A])

    claims = _claim(engine)
    assert sorted(c.key for c in claims) == [A, B]
    assert _claim(engine, "w2") == []  # both leased


def test_a_key_marked_while_worked_on_runs_again(engine: Engine) -> None:
    with write_session(engine) as s:
        mark_dirty(s, "kth", [A])
    (first,) = _claim(engine)
    with write_session(engine) as s:
        mark_dirty(s, "kth", [A])  # a new event arrives during the work
    with write_session(engine) as s:
        complete(s, first, "w1")

    (again,) = _claim(engine)
    assert again.key == A and again.seq > first.seq
    with write_session(engine) as s:
        complete(s, again, "w1")
    assert _claim(engine) == []


def test_an_expired_lease_lets_another_worker_take_over(engine: Engine) -> None:
    with write_session(engine) as s:
        mark_dirty(s, "kth", [A])
    (first,) = _claim(engine, "dead-worker")

    later = utcnow() + dt.timedelta(minutes=10)
    (taken,) = _claim(engine, "w2", now=later)
    assert taken.key == A
    with write_session(engine) as s:
        complete(s, first, "dead-worker")  # the old holder's late completion does not count
    assert _claim(engine, "w3", now=later + dt.timedelta(minutes=10))[0].key == A


def test_failures_back_off_then_become_dead_letters_that_can_be_retried(engine: Engine) -> None:
    with write_session(engine) as s:
        mark_dirty(s, "kth", [A])
    now = utcnow()
    dead = False
    for _ in range(8):
        (c,) = _claim(engine, now=now)
        with write_session(engine) as s:
            dead = fail(s, c, "w1", "Canvas said 500", now=now)
        now += dt.timedelta(hours=1)
    assert dead
    assert _claim(engine, now=now + dt.timedelta(days=1)) == []
    with write_session(engine) as s:
        assert retry_dead(s, "kth", A) == 1
    assert [c.key for c in _claim(engine, now=utcnow() + dt.timedelta(seconds=1))] == [A]


def test_timers_fire_once_when_due(engine: Engine) -> None:
    due = utcnow() + dt.timedelta(days=3)
    with write_session(engine) as s:
        set_timer(s, "kth", A, due)
        set_timer(s, "kth", A, due + dt.timedelta(days=1))  # the earlier timer wins
    with write_session(engine) as s:
        assert fire_timers(s, now=due - dt.timedelta(seconds=1)) == 0
    with write_session(engine) as s:
        assert fire_timers(s, now=due) == 1
    assert [c.key for c in _claim(engine, now=due + dt.timedelta(seconds=1))] == [A]


def test_concurrent_workers_never_hold_the_same_key(engine: Engine) -> None:
    keys = [DirtyKey("student", f"s{i}") for i in range(200)]
    with write_session(engine) as s:
        mark_dirty(s, "kth", keys)
    taken: list[DirtyKey] = []
    lock = threading.Lock()

    def worker(name: str) -> None:
        while True:
            got = _claim(engine, name, limit=7)
            if not got:
                return
            with lock:
                taken.extend(c.key for c in got)

    threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(taken) == sorted(keys)


def test_a_waiting_key_marked_again_keeps_its_place_in_the_queue(engine: Engine) -> None:
    start = utcnow()
    for offset, key in ((0, A), (1, B), (2, A)):  # A, then B, then another event for A
        with write_session(engine) as s:
            mark_dirty(s, "kth", [key], now=start + dt.timedelta(seconds=offset))

    claims = [_claim(engine, limit=1, now=start + dt.timedelta(seconds=3)) for _ in range(2)]

    assert [c.key for (c,) in claims] == [A, B]


def test_a_lease_tells_who_holds_the_key_since_when_and_until_when(engine: Engine) -> None:
    now = utcnow()
    with write_session(engine) as s:
        mark_dirty(s, "kth", [A], now=now - dt.timedelta(seconds=2))
        mark_dirty(s, "kth", [B], now=now - dt.timedelta(seconds=1))
    _claim(engine, "w1", limit=1, now=now)
    (second,) = _claim(engine, "w2", limit=1, now=now + dt.timedelta(seconds=5))
    with write_session(engine) as s:
        complete(s, second, "w2")

    with write_session(engine) as s:
        assert leases(s, "kth", now=now) == [Lease("kth", A, "w1", now, now + dt.timedelta(seconds=300))]
        assert leases(s, "uu", now=now) == []
        assert lease_owners(s, now=now) == {"w1"}
        assert lease_owners(s, now=now + dt.timedelta(seconds=301)) == set()  # run out: free for anyone anyway


def test_keys_of_a_holder_proved_dead_are_free_at_once(engine: Engine) -> None:
    with write_session(engine) as s:
        mark_dirty(s, "kth", [A], now=utcnow() - dt.timedelta(seconds=2))
        mark_dirty(s, "kth", [B], now=utcnow() - dt.timedelta(seconds=1))
    _claim(engine, "dead-worker", limit=1)
    _claim(engine, "living-worker", limit=1)

    with write_session(engine) as s:
        assert release(s, {"dead-worker"}) == 1
    (taken,) = _claim(engine, "w3")  # no time has passed

    assert taken.key == A
    with write_session(engine) as s:
        assert sorted(lease.owner for lease in leases(s, "kth")) == ["living-worker", "w3"]
