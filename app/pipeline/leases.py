"""The lease keeper: how long a claimed key is leased, and the heartbeat that renews what this process holds.

A claimed key is leased for `lease_seconds()` (environment KURSADMIN_WORKER_LEASE, else the file's
`[worker] lease_seconds`, default 60) and the lease is renewed while the key is worked on, so a slow but
living worker keeps its keys. A dead worker's keys are taken back as soon as its death is proved
(`app/pipeline/reclaim.py`), else when its lease runs out.
"""

from __future__ import annotations

import logging
import math
import os
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from app.config import DEFAULT_LEASE_SECONDS
from app.pipeline.reclaim import Reclaimer
from app.store import workers
from app.store.db import write_session
from app.store.queue import Claim, renew

log = logging.getLogger(__name__)


LEASE_ENV = "KURSADMIN_WORKER_LEASE"


def lease_seconds(env: Mapping[str, str] | None = None, default: float = DEFAULT_LEASE_SECONDS) -> float:
    """The lease length: KURSADMIN_WORKER_LEASE seconds when set (a positive number), else `default`."""
    raw = (os.environ if env is None else env).get(LEASE_ENV, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{LEASE_ENV} must be a number of seconds, not {raw!r}") from None
    if value <= 0:
        raise ValueError(f"{LEASE_ENV} must be positive, not {raw!r}")
    return value


class HeldLeases:
    """The keys this process's reconcilers hold: one heartbeat renews them every third of a lease.

    Each holder also knows, by its own clock, until when its lease is surely valid, so it can stop before
    starting a Canvas step that might outlive it (another worker may take the key once it runs out). A
    renewal that finds the key taken, or a lost lock on PostgreSQL (others may have taken this process
    for dead and freed its keys), ends that certainty at once.
    """

    def __init__(
        self,
        engine: Engine,
        lease: float,
        clock: Callable[[], float] = time.monotonic,
        presence: workers.Presence | None = None,
        on_beat: Callable[[Session], None] | None = None,
    ) -> None:
        self.engine = engine
        self.lease = lease
        self._clock = clock
        self._presence = presence
        self._on_beat = on_beat
        self._held: dict[str, Claim] = {}
        self._valid_until: dict[str, float] = {}
        self._lock = threading.Lock()

    def hold(self, owner: str, claim_: Claim, claimed_at: float) -> None:
        """`owner` is working on `claim_`, leased for a full lease from `claimed_at` (this clock's time)."""
        with self._lock:
            self._held[owner] = claim_
            self._valid_until[owner] = claimed_at + self.lease

    def release(self, owner: str) -> None:
        """`owner` has finished (the reconcile step released the lease in the database)."""
        with self._lock:
            self._held.pop(owner, None)
            self._valid_until.pop(owner, None)

    def holding(self, owner: str) -> bool:
        """Whether `owner` may start another step: more than a third of its lease surely remains.

        With a renewal every third of a lease this is always so while the database answers; once renewals
        have failed for two thirds of a lease (or found the key taken over), the reconciler stops rather
        than act on a key that may be another's.
        """
        with self._lock:
            until = self._valid_until.get(owner)
        return until is not None and self._clock() < until - self.lease / 3

    def beat(self) -> None:
        """Renew every held lease once and report this process alive; a failed renewal is retried at the next beat."""
        if self._presence is not None and not self._presence.check():
            self._lose_all()
        with self._lock:
            held = list(self._held.items())
        # Rows are locked in the order the record step marks keys dirty in, so the two never deadlock.
        held.sort(key=lambda item: (item[1].institution_id, item[1].key))
        started = self._clock()
        try:
            with write_session(self.engine) as s:
                renewed = {owner for owner, claim_ in held if renew(s, claim_, owner, self.lease)}
                if self._on_beat is not None:
                    self._on_beat(s)
        except Exception:  # the database is briefly away: the lease still has two thirds to run
            log.exception("renewing %d leases failed", len(held))
            return
        with self._lock:
            for owner, claim_ in held:
                if self._held.get(owner) is claim_:  # still the claim renewed, not a newer one
                    self._valid_until[owner] = started + self.lease if owner in renewed else -math.inf

    def _lose_all(self) -> None:
        with self._lock:
            for owner in self._valid_until:
                self._valid_until[owner] = -math.inf


@contextmanager
def keep_leases(leases: HeldLeases, reclaimer: Reclaimer) -> Iterator[None]:
    """While the block runs, renew the held leases and look for dead holders' keys, each every third of a lease.

    Each in a thread of its own, so that a slow look for dead holders never delays a renewal.
    """
    finished = threading.Event()
    threads = [
        threading.Thread(
            target=_every, args=(finished, leases.lease / 3, leases.beat), name="lease-heartbeat", daemon=True
        ),
        threading.Thread(
            target=_every, args=(finished, leases.lease / 3, reclaimer.maybe), name="reclaim", daemon=True
        ),
    ]
    for t in threads:
        t.start()
    try:
        yield
    finally:
        finished.set()
        for t in threads:
            t.join()


def _every(finished: threading.Event, period: float, action: Callable[[], object]) -> None:
    """Run `action` every `period` seconds until `finished` is set."""
    while not finished.wait(period):
        action()
