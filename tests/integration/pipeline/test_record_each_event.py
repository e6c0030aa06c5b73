"""One test per event type of docs/rules.md §4.1, §4.4 and the student events: XSD-valid XML in, projection after."""

from __future__ import annotations

import datetime as dt

import pytest
from lxml import etree
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from app.pipeline.ingest import ingest_page_bytes
from app.sandbox.ladok import xmlwriter as w
from app.sandbox.ladok.feedstore import FeedStore
from app.sandbox.ladok.sandbox import xml_name
from app.store.tables import CourseRow, OfferingRow, OrganisationRow, ParticipationRow, StudentRow, SuspensionRow

SERVICE_OF_PREFIX = {prefix: service for service, prefix in w.SERVICE_PREFIX.items()}
STUDENT, OFFERING = "7d1b3c1e-0000-4000-8000-000000000001", "7d1b3c1e-0000-4000-8000-000000000002"


def _ingest(engine: Engine, schema: etree.XMLSchema, *events: str) -> None:
    """Validate each event against Ladok's XSDs, serve them as one Atom page, and record it."""
    store = FeedStore(page_size=50)
    for xml in events:
        assert schema.validate(etree.fromstring(xml.encode())), schema.error_log.last_error
        prefix = xml.lstrip()[1:].split(":", 1)[0]
        store.append_event(SERVICE_OF_PREFIX[prefix], xml_name(xml), xml)
    result = ingest_page_bytes(engine, "kth", 29, store.page_xml("http://ladok.test/handelser/feed", None), "page")
    assert result.rejected == [] and sum(result.recorded.values()) == len(events)


def _participation(engine: Engine) -> tuple[bool, bool, bool]:
    with Session(engine) as s:
        row = s.get(ParticipationRow, ("kth", STUDENT, OFFERING))
        return row.admitted, row.registered, row.completed


def _p(name: str) -> str:
    return w.participation_xml(name, STUDENT, OFFERING)


@pytest.mark.parametrize(
    "name",
    [
        "RegistreringEvent",
        "OmregistreringEvent",
        "PaborjatUtbildningstillfalleEvent",
        "AvbrottBorttagetEvent",
        "UppehallBorttagetEvent",
    ],
)
def test_registering_event_registers(engine: Engine, ladok_event_schema: etree.XMLSchema, name: str) -> None:
    _ingest(engine, ladok_event_schema, _p("ForvantatDeltagandeSkapadEvent"), _p(name))
    assert _participation(engine) == (True, True, False)


@pytest.mark.parametrize(
    "name",
    [
        "AterkalladregistreringEvent",
        "AterkalladOmregistreringEvent",
        "AvbrottEvent",
        "AterkallatPaborjatUtbildningstillfalleEvent",
    ],
)
def test_unregistering_event_keeps_admission(engine: Engine, ladok_event_schema: etree.XMLSchema, name: str) -> None:
    _ingest(engine, ladok_event_schema, _p("ForvantatDeltagandeSkapadEvent"), _p("RegistreringEvent"), _p(name))
    assert _participation(engine) == (True, False, False)


def test_aterbud_withdraws_both(engine: Engine, ladok_event_schema: etree.XMLSchema) -> None:
    _ingest(
        engine, ladok_event_schema, _p("ForvantatDeltagandeSkapadEvent"), _p("RegistreringEvent"), _p("AterbudEvent")
    )
    assert _participation(engine) == (False, False, False)


def test_admission_created_then_removed(engine: Engine, ladok_event_schema: etree.XMLSchema) -> None:
    _ingest(engine, ladok_event_schema, _p("ForvantatDeltagandeSkapadEvent"))
    assert _participation(engine) == (True, False, False)
    _ingest(engine, ladok_event_schema, _p("ForvantatDeltagandeBorttagetEvent"))
    assert _participation(engine) == (False, False, False)


def test_leave_of_absence_keeps_the_registration(engine: Engine, ladok_event_schema: etree.XMLSchema) -> None:
    _ingest(engine, ladok_event_schema, _p("RegistreringEvent"), _p("UppehallEvent"))
    assert _participation(engine) == (False, True, False)


@pytest.mark.parametrize("name", ["ResultatPaHelKursAttesteratEvent", "AvklaradEvent"])
def test_completion_events(engine: Engine, ladok_event_schema: etree.XMLSchema, name: str) -> None:
    _ingest(engine, ladok_event_schema, _p("RegistreringEvent"), _p(name))
    assert _participation(engine) == (False, True, True)


@pytest.mark.parametrize(
    ("program", "updated"),
    [(False, False), (False, True), (True, False), (True, True)],
    ids=[
        "KurstillfalleTillStatus",
        "KurstillfalleUppdaterat",
        "KurspaketeringstillfalleTillStatus",
        "KurspaketeringstillfalleUppdaterat",
    ],
)
def test_offering_events_fill_the_offering(
    engine: Engine, ladok_event_schema: etree.XMLSchema, program: bool, updated: bool
) -> None:
    xml = w.offering_xml(
        OFFERING,
        program=program,
        updated=updated,
        status=2,
        course_uid="c-1",
        organisation_uid="org-1",
        education_type_id=52,
        start_period_id=29148,
        code="50123",
        periods=[
            w.TeachingPeriod(dt.date(2024, 9, 2), dt.date(2024, 10, 31)),
            w.TeachingPeriod(dt.date(2024, 11, 1), dt.date(2025, 1, 19)),
        ],
    )
    _ingest(engine, ladok_event_schema, xml)
    with Session(engine) as s:
        row = s.get(OfferingRow, ("kth", OFFERING))
        assert (row.is_program, row.status, row.course_uid, row.organisation_uid, row.code) == (
            program,
            2,
            "c-1",
            "org-1",
            "50123",
        )
        assert (row.education_type_id, row.start_period_id) == (52, 29148)
        assert (row.start_date, row.end_date) == (dt.date(2024, 9, 2), dt.date(2025, 1, 19))


@pytest.mark.parametrize(
    ("program", "updated"),
    [(False, False), (False, True), (True, False), (True, True)],
    ids=["KursTillStatus", "KursUppdaterad", "KurspaketeringTillStatus", "KurspaketeringUppdaterad"],
)
def test_course_events_fill_the_course(
    engine: Engine, ladok_event_schema: etree.XMLSchema, program: bool, updated: bool
) -> None:
    xml = w.course_xml(
        "c-1",
        program=program,
        updated=updated,
        code="DD1310",
        names={"sv": "Programmeringsteknik", "en": "Programming Techniques"},
    )
    _ingest(engine, ladok_event_schema, xml)
    with Session(engine) as s:
        row = s.get(CourseRow, ("kth", "c-1"))
        assert (row.is_program, row.code, row.names["sv"]) == (program, "DD1310", "Programmeringsteknik")


def test_cancellation_marks_the_offering(engine: Engine, ladok_event_schema: etree.XMLSchema) -> None:
    _ingest(engine, ladok_event_schema, w.cancelled_xml(OFFERING))
    with Session(engine) as s:
        assert s.get(OfferingRow, ("kth", OFFERING)).cancelled is True


def test_organisation_events(engine: Engine, ladok_event_schema: etree.XMLSchema) -> None:
    _ingest(
        engine,
        ladok_event_schema,
        w.organisation_xml("org-1", code="EECS", names={"sv": "EECS-skolan"}, names_as_in_2017_feed=False),
        w.organisation_xml(
            "org-1", updated=True, code="EECS", names={"sv": "Skolan för EECS"}, names_as_in_2017_feed=False
        ),
    )
    with Session(engine) as s:
        row = s.get(OrganisationRow, ("kth", "org-1"))
        assert (row.code, row.names["sv"]) == ("EECS", "Skolan för EECS")


def test_student_events_fill_student_data(engine: Engine, ladok_event_schema: etree.XMLSchema) -> None:
    _ingest(
        engine,
        ladok_event_schema,
        w.student_till_larosate_xml(STUDENT, first_name="Ada", last_name="L", personnummer="199001011234"),
        w.lokal_student_xml(
            STUDENT, first_name="Ada", last_name="Lovelace", personnummer="199001011234", handelsetyp="UPPDATERAD"
        ),
        w.kontaktuppgifter_xml(STUDENT, email="ada@example.se"),
    )
    with Session(engine) as s:
        row = s.get(StudentRow, ("kth", STUDENT))
        assert (row.first_name, row.last_name, row.personnummer, row.email) == (
            "Ada",
            "Lovelace",
            "199001011234",
            "ada@example.se",
        )
    _ingest(engine, ladok_event_schema, w.kontaktuppgifter_xml(STUDENT, email=None, handelsetyp="BORTTAGEN"))
    with Session(engine) as s:
        assert s.get(StudentRow, ("kth", STUDENT)).email is None


def test_suspension_recorded_and_removed(engine: Engine, ladok_event_schema: etree.XMLSchema) -> None:
    start, end = dt.date(2024, 10, 1), dt.date(2024, 12, 31)
    _ingest(engine, ladok_event_schema, w.restriktion_xml(STUDENT, "r-1", start=start, end=end))
    with Session(engine) as s:
        row = s.get(SuspensionRow, ("kth", "r-1"))
        assert (row.student_uid, row.start_date, row.end_date, row.removed) == (STUDENT, start, end, False)
    _ingest(
        engine, ladok_event_schema, w.restriktion_xml(STUDENT, "r-1", start=start, end=end, handelsetyp="BORTTAGEN")
    )
    with Session(engine) as s:
        assert s.get(SuspensionRow, ("kth", "r-1")).removed is True
