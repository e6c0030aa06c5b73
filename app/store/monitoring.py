"""Read-only figures per institution for /metrics and /healthz: events, queue, safeguards, feed and worker ages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.store.activity import last_feed_read
from app.store.db import as_utc
from app.store.queue_tables import JobRow
from app.store.tables import HeldRemovalRow, InboxEvent
from app.store.workers import last_beat


@dataclass(frozen=True, slots=True)
class InstitutionFigures:
    """One institution's figures at one moment."""

    events: dict[str, int]  # recorded Ladok events by type
    queue_depth: int
    oldest_pending: dt.datetime | None
    held_removals: int
    dead_letters: int
    feed_read: dt.datetime | None
    worker_beat: dt.datetime | None


def institution_figures(session: Session, institution_id: str) -> InstitutionFigures:
    """The institution's figures as the database holds them now."""
    events = session.execute(
        select(InboxEvent.event_type, func.count())
        .where(InboxEvent.institution_id == institution_id, InboxEvent.outcome == "recorded")
        .group_by(InboxEvent.event_type)
    ).all()
    jobs = select(func.count()).select_from(JobRow).where(JobRow.institution_id == institution_id)
    pending = (JobRow.institution_id == institution_id, JobRow.dirty_seq > JobRow.done_seq, JobRow.dead.is_(False))
    return InstitutionFigures(
        events={event_type: count for event_type, count in events},
        queue_depth=session.scalar(jobs.where(*pending[1:])) or 0,
        oldest_pending=as_utc(session.scalar(select(func.min(JobRow.dirtied_at)).where(*pending))),
        held_removals=session.scalar(
            select(func.count()).select_from(HeldRemovalRow).where(HeldRemovalRow.institution_id == institution_id)
        )
        or 0,
        dead_letters=session.scalar(jobs.where(JobRow.dead.is_(True))) or 0,
        feed_read=last_feed_read(session, institution_id),
        worker_beat=last_beat(session, institution_id),
    )
