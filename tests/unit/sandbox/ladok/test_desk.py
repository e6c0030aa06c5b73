"""The sandbox Ladok's desk: each action appends the event Ladok would send, and refuses what Ladok would."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from lxml import etree

from app.sandbox.ladok import SandboxLadok
from app.sandbox.ladok.desk import DeskRefusal, LadokDesk, Status, sandbox_personnummer

TODAY = dt.date(2026, 3, 2)
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def desk() -> LadokDesk:
    ladok = SandboxLadok(page_size=100)
    org = ladok.add_organisation(code="EECS", names={"sv": "Skolan", "en": "School"})
    ladok.add_course(code="DD1310", names={"sv": "Programmeringsteknik", "en": "Programming"}, organisation_uid=org)
    return LadokDesk(ladok, today=lambda: TODAY)


def _offering(desk: LadokDesk, code: str = "50101") -> str:
    (course,) = desk.courses()
    return desk.add_offering(course.uid, code, "VT2026", TODAY, TODAY + dt.timedelta(days=90))


def _events(desk: LadokDesk) -> list[etree._Element]:
    page = etree.fromstring(desk.ladok.feed.page_xml("http://ladok.test/handelser/feed", None) or b"")
    return [entry.find(f"{ATOM}content")[0] for entry in page.findall(f"{ATOM}entry")]


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname


def test_a_student_is_admitted_registered_and_drops_out_each_as_one_event(
    desk: LadokDesk, ladok_event_schema: etree.XMLSchema
) -> None:
    offering, student = _offering(desk), desk.add_student("Åsa", "Öberg")

    desk.admit(student, offering)
    desk.register(student, offering)
    desk.drop_out(student, offering)
    desk.suspend(student, 14)

    for event in _events(desk)[:-2]:  # all but the hand-made organisation and course: Ladok's own format
        assert ladok_event_schema.validate(event), (_local(event), ladok_event_schema.error_log.last_error)
    events = _events(desk)[1:4]  # newest first, after the suspension
    assert [_local(e) for e in events] == ["AvbrottEvent", "RegistreringEvent", "ForvantatDeltagandeSkapadEvent"]
    for event in events:
        texts = {_local(child): child.text for child in event.iter() if child.text and child.text.strip()}
        assert texts["StudentUID"] == student
        assert offering in (texts.get("KurstillfalleUID"), texts.get("UtbildningstillfalleUID"))
    assert desk.status(student, offering) is Status.DROPPED_OUT
    assert [line.event for line in desk.journal()[1:4]] == [
        "AvbrottEvent",
        "RegistreringEvent",
        "ForvantatDeltagandeSkapadEvent",
    ]


def test_an_admitted_student_who_drops_out_declines_the_place(desk: LadokDesk) -> None:
    offering, student = _offering(desk), desk.add_student("Bo", "Ek")
    desk.admit(student, offering)

    assert desk.drop_out(student, offering).startswith("AterbudEvent: Bo Ek declined the place on DD1310 50101")
    assert desk.status(student, offering) is Status.DECLINED


def test_what_ladok_would_refuse_appends_nothing(desk: LadokDesk) -> None:
    offering, student = _offering(desk), desk.add_student("Bo", "Ek")
    before = len(_events(desk))

    with pytest.raises(DeskRefusal, match="Bo Ek is not admitted to DD1310 50101 VT2026"):
        desk.register(student, offering)
    with pytest.raises(DeskRefusal, match="neither admitted to nor registered on"):
        desk.drop_out(student, offering)
    with pytest.raises(DeskRefusal, match="a suspension lasts 1 to 365 days, not 0"):
        desk.suspend(student, 0)
    with pytest.raises(DeskRefusal, match="DD1310 already has an offering 50101 in VT2026"):
        _offering(desk)
    with pytest.raises(DeskRefusal, match="there is no student 'nobody'"):
        desk.admit("nobody", offering)

    assert len(_events(desk)) == before


def test_a_suspension_runs_from_today(desk: LadokDesk) -> None:
    student = desk.add_student("Bo", "Ek")

    desk.suspend(student, 14)

    event = _events(desk)[0]
    texts = {_local(child): child.text for child in event.iter() if child.text and child.text.strip()}
    assert (texts["Restriktionstyp"], texts["Startdatum"], texts["Slutdatum"]) == (
        "AVSTANGNING",
        "2026-03-02",
        "2026-03-15",
    )
    assert desk.suspended_until(student) == dt.date(2026, 3, 15)


def test_a_new_offering_is_started_in_the_catalogue(desk: LadokDesk) -> None:
    offering = _offering(desk, "50202")

    event = _events(desk)[0]
    assert _local(event) == "KurstillfalleTillStatusEvent"
    assert [(o.uid, o.label) for o in desk.offerings()] == [(offering, "DD1310 50202 VT2026")]


def test_sandbox_personnummer_has_a_valid_check_digit() -> None:
    for serial in (1, 2, 150):
        number = sandbox_personnummer(serial)
        digits = [int(c) for c in number[2:]]
        total = sum(d * 2 // 10 + d * 2 % 10 if i % 2 == 0 else d for i, d in enumerate(digits))
        assert re.fullmatch(r"20000101\d{4}", number) and total % 10 == 0
