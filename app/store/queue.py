"""The job queue: one row per reconcile key, leased by one worker at a time, never lost.

A key is pending while `dirty_seq > done_seq`. Marking it dirty again while a worker holds it bumps
`dirty_seq`, so the key runs once more after the worker finishes: at-least-once, one pending job per
key, and a lease that expires when a worker dies. Claims use SKIP LOCKED on PostgreSQL; on SQLite the
caller's transaction is BEGIN IMMEDIATE (see `write_session`), which serialises writers. A lease whose
holder is proved dead is given back at once (`release`); who is dead is the worker's to find out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from sqlalchemy import and_, case, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from app.core.idle import QueuedKey
from app.core.redact import redact
from app.store.clock import utcnow
from app.store.db import as_utc
from app.store.projection import DirtyKey
from app.store.queue_tables import JobRow, TimerRow
from app.store.rows import rows_changed

MAX_ATTEMPTS = 8


@dataclass(frozen=True, slots=True)
class Lease:
    """A key being worked on: by whom, since when, and until when the lease lasts unless renewed."""

    institution_id: str
    key: DirtyKey
    owner: str
    leased_at: dt.datetime | None
    until: dt.datetime


@dataclass(frozen=True, slots=True)
class Claim:
    """A leased key: who holds it and which dirty sequence the work covers."""

    institution_id: str
    key: DirtyKey
    seq: int
    attempts: int


def mark_dirty(session: Session, institution_id: str, keys: Iterable[DirtyKey], now: dt.datetime | None = None) -> None:
    """Queue the keys for reconciling (once each, however often they are marked)."""
    now = now or utcnow()
    rows = [
        {
            "institution_id": institution_id,
            "kind": k.kind,
            "uid": k.uid,
            "dirty_seq": 1,
            "done_seq": 0,
            "not_before": now,
            "attempts": 0,
            "dead": False,
            "dirtied_at": now,
        }
        for k in sorted(set(keys))
    ]
    if not rows:
        return
    session.execute(_MARK[session.get_bind().dialect.name], rows)


def _mark_statement(insert):
    ins = insert(JobRow)
    # A key already waiting keeps its place in the queue: moving it to the back at every new event would
    # let a busy student wait behind everyone marked since, however long ago its first event came.
    waiting = and_(JobRow.dirty_seq > JobRow.done_seq, JobRow.dead.is_(False))
    return ins.on_conflict_do_update(
        index_elements=["institution_id", "kind", "uid"],
        set_={
            "dirty_seq": JobRow.dirty_seq + 1,
            "not_before": ins.excluded.not_before,
            "dirtied_at": case((waiting, JobRow.dirtied_at), else_=ins.excluded.dirtied_at),
            "attempts": 0,
            "dead": False,
        },
    )


# One statement per dialect, built once: executed with a list of rows (executemany), it is compiled once
# and cached, where a multi-row VALUES built per page was compiled anew every time.
_MARK = {"postgresql": _mark_statement(pg_insert), "sqlite": _mark_statement(sqlite_insert)}


def claim(
    session: Session,
    owner: str,
    limit: int = 1,
    lease: float = 300.0,
    now: dt.datetime | None = None,
    institution_ids: Collection[str] | None = None,
) -> list[Claim]:
    """Lease up to `limit` pending keys (of these institutions) whose lease is free; commit soon after."""
    now = now or utcnow()
    query = (
        select(JobRow)
        .where(
            JobRow.dirty_seq > JobRow.done_seq,
            JobRow.dead.is_(False),
            JobRow.not_before <= now,
            or_(JobRow.lease_until.is_(None), JobRow.lease_until < now),
        )
        .order_by(JobRow.dirtied_at)
        .limit(limit)
    )
    if institution_ids is not None:
        # Filtered in the query: a key leased and then dropped would sit idle until its lease ran out.
        query = query.where(JobRow.institution_id.in_(sorted(institution_ids)))
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    rows = session.scalars(query).all()
    until = now + dt.timedelta(seconds=lease)
    claims = []
    for row in rows:
        row.lease_owner, row.lease_until, row.leased_at = owner, until, now
        claims.append(Claim(row.institution_id, DirtyKey(row.kind, row.uid), row.dirty_seq, row.attempts))  # type: ignore[arg-type]
    session.flush()
    return claims


def renew(session: Session, claim_: Claim, owner: str, lease: float, now: dt.datetime | None = None) -> bool:
    """Extend the lease if `owner` still holds it, so a key slower than one lease is not taken over while alive.

    False: another worker has the key now (this one's lease had run out).
    """
    until = (now or utcnow()) + dt.timedelta(seconds=lease)
    return (
        rows_changed(session, update(JobRow).where(_key(claim_), JobRow.lease_owner == owner).values(lease_until=until))
        > 0
    )


def complete(session: Session, claim_: Claim, owner: str) -> None:
    """The work for `claim_.seq` is done; the key stays pending if it was marked dirty meanwhile."""
    session.execute(
        update(JobRow)
        .where(_key(claim_), JobRow.lease_owner == owner)
        .values(done_seq=claim_.seq, lease_owner=None, lease_until=None, leased_at=None, attempts=0, last_error=None)
    )


def fail(session: Session, claim_: Claim, owner: str, error: str, now: dt.datetime | None = None) -> bool:
    """Record a failed attempt and back off; after MAX_ATTEMPTS the key becomes a dead letter (returns True)."""
    now = now or utcnow()
    attempts = claim_.attempts + 1
    dead = attempts >= MAX_ATTEMPTS
    delay = min(2**attempts, 600)
    session.execute(
        update(JobRow)
        .where(_key(claim_), JobRow.lease_owner == owner)
        .values(
            attempts=attempts,
            dead=dead,
            last_error=redact(error)[:4000],
            lease_owner=None,
            lease_until=None,
            leased_at=None,
            not_before=now + dt.timedelta(seconds=delay),
        )
    )
    return dead


def lease_owners(session: Session, now: dt.datetime | None = None) -> set[str]:
    """The owners of every lease still running (few: one per busy reconciler, found through ix_job_leased)."""
    return set(
        session.scalars(
            select(JobRow.lease_owner)
            .distinct()
            .where(JobRow.lease_owner.is_not(None), JobRow.lease_until >= (now or utcnow()))
        )
    )


def release(session: Session, owners: Collection[str]) -> int:
    """Give back at once every key these owners hold (they are proved dead); returns how many."""
    if not owners:
        return 0
    return rows_changed(
        session,
        update(JobRow)
        .where(JobRow.lease_owner.in_(sorted(owners)))
        .values(lease_owner=None, lease_until=None, leased_at=None),
    )


def leases(session: Session, institution_id: str, now: dt.datetime | None = None) -> list[Lease]:
    """The keys of an institution being worked on now, longest held first."""
    rows = session.execute(
        select(JobRow.kind, JobRow.uid, JobRow.lease_owner, JobRow.leased_at, JobRow.lease_until)
        .where(
            JobRow.lease_owner.is_not(None),
            JobRow.institution_id == institution_id,
            JobRow.lease_until >= (now or utcnow()),
        )
        .order_by(JobRow.leased_at, JobRow.kind, JobRow.uid)
    ).all()
    return [
        Lease(institution_id, DirtyKey(kind, uid), owner, as_utc(since), as_utc(until))  # type: ignore[arg-type]
        for kind, uid, owner, since, until in rows
    ]


def unfinished(session: Session, institution_ids: Collection[str]) -> list[QueuedKey]:
    """Every key of these institutions with work left: pending (held, due or backing off) or a dead letter."""
    rows = session.scalars(
        select(JobRow).where(
            JobRow.institution_id.in_(sorted(institution_ids)),
            or_(JobRow.dead.is_(True), JobRow.dirty_seq > JobRow.done_seq),
        )
    ).all()
    return [
        QueuedKey(
            r.institution_id,
            r.kind,
            r.uid,
            r.lease_owner,
            as_utc(r.lease_until),
            as_utc(r.not_before),
            r.attempts,
            r.dead,
            r.last_error,
        )
        for r in rows
    ]


def retry_dead(session: Session, institution_id: str, key: DirtyKey | None = None) -> int:
    """Put dead letters back in the queue (all of an institution's, or one key); returns how many."""
    cond = [JobRow.institution_id == institution_id, JobRow.dead.is_(True)]
    if key is not None:
        cond += [JobRow.kind == key.kind, JobRow.uid == key.uid]
    return rows_changed(session, update(JobRow).where(*cond).values(dead=False, attempts=0, not_before=utcnow()))


def set_timer(session: Session, institution_id: str, key: DirtyKey, due_at: dt.datetime) -> None:
    """Make sure the key is reconciled again at `due_at` (the earliest of any timers asked for)."""
    row = session.get(TimerRow, (institution_id, key.kind, key.uid))
    if row is None:
        session.add(TimerRow(institution_id=institution_id, kind=key.kind, uid=key.uid, due_at=due_at))
    elif as_utc(row.due_at) > due_at or as_utc(row.due_at) <= utcnow():
        row.due_at = due_at


def fire_timers(session: Session, now: dt.datetime | None = None) -> int:
    """Mark the keys of due timers dirty and drop those timers; returns how many fired."""
    now = now or utcnow()
    due = session.scalars(select(TimerRow).where(TimerRow.due_at <= now)).all()
    by_inst: dict[str, list[DirtyKey]] = {}
    for t in due:
        by_inst.setdefault(t.institution_id, []).append(DirtyKey(t.kind, t.uid))  # type: ignore[arg-type]
        session.delete(t)
    for inst, keys in by_inst.items():
        mark_dirty(session, inst, keys, now)
    return len(due)


def _key(claim_: Claim):
    return and_(
        JobRow.institution_id == claim_.institution_id, JobRow.kind == claim_.key.kind, JobRow.uid == claim_.key.uid
    )
