"""The three real Ladok pages in tests/fixtures/ladok/feeds are read: every entry known, unknown or rejected."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from app.core.events import (
    KNOWN_EVENTS,
    CourseEvent,
    OfferingCancelledEvent,
    OfferingEvent,
    OrganisationEvent,
    Period,
)
from app.ladok.atom import FeedEntry, FeedPage, parse_page

FEED_FILES = ["ladok3-recent-2017.xml", "ladok3-prerelease-2014-recent.xml", "ladok3-prerelease-2014-page1.xml"]


def read(ladok_dir: Path, name: str) -> FeedPage:
    return parse_page((ladok_dir / "feeds" / name).read_bytes())


def by_handelse(page: FeedPage, uid: str) -> FeedEntry:
    found = [entry for entry in page.entries if entry.handelse_uid == uid]
    assert len(found) == 1, uid
    return found[0]


@pytest.mark.parametrize("name", FEED_FILES)
def test_every_entry_is_known_unknown_or_rejected(ladok_dir: Path, name: str) -> None:
    page = read(ladok_dir, name)
    assert page.entries and page.problems == ()
    for entry in page.entries:
        if entry.event is not None:
            assert entry.event_type in KNOWN_EVENTS and entry.rejected is None
        elif entry.rejected is None:
            assert entry.event_type not in KNOWN_EVENTS or entry.event_type == "StudentrestriktionEvent"
        assert entry.entry_id and entry.handelse_uid


def test_2017_page_links_and_counts(ladok_dir: Path) -> None:
    page = read(ladok_dir, "ladok3-recent-2017.xml")
    base = "https://api.mit-integration.ladok.se:443/uppfoljning/feed"
    assert (page.self_url, page.via_url, page.prev_archive, page.next_archive) == (
        f"{base}/recent",
        f"{base}/256259",
        f"{base}/256258",
        None,
    )
    assert len(page.entries) == 53
    assert sum(entry.event is not None for entry in page.entries) == 47
    assert {entry.event_type for entry in page.entries if entry.event is None} == {
        "UtbildningAvveckladEvent",
        "AnvandareAndradEvent",
        "OrganisationskopplingSkapadEvent",
    }
    assert all(entry.rejected is None for entry in page.entries)
    assert page.entries[0].entry_id == "79218ad2-9a03-11e7-8cab-040ad9ac4132"  # newest first, as served
    assert page.entries[0].updated == "2017-09-15T10:48:28.625Z"


def test_2017_offering_status_event(ladok_dir: Path) -> None:
    entry = by_handelse(read(ladok_dir, "ladok3-recent-2017.xml"), "a59ae4bc-9929-11e7-881d-dc9de7404be3")
    assert entry.entry_id == "c4024059-9929-11e7-9ed0-35941bb64098"
    event = entry.event
    assert isinstance(event, OfferingEvent)
    assert (event.header.name, event.header.larosate_id) == ("KurstillfalleTillStatusEvent", 29)
    assert (event.status, event.offering_uid, event.code) == (3, "8b944bb6-9929-11e7-881d-dc9de7404be3", "1")
    assert (event.start_period_id, event.education_type_id, event.is_program) == (29148, 52, False)
    assert event.course_uid == "40b6266a-9928-11e7-881d-dc9de7404be3"
    assert event.organisation_uid == "23f0e4ac-4c25-11e7-ab9d-2eb18a344dfd"
    assert event.periods == (Period(dt.date(2017, 1, 1), dt.date(2017, 1, 2)),)


def test_2017_offering_cancelled(ladok_dir: Path) -> None:
    entry = by_handelse(read(ladok_dir, "ladok3-recent-2017.xml"), "d61ad154-9929-11e7-881d-dc9de7404be3")
    assert entry.event == OfferingCancelledEvent(
        header=entry.event.header, offering_uid="8b944bb6-9929-11e7-881d-dc9de7404be3"
    )
    assert entry.event.header.name == "UtbildningstillfalleInstalltEvent"


def test_2017_organisation_events_read_names_from_unqualified_entries(ladok_dir: Path) -> None:
    page = read(ladok_dir, "ladok3-recent-2017.xml")
    created = by_handelse(page, "a9c8c8d0-9954-11e7-bc3d-56245935462a").event
    updated = by_handelse(page, "bd8fa6d7-9954-11e7-bc3d-56245935462a").event
    assert isinstance(created, OrganisationEvent) and isinstance(updated, OrganisationEvent)
    assert created.header.name == "OrganisationSkapadEvent"
    assert (created.organisation_uid, created.code) == ("a9c8539f-9954-11e7-bc3d-56245935462a", "TEST2")
    assert created.names == {"sv": "Testavdelning 1", "en": "Test unit 2"}
    assert updated.names == {"sv": "Testavdelning 2", "en": "Test unit 2"}


def test_2017_course_event_reads_code_and_names(ladok_dir: Path) -> None:
    entry = by_handelse(read(ladok_dir, "ladok3-recent-2017.xml"), "68761d46-9a03-11e7-8631-d001ec7b4fc3")
    event = entry.event
    assert isinstance(event, CourseEvent)
    assert (event.header.name, event.course_uid, event.code) == (
        "KursTillStatusEvent",
        "5c81f6c8-9a03-11e7-8631-d001ec7b4fc3",
        "XX1101",
    )
    assert event.names == {"en": "Kopps test first version basic", "sv": "Kopps test första version grund"}
    assert (event.organisation_uid, event.education_type_id) == ("246a0bf5-4c25-11e7-ab9d-2eb18a344dfd", 22)


def test_2014_prerelease_pages_are_unknown_types_with_raw_terms(ladok_dir: Path) -> None:
    recent = read(ladok_dir, "ladok3-prerelease-2014-recent.xml")
    first = read(ladok_dir, "ladok3-prerelease-2014-page1.xml")
    assert (recent.self_url, recent.via_url, recent.prev_archive) == (
        "http://localhost:9001/files/ladok/feeds/recent",
        "http://localhost:9001/files/ladok/feeds/2",
        "http://localhost:9001/files/ladok/feeds/1",
    )
    assert (first.prev_archive, first.next_archive) == (None, "http://localhost:9001/files/ladok/feeds/2")
    assert (len(recent.entries), len(first.entries)) == (31, 100)
    top = recent.entries[0]
    assert top.event_type == "se.ladok.studiedeltagande.interfaces.events.ÅterbudEvent"
    assert (top.event, top.rejected, top.larosate_id) == (None, None, 43)
    # The 2014 pages wrap values over lines; the uid is read stripped.
    assert top.handelse_uid == "d2dd4252-fd84-4977-819a-8dae653b24e5"
    assert all(entry.event is None and entry.rejected is None for entry in recent.entries + first.entries)
