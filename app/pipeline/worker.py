"""The worker: read each institution's feed, fire due timers, and run N reconcilers over the queue."""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import httpx
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from app.canvas.client import CanvasClient
from app.config import InstitutionConfig
from app.ladok.directory import LadokDirectory, RestLadokDirectory
from app.ladok.feed import FeedFetcher, FeedPosition, FeedUrls, start_position, walk
from app.ladok.http import make_client
from app.pipeline.ingest import IngestResult, ingest_entries
from app.pipeline.reconcile import InstitutionContext, reconcile
from app.store.db import write_session
from app.store.queue import claim, fire_timers
from app.store.tables import FeedPosition as FeedPositionRow

log = logging.getLogger(__name__)


def worker_name() -> str:
    """A name that tells which process holds a lease."""
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


def read_feed(engine: Engine, inst: InstitutionConfig, fetch: Callable[[str], bytes]) -> IngestResult:
    """Record every entry after the stored position, page by page, up to the newest page."""
    with Session(engine) as s:
        row = s.get(FeedPositionRow, inst.id)
        stored = (row.page_url, row.entry_id) if row else None
    urls = FeedUrls(inst.ladok_url, inst.ladok_feed_path)
    position = FeedPosition(*stored) if stored else start_position(urls, inst.ladok_start_page)
    total = IngestResult()
    for batch in walk(fetch, position):
        if batch.note:
            log.warning("%s: %s", inst.id, batch.note)
        if not batch.new_entries:
            continue
        pos = (batch.position.page_url, batch.position.last_entry_id)
        total.add(ingest_entries(engine, inst.id, inst.ladok_larosate_id, batch.page_url, batch.new_entries,
                                 batch.page.problems, position=pos))
    return total


@dataclass
class WorkerStats:
    """What a run did: keys reconciled, operations performed, feed entries recorded."""

    keys: int = 0
    operations: int = 0
    recorded: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, keys: int, operations: int) -> None:
        """Count one reconciled batch."""
        with self.lock:
            self.keys += keys
            self.operations += operations


def context_for(
    inst: InstitutionConfig, *, canvas_transport: httpx.BaseTransport | None = None,
    directory: LadokDirectory | None = None, ladok_transport: httpx.BaseTransport | None = None,
) -> InstitutionContext:
    """The reconcile context of an institution from its configuration."""
    canvas = CanvasClient(inst.canvas_url, inst.canvas_token, root_account=inst.canvas_root_account_id,
                          transport=canvas_transport)
    if directory is None:
        client = make_client(inst.ladok_cert, inst.ladok_cert_password, transport=ladok_transport)
        directory = RestLadokDirectory(client, inst.ladok_url)
    return InstitutionContext(inst.id, inst.settings, canvas, directory)


def run_queue(engine: Engine, contexts: Mapping[str, InstitutionContext], concurrency: int = 1,
              until_idle: bool = True, stop: threading.Event | None = None, poll: float = 1.0) -> WorkerStats:
    """Run `concurrency` reconcilers; with `until_idle`, return once no key is pending or being worked on."""
    stop = stop or threading.Event()
    stats = WorkerStats()
    busy = [0]
    cond = threading.Condition()

    def loop() -> None:
        owner = worker_name()
        while not stop.is_set():
            with write_session(engine) as s:
                fire_timers(s)
                claims = [c for c in claim(s, owner, limit=1) if c.institution_id in contexts]
            if not claims:
                with cond:
                    if until_idle and busy[0] == 0:
                        cond.notify_all()
                        return
                    cond.wait(timeout=poll if not until_idle else 0.05)
                continue
            with cond:
                busy[0] += 1
            try:
                ops = sum(reconcile(engine, contexts[c.institution_id], c, owner) for c in claims)
                stats.add(len(claims), ops)
            finally:
                with cond:
                    busy[0] -= 1
                    cond.notify_all()

    threads = [threading.Thread(target=loop, name=f"reconciler-{i}", daemon=True) for i in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return stats


def run_forever(engine: Engine, institutions: list[InstitutionConfig], contexts: Mapping[str, InstitutionContext],
                fetchers: Mapping[str, Callable[[str], bytes]], concurrency: int, poll: float = 5.0,
                stop: threading.Event | None = None) -> None:
    """Read feeds every `poll` seconds and reconcile continuously until `stop` is set."""
    stop = stop or threading.Event()
    reconcilers = threading.Thread(
        target=run_queue, args=(engine, contexts, concurrency, False, stop), daemon=True)
    reconcilers.start()
    while not stop.is_set():
        for inst in institutions:
            try:
                read_feed(engine, inst, fetchers[inst.id])
            except Exception:  # Ladok down or a bad page: keep the position, try again next round
                log.exception("reading the feed of %s failed", inst.id)
        stop.wait(poll)
    reconcilers.join()


def feed_fetcher(inst: InstitutionConfig, transport: httpx.BaseTransport | None = None) -> FeedFetcher:
    """A page fetcher for the institution's Ladok feed, with its client certificate."""
    return FeedFetcher(make_client(inst.ladok_cert, inst.ladok_cert_password, transport=transport))


def drain(engine: Engine, contexts: Mapping[str, InstitutionContext], concurrency: int = 1) -> WorkerStats:
    """Reconcile until nothing is pending (a convenience for tests and the demo)."""
    started = time.monotonic()
    stats = run_queue(engine, contexts, concurrency, until_idle=True)
    log.info("drained %d keys (%d operations) in %.1fs", stats.keys, stats.operations, time.monotonic() - started)
    return stats
