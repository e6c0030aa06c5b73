"""The feed reader: record each institution's new Ladok entries, one reader per institution at a time."""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import httpx
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from app.config import InstitutionConfig
from app.ladok.feed import FeedFetcher, FeedPosition, FeedUrls, start_position, walk
from app.ladok.http import make_client
from app.pipeline.ingest import IngestResult, ingest_entries
from app.store.tables import FeedPosition as FeedPositionRow

log = logging.getLogger(__name__)

FEED_LOCK_POLL = 0.2


@contextmanager
def feed_lock(engine: Engine, institution_id: str, stop: threading.Event | None = None) -> Iterator[bool]:
    """Wait for the right to read an institution's feed (one reader at a time, across processes).

    Yields False when `stop` was set while waiting. Without the lock two workers ingest the same page
    at once (one fails on the inbox's unique key) and a reader that started earlier can move the stored
    position back. On PostgreSQL it is a session advisory lock, which the server drops when a killed
    worker's connection closes; it is tried in a loop, not waited for in the server, so a worker asked
    to stop is not held up by another's long read. SQLite's BEGIN IMMEDIATE already serialises pages.
    """
    if engine.dialect.name != "postgresql":
        yield True
        return
    key = int.from_bytes(
        hashlib.blake2b(f"kursadmin-feed:{institution_id}".encode(), digest_size=8).digest(), "big", signed=True
    )
    waiting = stop or threading.Event()
    with engine.connect() as conn:
        while not conn.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": key}):
            conn.commit()
            if waiting.wait(FEED_LOCK_POLL):
                yield False
                return
        conn.commit()
        try:
            yield True
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
            conn.commit()


def read_feed(
    engine: Engine, inst: InstitutionConfig, fetch: Callable[[str], bytes], stop: threading.Event | None = None
) -> IngestResult:
    """Record every entry after the stored position, page by page, up to the newest page (or until `stop`)."""
    total = IngestResult()
    with feed_lock(engine, inst.id, stop) as mine:
        if not mine:
            return total
        with Session(engine) as s:
            row = s.get(FeedPositionRow, inst.id)
            stored = (row.page_url, row.entry_id) if row else None
        urls = FeedUrls(inst.ladok_url, inst.ladok_feed_path)
        position = FeedPosition(*stored) if stored else start_position(urls, inst.ladok_start_page)
        for batch in walk(fetch, position):
            if batch.note:
                log.warning("%s: %s", inst.id, batch.note)
            if batch.new_entries:
                pos = (batch.position.page_url, batch.position.last_entry_id)
                total.add(
                    ingest_entries(
                        engine,
                        inst.id,
                        inst.ladok_larosate_id,
                        batch.page_url,
                        batch.new_entries,
                        batch.page.problems,
                        position=pos,
                    )
                )
            if stop is not None and stop.is_set():
                break
    return total


def feed_fetcher(inst: InstitutionConfig, transport: httpx.BaseTransport | None = None) -> FeedFetcher:
    """A page fetcher for the institution's Ladok feed, with its client certificate."""
    return FeedFetcher(make_client(inst.ladok_url, inst.ladok_cert, inst.ladok_cert_password, transport=transport))
