"""Read-only queries for the operator's `status` and `dead-letters`: feed position, inbox, queue, controls."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.store.queue_tables import JobRow
from app.store.tables import FeedPosition, HeldRemovalRow, InboxEvent, InstitutionControlRow, RejectedEntry


@dataclass(frozen=True, slots=True)
class EventCount:
    """How many inbox events of one type had one outcome (recorded, unknown, other_institution)."""

    outcome: str
    event_type: str
    count: int


@dataclass(frozen=True, slots=True)
class InstitutionStatus:
    """Where one institution's adapter stands, as `kursadmin status` prints it."""

    position: FeedPosition | None
    events: list[EventCount]
    pending: int
    dead: int
    control: InstitutionControlRow | None
    held: int
    rejected: list[RejectedEntry]


def institution_status(session: Session, institution_id: str) -> InstitutionStatus:
    """The feed position, inbox counts by outcome and type, queue, operator controls and rejected entries."""
    events = session.execute(
        select(InboxEvent.outcome, InboxEvent.event_type, func.count())
        .where(InboxEvent.institution_id == institution_id)
        .group_by(InboxEvent.outcome, InboxEvent.event_type)
        .order_by(InboxEvent.outcome, InboxEvent.event_type)
    ).all()
    jobs = select(func.count()).select_from(JobRow).where(JobRow.institution_id == institution_id)
    return InstitutionStatus(
        position=session.get(FeedPosition, institution_id),
        events=[EventCount(outcome, event_type, count) for outcome, event_type, count in events],
        pending=session.scalar(jobs.where(JobRow.dirty_seq > JobRow.done_seq, JobRow.dead.is_(False))) or 0,
        dead=session.scalar(jobs.where(JobRow.dead.is_(True))) or 0,
        control=session.get(InstitutionControlRow, institution_id),
        held=session.scalar(
            select(func.count()).select_from(HeldRemovalRow).where(HeldRemovalRow.institution_id == institution_id)
        )
        or 0,
        rejected=list(
            session.scalars(
                select(RejectedEntry).where(RejectedEntry.institution_id == institution_id).order_by(RejectedEntry.id)
            )
        ),
    )


def dead_letters(session: Session, institution_id: str) -> list[JobRow]:
    """The institution's keys that kept failing, the longest-waiting first."""
    return list(
        session.scalars(
            select(JobRow)
            .where(JobRow.institution_id == institution_id, JobRow.dead.is_(True))
            .order_by(JobRow.dirtied_at)
        )
    )
