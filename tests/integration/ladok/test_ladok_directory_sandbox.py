"""The REST directory and the feed reader against the sandbox Ladok, in-process and over a real loopback port."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import httpx
import pytest

from app.core.events import OfferingEvent, ParticipationEvent
from app.ladok.directory import CourseInfo, OfferingInfo, OrganisationInfo, RestLadokDirectory, StudentInfo
from app.ladok.feed import FeedFetcher, FeedUrls, start_position, walk
from app.ladok.http import LadokHTTPError, make_client
from app.sandbox.ladok import SandboxLadok
from app.sandbox.ladok.server import serve

LADOK_URL = "http://ladok.sandbox"


@pytest.fixture
def sandbox() -> SandboxLadok:
    ladok = SandboxLadok(page_size=4)
    org = ladok.add_organisation("org-1", code="EECS", names={"sv": "Skolan för datavetenskap", "en": "EECS"})
    ladok.add_course("course-1", code="DD1310", names={"sv": "Programmeringsteknik", "en": "Programming"})
    ladok.add_offering(
        "off-1",
        course_uid="course-1",
        code="50123",
        term_code="HT2024",
        start=dt.date(2024, 8, 26),
        end=dt.date(2024, 10, 27),
        organisation_uid=org,
        education_type_id=5,
    )
    ladok.add_offering(
        "off-2",
        course_uid="course-1",
        code="50124",
        term_code="VT2025",
        start=dt.date(2025, 1, 20),
        end=dt.date(2025, 3, 21),
    )
    ladok.add_student("stud-1", first_name="Kim", last_name="Ek", personnummer="199001011234", email="kim@ex.se")
    ladok.add_student("stud-2", first_name="Ali", last_name="Ny", personnummer="200002022345")
    return ladok


@pytest.fixture
def directory(sandbox: SandboxLadok) -> Iterator[RestLadokDirectory]:
    with httpx.Client(transport=httpx.WSGITransport(app=sandbox)) as client:
        yield RestLadokDirectory(client, LADOK_URL, backoff=0)


def test_offering_details_with_term_code_and_teaching_dates(
    sandbox: SandboxLadok, directory: RestLadokDirectory
) -> None:
    assert directory.offering("off-1") == OfferingInfo(
        offering_uid="off-1",
        code="50123",
        course_uid="course-1",
        organisation_uid="org-1",
        term_code="HT2024",
        start=dt.date(2024, 8, 26),
        end=dt.date(2024, 10, 27),
        education_type_id=5,
        start_period_id=sandbox.catalogue.period_id("HT2024"),
    )


def test_course_student_and_organisation(directory: RestLadokDirectory) -> None:
    assert directory.course("course-1") == CourseInfo(
        "course-1", "DD1310", {"sv": "Programmeringsteknik", "en": "Programming"}
    )
    assert directory.student("stud-1") == StudentInfo("stud-1", "Kim", "Ek", "199001011234", "kim@ex.se")
    assert directory.student("stud-2") == StudentInfo("stud-2", "Ali", "Ny", "200002022345", None)
    assert directory.organisation("org-1") == OrganisationInfo(
        "org-1", "EECS", {"sv": "Skolan för datavetenskap", "en": "EECS"}
    )


def test_unknown_uids_are_none(directory: RestLadokDirectory) -> None:
    assert directory.offering("nope") is None
    assert directory.course("nope") is None
    assert directory.student("nope") is None
    assert directory.organisation("nope") is None
    assert directory.term_code(1) is None


def test_period_list_is_fetched_once_and_each_service_gets_its_own_accept(
    sandbox: SandboxLadok, directory: RestLadokDirectory
) -> None:
    assert directory.offering("off-1").term_code == "HT2024"  # type: ignore[union-attr]
    assert directory.offering("off-2").term_code == "VT2025"  # type: ignore[union-attr]
    directory.student("stud-1")
    paths = [r.path for r in sandbox.requests]
    assert paths.count("/kataloginformation/grunddata/period") == 1
    assert all("/internal/" not in path for path in paths)
    for request in sandbox.requests:
        service = request.path.strip("/").split("/")[0]
        assert request.accept == f"application/vnd.ladok-{service}+json"
        assert request.status == 200


def test_rate_limit_is_retried(sandbox: SandboxLadok, directory: RestLadokDirectory) -> None:
    sandbox.fail_next(429, times=2, headers={"Retry-After": "0"})
    assert directory.course("course-1") is not None


def test_persistent_rate_limit_says_retry_later_with_ladoks_message(sandbox: SandboxLadok) -> None:
    sandbox.fail_next(429, times=10, headers={"Retry-After": "0"})
    with httpx.Client(transport=httpx.WSGITransport(app=sandbox)) as client:
        directory = RestLadokDirectory(client, LADOK_URL, attempts=2, backoff=0)
        with pytest.raises(LadokHTTPError, match="injected failure") as caught:
            directory.course("course-1")
    assert caught.value.status == 429 and caught.value.retry_later


def test_feed_and_directory_over_a_real_loopback_port(sandbox: SandboxLadok) -> None:
    sandbox.add_admission("stud-1", "off-1")
    sandbox.add_registration("stud-1", "off-1")
    with serve(sandbox) as url, make_client(url) as client:
        batches = list(walk(FeedFetcher(client, backoff=0), start_position(FeedUrls(url), 1)))
        directory = RestLadokDirectory(client, url, backoff=0)
        assert directory.student("stud-1").email == "kim@ex.se"  # type: ignore[union-attr]
    entries = [entry for batch in batches for entry in batch.new_entries]
    assert [e.event_type for e in entries] == [
        "OrganisationSkapadEvent",
        "KursTillStatusEvent",
        "KurstillfalleTillStatusEvent",
        "KurstillfalleTillStatusEvent",
        "LokalStudentEvent",
        "LokalStudentEvent",
        "ForvantatDeltagandeSkapadEvent",
        "RegistreringEvent",
    ]
    assert all(e.rejected is None and e.event is not None for e in entries)
    offering = entries[2].event
    assert isinstance(offering, OfferingEvent) and offering.offering_uid == "off-1" and offering.code == "50123"
    registration = entries[-1].event
    assert registration == ParticipationEvent(registration.header, "stud-1", "off-1")  # type: ignore[union-attr]
    assert batches[-1].position.page_url == f"{url}/handelser/feed/2"


def test_unknown_period_id_is_looked_up_once_not_on_every_call(
    sandbox: SandboxLadok, directory: RestLadokDirectory
) -> None:
    assert directory.term_code(1) is None
    assert directory.term_code(1) is None
    later = sandbox.catalogue.period_id("HT2030")
    assert directory.term_code(later) == "HT2030"  # a period added since the list was cached is still found
    assert [r.path for r in sandbox.requests].count("/kataloginformation/grunddata/period") == 2
