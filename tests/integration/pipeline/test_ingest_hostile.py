"""Hostile and broken entries are recorded as rejected with their reason; the rest of the page is recorded."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app.pipeline.ingest import ingest_page_bytes
from app.sandbox.ladok import xmlwriter as w
from app.sandbox.ladok.feedstore import FeedStore
from app.store.tables import ParticipationRow, RejectedEntry

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "ladok"


def _entry(entry_id: str, inner: str) -> str:
    return (
        f'<entry><category term="http://schemas.ladok.se/studiedeltagande/RegistreringEvent" label="Event-typ"/>'
        f"<id>{entry_id}</id><updated>2024-09-01T10:00:00.000Z</updated>"
        f'<content type="application/vnd.ladok+xml">{inner}</content></entry>'
    )


def _registration(student: str) -> str:
    return w.participation_xml("RegistreringEvent", student, "off-1")


CASES = {
    "billion laughs": (
        _entry("bad", _registration("x").replace("<sd:Period>1</sd:Period>", "<sd:Period>&lol9;</sd:Period>")),
        (FIXTURES / "billion-laughs-dtd.txt").read_text(),
        "entit",
    ),
    "truncated XML": (_entry("bad", _registration("x")[:-40]), "", "not well-formed"),
    "wrong namespace": (
        _entry(
            "bad",
            _registration("x").replace(
                "http://schemas.ladok.se/studiedeltagande", "http://example.org/studiedeltagande"
            ),
        ),
        "",
        "namespace",
    ),
    "no StudentUID": (
        _entry("bad", _registration("x").replace("<sd:StudentUID>x</sd:StudentUID>", "")),
        "",
        "StudentUID",
    ),
    "10 MB text node": (
        _entry(
            "bad",
            _registration("x").replace("<sd:Period>1</sd:Period>", "<sd:Period>" + "9" * 10_000_000 + "</sd:Period>"),
        ),
        "",
        "Period",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_entry_is_set_aside_and_the_rest_recorded(engine: Engine, case: str) -> None:
    bad, prolog, named = CASES[case]
    store = FeedStore(page_size=10)
    store.append_event("studiedeltagande", "RegistreringEvent", _registration("before"), "e-before")
    store.append_raw(bad, "bad")
    store.append_event("studiedeltagande", "RegistreringEvent", _registration("after"), "e-after")
    page = store.page_xml("http://ladok.test/handelser/feed", None)
    if prolog:
        page = page.replace(b"<feed ", prolog.encode() + b"\n<feed ", 1)

    result = ingest_page_bytes(engine, "kth", 29, page, "page")

    assert result.recorded["RegistreringEvent"] == 2
    with Session(engine) as s:
        students = set(s.scalars(select(ParticipationRow.student_uid)))
        assert students == {"before", "after"}
        reasons = [r.reason for r in s.scalars(select(RejectedEntry).where(RejectedEntry.entry_id == "bad"))]
    assert len(reasons) == 1 and named.lower() in reasons[0].lower(), reasons
