"""The sandbox's event feed: entries appended in order, served as Ladok serves them (archived Atom, RFC 5005).

Pages hold `page_size` entries, newest first. The last page is `recent`: it grows until full, and the
next entry starts a new page, which archives it. `recent` carries self=…/recent and via=…/{N}; page N
fetched by number carries self=…/{N}; prev-archive / next-archive link the numbered pages.
"""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

ATOM_TYPE = "application/atom+xml"


@dataclass(frozen=True, slots=True)
class StoredEntry:
    """One feed entry as stored: Atom id, category term, updated time and the <entry> element's inner XML."""

    entry_id: str
    term: str
    updated: str
    content: str
    raw: str | None = None


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class FeedStore:
    """An append-only list of entries, cut into numbered pages (1 = oldest)."""

    def __init__(self, page_size: int = 20, clock: Callable[[], dt.datetime] = _utc_now) -> None:
        if page_size < 1:
            raise ValueError("page_size must be at least 1")
        self.page_size = page_size
        self._clock = clock
        self._entries: list[StoredEntry] = []
        self._lock = threading.Lock()

    def append_event(self, service: str, name: str, event_xml: str, entry_id: str | None = None) -> str:
        """Append one event (its element as text) under category http://schemas.ladok.se/<service>/<name>."""
        stamp = self._clock().astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        entry = StoredEntry(
            entry_id=entry_id or str(uuid.uuid1()),
            term=f"http://schemas.ladok.se/{service}/{name}",
            updated=stamp,
            content=event_xml,
        )
        with self._lock:
            self._entries.append(entry)
        return entry.entry_id

    def append_raw(self, entry_text: str, entry_id: str) -> None:
        """Append a hand-written <entry>…</entry> verbatim (broken or hostile pages for tests)."""
        with self._lock:
            self._entries.append(StoredEntry(entry_id, "", "", "", raw=entry_text))

    @property
    def current_page(self) -> int:
        """The number of the page that is `recent` now."""
        with self._lock:
            return max(1, -(-len(self._entries) // self.page_size))

    def page_xml(self, base: str, number: int | None) -> bytes | None:
        """Page `number` (None: recent) with absolute links under `base` (…/feed); None if no such page."""
        with self._lock:
            current = max(1, -(-len(self._entries) // self.page_size))
            if number is not None and not 1 <= number <= current:
                return None
            page = current if number is None else number
            entries = self._entries[(page - 1) * self.page_size : page * self.page_size]
        links = [("self", f"{base}/recent" if number is None else f"{base}/{page}")]
        if number is None:
            links.append(("via", f"{base}/{page}"))
        if page > 1:
            links.append(("prev-archive", f"{base}/{page - 1}"))
        if page < current:
            links.append(("next-archive", f"{base}/{page + 1}"))
        updated = entries[-1].updated if entries and entries[-1].updated else "2017-01-01T00:00:00.000Z"
        head = "".join(f'  <link rel="{rel}" type="{ATOM_TYPE}" href={quoteattr(href)}/>\n' for rel, href in links)
        body = "".join(_entry_xml(entry) for entry in reversed(entries))
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n'
            '  <title type="text">Events for Ladok3.Uppfoljning</title>\n'
            f"{head}  <id>urn:id:{page}</id>\n"
            '  <generator uri="http://ladok.se/uppfoljning">Uppfoljning</generator>\n'
            f"  <updated>{escape(updated)}</updated>\n{body}</feed>\n"
        ).encode()


def _entry_xml(entry: StoredEntry) -> str:
    if entry.raw is not None:
        return entry.raw
    content = "".join(f"      {line}\n" for line in entry.content.splitlines())
    return (
        "  <entry>\n"
        f'    <category term={quoteattr(entry.term)} label="Event-typ"/>\n'
        f"    <id>{escape(entry.entry_id)}</id>\n"
        f"    <updated>{escape(entry.updated)}</updated>\n"
        f'    <content type="application/vnd.ladok+xml">\n{content}    </content>\n'
        "  </entry>\n"
    )
