"""A worker's activity for the monitoring: Canvas answers counted and feed reads noted in memory, written in batches,
and each institution's lag sampled once a minute for the admin view's chart.

A worker sends many Canvas requests a second; writing each would put a database write on every request's
path (on SQLite, behind the queue's write lock). The counts are kept in memory instead and a thread of
the recorder's own writes them once a second, and once more when the recorder stops.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping
from types import TracebackType

import httpx
from sqlalchemy import Engine

from app.canvas.client import is_throttled
from app.core.request_outcome import request_outcome
from app.pipeline.reconcile import InstitutionContext
from app.store.activity import add_request_counts, note_feed_read, sample_lag
from app.store.db import write_session

log = logging.getLogger(__name__)

FLUSH_EVERY = 1.0  # seconds between writes
SAMPLE_EVERY = 60.0  # seconds between lag samples (the chart shows the largest per hour)


class ActivityRecorder:
    """Collects Canvas answers and feed reads per institution; a context manager that writes them while it runs."""

    def __init__(self, engine: Engine, every: float = FLUSH_EVERY, sample_every: float = SAMPLE_EVERY) -> None:
        self.engine = engine
        self.every = every
        self.sample_every = sample_every
        self.institution_ids: set[str] = set()
        self._lock = threading.Lock()
        self._answers: dict[str, Counter[str]] = {}
        self._reads: dict[str, dt.datetime] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def canvas_hook(self, institution_id: str) -> Callable[[httpx.Response], None]:
        """An httpx response hook counting the institution's Canvas answers by outcome."""
        self.institution_ids.add(institution_id)

        def count(response: httpx.Response) -> None:
            if response.status_code in (403, 429):
                response.read()  # the rate-limit answer is told apart from a refusal by its text
            outcome = request_outcome(response.status_code, is_throttled(response))
            with self._lock:
                self._answers.setdefault(institution_id, Counter())[outcome] += 1

        return count

    def count_canvas(self, contexts: Mapping[str, InstitutionContext]) -> None:
        """Count every Canvas answer the contexts' clients get, each under its institution."""
        for institution_id, context in contexts.items():
            context.canvas.on_response(self.canvas_hook(institution_id))

    def feed_fetcher(self, institution_id: str, fetch: Callable[[str], bytes]) -> Callable[[str], bytes]:
        """`fetch`, noting the time of every page it fetched."""
        self.institution_ids.add(institution_id)

        def fetch_noted(url: str) -> bytes:
            page = fetch(url)
            with self._lock:
                self._reads[institution_id] = dt.datetime.now(dt.UTC)
            return page

        return fetch_noted

    def flush(self) -> None:
        """Write what was collected since the last write; on a database error it is kept for the next."""
        with self._lock:
            answers, reads = self._answers, self._reads
            self._answers, self._reads = {}, {}
        if not answers and not reads:
            return
        try:
            with write_session(self.engine) as s:
                for institution_id, counts in sorted(answers.items()):
                    add_request_counts(s, institution_id, counts)
                for institution_id, at in sorted(reads.items()):
                    note_feed_read(s, institution_id, at)
        except Exception:
            log.exception("writing the worker's request counts failed; they are kept for the next write")
            with self._lock:
                for institution_id, counts in answers.items():
                    self._answers.setdefault(institution_id, Counter()).update(counts)
                for institution_id, at in reads.items():
                    self._reads[institution_id] = max(at, self._reads.get(institution_id, at))

    def sample(self) -> None:
        """Note each institution's lag now (a database error is logged: the next minute samples again)."""
        now = dt.datetime.now(dt.UTC)
        try:
            with write_session(self.engine) as s:
                for institution_id in sorted(self.institution_ids):
                    sample_lag(s, institution_id, now)
        except Exception:
            log.exception("sampling the lag failed")

    def __enter__(self) -> ActivityRecorder:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="activity", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *_exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        self.flush()
        self.sample()

    def _run(self) -> None:
        self.sample()
        sampled = time.monotonic()
        while not self._stop.wait(self.every):
            self.flush()
            if time.monotonic() - sampled >= self.sample_every:
                self.sample()
                sampled = time.monotonic()
