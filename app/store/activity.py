"""What workers report for monitoring, and what the monitoring reads back: Canvas request counts and feed reads."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.store.db import as_utc, insert_for
from app.store.ops_tables import CanvasRequestCountRow, FeedReadRow


def add_request_counts(session: Session, institution_id: str, counts: Mapping[str, int]) -> None:
    """Add a batch of Canvas requests, counted by outcome, to the institution's totals."""
    insert = insert_for(session.get_bind().dialect.name)
    for outcome, n in sorted(counts.items()):  # one order everywhere: concurrent batches never deadlock
        if n:
            stmt = insert(CanvasRequestCountRow).values(institution_id=institution_id, outcome=outcome, count=n)
            session.execute(stmt.on_conflict_do_update(
                index_elements=["institution_id", "outcome"],
                set_={"count": CanvasRequestCountRow.count + stmt.excluded.count}))


def request_counts(session: Session) -> dict[tuple[str, str], int]:
    """Every institution's Canvas requests so far, by (institution, outcome)."""
    rows = session.execute(select(CanvasRequestCountRow.institution_id, CanvasRequestCountRow.outcome,
                                  CanvasRequestCountRow.count))
    return {(inst, outcome): count for inst, outcome, count in rows}


def note_feed_read(session: Session, institution_id: str, at: dt.datetime) -> None:
    """The institution's feed was read at `at` (a later time is kept if another worker wrote one)."""
    insert = insert_for(session.get_bind().dialect.name)
    stmt = insert(FeedReadRow).values(institution_id=institution_id, read_at=at)
    session.execute(stmt.on_conflict_do_update(index_elements=["institution_id"], set_={"read_at": at},
                                               where=FeedReadRow.read_at < at))


def last_feed_read(session: Session, institution_id: str) -> dt.datetime | None:
    """When the institution's feed was last read (None: never)."""
    return as_utc(session.scalar(select(FeedReadRow.read_at).where(FeedReadRow.institution_id == institution_id)))
