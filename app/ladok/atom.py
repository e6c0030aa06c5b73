"""One page of Ladok's Atom feed → FeedPage, hardened: a broken or hostile entry never hides the others.

The page is parsed whole when it can be. When it cannot (not well-formed, a DTD, entities), the raw text
is cut into its top-level <entry> elements and each is parsed alone, with the page's namespace
declarations and without any DTD, so only the bad entry is rejected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from xml.etree.ElementTree import Element

from app.ladok.entry import FeedEntry, event_type_of, read_entry, unreadable_entry_id
from app.ladok.fields import ATOM_NS
from app.ladok.safexml import UnsafeXML, local_name, namespace, parse_xml

__all__ = ["MAX_PAGE_BYTES", "FeedEntry", "FeedError", "FeedPage", "parse_page"]

MAX_PAGE_BYTES = 50 * 1024 * 1024
"""Largest page accepted; a real page of a few hundred entries is well under 1 MB."""

_A = "{" + ATOM_NS + "}"
_PROLOG_DTD = re.compile(r"<!DOCTYPE", re.IGNORECASE)
_FIRST_TAG = re.compile(r"<([^\s/>!?]+)")
_ENTRY_TAG = re.compile(r"<(/?)((?:[\w.-]+:)?entry)(?=[\s/>])([^>]*)>")
_ENCODING = re.compile(rb"^<\?xml[^>]*encoding=[\"']([A-Za-z0-9._-]+)[\"']")


@dataclass(frozen=True, slots=True)
class FeedPage:
    """One feed page: its links, its entries newest first (as Ladok serves them), page-level problems."""

    self_url: str | None
    via_url: str | None
    prev_archive: str | None
    next_archive: str | None
    entries: tuple[FeedEntry, ...]
    problems: tuple[str, ...]


class FeedError(Exception):
    """The whole page is unusable (not Atom, unreadable), with a reason."""


def parse_page(data: bytes) -> FeedPage:
    """Parse one Atom page as Ladok serves it; raises FeedError only when the page as a whole is unusable."""
    if len(data) > MAX_PAGE_BYTES:
        raise FeedError(f"page is {len(data)} bytes, over the {MAX_PAGE_BYTES} byte limit")
    try:
        root = parse_xml(data)
    except UnsafeXML as whole_page_problem:
        return _parse_in_pieces(data, str(whole_page_problem))
    _require_feed(root)
    return _page(root, tuple(read_entry(entry) for entry in root.findall(_A + "entry")), ())


def _require_feed(root: Element) -> None:
    if root.tag != _A + "feed":
        ns = namespace(root.tag)
        shown = f"<{local_name(root.tag)}>" + (f" in namespace {ns}" if ns else "")
        raise FeedError(f"not an Atom feed: root element is {shown[:200]}")


def _page(root: Element, entries: tuple[FeedEntry, ...], problems: tuple[str, ...]) -> FeedPage:
    links: dict[str, str] = {}
    for link in root.findall(_A + "link"):
        rel, href = (link.get("rel") or "").strip(), (link.get("href") or "").strip()
        if rel and href and rel not in links:
            links[rel] = href
    return FeedPage(
        self_url=links.get("self"),
        via_url=links.get("via"),
        prev_archive=links.get("prev-archive"),
        next_archive=links.get("next-archive"),
        entries=entries,
        problems=problems,
    )


def _decode(data: bytes) -> str:
    declared = _ENCODING.match(data.lstrip())
    encoding = declared.group(1).decode("ascii") if declared else "utf-8"
    try:
        return data.decode(encoding, errors="replace")
    except LookupError:
        return data.decode("utf-8", errors="replace")


def _parse_in_pieces(data: bytes, whole_page_problem: str) -> FeedPage:
    text = _decode(data)
    problems = [f"page as a whole {whole_page_problem}; entries were read one by one"]
    prolog_end = _prolog_end(text)
    root_tag = _FIRST_TAG.match(text, prolog_end)
    if root_tag is None:
        raise FeedError(f"not an Atom feed: no root element ({whole_page_problem})")
    root_name = root_tag.group(1)
    if root_name.rsplit(":", 1)[-1] != "feed":
        raise FeedError(f"not an Atom feed: root element is <{root_name[:100]}>")
    if _PROLOG_DTD.search(text, 0, prolog_end):
        problems.append("page declares a DTD; ignored")
    root_open_end = _after(text, ">", prolog_end)
    root_open = text[prolog_end:root_open_end]
    if root_open.endswith("/>"):
        root_open = root_open[:-2] + ">"
    close = f"</{root_name}>"
    chunks = _entry_chunks(text, root_open_end)
    header_end = chunks[0][0] if chunks else max(text.rfind(close), root_open_end)
    try:
        header = parse_xml(root_open + text[root_open_end:header_end] + close)
    except UnsafeXML as exc:
        raise FeedError(f"feed header (links before the first entry) {exc}") from None
    _require_feed(header)
    entries = tuple(_read_chunk(root_open, text[start:end], close) for start, end in chunks)
    return _page(header, entries, tuple(problems))


def _prolog_end(text: str) -> int:
    """Where the root element starts: XML declaration, comments, PIs and any DOCTYPE skipped."""
    position = 0
    while True:
        rest = text[position:].lstrip()
        position = len(text) - len(rest)
        if rest.startswith("<?"):
            position = _after(text, "?>", position)
        elif rest.startswith("<!--"):
            position = _after(text, "-->", position)
        elif rest[:9].upper() == "<!DOCTYPE":
            position = _doctype_end(text, position)
        else:
            return position


def _after(text: str, marker: str, start: int) -> int:
    found = text.find(marker, start)
    return len(text) if found < 0 else found + len(marker)


def _doctype_end(text: str, start: int) -> int:
    """End of a DOCTYPE declaration, stepping over its internal subset and quoted literals."""
    depth, quote = 0, ""
    for index in range(start + 2, len(text)):
        char = text[index]
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        elif char == ">" and depth <= 0:
            return index + 1
    return len(text)


def _entry_chunks(text: str, start: int) -> list[tuple[int, int]]:
    """(start, end) of each top-level <entry>…</entry>; nested <entry> (2017 Benamningar) stays inside.

    A final entry cut off by truncation runs to the end of the text.
    """
    chunks: list[tuple[int, int]] = []
    depth, opened = 0, -1
    for match in _ENTRY_TAG.finditer(text, start):
        closing, self_closing = match.group(1) == "/", match.group(3).rstrip().endswith("/")
        if not closing:
            if depth == 0:
                opened = match.start()
            if self_closing:
                if depth == 0:
                    chunks.append((opened, match.end()))
                continue
            depth += 1
        elif depth > 0:
            depth -= 1
            if depth == 0:
                chunks.append((opened, match.end()))
    if depth > 0:
        chunks.append((opened, len(text)))
    return chunks


def _read_chunk(root_open: str, chunk: str, close: str) -> FeedEntry:
    raw = chunk.encode("utf-8", errors="replace")
    try:
        wrapper = parse_xml(root_open + chunk + close)
    except UnsafeXML as exc:
        return _unreadable(chunk, raw, f"entry {exc}")
    entries = wrapper.findall(_A + "entry")
    if len(entries) != 1:
        return _unreadable(chunk, raw, "entry is not an Atom <entry> element")
    return read_entry(entries[0])


_ID = re.compile(r"<(?:[\w.-]+:)?id>\s*([^<\s]{1,200})\s*</(?:[\w.-]+:)?id>")
_TERM = re.compile(r"term=[\"']([^\"'<>]{1,300})[\"']")
_UPDATED = re.compile(r"<(?:[\w.-]+:)?updated>\s*([^<\s]{1,60})\s*</")
_HANDELSE = re.compile(r"<(?:[\w.-]+:)?HandelseUID>\s*([0-9A-Za-z-]{1,64})\s*</")


def _unreadable(chunk: str, raw: bytes, reason: str) -> FeedEntry:
    """A rejected entry for an XML fragment that would not parse, with what can be seen of it by eye."""
    entry_id, term = _ID.search(chunk), _TERM.search(chunk)
    updated, handelse = _UPDATED.search(chunk), _HANDELSE.search(chunk)
    event_type = event_type_of(term.group(1)) if term else ""
    return FeedEntry(
        entry_id=entry_id.group(1) if entry_id else unreadable_entry_id(raw),
        event_type=event_type,
        updated=updated.group(1) if updated else None,
        handelse_uid=handelse.group(1) if handelse else None,
        larosate_id=None,
        event=None,
        rejected=f"{event_type or 'entry'}: {reason[:500]}",
    )
