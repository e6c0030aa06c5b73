"""A reconciler acts on a key only while its lease surely lasts: renewed by the heartbeat, or it stops."""

from __future__ import annotations

import httpx
from sqlalchemy import Engine, update
from sqlalchemy.orm import Session

from app.core.settings import InstitutionSettings
from app.pipeline.reconcile import reconcile
from app.pipeline.worker import HeldLeases, feed_fetcher, read_feed
from app.store.db import write_session
from app.store.projection import DirtyKey
from app.store.queue import Claim, claim, mark_dirty
from app.store.tables import JobRow
from tests.integration.pipeline.test_rules_end_to_end import _catalogue, _student
from tests.integration.pipeline.world import World

LEASE = 30.0


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _claimed(engine: Engine, owner: str = "w1") -> Claim:
    with write_session(engine) as s:
        (claim_,) = claim(s, owner, lease=LEASE)
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
    offering = _catalogue(world)
    world.ladok.add_registration(_student(world), offering)
    read_feed(engine, world.inst, feed_fetcher(world.inst, httpx.WSGITransport(app=world.ladok)))
    with write_session(engine) as s:  # only the student's key: the offering's is left queued
        s.execute(update(JobRow).where(JobRow.kind == "offering").values(done_seq=JobRow.dirty_seq))
    claim_ = _claimed(engine)

    reconcile(engine, world.context(), claim_, "w1", holding=lambda: False)

    assert [route for (method, route) in world.canvas.request_counts() if method != "GET"] == []
    with Session(engine) as s:
        row = s.get(JobRow, ("kth", "student", claim_.key.uid))
        assert row.done_seq < row.dirty_seq and "lease" in (row.last_error or "")
