"""The sandbox Ladok serves its feed and REST API the way Ladok does (read here with lxml, not app.ladok)."""

from __future__ import annotations

import datetime as dt
import json

import httpx
import pytest
from lxml import etree

from app.core.participation import PARTICIPATION_REGISTRY
from app.sandbox.ladok import SandboxLadok

ATOM = "{http://www.w3.org/2005/Atom}"
BASE = "http://ladok.sandbox/handelser/feed"


def get(sandbox: SandboxLadok, path: str, accept: str = "application/atom+xml") -> httpx.Response:
    with httpx.Client(transport=httpx.WSGITransport(app=sandbox), base_url="http://ladok.sandbox") as client:
        return client.get(path, headers={"Accept": accept})


def links(page: etree._Element) -> dict[str, str]:
    return {link.get("rel"): link.get("href") for link in page.findall(ATOM + "link")}


def entry_ids(page: etree._Element) -> list[str]:
    return [entry.findtext(ATOM + "id") for entry in page.findall(ATOM + "entry")]


def feed(sandbox: SandboxLadok, which: str) -> etree._Element:
    response = get(sandbox, f"/handelser/feed/{which}")
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/atom+xml"
    return etree.fromstring(response.content)


def add(sandbox: SandboxLadok, count: int) -> list[str]:
    return [sandbox.add_event_xml("studiedeltagande", "X", "<sd:X xmlns:sd='urn:x'/>", f"e{i}") for i in range(count)]


def test_recent_grows_until_full_then_is_archived() -> None:
    sandbox = SandboxLadok(page_size=3)
    add(sandbox, 3)
    recent = feed(sandbox, "recent")
    assert links(recent) == {"self": f"{BASE}/recent", "via": f"{BASE}/1"}
    assert entry_ids(recent) == ["e2", "e1", "e0"]  # newest first
    sandbox.add_event_xml("studiedeltagande", "X", "<sd:X xmlns:sd='urn:x'/>", "e3")
    assert links(feed(sandbox, "recent")) == {
        "self": f"{BASE}/recent",
        "via": f"{BASE}/2",
        "prev-archive": f"{BASE}/1",
    }
    archived = feed(sandbox, "1")
    assert links(archived) == {"self": f"{BASE}/1", "next-archive": f"{BASE}/2"}
    assert entry_ids(archived) == ["e2", "e1", "e0"]
    assert entry_ids(feed(sandbox, "2")) == ["e3"]


def test_missing_page_is_404_with_meddelande() -> None:
    response = get(SandboxLadok(), "/handelser/feed/5")
    assert response.status_code == 404 and "Meddelande" in response.json()


def test_older_feed_path_can_be_served() -> None:
    sandbox = SandboxLadok(feed_path="/uppfoljning/feed")
    add(sandbox, 1)
    page = etree.fromstring(get(sandbox, "/uppfoljning/feed/recent").content)
    assert links(page)["via"] == "http://ladok.sandbox/uppfoljning/feed/1"


def test_every_event_helper_writes_xsd_valid_events(ladok_event_schema: etree.XMLSchema) -> None:
    sandbox = SandboxLadok(page_size=100)
    course = sandbox.add_course(code="DD1310", names={"sv": "Prog"}, education_type_id=22)
    sandbox.add_course(course, code="DD1310", names={"sv": "Prog 2"}, updated=True)
    sandbox.add_course(code="CDATE", names={"sv": "Civing"}, program=True)
    day = dt.date(2024, 9, 2)
    offering = sandbox.add_offering(course_uid=course, code="1", term_code="HT2024", start=day, end=day)
    sandbox.add_offering(course_uid=course, code="2", term_code="HT2024", start=day, end=day, program=True)
    sandbox.add_offering(offering, course_uid=course, code="1", term_code="HT2024", start=day, end=day, updated=True)
    sandbox.add_cancellation(offering)
    student = sandbox.add_student(first_name="Kim", last_name="Ek", personnummer="199001011234")
    sandbox.add_student_till_larosate(student, first_name="Kim", last_name="Ek", personnummer="199001011234")
    sandbox.add_contact(student, "kim@ex.se")
    sandbox.add_suspension(student, start=day, end=day + dt.timedelta(days=30))
    for name in sorted(PARTICIPATION_REGISTRY):
        sandbox.add_participation(name, student, offering)
    entries = feed(sandbox, "recent").findall(ATOM + "entry")
    assert len(entries) == 11 + len(PARTICIPATION_REGISTRY)
    for entry in entries:
        event = entry.find(ATOM + "content")[0]
        term = entry.find(ATOM + "category").get("term")
        assert term == f"{etree.QName(event).namespace}/{etree.QName(event).localname}"
        assert ladok_event_schema.validate(event), (term, ladok_event_schema.error_log.last_error)


def test_organisation_names_are_written_like_the_2017_feed() -> None:
    sandbox = SandboxLadok()
    sandbox.add_organisation("org-1", code="T", names={"sv": "Avdelning"})
    event = feed(sandbox, "recent").find(f"{ATOM}entry/{ATOM}content")[0]
    items = event.find("{http://schemas.ladok.se/kataloginformation}Benamningar")
    assert [(item.tag, item.findtext("key"), item.findtext("value")) for item in items] == [
        ("entry", "sv", "Avdelning")
    ]


@pytest.mark.parametrize(
    ("path", "accept", "status"),
    [
        ("/utbildningsinformation/utbildningsinstans/c-1", "application/vnd.ladok-utbildningsinformation+json", 200),
        ("/utbildningsinformation/utbildningsinstans/c-1", "application/json", 406),
        ("/utbildningsinformation/utbildningsinstans/c-1", "application/vnd.ladok-kataloginformation+json", 406),
        ("/utbildningsinformation/internal/utbildningsinstans/c-1", "application/json", 403),
        ("/utbildningsinformation/utbildningsinstans/none", "application/vnd.ladok-utbildningsinformation+json", 404),
    ],
)
def test_rest_checks_accept_and_refuses_internal_paths(path: str, accept: str, status: int) -> None:
    sandbox = SandboxLadok()
    sandbox.add_course("c-1", code="DD1310", names={"sv": "Prog"})
    response = get(sandbox, path, accept)
    assert response.status_code == status
    body = json.loads(response.content)
    assert ("Meddelande" in body) == (status != 200)


def test_period_list_names_terms() -> None:
    sandbox = SandboxLadok()
    number = sandbox.catalogue.period_id("VT2025")
    body = get(sandbox, "/kataloginformation/grunddata/period", "application/vnd.ladok-kataloginformation+json").json()
    assert body["Period"][0]["ID"] == str(number) and body["Period"][0]["Kod"] == "VT2025"
    assert body["Period"][0]["FromDatum"] == "2025-01-15"


def test_injected_faults_come_first_then_normal_answers() -> None:
    sandbox = SandboxLadok()
    sandbox.fail_next(503, times=2)
    assert [get(sandbox, "/handelser/feed/recent").status_code for _ in range(3)] == [503, 503, 200]
