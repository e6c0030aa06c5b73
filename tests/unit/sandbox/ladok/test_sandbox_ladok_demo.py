"""The demo's seeded Ladok: a feed and a REST catalogue that agree with each other and with the desk."""

from __future__ import annotations

import datetime as dt

import httpx
from lxml import etree

from app.sandbox.ladok import SandboxLadok
from app.sandbox.ladok.demo import seed_demo, term_of
from app.sandbox.ladok.desk import LadokDesk, Status

ATOM = "{http://www.w3.org/2005/Atom}"


def test_term_follows_the_date() -> None:
    assert term_of(dt.date(2024, 9, 1))[0] == "HT2024"
    assert term_of(dt.date(2025, 3, 1))[0] == "VT2025"


def test_demo_feed_catalogue_and_desk_agree() -> None:
    sandbox = SandboxLadok(page_size=10)
    desk = LadokDesk(sandbox, today=lambda: dt.date(2024, 9, 1))
    demo = seed_demo(desk, dt.date(2024, 9, 1))
    assert demo.term_code == "HT2024" and len(demo.student_uids) == 8 and demo.start == dt.date(2024, 9, 8)
    with httpx.Client(transport=httpx.WSGITransport(app=sandbox), base_url="http://ladok.demo") as client:
        terms: list[str] = []
        for page in range(1, sandbox.feed.current_page + 1):
            feed = etree.fromstring(client.get(f"/handelser/feed/{page}").content)
            terms += [e.find(ATOM + "category").get("term").rsplit("/", 1)[1] for e in feed.findall(ATOM + "entry")]
        offering = client.get(
            f"/utbildningsinformation/utbildningstillfalle/{demo.offering_uids[0]}",
            headers={"Accept": "application/vnd.ladok-utbildningsinformation+json"},
        ).json()
    assert terms.count("ForvantatDeltagandeSkapadEvent") == 12 and terms.count("RegistreringEvent") == 7
    assert terms.count("KurstillfalleTillStatusEvent") == 3 and terms.count("AterbudEvent") == 1
    assert terms.count("StudentrestriktionEvent") == 1 and terms.count("LokalStudentEvent") == 8
    assert offering["UtbildningsinstansUID"] == demo.course_uids[0] and offering["Tillfalleskod"] == "50101"
    first, declined = demo.student_uids[0], demo.student_uids[5]
    assert desk.status(first, demo.offering_uids[0]) is Status.REGISTERED
    assert desk.status(declined, demo.offering_uids[0]) is Status.DECLINED
    assert desk.suspended_until(demo.student_uids[6]) == dt.date(2024, 9, 30)
