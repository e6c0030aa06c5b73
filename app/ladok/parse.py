"""Ladok event XML (schema 1.60.1) → the typed events of app.core.events.

Fields are found by local name among the event's children in Ladok's namespaces, so element order does not
matter (the XSD puts HandelseUID first, the 2017 feed EventContext first) and surrounding whitespace is
stripped (the 2014 pages wrap values over lines).
"""

from __future__ import annotations

import datetime as dt
import re
from xml.etree.ElementTree import Element

from app.core.events import (
    COURSE_EVENTS,
    OFFERING_EVENTS,
    ORGANISATION_EVENTS,
    STUDENT_EVENTS,
    CourseEvent,
    EventHeader,
    Handelsetyp,
    LadokEvent,
    OfferingCancelledEvent,
    OfferingEvent,
    OrganisationEvent,
    ParticipationEvent,
    Period,
    StudentEvent,
    SuspensionEvent,
)
from app.core.participation import PARTICIPATION_REGISTRY
from app.ladok.safexml import local_name, namespace

LADOK_NS = "http://schemas.ladok.se"
ATOM_NS = "http://www.w3.org/2005/Atom"

SERVICE_OF: dict[str, str] = {
    **{name: kind.service for name, kind in PARTICIPATION_REGISTRY.items()},
    "StudentTillLarosateEvent": "studiedeltagande",
    "LokalStudentEvent": "studentinformation",
    "KontaktuppgifterEvent": "studentinformation",
    "StudentrestriktionEvent": "studentinformation",
    **{name: "utbildningsinformation" for name in OFFERING_EVENTS | COURSE_EVENTS},
    "UtbildningstillfalleInstalltEvent": "utbildningsinformation",
    **{name: "kataloginformation" for name in ORGANISATION_EVENTS},
}
"""The Ladok service (namespace http://schemas.ladok.se/<service>) each known event belongs to."""

PROGRAM_EVENTS = frozenset(
    {
        "KurspaketeringstillfalleTillStatusEvent",
        "KurspaketeringstillfalleUppdateratEvent",
        "KurspaketeringTillStatusEvent",
        "KurspaketeringUppdateradEvent",
    }
)
HANDELSETYPER: frozenset[str] = frozenset({"SKAPAD", "UPPDATERAD", "BORTTAGEN"})
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


class EventRejected(ValueError):
    """A known event that cannot be read; the message names the event type and the element."""


def service_namespace(service: str) -> str:
    """The XML namespace of a Ladok service, e.g. 'resultat' → http://schemas.ladok.se/resultat."""
    return f"{LADOK_NS}/{service}"


def is_ladok_namespace(uri: str) -> bool:
    """Whether `uri` is http://schemas.ladok.se or one of its service namespaces."""
    return uri == LADOK_NS or uri.startswith(LADOK_NS + "/")


class _Fields:
    """Children of one Ladok element, looked up by local name in Ladok's namespaces, order-free."""

    def __init__(self, event_name: str, element: Element) -> None:
        self.event_name = event_name
        self._by_name: dict[str, list[Element]] = {}
        for child in element:
            if isinstance(child.tag, str) and is_ladok_namespace(namespace(child.tag)):
                self._by_name.setdefault(local_name(child.tag), []).append(child)

    def all(self, name: str) -> list[Element]:
        """Every child element called `name`."""
        return self._by_name.get(name, [])

    def element(self, name: str) -> Element | None:
        """The first child element called `name`, if any."""
        found = self._by_name.get(name)
        return found[0] if found else None

    def text(self, name: str) -> str | None:
        """Stripped text of child `name`; None when absent or empty."""
        found = self.element(name)
        value = (found.text or "").strip() if found is not None else ""
        return value or None

    def required(self, name: str) -> str:
        """Stripped text of child `name`, rejecting the event when it is missing."""
        value = self.text(name)
        if value is None:
            raise EventRejected(f"{self.event_name}: required element {name} missing")
        return value

    def integer(self, name: str) -> int | None:
        """Child `name` as an int (xs:int), None when absent."""
        value = self.text(name)
        if value is None:
            return None
        try:
            return int(value)
        except ValueError:
            raise EventRejected(f"{self.event_name}: element {name} is not an integer: {value[:40]!r}") from None

    def date(self, name: str) -> dt.date | None:
        """Child `name` as a date (xs:date, a time-zone suffix ignored), None when absent."""
        value = self.text(name)
        if value is None:
            return None
        match = _DATE.match(value)
        try:
            if match is None:
                raise ValueError(value)
            return dt.date.fromisoformat(match.group(0))
        except ValueError:
            raise EventRejected(f"{self.event_name}: element {name} is not a date: {value[:40]!r}") from None

    def handelsetyp(self) -> Handelsetyp | None:
        """The Handelsetyp (SKAPAD/UPPDATERAD/BORTTAGEN), None when absent."""
        value = self.text("Handelsetyp")
        if value is None:
            return None
        if value not in HANDELSETYPER:
            raise EventRejected(f"{self.event_name}: element Handelsetyp has unknown value {value[:40]!r}")
        return value  # type: ignore[return-value]  # checked against HANDELSETYPER just above

    def names(self, name: str) -> dict[str, str]:
        """Language code → text from a Benamningar-like child, in either form Ladok uses.

        base:Benamning with Sprakkod/Text (XSD base:Benamningar), or `<entry><key>sv</key><value>…</value>`
        (atom:benamningar; the 2017 feed writes those entries with xmlns="").
        """
        container = self.element(name)
        if container is None:
            return {}
        found: dict[str, str] = {}
        for item in container:
            if not isinstance(item.tag, str):
                continue
            kind, ns = local_name(item.tag), namespace(item.tag)
            if kind == "Benamning" and is_ladok_namespace(ns):
                parts = _Fields(self.event_name, item)
                lang, text = parts.text("Sprakkod"), parts.text("Text")
            elif kind == "entry" and ns in ("", ATOM_NS):
                lang, text = _plain_child_text(item, "key"), _plain_child_text(item, "value")
            else:
                continue
            if lang and text:
                found[lang] = text
        return found

    def nested(self, name: str) -> _Fields | None:
        """The fields of child element `name`, if present."""
        found = self.element(name)
        return _Fields(self.event_name, found) if found is not None else None


def _plain_child_text(element: Element, name: str) -> str | None:
    for child in element:
        if isinstance(child.tag, str) and local_name(child.tag) == name and namespace(child.tag) in ("", ATOM_NS):
            return (child.text or "").strip() or None
    return None


def read_header(fields: _Fields) -> EventHeader:
    """HandelseUID and EventContext/LarosateID, both required."""
    handelse_uid = fields.required("HandelseUID")
    context = fields.nested("EventContext")
    if context is None:
        raise EventRejected(f"{fields.event_name}: required element EventContext missing")
    larosate_id = context.integer("LarosateID")
    if larosate_id is None:
        raise EventRejected(f"{fields.event_name}: required element EventContext/LarosateID missing")
    return EventHeader(handelse_uid=handelse_uid, name=fields.event_name, larosate_id=larosate_id)


def parse_event(event_name: str, element: Element) -> LadokEvent | None:
    """The typed event for a known event element, None for a type the adapter ignores.

    Raises EventRejected naming the problem when a field the adapter needs is missing or malformed.
    """
    fields = _Fields(event_name, element)
    header = read_header(fields)
    participation = PARTICIPATION_REGISTRY.get(event_name)
    if participation is not None:
        return ParticipationEvent(
            header=header,
            student_uid=fields.required("StudentUID"),
            offering_uid=fields.required(participation.offering_field),
        )
    if event_name in OFFERING_EVENTS:
        return _offering(header, fields)
    if event_name in COURSE_EVENTS:
        return CourseEvent(
            header=header,
            course_uid=fields.required("UtbildningsinstansUID"),
            is_program=event_name in PROGRAM_EVENTS,
            code=fields.text("Kurskod") or fields.text("Utbildningskod"),
            names=fields.names("Benamningar"),
            organisation_uid=fields.text("OrganisationUID"),
            education_type_id=fields.integer("UtbildningstypID"),
        )
    if event_name in STUDENT_EVENTS:
        return _student(header, fields)
    if event_name in ORGANISATION_EVENTS:
        return OrganisationEvent(
            header=header,
            organisation_uid=fields.required("OrganisationUID"),
            code=fields.text("Organisationskod"),
            names={**fields.names("Namn"), **fields.names("Benamningar")},
        )
    if event_name == "UtbildningstillfalleInstalltEvent":
        return OfferingCancelledEvent(header=header, offering_uid=fields.required("UtbildningstillfalleUID"))
    if event_name == "StudentrestriktionEvent":
        return _suspension(header, fields)
    raise EventRejected(f"{event_name}: no reader for this known event type")


def _offering(header: EventHeader, fields: _Fields) -> OfferingEvent:
    is_program = header.name in PROGRAM_EVENTS
    period_name = "Tillfallesperioder" if is_program else "Kurstillfallesperioder"
    periods = []
    for element in fields.all(period_name):
        part = _Fields(f"{header.name}: {period_name}", element)
        first = part.date("ForstaUndervisningsdatum")
        last = part.date("SistaUndervisningsdatum")
        if first is None or last is None:
            missing = "ForstaUndervisningsdatum" if first is None else "SistaUndervisningsdatum"
            raise EventRejected(f"{header.name}: required element {period_name}/{missing} missing")
        periods.append(Period(first_teaching_day=first, last_teaching_day=last))
    status = fields.integer("Status")
    if status is None:
        raise EventRejected(f"{header.name}: required element Status missing")
    return OfferingEvent(
        header=header,
        offering_uid=fields.required("UtbildningstillfalleUID"),
        is_program=is_program,
        status=status,
        course_uid=fields.text("UtbildningsinstansUID"),
        organisation_uid=fields.text("OrganisationUID"),
        education_type_id=fields.integer("UtbildningstypID"),
        start_period_id=fields.integer("StartperiodID"),
        code=fields.text("Utbildningstillfalleskod"),
        periods=tuple(periods),
        # Only program offerings carry names of their own (AlternativaBenamningar, XSD 1.60.1).
        names=fields.names("AlternativaBenamningar"),
    )


def _student_uid(fields: _Fields) -> str:
    # StudentUID is optional in the studentinformation XSD; EventContext/StudentUID then names the student.
    uid = fields.text("StudentUID")
    context = fields.nested("EventContext")
    if uid is None and context is not None:
        uid = context.text("StudentUID")
    if uid is None:
        raise EventRejected(f"{fields.event_name}: required element StudentUID missing")
    return uid


def _student(header: EventHeader, fields: _Fields) -> StudentEvent:
    if header.name == "StudentTillLarosateEvent":
        return StudentEvent(
            header=header,
            student_uid=fields.required("StudentUID"),
            first_name=fields.text("Tilltalsnamn"),
            last_name=fields.text("Efternamn"),
            personnummer=fields.text("Personnummer"),
        )
    if header.name == "KontaktuppgifterEvent":
        return StudentEvent(
            header=header,
            student_uid=_student_uid(fields),
            handelsetyp=fields.handelsetyp(),
            email=fields.text("Epostadress"),
        )
    return StudentEvent(
        header=header,
        student_uid=_student_uid(fields),
        handelsetyp=fields.handelsetyp(),
        first_name=fields.text("Fornamn"),
        last_name=fields.text("Efternamn"),
        personnummer=fields.text("Personnummer"),
    )


def _suspension(header: EventHeader, fields: _Fields) -> SuspensionEvent | None:
    if fields.text("Restriktionstyp") != "AVSTANGNING":
        return None  # docs/rules.md §3: only suspensions matter; AVSKILJANDE and others are ignored
    period = fields.nested("Giltighetsperiod")
    return SuspensionEvent(
        header=header,
        restriction_uid=fields.required("StudentrestriktionUID"),
        student_uid=_student_uid(fields),
        start=period.date("Startdatum") if period else None,
        end=period.date("Slutdatum") if period else None,
        handelsetyp=fields.handelsetyp(),
    )
