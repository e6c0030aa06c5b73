"""The pool: N reconciler threads that claim a key, reconcile it and give it back, and the run that holds them."""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from app.core.idle import Remaining
from app.pipeline.context import InstitutionContext
from app.pipeline.leases import HeldLeases, keep_leases, lease_seconds
from app.pipeline.owners import ProcessId, owner_id, this_process
from app.pipeline.reclaim import Reclaimer
from app.pipeline.reconcile import reconcile
from app.pipeline.until_idle import left_over, watch
from app.store import workers
from app.store.db import write_session
from app.store.queue import Claim, claim, fail, fire_timers, utcnow

log = logging.getLogger(__name__)

# How often a busy reconciler looks for due timers (delay-delete wake-ups, start dates): a second late is
# nothing to a timer set hours or days ahead.
TIMER_READ_SECONDS = 1.0


@dataclass
class WorkerStats:
    """What a run did (keys reconciled, operations performed) and, after `drain`, what it left unfinished."""

    keys: int = 0
    operations: int = 0
    recorded: int = 0
    remaining: tuple[Remaining, ...] = ()
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, keys: int, operations: int) -> None:
        """Count one reconciled batch."""
        with self.lock:
            self.keys += keys
            self.operations += operations


def release_after_error(engine: Engine, claim_: Claim, owner: str, error: Exception) -> None:
    """Give the key back with a back-off when reconciling it broke outside Canvas (e.g. a database error)."""
    log.error("reconciling %s %s broke: %s", claim_.key.kind, claim_.key.uid, error, exc_info=error)
    try:
        with write_session(engine) as s:
            fail(s, claim_, owner, f"{type(error).__name__}: {error}")
    except Exception:  # the lease then runs out by itself, and another worker takes the key
        log.exception("releasing %s %s failed", claim_.key.kind, claim_.key.uid)


class Reconcilers:
    """The reconciler threads of one run: each claims a key, reconciles it, and gives it back, until finished."""

    def __init__(
        self,
        engine: Engine,
        contexts: Mapping[str, InstitutionContext],
        leases: HeldLeases,
        reclaimer: Reclaimer,
        stats: WorkerStats,
        stop: threading.Event,
        poll: float,
    ) -> None:
        self.engine = engine
        self.contexts = contexts
        self.leases = leases
        self.reclaimer = reclaimer
        self.stats = stats
        self.stop = stop
        self.poll = poll
        self.cond = threading.Condition()
        self.working = 0  # reconcilers holding a key
        self.finished_keys = 0  # a key finished may have made others due: idle reconcilers then try again
        self.empty_claims = 0  # a claim that found nothing: the until-idle watcher looks at the queue then
        self._finished = False
        self._timers_read_at = -TIMER_READ_SECONDS

    def finish(self) -> None:
        """Let each reconciler return after the key in hand."""
        with self.cond:
            self._finished = True
            self.cond.notify_all()

    def wait_idle(self, seen: int, timeout: float) -> int | None:
        """Wait until no reconciler holds a key, after an empty claim later than number `seen`; None on time-out.

        Returns the number of empty claims so far, to pass as `seen` next time. A claim under way meanwhile
        does no harm: the queue then shows its key as this process's, or as due, and the run goes on.
        """
        with self.cond:
            if not self.cond.wait_for(lambda: self.working == 0 and self.empty_claims != seen, timeout):
                return None
            return self.empty_claims

    def loop(self) -> None:
        """One reconciler: claim, reconcile, give back; when nothing is due, wait a poll (or for a finished key)."""
        owner = owner_id()
        while not self.stop.is_set():
            with self.cond:
                if self._finished:
                    return
                finished_before = self.finished_keys
            claim_ = self._next_claim(owner)
            if claim_ is None:
                with self.cond:
                    self.empty_claims += 1
                    self.cond.notify_all()
                self.reclaimer.maybe()
                with self.cond:
                    # Only a key finished since this claim began can have made another due; empty claims of
                    # the other reconcilers cannot, and retrying on those would keep them all busy for good.
                    if self.finished_keys == finished_before and not self._finished:
                        self.cond.wait(timeout=self.poll)
                continue
            with self.cond:
                self.working += 1
            try:
                self.stats.add(
                    1,
                    reconcile(
                        self.engine,
                        self.contexts[claim_.institution_id],
                        claim_,
                        owner,
                        holding=lambda: self.leases.holding(owner),
                    ),
                )
            except Exception as exc:  # an unexpected error must not end this reconciler for good
                release_after_error(self.engine, claim_, owner, exc)
            finally:
                self.leases.release(owner)
                with self.cond:
                    self.working -= 1
                    self.finished_keys += 1
                    self.cond.notify_all()

    def _timers_due(self) -> bool:
        """Whether this claim should look for due timers: once a second while busy (a claim that finds nothing
        always looks), so a busy queue does not pay a read of the timers for every key."""
        now = time.monotonic()
        with self.cond:
            if now - self._timers_read_at < TIMER_READ_SECONDS:
                return False
            self._timers_read_at = now
            return True

    def _next_claim(self, owner: str) -> Claim | None:
        started = time.monotonic()  # the lease runs from no earlier than this
        try:
            with write_session(self.engine) as s:
                timers_read = self._timers_due()
                if timers_read:
                    fire_timers(s)
                claims = claim(s, owner, limit=1, lease=self.leases.lease, institution_ids=list(self.contexts))
                if not claims and not timers_read and fire_timers(s):
                    claims = claim(s, owner, limit=1, lease=self.leases.lease, institution_ids=list(self.contexts))
        except Exception:  # the database is away: wait a round instead of ending the reconciler
            log.exception("claiming a key failed")
            return None
        if claims:
            self.leases.hold(owner, claims[0], started)
            return claims[0]
        return None


@dataclass(frozen=True)
class _ReportAlive:
    """Writes this process's heartbeat row (with each lease renewal): `kursadmin status` lists it."""

    process: ProcessId
    contexts: Mapping[str, InstitutionContext]
    started_at: dt.datetime

    def __call__(self, s: Session) -> None:
        workers.beat(s, str(self.process), self.process.host, self.process.pid, self.contexts, self.started_at)


@contextmanager
def _running(reconcilers: Reconcilers, concurrency: int) -> Iterator[None]:
    """`concurrency` reconciler threads while the block runs; at its end each finishes the key in hand."""
    threads = [
        threading.Thread(target=reconcilers.loop, name=f"reconciler-{i}", daemon=True) for i in range(concurrency)
    ]
    for t in threads:
        t.start()
    try:
        yield
    finally:
        reconcilers.finish()
        for t in threads:
            t.join()


def run_queue(
    engine: Engine,
    contexts: Mapping[str, InstitutionContext],
    concurrency: int = 1,
    until_idle: bool = True,
    stop: threading.Event | None = None,
    poll: float = 1.0,
    lease: float | None = None,
    max_wait: float = 0.0,
    notify: Callable[[str], None] = log.info,
) -> WorkerStats:
    """Run `concurrency` reconcilers; with `until_idle`, return once nothing is left that time settles.

    With `until_idle` the run waits up to `max_wait` seconds for keys leased by other workers or backing
    off, saying so through `notify`; what it leaves is in the stats' `remaining` (app/core/idle.py). Once
    `stop` is set each reconciler finishes the key in hand, releases it, and returns.
    """
    stop = stop or threading.Event()
    stats = WorkerStats()
    process = this_process()
    with workers.Presence(engine, str(process)) as presence:  # before the first claim: see app/store/workers.py
        alive = _ReportAlive(process, contexts, utcnow())
        with write_session(engine) as s:
            workers.forget_old(s)
            alive(s)
        leases = HeldLeases(engine, lease if lease is not None else lease_seconds(), presence=presence, on_beat=alive)
        reclaimer = Reclaimer(engine)
        reclaimer.run()  # a worker restarted after a kill takes its predecessor's keys back before anything else
        reconcilers = Reconcilers(engine, contexts, leases, reclaimer, stats, stop, poll)
        with keep_leases(leases, reclaimer), _running(reconcilers, concurrency):
            if until_idle:
                watch(
                    engine,
                    list(contexts),
                    reconcilers.wait_idle,
                    reconcilers.stop,
                    reclaimer,
                    process,
                    poll,
                    max_wait,
                    notify,
                )
            else:
                stop.wait()
        if until_idle and not stop.is_set():
            # Read once more with every reconciler gone: a key claimed while the queue was read counts.
            stats.remaining = left_over(engine, list(contexts), process)
        with write_session(engine) as s:
            workers.stopped(s, [str(process)])
    return stats
