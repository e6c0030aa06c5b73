"""One Atom entry of Ladok's feed → FeedEntry: known and valid, unknown, or rejected with a reason."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from xml.etree.ElementTree import Element, tostring

from app.core.events import KNOWN_EVENTS, LadokEvent
from app.ladok.fields import ATOM_NS, EventRejected, is_ladok_namespace, service_namespace
from app.ladok.parse import SERVICE_OF, parse_event
from app.ladok.safexml import UnsafeXML, local_name, namespace, oversized_node, parse_xml

_A = "{" + ATOM_NS + "}"
_LADOK_TERM = re.compile(r"^http://schemas\.ladok\.se/(?P<service>[^/]+)/(?P<name>[^/]+)$")
_URL_TERM = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://[^/]+/(?:[^/]+/)*(?P<name>[^/]+)$")


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One feed entry: known-and-valid (event set), unknown (both None) or broken (rejected set)."""

    entry_id: str
    event_type: str
    updated: str | None
    handelse_uid: str | None
    larosate_id: int | None
    event: LadokEvent | None
    rejected: str | None


def event_type_of(term: str) -> str:
    """The last path segment of a category term ('…/studiedeltagande/RegistreringEvent'), else the raw term."""
    match = _URL_TERM.match(term)
    return match.group("name") if match else term


def unreadable_entry_id(raw: bytes) -> str:
    """A stable id for an entry whose <id> cannot be read, so a feed position can still point past it."""
    return "urn:kursadmin:unreadable-entry:" + hashlib.sha256(raw).hexdigest()[:32]


def read_entry(entry: Element) -> FeedEntry:
    """Read one parsed <atom:entry>; never raises for bad content, it reports it in `rejected`."""
    entry_id = _child_text(entry, "id") or unreadable_entry_id(tostring(entry))
    category = entry.find(_A + "category")
    term = (category.get("term") or "").strip() if category is not None else ""
    event_type = event_type_of(term) if term else ""
    updated = _child_text(entry, "updated")

    def rejected(reason: str, element: Element | None = None) -> FeedEntry:
        uid, larosate = _best_effort_ids(element)
        return FeedEntry(entry_id, event_type, updated, uid, larosate, None, reason)

    too_big = oversized_node(entry)
    if too_big:
        return rejected(f"{event_type or 'entry'}: {too_big}")
    if not term:
        return rejected("entry has no category/@term naming its event type")
    try:
        element = _event_element(entry)
    except EventRejected as exc:
        return rejected(f"{event_type}: {exc}")
    uid, larosate = _best_effort_ids(element)
    if event_type not in KNOWN_EVENTS:
        return FeedEntry(entry_id, event_type, updated, uid, larosate, None, None)
    if element is None:
        return rejected(f"{event_type}: entry has no content element holding the event")
    problem = _identity_problem(term, event_type, element)
    if problem:
        return rejected(problem, element)
    try:
        event = parse_event(event_type, element)
    except EventRejected as exc:
        return rejected(str(exc), element)
    return FeedEntry(entry_id, event_type, updated, uid, larosate, event, None)


def _child_text(element: Element, name: str) -> str | None:
    found = element.find(_A + name)
    value = (found.text or "").strip() if found is not None else ""
    return value or None


def _event_element(entry: Element) -> Element | None:
    """The event element in <content>: inline, or given as escaped text / CDATA (parsed hardened)."""
    content = entry.find(_A + "content")
    if content is None:
        return None
    children = [child for child in content if isinstance(child.tag, str)]
    if len(children) > 1:
        raise EventRejected(f"content holds {len(children)} elements, expected exactly one event")
    if children:
        return children[0]
    text = (content.text or "").strip()
    if not text:
        return None
    try:
        element = parse_xml(text)
    except UnsafeXML as exc:
        raise EventRejected(f"event XML given as text in content {exc}") from None
    too_big = oversized_node(element)
    if too_big:
        raise EventRejected(too_big)
    return element


def _identity_problem(term: str, event_type: str, element: Element) -> str | None:
    """Why the category and the event element do not agree on a Ladok event, if they don't."""
    match = _LADOK_TERM.match(term)
    if match is None:
        return f"{event_type}: category term {term[:200]!r} is not http://schemas.ladok.se/<service>/<event>"
    expected_service = SERVICE_OF[event_type]
    if match.group("service") != expected_service:
        return (
            f"{event_type}: category names service {match.group('service')!r}, "
            f"but {event_type} belongs to {expected_service!r}"
        )
    if local_name(element.tag) != event_type:
        return f"{event_type}: content holds <{local_name(element.tag)[:100]}>, not <{event_type}>"
    expected_ns = service_namespace(expected_service)
    if namespace(element.tag) != expected_ns:
        return f"{event_type}: element namespace {namespace(element.tag)[:200]!r} is not {expected_ns!r}"
    return None


def _best_effort_ids(element: Element | None) -> tuple[str | None, int | None]:
    """HandelseUID and EventContext/LarosateID when readable, for recording a rejected or unknown event."""
    if element is None:
        return None, None
    uid: str | None = None
    larosate: int | None = None
    for child in element:
        if not isinstance(child.tag, str) or not is_ladok_namespace(namespace(child.tag)):
            continue
        name = local_name(child.tag)
        if name == "HandelseUID":
            uid = (child.text or "").strip() or None
        elif name == "EventContext":
            for part in child:
                if isinstance(part.tag, str) and local_name(part.tag) == "LarosateID":
                    try:
                        larosate = int((part.text or "").strip())
                    except ValueError:
                        larosate = None
    return uid, larosate
