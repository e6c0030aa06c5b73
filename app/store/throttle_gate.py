"""A Canvas throttle gate whose back-off every worker process shares through one database row per Canvas.

Canvas throttles per access token (app/middleware/request_throttle.rb in canvas-lms), so when one
process is told "403 (Rate Limit Exceeded)" every other process using the same token must hold back
too, or they keep the bucket over its high-water mark. The shared back-off is a wall-clock resume time
in `canvas_throttle`; each process caches it for `refresh` seconds, so a request costs no database
round-trip. Pacing by `X-Rate-Limit-Remaining` stays per process (`local`): every process reads the
same bucket in its answers, so each paces itself by what Canvas tells it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import threading
import time
from collections.abc import Callable
from typing import Protocol

from sqlalchemy import DateTime, Engine, Float, String, case, func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.store.db import insert_for
from app.store.tables import Base

log = logging.getLogger(__name__)


class CanvasThrottleRow(Base):
    """The shared back-off of one Canvas token: no worker sends a request before `resume_at` (Unix seconds)."""

    __tablename__ = "canvas_throttle"

    canvas_key: Mapped[str] = mapped_column(String(200), primary_key=True)
    resume_at: Mapped[float] = mapped_column(Float)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


def canvas_throttle_key(canvas_url: str, token: str) -> str:
    """The row key of one Canvas bucket: its URL and a hash of the token, never the token itself.

    request_throttle.rb's client_identifier is "token:" + the hashed access token, so institutions that
    share a token share a bucket (and must share a row); different tokens have buckets of their own.
    """
    digest = hashlib.sha256(token.encode()).hexdigest()[:16]
    return f"{canvas_url.rstrip('/')[:180]}#{digest}"


class LocalGate(Protocol):
    """The in-process pacing of a gate (app.canvas.throttle.InMemoryThrottleGate fits)."""

    def wait(self) -> None:
        """Block until this process's pacing and penalty allow a request."""

    def observe(self, remaining: float | None, cost: float | None) -> None:
        """Pace by a response's rate-limit headers."""


class DbThrottleGate:
    """A ThrottleGate (app.canvas.throttle) whose penalties reach every process on the same database."""

    def __init__(
        self,
        engine: Engine,
        canvas_key: str,
        *,
        local: LocalGate,
        refresh: float = 1.0,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._engine = engine
        self._key = canvas_key
        self._local = local
        self._refresh = refresh
        # Wall-clock time, not monotonic: the resume time is compared across processes and hosts.
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._shared_resume_at = 0.0
        self._read_at: float | None = None

    def wait(self) -> None:
        """Sleep until the shared back-off has passed, then let the local gate pace this request."""
        while True:
            delay = self.shared_resume_at() - self._clock()
            if delay > 0:
                self._sleep(delay)
                continue
            self._local.wait()
            # Another process may have been refused while the local gate held us: look once more.
            if self.shared_resume_at() <= self._clock():
                return

    def penalize(self, seconds: float) -> None:
        """Hold back this process at once and every other process from its next cache refresh."""
        until = self._clock() + seconds
        with self._lock:
            self._shared_resume_at = max(self._shared_resume_at, until)
        try:
            with self._engine.begin() as conn:
                insert = insert_for(conn.dialect.name)
                stmt = insert(CanvasThrottleRow).values(canvas_key=self._key, resume_at=until)
                later = case((CanvasThrottleRow.resume_at < stmt.excluded.resume_at, stmt.excluded.resume_at),
                             else_=CanvasThrottleRow.resume_at)
                conn.execute(stmt.on_conflict_do_update(index_elements=["canvas_key"],
                                                        set_={"resume_at": later, "updated_at": func.now()}))
        except SQLAlchemyError:
            # The local penalty already holds this process back; a database hiccup must not fail the request.
            log.warning("could not share the Canvas back-off for %s", self._key, exc_info=True)

    def observe(self, remaining: float | None, cost: float | None) -> None:
        """Pace this process by the newest rate-limit headers."""
        self._local.observe(remaining, cost)

    def shared_resume_at(self) -> float:
        """The shared resume time, read from the database at most once per `refresh` seconds."""
        now = self._clock()
        with self._lock:
            if self._read_at is not None and now - self._read_at < self._refresh:
                return self._shared_resume_at
            self._read_at = now  # other threads use the cached value while this one reads
        try:
            with Session(self._engine) as s:
                stored = s.scalar(select(CanvasThrottleRow.resume_at).where(CanvasThrottleRow.canvas_key == self._key))
        except SQLAlchemyError:
            log.warning("could not read the shared Canvas back-off for %s", self._key, exc_info=True)
            stored = None
        with self._lock:
            if stored is not None:
                self._shared_resume_at = max(self._shared_resume_at, stored)
            return self._shared_resume_at
