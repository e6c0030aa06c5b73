"""Worker processes in the database: a heartbeat row each, and on PostgreSQL a lock that ends with the process.

The lock is a shared session-level advisory lock on a key derived from the process id, held on a
connection of the worker's own for as long as it runs. PostgreSQL drops it when that session ends: the
process exits or is killed, or its host goes down and the server sees the connection die. Its absence
from `pg_locks` therefore proves the holder gone, on whatever host it ran — which the process table of
one host cannot. It is shared so that two runs in one process (or a run and the next) never refuse each
other. A holder whose connection broke while it lives learns so at its next heartbeat, takes the lock
again and treats every lease it held as possibly lost (`app/pipeline/leases.py`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Collection
from types import TracebackType

from sqlalchemy import Connection, Engine, delete, select, text, update
from sqlalchemy.orm import Session

from app.store.db import as_utc, insert_for
from app.store.queue_tables import WorkerRow

log = logging.getLogger(__name__)

KEPT_FOR = dt.timedelta(days=7)  # rows of workers gone longer than this are dropped when a worker starts

_ADVISORY_KEYS = text(
    "SELECT DISTINCT (classid::bigint << 32) | objid::bigint FROM pg_locks "
    "WHERE locktype = 'advisory' AND objsubid = 1 AND granted "
    "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
)


def presence_key(process_id: str) -> int:
    """The advisory-lock key a worker process holds while it lives (a signed 64-bit hash of its id)."""
    digest = hashlib.blake2b(f"kursadmin-worker:{process_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


class Presence:
    """A worker process's lock on PostgreSQL for as long as the block runs; nothing on SQLite."""

    def __init__(self, engine: Engine, process_id: str) -> None:
        self.engine = engine
        self.key = presence_key(process_id)
        self._conn: Connection | None = None

    def __enter__(self) -> Presence:
        if self.engine.dialect.name == "postgresql":
            self._conn = self._lock()
        return self

    def __exit__(self, *_exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        if self._conn is None:
            return
        try:
            # Unlocked explicitly: closing only returns the connection to the pool, where the lock would stay.
            self._conn.execute(text("SELECT pg_advisory_unlock_shared(:key)"), {"key": self.key})
            self._conn.commit()
        finally:
            self._conn.close()
            self._conn = None

    def check(self) -> bool:
        """True while the lock has been held throughout; False after a broken connection (it is then taken again).

        False means other workers may have taken this process for dead and freed its keys meanwhile.
        """
        if self.engine.dialect.name != "postgresql":
            return True
        try:
            if self._conn is None:
                raise ConnectionError("no lock connection")
            self._conn.execute(text("SELECT 1"))
            self._conn.commit()
            return True
        except Exception:
            log.warning("the worker's lock connection to PostgreSQL broke; taking the lock again")
        if self._conn is not None:
            self._conn.invalidate()
            self._conn = None
        try:
            self._conn = self._lock()
        except Exception:  # the database is away: tried again at the next heartbeat
            log.exception("taking the worker's lock again failed")
        return False

    def _lock(self) -> Connection:
        conn = self.engine.connect()
        try:
            if not conn.scalar(text("SELECT pg_try_advisory_lock_shared(:key)"), {"key": self.key}):
                raise RuntimeError("another session holds this worker's lock exclusively")
            conn.commit()  # the lock is the session's: no transaction is left open (idle_in_transaction timeouts)
        except Exception:
            conn.close()
            raise
        return conn


def present(session: Session, process_ids: Collection[str]) -> set[str] | None:
    """Which of these worker processes hold their lock; None where the database cannot tell (SQLite)."""
    if session.get_bind().dialect.name != "postgresql":
        return None
    held = set(session.scalars(_ADVISORY_KEYS))
    return {p for p in process_ids if presence_key(p) in held}


def beat(
    session: Session,
    process_id: str,
    host: str,
    pid: int,
    institutions: Collection[str],
    started_at: dt.datetime,
    now: dt.datetime | None = None,
) -> None:
    """Record that the worker process is alive now (its row is made at the first beat)."""
    now = now or dt.datetime.now(dt.UTC)
    values = {
        "owner": process_id,
        "host": host,
        "pid": pid,
        "institutions": sorted(institutions),
        "started_at": started_at,
        "beat_at": now,
        "stopped_at": None,
    }
    insert = insert_for(session.get_bind().dialect.name)
    session.execute(
        insert(WorkerRow)
        .values(values)
        .on_conflict_do_update(
            index_elements=["owner"], set_={"beat_at": now, "institutions": values["institutions"], "stopped_at": None}
        )
    )


def stopped(session: Session, process_ids: Collection[str], now: dt.datetime | None = None) -> None:
    """The worker processes have stopped (cleanly, or found dead): no longer listed as running."""
    if process_ids:
        session.execute(
            update(WorkerRow)
            .where(WorkerRow.owner.in_(sorted(process_ids)), WorkerRow.stopped_at.is_(None))
            .values(stopped_at=now or dt.datetime.now(dt.UTC))
        )


def forget_old(session: Session, now: dt.datetime | None = None) -> None:
    """Drop the rows of workers not heard from for KEPT_FOR, so the table holds recent processes only."""
    session.execute(delete(WorkerRow).where(WorkerRow.beat_at < (now or dt.datetime.now(dt.UTC)) - KEPT_FOR))


def running(session: Session, institution_id: str | None = None) -> list[WorkerRow]:
    """Workers (of an institution) that have not stopped, newest heartbeat first; a killed one until found dead."""
    rows = session.scalars(select(WorkerRow).where(WorkerRow.stopped_at.is_(None)).order_by(WorkerRow.beat_at.desc()))
    return [row for row in rows if institution_id is None or institution_id in (row.institutions or [])]


def last_beat(session: Session, institution_id: str) -> dt.datetime | None:
    """When a worker serving the institution last reported alive (None: never, or not within KEPT_FOR)."""
    beats = [
        as_utc(row.beat_at) for row in session.scalars(select(WorkerRow)) if institution_id in (row.institutions or [])
    ]
    return max((b for b in beats if b is not None), default=None)
