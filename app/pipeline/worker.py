"""The worker: read each institution's feed, fire due timers, and run N reconcilers over the queue.

A claimed key is leased for `lease_seconds()` (environment KURSADMIN_WORKER_LEASE, else the file's
`[worker] lease_seconds`, default 60) and the lease is renewed while the key is worked on, so a slow but
living worker keeps its keys. A dead worker's keys are taken back as soon as its death is proved
(`app/pipeline/reclaim.py`), else when its lease runs out. `run_forever` stops on SIGTERM or SIGINT after
finishing the keys in hand; `drain` stops once nothing is left that time can settle (`app/core/idle.py`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import math
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import FrameType

import httpx
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from app.canvas.client import CanvasClient
from app.canvas.throttle import InMemoryThrottleGate, ThrottleGate
from app.config import DEFAULT_LEASE_SECONDS, InstitutionConfig, MailConfig
from app.core.idle import Remaining
from app.ladok.directory import LadokDirectory, RestLadokDirectory
from app.ladok.feed import FeedFetcher, FeedPosition, FeedUrls, start_position, walk
from app.ladok.http import make_client
from app.pipeline.context import InstitutionContext
from app.pipeline.ingest import IngestResult, ingest_entries
from app.pipeline.owners import owner_id, this_process
from app.pipeline.reclaim import Reclaimer
from app.pipeline.reconcile import reconcile
from app.pipeline.report import build_report, send_report
from app.pipeline.until_idle import left_over, watch
from app.store import workers
from app.store.control import take_report_turn
from app.store.db import write_session
from app.store.queue import Claim, claim, fail, fire_timers, renew, utcnow
from app.store.tables import FeedPosition as FeedPositionRow
from app.store.throttle_gate import DbThrottleGate, canvas_throttle_key

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


FEED_LOCK_POLL = 0.2


@contextmanager
def feed_lock(engine: Engine, institution_id: str, stop: threading.Event | None = None) -> Iterator[bool]:
    """Wait for the right to read an institution's feed (one reader at a time, across processes).

    Yields False when `stop` was set while waiting. Without the lock two workers ingest the same page
    at once (one fails on the inbox's unique key) and a reader that started earlier can move the stored
    position back. On PostgreSQL it is a session advisory lock, which the server drops when a killed
    worker's connection closes; it is tried in a loop, not waited for in the server, so a worker asked
    to stop is not held up by another's long read. SQLite's BEGIN IMMEDIATE already serialises pages.
    """
    if engine.dialect.name != "postgresql":
        yield True
        return
    key = int.from_bytes(hashlib.blake2b(f"kursadmin-feed:{institution_id}".encode(), digest_size=8).digest(),
                         "big", signed=True)
    waiting = stop or threading.Event()
    with engine.connect() as conn:
        while not conn.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": key}):
            conn.commit()
            if waiting.wait(FEED_LOCK_POLL):
                yield False
                return
        conn.commit()
        try:
            yield True
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
            conn.commit()


def read_feed(engine: Engine, inst: InstitutionConfig, fetch: Callable[[str], bytes],
              stop: threading.Event | None = None) -> IngestResult:
    """Record every entry after the stored position, page by page, up to the newest page (or until `stop`)."""
    total = IngestResult()
    with feed_lock(engine, inst.id, stop) as mine:
        if not mine:
            return total
        with Session(engine) as s:
            row = s.get(FeedPositionRow, inst.id)
            stored = (row.page_url, row.entry_id) if row else None
        urls = FeedUrls(inst.ladok_url, inst.ladok_feed_path)
        position = FeedPosition(*stored) if stored else start_position(urls, inst.ladok_start_page)
        for batch in walk(fetch, position):
            if batch.note:
                log.warning("%s: %s", inst.id, batch.note)
            if batch.new_entries:
                pos = (batch.position.page_url, batch.position.last_entry_id)
                total.add(ingest_entries(engine, inst.id, inst.ladok_larosate_id, batch.page_url,
                                         batch.new_entries, batch.page.problems, position=pos))
            if stop is not None and stop.is_set():
                break
    return total


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


def context_for(
    inst: InstitutionConfig, *, canvas_transport: httpx.BaseTransport | None = None,
    directory: LadokDirectory | None = None, ladok_transport: httpx.BaseTransport | None = None,
    gate: ThrottleGate | None = None,
) -> InstitutionContext:
    """The reconcile context of an institution from its configuration (`gate`: a throttle shared wider)."""
    canvas = CanvasClient(inst.canvas_url, inst.canvas_token, root_account=inst.canvas_root_account_id,
                          transport=canvas_transport, gate=gate)
    if directory is None:
        client = make_client(inst.ladok_url, inst.ladok_cert, inst.ladok_cert_password, transport=ladok_transport)
        directory = RestLadokDirectory(client, inst.ladok_url)
    return InstitutionContext(inst.id, inst.settings, canvas, directory, safeguards=inst.safeguards)


class HeldLeases:
    """The keys this process's reconcilers hold: one heartbeat renews them every third of a lease.

    Each holder also knows, by its own clock, until when its lease is surely valid, so it can stop before
    starting a Canvas step that might outlive it (another worker may take the key once it runs out). A
    renewal that finds the key taken, or a lost lock on PostgreSQL (others may have taken this process
    for dead and freed its keys), ends that certainty at once.
    """

    def __init__(self, engine: Engine, lease: float, clock: Callable[[], float] = time.monotonic,
                 presence: workers.Presence | None = None, on_beat: Callable[[Session], None] | None = None) -> None:
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


def _release_after_error(engine: Engine, claim_: Claim, owner: str, error: Exception) -> None:
    """Give the key back with a back-off when reconciling it broke outside Canvas (e.g. a database error)."""
    log.error("reconciling %s %s broke: %s", claim_.key.kind, claim_.key.uid, error, exc_info=error)
    try:
        with write_session(engine) as s:
            fail(s, claim_, owner, f"{type(error).__name__}: {error}")
    except Exception:  # the lease then runs out by itself, and another worker takes the key
        log.exception("releasing %s %s failed", claim_.key.kind, claim_.key.uid)


def run_queue(engine: Engine, contexts: Mapping[str, InstitutionContext], concurrency: int = 1,
              until_idle: bool = True, stop: threading.Event | None = None, poll: float = 1.0,
              lease: float | None = None, max_wait: float = 0.0,
              notify: Callable[[str], None] = log.info) -> WorkerStats:
    """Run `concurrency` reconcilers; with `until_idle`, return once nothing is left that time settles.

    With `until_idle` the run waits up to `max_wait` seconds for keys leased by other workers or backing
    off, saying so through `notify`; what it leaves is in the stats' `remaining` (app/core/idle.py). Once
    `stop` is set each reconciler finishes the key in hand, releases it, and returns.
    """
    stop = stop or threading.Event()
    stats = WorkerStats()
    process = this_process()
    with workers.Presence(engine, str(process)) as presence:  # before the first claim: see app/store/workers.py
        started_at = utcnow()

        def report_alive(s: Session) -> None:
            workers.beat(s, str(process), process.host, process.pid, contexts, started_at)

        with write_session(engine) as s:
            workers.forget_old(s)
            report_alive(s)
        leases = HeldLeases(engine, lease if lease is not None else lease_seconds(), presence=presence,
                            on_beat=report_alive)
        reclaimer = Reclaimer(engine)
        reclaimer.run()  # a worker restarted after a kill takes its predecessor's keys back before anything else
        reconcilers = _Reconcilers(engine, contexts, leases, reclaimer, stats, stop, poll)
        finished = threading.Event()

        def heartbeat() -> None:
            while not finished.wait(leases.lease / 3):
                leases.beat()

        def reclaim() -> None:  # a thread of its own, so that a slow look never delays a renewal
            while not finished.wait(leases.lease / 3):
                reclaimer.maybe()

        background = [threading.Thread(target=heartbeat, name="lease-heartbeat", daemon=True),
                      threading.Thread(target=reclaim, name="reclaim", daemon=True)]
        threads = [threading.Thread(target=reconcilers.loop, name=f"reconciler-{i}", daemon=True)
                   for i in range(concurrency)]
        for t in background + threads:
            t.start()
        try:
            if until_idle:
                watch(engine, list(contexts), reconcilers.wait_idle, reconcilers.stop, reclaimer, process, poll,
                      max_wait, notify)
            else:
                stop.wait()
        finally:
            reconcilers.finish()
            for t in threads:
                t.join()
            finished.set()
            for t in background:
                t.join()
        if until_idle and not stop.is_set():
            # Read once more with every reconciler gone: a key claimed while the queue was read counts.
            stats.remaining = left_over(engine, list(contexts), process)
        with write_session(engine) as s:
            workers.stopped(s, [str(process)])
    return stats


class _Reconcilers:
    """The reconciler threads of one run: each claims a key, reconciles it, and gives it back, until finished."""

    def __init__(self, engine: Engine, contexts: Mapping[str, InstitutionContext], leases: HeldLeases,
                 reclaimer: Reclaimer, stats: WorkerStats, stop: threading.Event, poll: float) -> None:
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
                self.stats.add(1, reconcile(self.engine, self.contexts[claim_.institution_id], claim_, owner,
                                            holding=lambda: self.leases.holding(owner)))
            except Exception as exc:  # an unexpected error must not end this reconciler for good
                _release_after_error(self.engine, claim_, owner, exc)
            finally:
                self.leases.release(owner)
                with self.cond:
                    self.working -= 1
                    self.finished_keys += 1
                    self.cond.notify_all()

    def _next_claim(self, owner: str) -> Claim | None:
        started = time.monotonic()  # the lease runs from no earlier than this
        try:
            with write_session(self.engine) as s:
                fire_timers(s)
                claims = claim(s, owner, limit=1, lease=self.leases.lease, institution_ids=list(self.contexts))
        except Exception:  # the database is away: wait a round instead of ending the reconciler
            log.exception("claiming a key failed")
            return None
        if claims:
            self.leases.hold(owner, claims[0], started)
            return claims[0]
        return None


@contextmanager
def stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """While the block runs in the main thread, SIGTERM and SIGINT set `stop` instead of killing the process."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handle(signum: int, _frame: FrameType | None) -> None:
        log.info("%s: finishing the keys in hand, then stopping", signal.Signals(signum).name)
        stop.set()

    previous = {sig: signal.signal(sig, handle) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def run_forever(engine: Engine, institutions: list[InstitutionConfig], contexts: Mapping[str, InstitutionContext],
                fetchers: Mapping[str, Callable[[str], bytes]], concurrency: int, poll: float = 5.0,
                stop: threading.Event | None = None, lease: float | None = None,
                mail: MailConfig | None = None) -> None:
    """Read feeds every `poll` seconds and reconcile continuously until `stop` is set (or SIGTERM/SIGINT).

    With `mail`, one of the workers sends each institution's status report every `mail.every_minutes`.
    """
    stop = stop or threading.Event()
    lease = lease if lease is not None else lease_seconds()  # a bad setting stops start-up, not one thread
    with stop_on_signals(stop):
        reconcilers = threading.Thread(
            target=run_queue, args=(engine, contexts, concurrency, False, stop, min(poll, 1.0), lease), daemon=True)
        reconcilers.start()
        while not stop.is_set():
            for inst in institutions:
                try:
                    read_feed(engine, inst, fetchers[inst.id], stop)
                except Exception:  # Ladok down or a bad page: keep the position, try again next round
                    log.exception("reading the feed of %s failed", inst.id)
                if stop.is_set():
                    break
            if mail is not None:
                send_due_reports(engine, list(contexts), mail)
            stop.wait(poll)
        reconcilers.join()


def send_due_reports(engine: Engine, institution_ids: list[str], mail: MailConfig) -> int:
    """Send the status report of each institution whose period is over (once, whichever worker gets there)."""
    sent = 0
    for institution_id in institution_ids:
        try:
            with write_session(engine) as s:
                since = take_report_turn(s, institution_id, dt.timedelta(minutes=mail.every_minutes))
            if since is not None:
                send_report(build_report(engine, institution_id, since), mail)
                sent += 1
        except Exception:  # a mail server down must not stop the adapter; the next period tries again
            log.exception("sending the status report of %s failed", institution_id)
    return sent


def shared_gates(engine: Engine) -> Callable[[InstitutionConfig], ThrottleGate]:
    """One throttle gate per Canvas token for this process, whose back-off every worker process shares."""
    gates: dict[str, DbThrottleGate] = {}

    def gate_for(inst: InstitutionConfig) -> ThrottleGate:
        key = canvas_throttle_key(inst.canvas_url, inst.canvas_token)
        return gates.setdefault(key, DbThrottleGate(engine, key, local=InMemoryThrottleGate()))

    return gate_for


def feed_fetcher(inst: InstitutionConfig, transport: httpx.BaseTransport | None = None) -> FeedFetcher:
    """A page fetcher for the institution's Ladok feed, with its client certificate."""
    return FeedFetcher(make_client(inst.ladok_url, inst.ladok_cert, inst.ladok_cert_password, transport=transport))


def drain(engine: Engine, contexts: Mapping[str, InstitutionContext], concurrency: int = 1,
          lease: float | None = None, max_wait: float = 0.0, notify: Callable[[str], None] = log.info) -> WorkerStats:
    """Reconcile until nothing is left that time settles, waiting up to `max_wait` seconds for the rest.

    The stats' `remaining` names what is left (empty: all done). SIGTERM/SIGINT asks to stop after the
    keys in hand; the run then ends without counting what it left.
    """
    started = time.monotonic()
    stop = threading.Event()
    with stop_on_signals(stop):
        stats = run_queue(engine, contexts, concurrency, until_idle=True, stop=stop, lease=lease, max_wait=max_wait,
                          notify=notify)
    log.info("drained %d keys (%d operations) in %.1fs", stats.keys, stats.operations, time.monotonic() - started)
    return stats
