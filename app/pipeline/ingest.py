"""Record step: one feed page's new entries into inbox and projection, with the feed position, in one transaction."""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Engine, Table, insert, select
from sqlalchemy.orm import Session

from app.core import events as ev
from app.ladok.atom import FeedError, parse_page
from app.ladok.entry import FeedEntry
from app.ladok.feed import archive_url
from app.store import planner_stats
from app.store.db import retry_conflicts, write_session
from app.store.jsonable import to_json
from app.store.projection import DirtyKey, PageRows, record
from app.store.queue import mark_dirty
from app.store.tables import FeedPosition, InboxEvent, RejectedEntry

log = logging.getLogger(__name__)


@dataclass
class IngestResult:
    """What one page did: counts per outcome and event type, and the keys it made dirty."""

    recorded: Counter[str] = field(default_factory=Counter)
    unknown: Counter[str] = field(default_factory=Counter)
    other_institution: int = 0
    duplicates: int = 0
    rejected: list[str] = field(default_factory=list)
    dirty: set[DirtyKey] = field(default_factory=set)

    def add(self, other: IngestResult) -> None:
        """Fold another page's result into this one."""
        self.recorded.update(other.recorded)
        self.unknown.update(other.unknown)
        self.other_institution += other.other_institution
        self.duplicates += other.duplicates
        self.rejected.extend(other.rejected)
        self.dirty |= other.dirty


def _subject(event: ev.LadokEvent | None) -> tuple[str | None, str | None]:
    student = getattr(event, "student_uid", None)
    offering = getattr(event, "offering_uid", None)
    return student, offering


def _reject(session: Session, institution_id: str, page_url: str, entry: FeedEntry | None, reason: str) -> None:
    entry_id = entry.entry_id if entry else ""
    exists = session.scalar(
        select(RejectedEntry.id).where(
            RejectedEntry.institution_id == institution_id,
            RejectedEntry.page_url == page_url,
            RejectedEntry.entry_id == entry_id,
        )
    )
    if exists is None:
        session.add(
            RejectedEntry(
                institution_id=institution_id,
                page_url=page_url,
                entry_id=entry_id,
                event_type=entry.event_type if entry else None,
                handelse_uid=entry.handelse_uid if entry else None,
                reason=reason[:4000],
            )
        )


def _already_in_inbox(session: Session, institution_id: str, uids: list[str]) -> set[str]:
    """The HandelseUIDs among `uids` the inbox holds already (a page read again, an event Ladok repeats)."""
    if not uids:
        return set()
    return set(
        session.scalars(
            select(InboxEvent.handelse_uid).where(
                InboxEvent.institution_id == institution_id, InboxEvent.handelse_uid.in_(uids)
            )
        )
    )


def _outcome(entry: FeedEntry, larosate_id: int, result: IngestResult) -> str:
    """Whether a new entry is recorded, of an unknown type, or another institution's; counted in `result`."""
    if entry.event is None:
        result.unknown[entry.event_type] += 1
        return "unknown"
    if entry.larosate_id is not None and entry.larosate_id != larosate_id:
        result.other_institution += 1
        return "other_institution"
    return "recorded"


def _inbox_row(institution_id: str, uid: str, entry: FeedEntry, outcome: str, page_url: str) -> dict[str, Any]:
    """The inbox row of one new entry, as the plain values of its columns."""
    student, offering = _subject(entry.event)
    return {
        "institution_id": institution_id,
        "handelse_uid": uid,
        "entry_id": entry.entry_id,
        "event_type": entry.event_type,
        "outcome": outcome,
        "student_uid": student,
        "offering_uid": offering,
        "page_url": page_url,
        "entry_updated": entry.updated,
        "payload": to_json(entry.event) if entry.event else None,
    }


# Declarative `__table__` is typed as any FromClause; for a mapped class like this one it is its Table.
_INBOX_INSERT = insert(cast(Table, InboxEvent.__table__))


def _insert_inbox(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert a page's inbox rows as one executemany of the table's INSERT.

    Through the ORM, a None student or offering leaves its column out of the row, splitting the page into one
    statement per run of rows with the same columns; the table's insert sends every row with every column.
    """
    if rows:
        session.execute(_INBOX_INSERT, rows)


def _record_entries(
    session: Session,
    institution_id: str,
    larosate_id: int,
    page_url: str,
    entries: Sequence[FeedEntry],
    guard_each: bool,
) -> IngestResult:
    result = IngestResult()
    uids = [e.handelse_uid or e.entry_id for e in entries]
    seen = _already_in_inbox(session, institution_id, uids)
    events = [e.event for e in entries if e.event is not None]
    rows = PageRows(session, institution_id, events, preload=not guard_each)
    inbox: list[dict[str, Any]] = []
    with session.no_autoflush:
        for entry, uid in zip(entries, uids, strict=True):
            if entry.rejected is not None:
                _reject(session, institution_id, page_url, entry, entry.rejected)
                result.rejected.append(f"{entry.entry_id}: {entry.rejected}")
                continue
            if uid in seen:
                result.duplicates += 1
                continue
            seen.add(uid)
            outcome = _outcome(entry, larosate_id, result)
            inbox.append(_inbox_row(institution_id, uid, entry, outcome, page_url))
            if outcome != "recorded" or entry.event is None:
                continue
            if guard_each:
                try:
                    with session.begin_nested():
                        keys = record(rows, entry.event)
                        session.flush()
                except Exception as exc:  # a bug in a rule must not stop the feed: set the event aside
                    log.exception("recording %s %s failed", entry.event_type, uid)
                    _reject(
                        session, institution_id, page_url, entry, f"{entry.event_type}: could not be recorded: {exc}"
                    )
                    result.rejected.append(f"{entry.entry_id}: {exc}")
                    continue
            else:
                keys = record(rows, entry.event)
            result.recorded[entry.event_type] += 1
            result.dirty |= keys
    _insert_inbox(session, inbox)
    return result


def ingest_entries(
    engine: Engine,
    institution_id: str,
    larosate_id: int,
    page_url: str,
    entries: Sequence[FeedEntry],
    problems: Iterable[str] = (),
    position: tuple[str, str | None] | None = None,
) -> IngestResult:
    """Record entries (oldest first) of one page and store the feed position (default: after the last entry)."""
    if position is None and entries:
        position = (page_url, entries[-1].entry_id)

    def run(guard_each: bool) -> IngestResult:
        with write_session(engine) as session:
            for problem in problems:
                _reject(session, institution_id, page_url, None, problem)
            result = _record_entries(session, institution_id, larosate_id, page_url, entries, guard_each)
            mark_dirty(session, institution_id, result.dirty)
            if position is not None:
                row = session.get(FeedPosition, institution_id)
                if row is None:
                    row = FeedPosition(institution_id=institution_id, page_url=position[0])
                    session.add(row)
                row.page_url, row.entry_id = position
                row.updated_at = dt.datetime.now(dt.UTC)
            return result

    try:
        # A deadlock with a reconciler marking keys dirty is no fault of the page: the batch runs again.
        result = retry_conflicts(lambda: run(guard_each=False))
    except Exception:
        # Something in the page broke the batch: redo it entry by entry so only the culprit is set aside.
        log.warning("page %s failed as a batch; recording entry by entry", page_url, exc_info=True)
        result = run(guard_each=True)
    # The next page's look-ups are planned from these statistics: stale, each would scan the whole table.
    planner_stats.refresh(engine)
    return result


def ingest_page_bytes(
    engine: Engine, institution_id: str, larosate_id: int, data: bytes, source: str, ladok_url: str | None = None
) -> IngestResult:
    """Parse a whole page as Ladok serves it and record all its entries (oldest first).

    The position is stored under the page's archive URL when that is on `ladok_url`, else under `source`.
    """
    try:
        page = parse_page(data)
    except FeedError as err:
        with write_session(engine) as session:
            _reject(session, institution_id, source, None, f"page rejected: {err}")
        result = IngestResult()
        result.rejected.append(f"{source}: {err}")
        return result
    return ingest_entries(
        engine,
        institution_id,
        larosate_id,
        archive_url(source, page, origin=ladok_url),
        list(reversed(page.entries)),
        page.problems,
    )
