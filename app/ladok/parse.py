"""Ladok event XML (schema 1.60.1) → the typed events of app.core.events.

Which event becomes which typed event, and with which fields; app.ladok.fields reads the elements.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element

from app.core.events import (
    COURSE_EVENTS,
    OFFERING_EVENTS,
    ORGANISATION_EVENTS,
    STUDENT_EVENTS,
    CourseEvent,
    EventHeader,
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
from app.ladok.fields import EventRejected, Fields

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


def read_header(fields: Fields) -> EventHeader:
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
    fields = Fields(event_name, element)
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


def _offering(header: EventHeader, fields: Fields) -> OfferingEvent:
    is_program = header.name in PROGRAM_EVENTS
    period_name = "Tillfallesperioder" if is_program else "Kurstillfallesperioder"
    periods = []
    for element in fields.all(period_name):
        part = Fields(f"{header.name}: {period_name}", element)
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


def _student_uid(fields: Fields) -> str:
    # StudentUID is optional in the studentinformation XSD; EventContext/StudentUID then names the student.
    uid = fields.text("StudentUID")
    context = fields.nested("EventContext")
    if uid is None and context is not None:
        uid = context.text("StudentUID")
    if uid is None:
        raise EventRejected(f"{fields.event_name}: required element StudentUID missing")
    return uid


def _student(header: EventHeader, fields: Fields) -> StudentEvent:
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


def _suspension(header: EventHeader, fields: Fields) -> SuspensionEvent | None:
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
