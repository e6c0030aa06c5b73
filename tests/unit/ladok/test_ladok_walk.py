"""Walking the feed: oldest first, resuming from a stored position, never skipping, never dropping a backlog."""

from __future__ import annotations

import random

import pytest

from app.ladok.atom import FeedError, parse_page
from app.ladok.feed import (
    MAX_PAGES_BACK,
    FeedPosition,
    FeedUrls,
    PageBatch,
    archive_url,
    page_number,
    start_position,
    walk,
)
from app.sandbox.ladok import xmlwriter as w
from app.sandbox.ladok.feedstore import FeedStore

BASE = "https://ladok.test/handelser/feed"
URLS = FeedUrls("https://ladok.test")


class FakeLadok:
    """A fake fetch over the sandbox feed store, counting fetches."""

    def __init__(self, page_size: int) -> None:
        self.store = FeedStore(page_size=page_size)
        self.fetched: list[str] = []
        self.appended: list[str] = []

    def append(self, count: int = 1) -> None:
        for _ in range(count):
            number = len(self.appended)
            xml = w.participation_xml("RegistreringEvent", f"student-{number}", "off-1")
            self.appended.append(self.store.append_event("studiedeltagande", "RegistreringEvent", xml, f"e{number}"))

    def fetch(self, url: str) -> bytes:
        self.fetched.append(url)
        tail = url.rsplit("/", 1)[-1]
        page = self.store.page_xml(BASE, None if tail == "recent" else int(tail))
        if page is None:
            raise LookupError(url)
        return page


def consume(ladok: FakeLadok, position: FeedPosition) -> tuple[list[str], FeedPosition, list[PageBatch]]:
    """Process every batch as the record step does: entries in order, then store the batch's position."""
    processed: list[str] = []
    batches = list(walk(ladok.fetch, position))
    for batch in batches:
        processed += [entry.entry_id for entry in batch.new_entries]
        position = batch.position
    return processed, position, batches


def test_first_read_of_recent_stores_its_archive_number_not_recent() -> None:
    ladok = FakeLadok(page_size=3)
    ladok.append(2)
    processed, position, _ = consume(ladok, start_position(URLS, None))
    assert processed == ["e0", "e1"]
    assert position == FeedPosition(f"{BASE}/1", "e1")


def test_page_read_while_recent_then_archived_with_more_entries_is_finished_before_the_next() -> None:
    ladok = FakeLadok(page_size=3)
    ladok.append(2)
    first, position, _ = consume(ladok, start_position(URLS, None))
    ladok.append(4)  # e2 completes page 1 (now archived), e3..e5 fill page 2, the new recent
    second, position, batches = consume(ladok, position)
    assert first + second == ladok.appended
    assert second == ["e2", "e3", "e4", "e5"]
    assert [b.page_url for b in batches] == [f"{BASE}/1", f"{BASE}/2"]
    assert position == FeedPosition(f"{BASE}/2", "e5")


def test_no_position_and_no_start_page_begins_with_what_recent_holds() -> None:
    """docs/rules.md §3: no position and no ladok_start_page: reading starts at `recent` (older pages are history)."""
    ladok = FakeLadok(page_size=3)
    ladok.append(7)
    processed, position, _ = consume(ladok, start_position(URLS, None))
    assert processed == ["e6"] and position == FeedPosition(f"{BASE}/3", "e6")


def test_nothing_new_yields_the_page_with_no_entries_and_keeps_the_position() -> None:
    ladok = FakeLadok(page_size=3)
    ladok.append(2)
    _, position, _ = consume(ladok, start_position(URLS, None))
    again, same, _ = consume(ladok, position)
    assert again == [] and same == position


def test_a_long_backlog_from_a_start_page_is_read_in_order() -> None:
    ladok = FakeLadok(page_size=4)
    ladok.append(41)
    processed, position, batches = consume(ladok, start_position(URLS, 1))
    assert processed == ladok.appended
    assert len(batches) == 11 and position == FeedPosition(f"{BASE}/11", "e40")


def test_start_page_in_the_middle_reads_from_that_page_on() -> None:
    ladok = FakeLadok(page_size=4)
    ladok.append(12)
    processed, _, _ = consume(ladok, start_position(URLS, 2))
    assert processed == ladok.appended[4:]


@pytest.mark.parametrize("seed", range(5))
def test_interleaved_appends_and_walks_process_every_entry_exactly_once(seed: int) -> None:
    rng = random.Random(seed)
    ladok = FakeLadok(page_size=rng.randint(1, 5))
    position = start_position(URLS, 1)
    processed: list[str] = []
    for _ in range(30):
        ladok.append(rng.randint(0, 7))
        more, position, _ = consume(ladok, position)
        processed += more
    assert processed == ladok.appended


def test_position_stored_against_recent_without_via_is_found_by_looking_back() -> None:
    """A host whose `recent` has no via link: the stored page is `recent`, which has moved on since."""
    ladok = FakeLadok(page_size=3)
    ladok.append(8)  # pages 1..2 full, page 3 (recent) holds e6, e7

    def fetch_without_via(url: str) -> bytes:
        return ladok.fetch(url).replace(f'<link rel="via" type="application/atom+xml" href="{BASE}/3"/>'.encode(), b"")

    batches = list(walk(fetch_without_via, FeedPosition(f"{BASE}/recent", "e4")))
    assert [e.entry_id for b in batches for e in b.new_entries] == ["e5", "e6", "e7"]
    assert batches[0].note is None and batches[0].page_url == f"{BASE}/2"


def test_lost_position_reads_again_rather_than_skipping() -> None:
    ladok = FakeLadok(page_size=2)
    ladok.append(5)
    batches = list(walk(ladok.fetch, FeedPosition(f"{BASE}/recent", "no-such-entry")))
    assert batches[0].note and "no-such-entry" in batches[0].note
    assert [e.entry_id for b in batches for e in b.new_entries] == ladok.appended


def test_looking_back_is_bounded() -> None:
    ladok = FakeLadok(page_size=1)
    ladok.append(MAX_PAGES_BACK + 10)
    batches = list(walk(ladok.fetch, FeedPosition(f"{BASE}/recent", "missing")))
    assert len(ladok.fetched) <= 2 * (MAX_PAGES_BACK + 1) + 1
    assert [e.entry_id for b in batches for e in b.new_entries] == ladok.appended[-(MAX_PAGES_BACK + 1) :]


@pytest.mark.parametrize(
    ("url", "number"),
    [
        ("https://api.ladok.se/handelser/feed/recent", None),
        ("https://api.ladok.se/handelser/feed/317100", 317100),
        ("https://api.mit-integration.ladok.se:443/uppfoljning/feed/256259", 256259),
        ("https://api.mit-integration.ladok.se:443/uppfoljning/feed/recent", None),
        ("https://api.ladok.se/handelser/other", None),
    ],
)
def test_feed_url_forms(url: str, number: int | None) -> None:
    assert page_number(url) == number


def test_feed_urls_from_config() -> None:
    assert FeedUrls("https://api.ladok.se/").recent == "https://api.ladok.se/handelser/feed/recent"
    assert FeedUrls("https://api.ladok.se", "/uppfoljning/feed").page(7) == "https://api.ladok.se/uppfoljning/feed/7"
    assert start_position(URLS, 317100) == FeedPosition("https://ladok.test/handelser/feed/317100", None)


def test_archive_url_prefers_self_then_via() -> None:
    ladok = FakeLadok(page_size=2)
    ladok.append(3)
    assert archive_url(f"{BASE}/recent", parse_page(ladok.fetch(f"{BASE}/recent"))) == f"{BASE}/2"
    assert archive_url(f"{BASE}/1", parse_page(ladok.fetch(f"{BASE}/1"))) == f"{BASE}/1"


def test_next_archive_leading_back_is_an_error_not_an_endless_walk() -> None:
    ladok = FakeLadok(page_size=1)
    ladok.append(3)

    def looping(url: str) -> bytes:
        page = ladok.fetch(url)
        return page.replace(f'href="{BASE}/3"'.encode(), f'href="{BASE}/1"'.encode()) if url.endswith("/2") else page

    walked: list[str] = []
    with pytest.raises(FeedError, match="loop"):
        for batch in walk(looping, FeedPosition(f"{BASE}/1", None)):
            walked.append(batch.page_url)
    assert walked == [f"{BASE}/1", f"{BASE}/2"]


def test_a_self_or_via_link_to_another_origin_is_never_stored_as_the_position() -> None:
    ladok = FakeLadok(page_size=2)
    ladok.append(3)
    page = ladok.fetch(f"{BASE}/recent").replace(BASE.encode(), b"https://ladok.attacker.example/handelser/feed")

    assert archive_url(f"{BASE}/recent", parse_page(page)) == f"{BASE}/recent"
