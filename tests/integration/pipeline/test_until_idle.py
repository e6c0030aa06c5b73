"""`drain` (worker --until-idle) ends only when nothing is left: it waits out back-offs and leases held elsewhere,
names what it leaves when the wait is spent, and never waits for what only an operator settles."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
from sqlalchemy import update

from app.pipeline.until_idle import unfinished_lines
from app.pipeline.worker import WorkerStats, drain, feed_fetcher, read_feed
from app.store import control, workers
from app.store.clock import utcnow
from app.store.db import write_session
from app.store.queue_tables import JobRow
from tests.integration.pipeline.world import World, add_offering, add_student

ELSEWHERE_PROCESS = "elsewhere:4242:1000:0badf00d"  # a worker of another host, alive (on PostgreSQL: its lock)
ELSEWHERE = f"{ELSEWHERE_PROCESS}:7"
HANG_GUARD = 120.0  # seconds: a run that waits for what time cannot settle fails here instead of hanging


def _recorded(world: World) -> tuple[str, str]:
    """An offering's course in Canvas, and a registration for it recorded from the feed but not yet applied."""
    offering = add_offering(world).offering
    world.sync()
    student = add_student(world)
    world.ladok.add_registration(student, offering)
    read_feed(world.engine, world.inst, feed_fetcher(world.inst, httpx.WSGITransport(app=world.ladok)))
    return offering, student


def _set_student_job(world: World, student: str, **values: Any) -> None:
    with write_session(world.engine) as s:
        s.execute(update(JobRow).where(JobRow.kind == "student", JobRow.uid == student).values(**values))


def _drain(world: World, max_wait: float, said: list[str] | None = None) -> WorkerStats:
    with ThreadPoolExecutor(1) as pool:
        run = pool.submit(
            drain,
            world.engine,
            {"kth": world.context()},
            2,
            max_wait=max_wait,
            notify=(said if said is not None else []).append,
        )
        return run.result(timeout=HANG_GUARD)


def test_a_key_backing_off_is_waited_for_and_then_applied(world: World) -> None:
    offering, student = _recorded(world)
    retry_at = utcnow() + dt.timedelta(seconds=2)
    _set_student_job(world, student, attempts=1, not_before=retry_at, last_error="CanvasUnavailable: 503")
    said: list[str] = []

    stats = _drain(world, max_wait=60, said=said)

    assert stats.remaining == ()
    assert [(s, st) for s, _r, st in world.enrollments(offering)] == [(student, "active")]
    assert said and said[0].startswith("waiting for 1 keys: 1 backing off until ")


def test_a_lease_held_elsewhere_is_waited_out_and_its_key_taken_over(world: World) -> None:
    offering, student = _recorded(world)
    _set_student_job(
        world, student, lease_owner=ELSEWHERE, leased_at=utcnow(), lease_until=utcnow() + dt.timedelta(seconds=2)
    )
    said: list[str] = []

    with workers.Presence(world.engine, ELSEWHERE_PROCESS):
        stats = _drain(world, max_wait=60, said=said)

    assert stats.remaining == ()
    assert [(s, st) for s, _r, st in world.enrollments(offering)] == [(student, "active")]
    assert "1 leased by other workers until" in said[0]


def test_when_the_wait_is_spent_the_run_names_what_it_leaves(world: World) -> None:
    offering, student = _recorded(world)
    until = utcnow() + dt.timedelta(minutes=10)
    _set_student_job(world, student, lease_owner=ELSEWHERE, leased_at=utcnow(), lease_until=until)

    with workers.Presence(world.engine, ELSEWHERE_PROCESS):
        stats = _drain(world, max_wait=0)

    assert [(left.key.uid, left.reason) for left in stats.remaining] == [(student, "leased")]
    assert unfinished_lines(stats.remaining) == [
        "not done: 1 keys left",
        f"  student:{student} (kth) leased by elsewhere pid 4242 thread 7 until {until:%Y-%m-%d %H:%M:%S} UTC",
    ]
    assert world.enrollments(offering) == []


def test_a_dead_letter_is_not_waited_for_and_the_run_is_not_done(world: World) -> None:
    _, student = _recorded(world)
    _set_student_job(world, student, dead=True, attempts=8, last_error="CanvasConflict: login taken")

    stats = _drain(world, max_wait=600)

    assert [(left.key.uid, left.reason) for left in stats.remaining] == [(student, "dead")]
    assert unfinished_lines(stats.remaining)[1] == (
        f"  student:{student} (kth) dead letter after 8 attempts: CanvasConflict: login taken"
    )


def test_a_paused_institution_is_not_waited_for_and_the_run_is_not_done(world: World) -> None:
    offering, student = _recorded(world)
    with write_session(world.engine) as s:
        control.set_paused(s, "kth", True, by="test")

    stats = _drain(world, max_wait=600)

    assert [(left.key.uid, left.reason) for left in stats.remaining] == [(student, "paused")]
    assert world.enrollments(offering) == []
