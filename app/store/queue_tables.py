"""SQLAlchemy tables of the work queue: a job per reconcile key, the workers that lease them, the timers."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, BigInteger, DateTime, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from app.store.tables import UID, Base


class JobRow(Base):
    """One reconcile key's place in the queue: pending while dirty_seq > done_seq; leased while worked on."""

    __tablename__ = "job"
    __table_args__ = (
        Index("ix_job_pending", "dead", "not_before"),
        # Claims look only at pending keys; a partial index keeps that cheap however many keys are done.
        Index(
            "ix_job_due",
            "dirtied_at",
            postgresql_where=text("dirty_seq > done_seq AND NOT dead"),
            sqlite_where=text("dirty_seq > done_seq AND NOT dead"),
        ),
        # Held keys are few (one per busy reconciler): finding their owners must not scan the queue.
        Index(
            "ix_job_leased",
            "lease_owner",
            postgresql_where=text("lease_owner IS NOT NULL"),
            sqlite_where=text("lease_owner IS NOT NULL"),
        ),
    )

    institution_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    uid: Mapped[str] = mapped_column(UID, primary_key=True)
    dirty_seq: Mapped[int] = mapped_column(BigInteger, default=1)
    done_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    not_before: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    lease_owner: Mapped[str | None] = mapped_column(String(255))  # app/pipeline/owners.py: host, pid, start, thread
    lease_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    leased_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))  # when the holder claimed it
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    dead: Mapped[bool] = mapped_column(default=False)
    last_error: Mapped[str | None] = mapped_column(Text)
    dirtied_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class WorkerRow(Base):
    """A worker process as its heartbeat last reported it: who, where, for which institutions, and when."""

    __tablename__ = "worker"

    owner: Mapped[str] = mapped_column(String(255), primary_key=True)  # the process part of its lease owners
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int] = mapped_column(Integer)
    institutions: Mapped[list] = mapped_column(JSON, default=list)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    beat_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    stopped_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class TimerRow(Base):
    """A key to reconcile again at a time (suspension start/end, purge date, end of delay delete)."""

    __tablename__ = "timer"

    institution_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    uid: Mapped[str] = mapped_column(UID, primary_key=True)
    due_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
