"""A reconciler acts on a key only while its lease surely lasts; a dead holder's keys are taken back at once."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable, Iterator

import httpx
import pytest
from sqlalchemy import Engine, text, update
from sqlalchemy.orm import Session

from app.core.settings import InstitutionSettings
from app.pipeline.owners import ProcessId, owner_id, this_process
from app.pipeline.reclaim import Reclaimer, dead_owners
from app.pipeline.reconcile import reconcile
from app.pipeline.worker import HeldLeases, feed_fetcher, read_feed
from app.store import workers
from app.store.db import write_session
from app.store.projection import DirtyKey
from app.store.queue import Claim, claim, lease_owners, mark_dirty
from app.store.queue_tables import JobRow
from tests.integration.pipeline.procs import start_holder
from tests.integration.pipeline.world import World, add_offering, add_student

LEASE = 30.0
ELSEWHERE = ProcessId("elsewhere", 1, 1, "0badf00d")  # how another host sees this one: it cannot read our /proc
HANG_GUARD = 60.0  # seconds: PostgreSQL ends a killed client's session as soon as it sees the socket close


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _claimed(engine: Engine, owner: str = "w1", lease: float = LEASE) -> Claim:
    with write_session(engine) as s:
        (claim_,) = claim(s, owner, lease=lease)
    return claim_


def _holding_one_key(engine: Engine, clock: Clock) -> HeldLeases:
    """Worker w1's leases, holding a freshly claimed key since now."""
    with write_session(engine) as s:
        mark_dirty(s, "kth", [DirtyKey("student", "a")])
    leases = HeldLeases(engine, LEASE, clock=clock)
    leases.hold("w1", _claimed(engine), claimed_at=clock())
    return leases


def test_renewals_keep_a_lease_sure_and_without_them_the_holder_stops(engine: Engine) -> None:
    clock = Clock()
    leases = _holding_one_key(engine, clock)

    for _ in range(6):  # a heartbeat every third of the lease, for two leases' time
        clock.now += LEASE / 3
        leases.beat()
        assert leases.holding("w1")
    clock.now += LEASE / 3 + 1  # one renewal missed: still two thirds of the lease minus a second
    assert leases.holding("w1")
    clock.now += LEASE / 3  # a second one missed: less than a third is sure to remain

    assert not leases.holding("w1")


def test_a_key_another_worker_took_over_is_not_renewed(engine: Engine) -> None:
    clock = Clock()
    leases = _holding_one_key(engine, clock)
    with write_session(engine) as s:  # w1 was stalled past its lease and w2 claimed the key
        s.execute(update(JobRow).values(lease_owner="w2"))

    clock.now += LEASE / 3
    leases.beat()
    clock.now += LEASE / 3 + 1  # the renewal found the key taken: the claim's own lease is all there was

    assert not leases.holding("w1")


def test_a_reconciler_whose_lease_is_running_out_starts_no_canvas_step(engine: Engine) -> None:
    world = World(engine, InstitutionSettings())
    offering = add_offering(world).offering
    world.ladok.add_registration(add_student(world), offering)
    read_feed(engine, world.inst, feed_fetcher(world.inst, httpx.WSGITransport(app=world.ladok)))
    with write_session(engine) as s:  # only the student's key: the offering's is left queued
        s.execute(update(JobRow).where(JobRow.kind == "offering").values(done_seq=JobRow.dirty_seq))
    claim_ = _claimed(engine)

    reconcile(engine, world.context(), claim_, "w1", holding=lambda: False)

    assert [route for (method, route) in world.canvas.request_counts() if method != "GET"] == []
    with Session(engine) as s:
        row = s.get(JobRow, ("kth", "student", claim_.key.uid))
        assert row.done_seq < row.dirty_seq and "lease" in (row.last_error or "")


@pytest.fixture
def holders(database_url: str) -> Iterator[Callable[[], tuple[subprocess.Popen[str], str]]]:
    """Start processes that live as workers do (each with its lease owner id); all killed afterwards."""
    started: list[subprocess.Popen[str]] = []

    def start() -> tuple[subprocess.Popen[str], str]:
        proc, owner = start_holder(database_url)
        started.append(proc)
        return proc, owner

    yield start
    for proc in started:
        proc.kill()
        proc.wait()


def _lease_each(engine: Engine, owners: list[str]) -> None:
    """One key per owner, leased for ten minutes: only a proof of death frees one early."""
    for n, owner in enumerate(owners):
        with write_session(engine) as s:
            mark_dirty(s, "kth", [DirtyKey("student", f"s{n}")])
        _claimed(engine, owner, lease=600.0)


def _until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + HANG_GUARD
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting until {what}"
        time.sleep(0.02)


def test_the_keys_of_a_killed_worker_are_taken_back_at_once_and_a_living_ones_stay(
    engine: Engine,
    holders: Callable[[], tuple[subprocess.Popen[str], str]],
) -> None:
    (killed, killed_owner), (_, living_owner) = holders(), holders()
    _lease_each(engine, [killed_owner, living_owner])
    assert Reclaimer(engine).run() == 0

    killed.kill()
    killed.wait()

    assert Reclaimer(engine).run() == 1
    with write_session(engine) as s:
        assert [c.key.uid for c in claim(s, "w3", limit=10)] == ["s0"]
        assert lease_owners(s) == {living_owner, "w3"}


def test_an_old_format_lease_of_a_dead_pid_is_left_to_run_out(
    engine: Engine,
    holders: Callable[[], tuple[subprocess.Popen[str], str]],
) -> None:
    proc, _ = holders()
    proc.kill()
    proc.wait()
    _lease_each(engine, [f"{this_process().host}:{proc.pid}:140234567890123"])  # host:pid:thread, no start time

    assert Reclaimer(engine).run() == 0


def _lock_gone(engine: Engine, owner: str) -> Callable[[], bool]:
    def check() -> bool:
        with Session(engine) as s:
            return dead_owners(s, {owner}, here=ELSEWHERE) == {owner}

    return check


@pytest.mark.postgres
def test_on_postgresql_another_hosts_worker_is_dead_once_its_session_is_gone(
    engine: Engine,
    holders: Callable[[], tuple[subprocess.Popen[str], str]],
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no sessions: another host's lease there runs out")
    proc, owner = holders()
    _lease_each(engine, [owner])
    assert Reclaimer(engine, here=ELSEWHERE).run() == 0  # its /proc is not ours to read; its lock says alive

    proc.kill()
    proc.wait()
    _until(_lock_gone(engine, owner), "PostgreSQL has ended the killed worker's session")

    assert Reclaimer(engine, here=ELSEWHERE).run() == 1


@pytest.mark.postgres
def test_a_worker_whose_lock_connection_broke_stops_once_its_key_was_taken(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("only PostgreSQL has a lock connection to lose")
    clock, owner, process = Clock(), owner_id(), str(this_process())
    with write_session(engine) as s:
        mark_dirty(s, "kth", [DirtyKey("student", "a")])
    with workers.Presence(engine, process) as presence:
        leases = HeldLeases(engine, LEASE, clock=clock, presence=presence)
        leases.hold(owner, _claimed(engine, owner), claimed_at=clock())
        with engine.connect() as admin:  # the server ends the lock's session, as a network failure would
            admin.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' "
                    "AND ((classid::bigint << 32) | objid::bigint) = :key"
                ),
                {"key": presence.key},
            )
        _until(_lock_gone(engine, owner), "the lock's session has ended")
        assert Reclaimer(engine, here=ELSEWHERE).run() == 1  # another host takes the worker for dead

        clock.now += LEASE / 3
        leases.beat()

        assert not leases.holding(owner)
        with Session(engine) as s:
            assert workers.present(s, [process]) == {process}  # the lock is held again
