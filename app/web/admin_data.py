"""What the admin view shows about an institution: feed position, inbox counts, rejected entries, jobs,
co-reading requests and the history of course settings."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.store.control import held, is_paused
from app.store.course_settings import history
from app.store.course_tables import CourseAuditRow
from app.store.queue_tables import JobRow
from app.store.tables import FeedPosition, HeldRemovalRow, InboxEvent, RejectedEntry
from app.web.course_data import RequestLine, request_lines

LIST_LIMIT = 50


@dataclass(frozen=True, slots=True)
class InstitutionHealth:
    """A read-only snapshot of one institution's adapter state."""

    institution_id: str
    feed: FeedPosition | None
    inbox: dict[str, int]
    rejected: list[RejectedEntry]
    rejected_total: int
    pending_jobs: int
    dead_jobs: list[JobRow]
    dead_total: int
    paused: bool
    held: list[HeldRemovalRow]
    requests: list[RequestLine]
    history: list[CourseAuditRow]


def institution_health(db: Session, institution_id: str, lang: str) -> InstitutionHealth:
    """The snapshot for one institution (newest rejected entries and dead jobs first)."""
    inbox = dict(
        db.execute(
            select(InboxEvent.outcome, func.count())
            .where(InboxEvent.institution_id == institution_id)
            .group_by(InboxEvent.outcome)
        ).all()
    )
    rejected_q = select(RejectedEntry).where(RejectedEntry.institution_id == institution_id)
    dead_q = select(JobRow).where(JobRow.institution_id == institution_id, JobRow.dead.is_(True))
    pending = db.scalar(
        select(func.count())
        .select_from(JobRow)
        .where(JobRow.institution_id == institution_id, JobRow.dead.is_(False), JobRow.dirty_seq > JobRow.done_seq)
    )
    return InstitutionHealth(
        institution_id=institution_id,
        feed=db.get(FeedPosition, institution_id),
        inbox=inbox,
        rejected=list(db.scalars(rejected_q.order_by(RejectedEntry.id.desc()).limit(LIST_LIMIT))),
        rejected_total=db.scalar(select(func.count()).select_from(rejected_q.subquery())) or 0,
        pending_jobs=pending or 0,
        dead_jobs=list(db.scalars(dead_q.order_by(JobRow.dirtied_at.desc()).limit(LIST_LIMIT))),
        dead_total=db.scalar(select(func.count()).select_from(dead_q.subquery())) or 0,
        paused=is_paused(db, institution_id),
        held=held(db, institution_id),
        requests=request_lines(db, institution_id, lang),
        history=history(db, institution_id, limit=LIST_LIMIT),
    )
