"""A Canvas throttle gate whose back-off and learnt bucket every worker process shares through one row per Canvas.

Canvas throttles per access token (app/middleware/request_throttle.rb in canvas-lms), so when one
process is told it is throttled (403 "Rate Limit Exceeded" or 429) every other process using the same
token must hold back too, or they keep the bucket over its high-water mark. The shared back-off is a
wall-clock resume time in `canvas_throttle`; beside it the row holds what the processes learnt of the
bucket (high-water mark, up-front cost, drain, cost per request), so a process starting later paces by
it from its first request. Each process reads the row at most once per `refresh` seconds and writes
its figures when they changed, so a request costs no database round-trip. The pacing itself stays per
process (`local`): every process reads the same bucket in its answers.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import asdict
from typing import Protocol

from sqlalchemy import DateTime, Engine, Float, String, case, func
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.core.pacing import Answer, BucketFigures
from app.store.db import insert_for
from app.store.tables import Base

log = logging.getLogger(__name__)


class CanvasThrottleRow(Base):
    """One Canvas token's shared back-off (no request before `resume_at`, Unix seconds) and learnt bucket."""

    __tablename__ = "canvas_throttle"

    canvas_key: Mapped[str] = mapped_column(String(200), primary_key=True)
    resume_at: Mapped[float] = mapped_column(Float)
    high_water: Mapped[float | None] = mapped_column(Float, nullable=True)
    up_front: Mapped[float | None] = mapped_column(Float, nullable=True)
    drain: Mapped[float | None] = mapped_column(Float, nullable=True)
    cost: Mapped[float | None] = mapped_column(Float, nullable=True)
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

    def finish(self, answer: Answer | None) -> float | None:
        """Learn from an answer; for a throttled one, the pause set, if known."""

    def figures(self) -> BucketFigures:
        """What this process has learnt of the bucket."""

    def adopt(self, figures: BucketFigures) -> None:
        """Take in what other processes learnt."""


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
        self._published = BucketFigures()
        self._published_at: float | None = None

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
            self._local.finish(None)  # give the slot back while the shared back-off runs

    def penalize(self, seconds: float) -> None:
        """Hold back this process at once and every other process from its next cache refresh."""
        until = self._clock() + seconds
        with self._lock:
            self._shared_resume_at = max(self._shared_resume_at, until)
        self._store(resume_at=until)

    def finish(self, answer: Answer | None) -> float | None:
        """Learn from the answer in this process; share a throttled answer's pause and changed figures."""
        pause = self._local.finish(answer)
        if pause is not None:
            self.penalize(pause)
        figures, now = self._local.figures(), self._clock()
        with self._lock:
            publish = figures not in (self._published, BucketFigures()) and (
                self._published_at is None or now - self._published_at >= self._refresh
            )
            if publish:
                self._published, self._published_at = figures, now
        if publish:
            self._store(figures=figures)
        return pause

    def _store(self, *, resume_at: float = 0.0, figures: BucketFigures | None = None) -> None:
        """Upsert the row: the later resume time wins; figures, when given, replace the stored ones."""
        learnt = {} if figures is None else {k: v for k, v in asdict(figures).items() if v is not None}
        try:
            with self._engine.begin() as conn:
                insert = insert_for(conn.dialect.name)
                stmt = insert(CanvasThrottleRow).values(canvas_key=self._key, resume_at=resume_at, **learnt)
                later = case(
                    (CanvasThrottleRow.resume_at < stmt.excluded.resume_at, stmt.excluded.resume_at),
                    else_=CanvasThrottleRow.resume_at,
                )
                conn.execute(
                    stmt.on_conflict_do_update(
                        index_elements=["canvas_key"], set_={"resume_at": later, "updated_at": func.now(), **learnt}
                    )
                )
        except SQLAlchemyError:
            # The local pacing already holds this process back; a database hiccup must not fail the request.
            log.warning("could not share the Canvas throttle state for %s", self._key, exc_info=True)

    def figures(self) -> BucketFigures:
        """What this process knows of the bucket, its own learning and the shared row's together."""
        self.shared_resume_at()
        return self._local.figures()

    def shared_resume_at(self) -> float:
        """The shared resume time, read from the database at most once per `refresh` seconds."""
        now = self._clock()
        with self._lock:
            if self._read_at is not None and now - self._read_at < self._refresh:
                return self._shared_resume_at
            self._read_at = now  # other threads use the cached value while this one reads
        try:
            with Session(self._engine) as s:
                row = s.get(CanvasThrottleRow, self._key)
                stored = (
                    None
                    if row is None
                    else (row.resume_at, BucketFigures(row.high_water, row.up_front, row.drain, row.cost))
                )
        except SQLAlchemyError:
            log.warning("could not read the shared Canvas throttle state for %s", self._key, exc_info=True)
            stored = None
        if stored is not None:
            self._local.adopt(stored[1])
        with self._lock:
            if stored is not None:
                self._shared_resume_at = max(self._shared_resume_at, stored[0])
            return self._shared_resume_at
