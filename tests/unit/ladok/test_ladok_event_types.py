"""Each event type the adapter acts on: written as Ladok writes it, validated against the XSDs, then read."""

from __future__ import annotations

import datetime as dt

import pytest
from lxml import etree

from app.core.events import (
    PARTICIPATION_EVENTS,
    CourseEvent,
    OfferingCancelledEvent,
    OfferingEvent,
    OrganisationEvent,
    ParticipationEvent,
    Period,
    StudentEvent,
    SuspensionEvent,
)
from app.core.participation import PARTICIPATION_REGISTRY
from app.ladok.atom import FeedEntry, parse_page
from app.sandbox.ladok import xmlwriter as w
from app.sandbox.ladok.feedstore import FeedStore
from app.sandbox.ladok.sandbox import xml_name

SERVICE_OF_PREFIX = {prefix: service for service, prefix in w.SERVICE_PREFIX.items()}


def read_one(event_xml: str, schema: etree.XMLSchema | None, *, entry_id: str = "entry-1") -> FeedEntry:
    """Validate `event_xml` against Ladok's XSDs (when given), put it in a feed page, and read it back."""
    if schema is not None:
        assert schema.validate(etree.fromstring(event_xml.encode())), schema.error_log.last_error
    prefix = event_xml.lstrip()[1:].split(":", 1)[0]
    store = FeedStore(page_size=10)
    store.append_event(SERVICE_OF_PREFIX[prefix], xml_name(event_xml), event_xml, entry_id)
    page = parse_page(store.page_xml("http://ladok.test/handelser/feed", None) or b"")
    assert len(page.entries) == 1
    return page.entries[0]


@pytest.mark.parametrize("name", sorted(PARTICIPATION_EVENTS))
def test_the_writer_puts_the_offering_in_the_field_the_registry_names(name: str) -> None:
    xml = w.participation_xml(name, "stud-7", "offering-9")
    assert f":{PARTICIPATION_REGISTRY[name].offering_field}>offering-9<" in xml


@pytest.mark.parametrize("name", sorted(PARTICIPATION_EVENTS))
@pytest.mark.parametrize("context_first", [False, True], ids=["xsd-order", "2017-order"])
def test_participation_event_reads_student_and_the_events_own_offering_field(
    name: str, context_first: bool, event_schema: etree.XMLSchema
) -> None:
    xml = w.participation_xml(
        name, "stud-7", "offering-9", handelse_uid="h-1", larosate_id=43, context_first=context_first
    )
    entry = read_one(xml, None if context_first else event_schema)
    assert entry.rejected is None
    assert entry.event == ParticipationEvent(header=entry.event.header, student_uid="stud-7", offering_uid="offering-9")
    assert (entry.event.header.handelse_uid, entry.event.header.name, entry.event.header.larosate_id) == (
        "h-1",
        name,
        43,
    )
    assert (entry.event_type, entry.handelse_uid, entry.larosate_id) == (name, "h-1", 43)


def test_course_offering_status_event(event_schema: etree.XMLSchema) -> None:
    xml = w.offering_xml(
        "off-1",
        status=2,
        course_uid="course-1",
        organisation_uid="org-1",
        education_type_id=52,
        start_period_id=29148,
        code="10",
        periods=[w.TeachingPeriod(dt.date(2024, 9, 2), dt.date(2024, 11, 1))],
    )
    event = read_one(xml, event_schema).event
    assert isinstance(event, OfferingEvent)
    assert event.header.name == "KurstillfalleTillStatusEvent"
    assert (event.offering_uid, event.is_program, event.status, event.code) == ("off-1", False, 2, "10")
    assert (event.course_uid, event.organisation_uid, event.education_type_id) == ("course-1", "org-1", 52)
    assert event.start_period_id == 29148
    assert event.periods == (Period(dt.date(2024, 9, 2), dt.date(2024, 11, 1)),)


def test_program_offering_updated_event_reads_tillfallesperioder_and_names(event_schema: etree.XMLSchema) -> None:
    periods = [
        w.TeachingPeriod(dt.date(2024, 8, 26), dt.date(2025, 1, 12)),
        w.TeachingPeriod(dt.date(2025, 1, 13), dt.date(2025, 6, 1)),
    ]
    xml = w.offering_xml("prog-off", program=True, updated=True, code="CDATE", periods=periods, names={"sv": "Data"})
    event = read_one(xml, event_schema).event
    assert isinstance(event, OfferingEvent)
    assert event.header.name == "KurspaketeringstillfalleUppdateratEvent"
    assert event.is_program and event.offering_uid == "prog-off"
    assert [p.first_teaching_day for p in event.periods] == [dt.date(2024, 8, 26), dt.date(2025, 1, 13)]
    assert event.names == {"sv": "Data"}


@pytest.mark.parametrize(
    ("program", "updated", "name"),
    [
        (False, False, "KursTillStatusEvent"),
        (False, True, "KursUppdateradEvent"),
        (True, False, "KurspaketeringTillStatusEvent"),
        (True, True, "KurspaketeringUppdateradEvent"),
    ],
)
def test_course_and_program_events_read_code_and_names(
    program: bool, updated: bool, name: str, event_schema: etree.XMLSchema
) -> None:
    xml = w.course_xml(
        "course-1",
        program=program,
        updated=updated,
        code="XX1101",
        names={"sv": "Grundkurs", "en": "Basic course"},
        organisation_uid="org-1",
        education_type_id=22,
    )
    event = read_one(xml, event_schema).event
    assert isinstance(event, CourseEvent)
    assert event.header.name == name
    assert (event.course_uid, event.is_program, event.code) == ("course-1", program, "XX1101")
    assert event.names == {"sv": "Grundkurs", "en": "Basic course"}
    assert (event.organisation_uid, event.education_type_id) == ("org-1", 22)


def test_offering_cancelled(event_schema: etree.XMLSchema) -> None:
    event = read_one(w.cancelled_xml("off-1"), event_schema).event
    assert isinstance(event, OfferingCancelledEvent)
    assert event.offering_uid == "off-1"


@pytest.mark.parametrize("updated", [False, True])
def test_organisation_names_in_the_xsd_form(updated: bool, event_schema: etree.XMLSchema) -> None:
    xml = w.organisation_xml(
        "org-1", updated=updated, code="TEST2", names={"sv": "Avdelning", "en": "Unit"}, names_as_in_2017_feed=False
    )
    event = read_one(xml, event_schema).event
    assert isinstance(event, OrganisationEvent)
    assert (event.organisation_uid, event.code, event.names) == ("org-1", "TEST2", {"sv": "Avdelning", "en": "Unit"})


def test_organisation_names_in_the_2017_feed_form() -> None:
    xml = w.organisation_xml("org-1", code="TEST2", names={"sv": "Avdelning"})
    assert '<entry xmlns="">' in xml
    event = read_one(xml, None).event
    assert isinstance(event, OrganisationEvent)
    assert event.names == {"sv": "Avdelning"}


def test_student_till_larosate_uses_tilltalsnamn_as_first_name(event_schema: etree.XMLSchema) -> None:
    xml = w.student_till_larosate_xml("stud-1", first_name="Kim", last_name="Ek", personnummer="199001011234")
    event = read_one(xml, event_schema).event
    assert event == StudentEvent(
        header=event.header, student_uid="stud-1", first_name="Kim", last_name="Ek", personnummer="199001011234"
    )


@pytest.mark.parametrize("handelsetyp", ["SKAPAD", "UPPDATERAD", "BORTTAGEN"])
def test_lokal_student_event(handelsetyp: str, event_schema: etree.XMLSchema) -> None:
    xml = w.lokal_student_xml(
        "stud-1", first_name="Kim", last_name="Ek", personnummer="199001011234", handelsetyp=handelsetyp
    )
    event = read_one(xml, event_schema).event
    assert isinstance(event, StudentEvent)
    assert (event.student_uid, event.handelsetyp, event.first_name, event.last_name, event.personnummer) == (
        "stud-1",
        handelsetyp,
        "Kim",
        "Ek",
        "199001011234",
    )
    assert event.email is None


def test_kontaktuppgifter_event_carries_email_only(event_schema: etree.XMLSchema) -> None:
    event = read_one(w.kontaktuppgifter_xml("stud-1", email="kim@example.se"), event_schema).event
    assert isinstance(event, StudentEvent)
    assert (event.student_uid, event.email, event.handelsetyp) == ("stud-1", "kim@example.se", "UPPDATERAD")
    assert event.first_name is None and event.personnummer is None


def test_suspension_restriction(event_schema: etree.XMLSchema) -> None:
    xml = w.restriktion_xml("stud-1", "restr-1", start=dt.date(2025, 1, 1), end=dt.date(2025, 3, 31))
    event = read_one(xml, event_schema).event
    assert event == SuspensionEvent(
        header=event.header,
        restriction_uid="restr-1",
        student_uid="stud-1",
        start=dt.date(2025, 1, 1),
        end=dt.date(2025, 3, 31),
        handelsetyp="SKAPAD",
    )


def test_suspension_without_end_date(event_schema: etree.XMLSchema) -> None:
    xml = w.restriktion_xml("stud-1", "restr-1", start=dt.date(2025, 1, 1), end=None, handelsetyp="UPPDATERAD")
    event = read_one(xml, event_schema).event
    assert isinstance(event, SuspensionEvent)
    assert (event.start, event.end, event.handelsetyp) == (dt.date(2025, 1, 1), None, "UPPDATERAD")


def test_other_restriction_types_are_ignored_not_rejected(event_schema: etree.XMLSchema) -> None:
    xml = w.restriktion_xml("stud-1", "restr-1", start=None, end=None, restriktionstyp="AVSKILJANDE")
    entry = read_one(xml, event_schema)
    assert (entry.event, entry.rejected, entry.event_type) == (None, None, "StudentrestriktionEvent")
    assert entry.handelse_uid is not None


def test_values_spread_over_lines_are_stripped() -> None:
    xml = w.participation_xml("AterbudEvent", "stud-1", "off-1", handelse_uid="h-9")
    xml = xml.replace("<sd:StudentUID>stud-1", "<sd:StudentUID>\n\t\t\tstud-1\n\t\t\t")
    entry = read_one(xml, None)
    assert isinstance(entry.event, ParticipationEvent)
    assert entry.event.student_uid == "stud-1"


def test_unknown_ladok_event_is_recorded_without_a_typed_event() -> None:
    store = FeedStore()
    xml = w.event_xml("kataloginformation", "AnvandareAndradEvent", [w.X("ki:Fornamn", "A")], handelse_uid="h-5")
    store.append_event("kataloginformation", "AnvandareAndradEvent", xml, "e-5")
    entry = parse_page(store.page_xml("http://l/handelser/feed", None) or b"").entries[0]
    assert (entry.event_type, entry.event, entry.rejected, entry.handelse_uid) == (
        "AnvandareAndradEvent",
        None,
        None,
        "h-5",
    )


def test_event_for_another_institution_still_carries_its_larosate_id() -> None:
    entry = read_one(w.participation_xml("RegistreringEvent", "s", "o", larosate_id=12), None)
    assert entry.larosate_id == 12
    assert isinstance(entry.event, ParticipationEvent)
    assert entry.event.header.larosate_id == 12


def test_student_uid_may_come_from_the_event_context_only() -> None:
    """StudentUID is optional in the studentinformation XSD; EventContext/StudentUID then names the student."""
    xml = w.kontaktuppgifter_xml("stud-1", email="kim@example.se", handelsetyp="BORTTAGEN")
    xml = xml.replace("  <si:StudentUID>stud-1</si:StudentUID>\n", "")
    xml = xml.replace("</events:LarosateID>", "</events:LarosateID>\n    <events:StudentUID>stud-1</events:StudentUID>")
    event = read_one(xml, None).event
    assert isinstance(event, StudentEvent)
    assert (event.student_uid, event.handelsetyp) == ("stud-1", "BORTTAGEN")


def test_unknown_handelsetyp_is_rejected() -> None:
    xml = w.lokal_student_xml("stud-1", handelsetyp="SKAPAD").replace(">SKAPAD<", ">RADERAD<")
    assert read_one(xml, None).rejected == "LokalStudentEvent: element Handelsetyp has unknown value 'RADERAD'"


def test_malformed_number_and_date_are_rejected_naming_the_element() -> None:
    xml = w.offering_xml(
        "off-1", start_period_id=29148, periods=[w.TeachingPeriod(dt.date(2024, 9, 2), dt.date(2024, 9, 3))]
    )
    assert read_one(xml.replace(">29148<", ">HT24<"), None).rejected == (
        "KurstillfalleTillStatusEvent: element StartperiodID is not an integer: 'HT24'"
    )
    assert "ForstaUndervisningsdatum is not a date" in (
        read_one(xml.replace(">2024-09-02<", ">2 sept<"), None).rejected or ""
    )
