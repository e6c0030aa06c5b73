"""The sandbox Ladok's page: forms that append real events to the feed, CSRF-protected, with clear refusals."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import httpx
import pytest

from app.sandbox.ladok import SandboxLadok
from app.sandbox.ladok.demo import DemoLadok, seed_demo
from app.sandbox.ladok.desk import LadokDesk, Status
from app.sandbox.ladok.gui import ladok_gui, with_gui
from app.sandbox.ladok.server import serve

TODAY = dt.date(2026, 3, 2)


@pytest.fixture
def desk() -> LadokDesk:
    return LadokDesk(SandboxLadok(), today=lambda: TODAY)


@pytest.fixture
def seeded(desk: LadokDesk) -> DemoLadok:
    return seed_demo(desk, TODAY)


@pytest.fixture
def browser(desk: LadokDesk, seeded: DemoLadok) -> Iterator[httpx.Client]:
    """A client that keeps cookies, on the sandbox Ladok (feed, REST and page) served on loopback."""
    with serve(with_gui(desk.ladok, ladok_gui(desk))) as url, httpx.Client(base_url=url) as client:
        yield client


def _token(client: httpx.Client, prefix: str) -> str:
    page = client.get("/gui/")
    match = re.search(rf'name="{prefix}-csrf_token" type="hidden" value="([^"]+)"', page.text)
    assert match, page.text
    return match.group(1)


def _feed_terms(client: httpx.Client) -> list[str]:
    return re.findall(r'term="http://schemas.ladok.se/\w+/(\w+)"', client.get("/handelser/feed/recent").text)


def test_registering_a_student_appends_a_registration_to_the_feed(
    browser: httpx.Client, desk: LadokDesk, seeded: DemoLadok
) -> None:
    bo, offering = seeded.student_uids[1], seeded.offering_uids[0]

    sent = browser.post(
        "/gui/participation",
        data={"p-csrf_token": _token(browser, "p"), "p-student": bo, "p-offering": offering, "p-action": "register"},
    )

    assert (sent.status_code, sent.headers["Location"]) == (303, "/gui/")
    assert _feed_terms(browser)[0] == "RegistreringEvent"  # newest first
    assert desk.status(bo, offering) is Status.REGISTERED
    page = browser.get("/gui/").text
    assert 'role="status">Sent: RegistreringEvent: Bo Ek registered on DD1310 50101 VT2026</p>' in page


def test_a_form_without_its_csrf_token_is_refused_and_sends_nothing(browser: httpx.Client, seeded: DemoLadok) -> None:
    before = _feed_terms(browser)

    sent = browser.post("/gui/suspension", data={"s-student": seeded.student_uids[0], "s-days": "10"})

    assert sent.status_code == 400 and "The CSRF token is missing." in sent.text
    assert _feed_terms(browser) == before


def test_what_ladok_would_refuse_is_named_and_sends_nothing(browser: httpx.Client, seeded: DemoLadok) -> None:
    before = _feed_terms(browser)
    token = _token(browser, "p")

    refused = browser.post(
        "/gui/participation",
        data={
            "p-csrf_token": token,
            "p-student": seeded.student_uids[1],
            "p-offering": seeded.offering_uids[1],
            "p-action": "register",
        },
    )
    incomplete = browser.post("/gui/participation", data={"p-csrf_token": token, "p-action": "register"})

    assert refused.status_code == 400
    assert (
        'role="alert">Ladok refused: Bo Ek is not admitted to SF1625 60201 VT2026: only an admitted student '
        "can be registered</p>"
    ) in refused.text
    assert incomplete.status_code == 400 and "see the fields marked below" in incomplete.text
    assert 'aria-invalid="true"' in incomplete.text
    assert _feed_terms(browser) == before


def test_a_new_offering_and_a_new_student_reach_the_feed_and_the_catalogue(
    browser: httpx.Client, desk: LadokDesk, seeded: DemoLadok
) -> None:
    course = seeded.course_uids[1]
    token = _token(browser, "o")

    added = browser.post(
        "/gui/offering",
        data={
            "o-csrf_token": token,
            "o-course": course,
            "o-code": "60299",
            "o-term": "vt2026",
            "o-start": "2026-03-09",
            "o-end": "2026-06-01",
        },
    )
    student = browser.post("/gui/student", data={"n-csrf_token": token, "n-first_name": "Ines", "n-last_name": "Ek"})

    assert added.status_code == 303 and student.status_code == 303
    assert _feed_terms(browser)[:3] == ["KontaktuppgifterEvent", "LokalStudentEvent", "KurstillfalleTillStatusEvent"]
    assert "SF1625 60299 VT2026" in [o.label for o in desk.offerings()]
    assert "Ines Ek" in [s.name for s in desk.students()]
    page = browser.get("/gui/").text
    assert "Sent: KurstillfalleTillStatusEvent: new offering SF1625 60299 VT2026 (Envariabelanalys)" in page
    assert "Sent: LokalStudentEvent: Ines Ek is a new student" in page
