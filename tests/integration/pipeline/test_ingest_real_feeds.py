"""Ladok's real feed pages go through the record step: every entry recorded, skipped as unknown or rejected."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from app.pipeline.ingest import ingest_page_bytes
from app.store.queue_tables import JobRow
from app.store.tables import CourseRow, FeedPosition, InboxEvent, OfferingRow, OrganisationRow, RejectedEntry

OFFERING = "8b944bb6-9929-11e7-881d-dc9de7404be3"


def _ingest(
    engine: Engine,
    ladok_dir: Path,
    name: str,
    institution: str = "kth",
    larosate: int = 29,
    ladok_url: str | None = None,
):
    data = (ladok_dir / "feeds" / name).read_bytes()
    return ingest_page_bytes(engine, institution, larosate, data, name, ladok_url)


def test_2017_page_fills_the_catalogue_with_values_from_the_file(engine: Engine, ladok_dir: Path) -> None:
    result = _ingest(engine, ladok_dir, "ladok3-recent-2017.xml", ladok_url="https://api.mit-integration.ladok.se")

    assert result.recorded["KursTillStatusEvent"] == 36
    assert result.recorded["KurstillfalleTillStatusEvent"] == 2
    assert result.recorded["UtbildningstillfalleInstalltEvent"] == 1
    assert result.unknown == {
        "AnvandareAndradEvent": 2,
        "UtbildningAvveckladEvent": 3,
        "OrganisationskopplingSkapadEvent": 1,
    }
    assert result.rejected == []
    with Session(engine) as s:
        offering = s.get(OfferingRow, ("kth", OFFERING))
        # Two status events (2, then 3) applied oldest first, then the cancellation.
        assert (offering.status, offering.code, offering.start_period_id) == (3, "1", 29148)
        assert offering.education_type_id == 52
        assert offering.start_date == dt.date(2017, 1, 1)
        assert offering.cancelled is True
        assert offering.course_uid == "40b6266a-9928-11e7-881d-dc9de7404be3"
        course = s.get(CourseRow, ("kth", "40b6266a-9928-11e7-881d-dc9de7404be3"))
        assert course.code == "NN1999"
        assert course.names["sv"] == "AF test"
        org = s.get(OrganisationRow, ("kth", "a9c8539f-9954-11e7-bc3d-56245935462a"))
        assert org.code == "TEST2"
        assert org.names == {"sv": "Testavdelning 2", "en": "Test unit 2"}  # the update came after the creation
        position = s.get(FeedPosition, "kth")
        assert position.page_url.endswith("/uppfoljning/feed/256259")  # the archive name (via), not "recent"
        assert position.entry_id == "79218ad2-9a03-11e7-8cab-040ad9ac4132"  # the newest entry of the page
        assert s.get(JobRow, ("kth", "offering", OFFERING)) is not None


def test_2014_prerelease_pages_are_recorded_as_unknown_types(engine: Engine, ladok_dir: Path) -> None:
    first = _ingest(engine, ladok_dir, "ladok3-prerelease-2014-page1.xml", "hv", 43)
    recent = _ingest(engine, ladok_dir, "ladok3-prerelease-2014-recent.xml", "hv", 43)

    assert sum(first.unknown.values()) == 100
    assert sum(recent.unknown.values()) == 31
    assert first.unknown["se.ladok.studiedeltagande.interfaces.events.ÅterbudEvent"] == 24
    with Session(engine) as s:
        inbox = s.scalar(select(InboxEvent).where(InboxEvent.entry_id == "02cb593f-8f06-4263-b5dd-5665a85f618b"))
        assert inbox.outcome == "unknown"
        assert inbox.handelse_uid == "02cb593f-8f06-4263-b5dd-5665a85f618b"


def test_ingesting_the_same_page_twice_changes_nothing(engine: Engine, ladok_dir: Path) -> None:
    def snapshot() -> dict[str, object]:
        with Session(engine) as s:
            tables = (InboxEvent, RejectedEntry, OfferingRow, CourseRow, OrganisationRow, JobRow)
            counts = {t.__tablename__: s.scalar(select(func.count()).select_from(t)) for t in tables}
            offering = s.get(OfferingRow, ("kth", OFFERING))
            job = s.get(JobRow, ("kth", "offering", OFFERING))
            return {**counts, "offering": (offering.status, offering.cancelled), "job_seq": job.dirty_seq}

    _ingest(engine, ladok_dir, "ladok3-recent-2017.xml")
    before = snapshot()
    again = _ingest(engine, ladok_dir, "ladok3-recent-2017.xml")

    assert again.duplicates == 53 and sum(again.recorded.values()) == 0
    assert snapshot() == before


def test_events_of_another_institution_are_kept_but_not_applied(engine: Engine, ladok_dir: Path) -> None:
    result = _ingest(engine, ladok_dir, "ladok3-recent-2017.xml", "uu", 10)

    assert result.other_institution == 47
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(OfferingRow)) == 0


def test_a_page_that_is_not_atom_is_rejected_with_its_reason(engine: Engine) -> None:
    result = ingest_page_bytes(engine, "kth", 29, b"<html><body>Service unavailable</body></html>", "bad.xml")

    assert len(result.rejected) == 1
    with Session(engine) as s:
        row = s.scalar(select(RejectedEntry))
        assert row.page_url == "bad.xml" and "html" in row.reason
