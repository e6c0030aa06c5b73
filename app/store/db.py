"""Database engine and sessions: SQLite by default (WAL, foreign keys, busy timeout), PostgreSQL in production."""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar, overload

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for the URL; SQLite gets the pragmas that make several processes share one file safely."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False}, **kwargs)

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            # Let SQLAlchemy issue BEGIN itself so the queue can take BEGIN IMMEDIATE (pysqlite quirk).
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            if ":memory:" not in url and url not in ("sqlite://", "sqlite:///"):
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


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """A session whose transaction takes the write lock at its start (SQLite BEGIN IMMEDIATE).

    Commits on success, rolls back on error. On PostgreSQL it is an ordinary transaction.
    """
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
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
