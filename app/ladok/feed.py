"""Reading Ladok's feed in order: feed URLs, the position to resume from, and walking pages oldest to newest.

Ladok's feed is an archived Atom feed (RFC 5005): numbered archive pages linked by prev-archive /
next-archive, and `recent`, the page still growing, whose `via` link names its archive number. The walk
stores archive URLs only, so a page read while it was `recent` is re-read under its number later: entries
added after the read are then found after the stored entry id, and the walk goes on to the next page.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import httpx

from app.core.origins import same_origin
from app.ladok.atom import MAX_PAGE_BYTES, FeedEntry, FeedError, FeedPage, parse_page
from app.ladok.http import error_from, get_with_retry

DEFAULT_FEED_PATH = "/handelser/feed"
"""Where the feed lives under `ladok_url`; older hosts serve it under /uppfoljning/feed (docs/rules.md §3)."""
MAX_PAGES_BACK = 20
"""How far back the walk looks for a stored entry id that is not on the stored page."""
ATOM_ACCEPT = "application/atom+xml"

_PAGE = re.compile(r"/feed/(?P<page>recent|\d+)/?$")


@dataclass(frozen=True, slots=True)
class FeedUrls:
    """The feed URLs of one Ladok host: `{ladok_url}{feed_path}/recent` and `…/{N}`."""

    ladok_url: str
    feed_path: str = DEFAULT_FEED_PATH

    @property
    def recent(self) -> str:
        """The URL of the page still growing."""
        return f"{self.ladok_url.rstrip('/')}/{self.feed_path.strip('/')}/recent"

    def page(self, number: int) -> str:
        """The URL of archive page `number`."""
        return f"{self.ladok_url.rstrip('/')}/{self.feed_path.strip('/')}/{number}"


def page_number(url: str) -> int | None:
    """The archive number in a feed page URL (…/feed/256259 → 256259); None for `recent` or other URLs."""
    match = _PAGE.search(httpx.URL(url).path)
    return int(match.group("page")) if match and match.group("page") != "recent" else None


@dataclass(frozen=True, slots=True)
class FeedPosition:
    """Where reading stopped: an archive page URL and the id of the last entry processed on it (None: none yet)."""

    page_url: str
    last_entry_id: str | None


@dataclass(frozen=True, slots=True)
class PageBatch:
    """One page read: its archive URL, the page, and the entries not yet processed, oldest first.

    `position` is where reading stands once these entries are processed; store it in the same transaction.
    `note` says when the stored entry id could not be found and entries may be repeated (never skipped).
    """

    page_url: str
    page: FeedPage
    new_entries: tuple[FeedEntry, ...]
    position: FeedPosition
    note: str | None = None


def archive_url(fetched_url: str, page: FeedPage, *, origin: str | None = None) -> str:
    """The name to store a page's position under: its own archive URL, even when it was fetched as `recent`.

    The page's `self`, else its `via` link, when it names an archive number on `origin` (by default the
    origin the page was fetched from; a page read from a file passes the institution's Ladok URL); else
    `fetched_url`. A link to another origin is never stored: the next read would take the client
    certificate there (and be refused for it).
    """
    trusted = origin or fetched_url
    for candidate in (page.self_url, page.via_url):
        if candidate and same_origin(candidate, trusted) and page_number(candidate) is not None:
            return candidate
    return fetched_url


def walk(fetch: Callable[[str], bytes], start: FeedPosition) -> Iterator[PageBatch]:
    """Yield each page from `start` to the newest, with its unprocessed entries oldest first.

    Follows next-archive until a page has none. If the stored entry id is not on the stored page (a
    position saved against `recent` without a `via` link), looks back through prev-archive for it; when it
    cannot be found, everything from the furthest page looked at is yielded again (duplicates are dropped
    later by HandelseUID; skipping would lose events). A page that cannot be read raises (FeedError, or the
    fetch's own error) after the batches before it were yielded: reading stops there rather than skip it.
    """
    url, after = start.page_url, start.last_entry_id
    page = parse_page(fetch(url))
    note: str | None = None
    if after is not None and not _has_entry(page, after):
        url, page, found = _look_back(fetch, url, page, after)
        if not found:
            note = (
                f"entry {after} was not found on {start.page_url} or {MAX_PAGES_BACK} pages before it; "
                f"reading again from {archive_url(url, page)}"
            )
            after = None
    visited: set[str] = set()
    while True:
        stored = archive_url(url, page)
        if stored in visited:
            raise FeedError(f"feed links loop: next-archive leads back to {stored}")
        visited.add(stored)
        oldest_first = tuple(reversed(page.entries))
        new = _after_entry(oldest_first, after)
        last = new[-1].entry_id if new else after
        yield PageBatch(stored, page, new, FeedPosition(stored, last), note)
        if not page.next_archive:
            return
        url, after, note = page.next_archive, None, None
        page = parse_page(fetch(url))


def _has_entry(page: FeedPage, entry_id: str) -> bool:
    return any(entry.entry_id == entry_id for entry in page.entries)


def _after_entry(oldest_first: tuple[FeedEntry, ...], entry_id: str | None) -> tuple[FeedEntry, ...]:
    if entry_id is None:
        return oldest_first
    for index, entry in enumerate(oldest_first):
        if entry.entry_id == entry_id:
            return oldest_first[index + 1 :]
    return oldest_first


def _look_back(fetch: Callable[[str], bytes], url: str, page: FeedPage, entry_id: str) -> tuple[str, FeedPage, bool]:
    for _ in range(MAX_PAGES_BACK):
        if not page.prev_archive:
            break
        url = page.prev_archive
        page = parse_page(fetch(url))
        if _has_entry(page, entry_id):
            return url, page, True
    return url, page, False


def start_position(urls: FeedUrls, start_page: int | None) -> FeedPosition:
    """Where a new installation starts: `ladok_start_page` when set, else `recent` (docs/rules.md §3)."""
    return FeedPosition(urls.page(start_page) if start_page is not None else urls.recent, None)


class FeedFetcher:
    """Fetches feed pages over HTTP for `walk`: Atom Accept header, retries, errors that say what failed.

    Give it the client of `make_client`, which goes only to the configured Ladok's origin.
    """

    def __init__(
        self, client: httpx.Client, *, attempts: int = 4, backoff: float = 0.5, max_bytes: int = MAX_PAGE_BYTES
    ) -> None:
        self._client = client
        self._attempts = attempts
        self._backoff = backoff
        self._max_bytes = max_bytes

    def __call__(self, url: str) -> bytes:
        """The raw bytes of the page at `url`; LadokHTTPError when Ladok refuses, cannot be reached, or
        sends more than `max_bytes`."""
        response = get_with_retry(
            self._client,
            url,
            {"Accept": ATOM_ACCEPT},
            max_bytes=self._max_bytes,
            attempts=self._attempts,
            backoff=self._backoff,
        )
        if response.status_code != 200:
            raise error_from(response)
        return response.content
