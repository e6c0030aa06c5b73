"""Database engine and sessions: SQLite by default (WAL, foreign keys, busy timeout), PostgreSQL in production."""

from __future__ import annotations

import datetime as dt
import random
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from typing import Any, TypeVar, overload

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

# Connections a process keeps open: one per reconciler thread of a busy worker (up to 24), its heartbeat,
# reclaimer and feed reader. Below that, threads queue for a connection (up to 30 s) instead of the
# database; pooled connections are opened only when needed, so a small process keeps few.
POOL_SIZE = 32


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for the URL; SQLite gets the pragmas that make several processes share one file safely."""
    in_memory = ":memory:" in url or url in ("sqlite://", "sqlite:///")
    # A database error's text would otherwise quote its statement's values (personnummer, names, e-mail)
    # into the logs and dead letters.
    kwargs.setdefault("hide_parameters", True)
    if not in_memory:  # an in-memory SQLite has a pool of its own kind, one connection per thread
        kwargs.setdefault("pool_size", POOL_SIZE)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False}, **kwargs)

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            # Let SQLAlchemy issue BEGIN itself so the queue can take BEGIN IMMEDIATE (pysqlite quirk).
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            if not in_memory:
                cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin(conn: Any) -> None:
            conn.exec_driver_sql(conn.info.get("sqlite_begin", "BEGIN"))

        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


# One lock per SQLite engine: the threads of a process take turns at writing. SQLite lets one writer in
# at a time and makes the others poll with sleeps that grow to 100 ms (its busy handler), so without it
# a thread often sleeps long after the lock was freed; a threading lock hands it over at once.
_WRITERS: weakref.WeakKeyDictionary[Engine, threading.RLock] = weakref.WeakKeyDictionary()
_WRITERS_GUARD = threading.Lock()


def writer_lock(engine: Engine) -> threading.RLock:
    """The lock this process's writers to a SQLite `engine` take turns by (re-entrant, for a nested write)."""
    with _WRITERS_GUARD:
        lock = _WRITERS.get(engine)
        if lock is None:
            lock = _WRITERS[engine] = threading.RLock()
        return lock


WRITE_WAIT = 30.0  # seconds, as SQLite's busy timeout: a writer held up longer fails instead of waiting for good


@contextmanager
def _writers_turn(engine: Engine) -> Iterator[None]:
    """Wait for this process's other writers to SQLite; TimeoutError after WRITE_WAIT seconds (one is stuck)."""
    lock = writer_lock(engine)
    if not lock.acquire(timeout=WRITE_WAIT):
        raise TimeoutError(f"another thread of this process has been writing to the database for {WRITE_WAIT:.0f} s")
    try:
        yield
    finally:
        lock.release()


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """A session whose transaction takes the write lock at its start (SQLite BEGIN IMMEDIATE).

    Commits on success, rolls back on error. On SQLite the writers of this process also take turns by
    `writer_lock`; other processes are kept out by SQLite itself. On PostgreSQL it is an ordinary transaction.
    """
    sqlite = engine.dialect.name == "sqlite"
    with _writers_turn(engine) if sqlite else nullcontext(), engine.connect() as conn:
        if sqlite:
            conn.info["sqlite_begin"] = "BEGIN IMMEDIATE"
        try:
            with Session(bind=conn, expire_on_commit=False) as session, session.begin():
                yield session
        finally:
            conn.info.pop("sqlite_begin", None)


T = TypeVar("T")

# PostgreSQL's "deadlock detected" and "could not serialize access": the transaction was chosen to give
# way and did nothing, so running it again is safe and is what the server asks of its clients.
RETRYABLE_SQLSTATES = frozenset({"40P01", "40001"})


def retry_conflicts(transaction: Callable[[], T], attempts: int = 4) -> T:
    """Run a write transaction again (after a short random pause) when PostgreSQL aborted it as a deadlock victim."""
    for attempt in range(1, attempts):
        try:
            return transaction()
        except OperationalError as exc:
            if getattr(exc.orig, "sqlstate", None) not in RETRYABLE_SQLSTATES:
                raise
            time.sleep(random.uniform(0.01, 0.05) * attempt)
    return transaction()


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """Session factory bound to the engine; objects stay readable after commit."""
    return sessionmaker(engine, expire_on_commit=False)


@overload
def as_utc(value: dt.datetime) -> dt.datetime: ...
@overload
def as_utc(value: None) -> None: ...
@overload
def as_utc(value: dt.datetime | None) -> dt.datetime | None: ...
def as_utc(value: dt.datetime | None) -> dt.datetime | None:
    """A stored time as an aware UTC datetime: SQLite hands timezone-aware columns back naive (they hold UTC)."""
    return value.replace(tzinfo=dt.UTC) if value is not None and value.tzinfo is None else value


def insert_for(dialect_name: str) -> Any:
    """The dialect's `insert` construct, which knows `on_conflict_do_*` (PostgreSQL, else SQLite)."""
    return pg_insert if dialect_name == "postgresql" else sqlite_insert
