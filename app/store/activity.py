"""What workers report for monitoring, and what the monitoring reads back: Canvas requests, feed reads, lag."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from app.store.db import as_utc, insert_for
from app.store.ops_tables import CanvasRequestCountRow, FeedReadRow, LagSampleRow
from app.store.queue_tables import JobRow
from app.store.tables import ActionLogRow

LAG_KEPT_FOR = dt.timedelta(hours=48)  # the admin view's chart shows 24


def add_request_counts(session: Session, institution_id: str, counts: Mapping[str, int]) -> None:
    """Add a batch of Canvas requests, counted by outcome, to the institution's totals."""
    insert = insert_for(session.get_bind().dialect.name)
    for outcome, n in sorted(counts.items()):  # one order everywhere: concurrent batches never deadlock
        if n:
            stmt = insert(CanvasRequestCountRow).values(institution_id=institution_id, outcome=outcome, count=n)
            session.execute(
                stmt.on_conflict_do_update(
                    index_elements=["institution_id", "outcome"],
                    set_={"count": CanvasRequestCountRow.count + stmt.excluded.count},
                )
            )


def request_counts(session: Session) -> dict[tuple[str, str], int]:
    """Every institution's Canvas requests so far, by (institution, outcome)."""
    rows = session.execute(
        select(CanvasRequestCountRow.institution_id, CanvasRequestCountRow.outcome, CanvasRequestCountRow.count)
    )
    return {(inst, outcome): count for inst, outcome, count in rows}


def note_feed_read(session: Session, institution_id: str, at: dt.datetime) -> None:
    """The institution's feed was read at `at` (a later time is kept if another worker wrote one)."""
    insert = insert_for(session.get_bind().dialect.name)
    stmt = insert(FeedReadRow).values(institution_id=institution_id, read_at=at)
    session.execute(
        stmt.on_conflict_do_update(
            index_elements=["institution_id"], set_={"read_at": at}, where=FeedReadRow.read_at < at
        )
    )


def last_feed_read(session: Session, institution_id: str) -> dt.datetime | None:
    """When the institution's feed was last read (None: never)."""
    return as_utc(session.scalar(select(FeedReadRow.read_at).where(FeedReadRow.institution_id == institution_id)))


def sample_lag(session: Session, institution_id: str, now: dt.datetime) -> None:
    """Note the age of the institution's oldest pending change in this minute (the largest of several workers')."""
    oldest, pending = session.execute(
        select(func.min(JobRow.dirtied_at), func.count()).where(
            JobRow.institution_id == institution_id, JobRow.dirty_seq > JobRow.done_seq, JobRow.dead.is_(False)
        )
    ).one()
    oldest = as_utc(oldest)
    lag = max(0.0, (now - oldest).total_seconds()) if oldest is not None else 0.0
    minute = now.replace(second=0, microsecond=0)
    insert = insert_for(session.get_bind().dialect.name)
    stmt = insert(LagSampleRow).values(institution_id=institution_id, minute=minute, lag_seconds=lag, pending=pending)
    session.execute(
        stmt.on_conflict_do_update(
            index_elements=["institution_id", "minute"],
            set_={"lag_seconds": lag, "pending": pending},
            where=LagSampleRow.lag_seconds < lag,
        )
    )
    session.execute(delete(LagSampleRow).where(LagSampleRow.minute < now - LAG_KEPT_FOR))


def lag_samples(session: Session, institution_id: str, since: dt.datetime) -> list[tuple[dt.datetime, float]]:
    """The institution's lag samples since `since`, oldest first, as (minute, seconds)."""
    rows = session.execute(
        select(LagSampleRow.minute, LagSampleRow.lag_seconds)
        .where(LagSampleRow.institution_id == institution_id, LagSampleRow.minute >= since)
        .order_by(LagSampleRow.minute)
    )
    return [(as_utc(minute) or minute, lag) for minute, lag in rows]


def applied_by_hour(session: Session, institution_id: str, since: dt.datetime) -> dict[dt.datetime, int]:
    """Changes made in Canvas since `since`, counted per hour (UTC, the hour's start)."""
    if session.get_bind().dialect.name == "postgresql":
        hour = func.date_trunc("hour", func.timezone("UTC", ActionLogRow.at))
    else:  # SQLite keeps UTC text
        hour = func.strftime("%Y-%m-%d %H:00:00", ActionLogRow.at)
    rows = session.execute(
        select(hour, func.count())
        .where(
            ActionLogRow.institution_id == institution_id,
            ActionLogRow.outcome == "done",
            ActionLogRow.at >= since,
        )
        .group_by(hour)
    )
    counts: dict[dt.datetime, int] = {}
    for start, n in rows:
        when = start if isinstance(start, dt.datetime) else dt.datetime.fromisoformat(str(start))
        counts[when.replace(tzinfo=dt.UTC)] = n
    return counts
