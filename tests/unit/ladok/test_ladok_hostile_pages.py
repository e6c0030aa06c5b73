"""Broken and hostile pages: the bad entry is rejected with a reason that names the problem, the rest is read."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core.events import OrganisationEvent, ParticipationEvent
from app.ladok.atom import MAX_PAGE_BYTES, FeedError, FeedPage, parse_page
from app.sandbox.ladok import xmlwriter as w
from app.sandbox.ladok.feedstore import FeedStore

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "ladok"
BASE = "http://ladok.test/handelser/feed"


def good(store: FeedStore, student: str) -> str:
    """Append a valid RegistreringEvent for `student`; returns its entry id."""
    xml = w.participation_xml("RegistreringEvent", student, "off-1")
    return store.append_event("studiedeltagande", "RegistreringEvent", xml, f"entry-{student}")


def raw_entry(entry_id: str, inner: str, name: str = "RegistreringEvent", service: str = "studiedeltagande") -> str:
    return (
        f'  <entry>\n    <category term="http://schemas.ladok.se/{service}/{name}" label="Event-typ"/>\n'
        f"    <id>{entry_id}</id>\n    <updated>2024-09-01T10:00:00.000Z</updated>\n"
        f'    <content type="application/vnd.ladok+xml">{inner}</content>\n  </entry>\n'
    )


def page_around(bad_entry: str, prolog: str = "") -> tuple[bytes, FeedStore]:
    """A page: a good entry, then `bad_entry`, then another good entry (served newest first)."""
    store = FeedStore(page_size=10)
    good(store, "before")
    store.append_raw(bad_entry, "bad")
    good(store, "after")
    page = store.page_xml(BASE, None) or b""
    if prolog:
        page = page.replace(b"<feed ", prolog.encode() + b"\n<feed ", 1)
    return page, store


def assert_good_ones_read(page: FeedPage) -> None:
    students = [e.event.student_uid for e in page.entries if isinstance(e.event, ParticipationEvent)]
    assert students == ["after", "before"]
    assert page.self_url == f"{BASE}/recent" and page.via_url == f"{BASE}/1"


def the_rejected(page: FeedPage) -> str:
    rejected = [e for e in page.entries if e.rejected]
    assert len(rejected) == 1
    return rejected[0].rejected or ""


def registration_with(student_uid_element: str, namespace: str = w.NS["sd"]) -> str:
    """A RegistreringEvent whose StudentUID element is replaced by `student_uid_element`."""
    xml = w.participation_xml("RegistreringEvent", "placeholder", "off-1", handelse_uid="h-bad")
    xml = xml.replace("<sd:StudentUID>placeholder</sd:StudentUID>", student_uid_element)
    return xml.replace(f'xmlns:sd="{w.NS["sd"]}"', f'xmlns:sd="{namespace}"')


def test_billion_laughs_page_only_loses_the_entry_that_uses_the_entities() -> None:
    prolog = (FIXTURES / "billion-laughs-dtd.txt").read_text()
    bad = raw_entry("laughs", registration_with("<sd:StudentUID>&lol9;</sd:StudentUID>"))
    page = parse_page(page_around(bad, prolog)[0])
    assert_good_ones_read(page)
    assert "page declares a DTD; ignored" in page.problems
    reason = the_rejected(page)
    assert reason.startswith("RegistreringEvent: ") and "undefined entity" in reason and "(&lol9;)" in reason
    assert [e.entry_id for e in page.entries if e.rejected] == ["laughs"]


def test_external_entity_is_never_resolved() -> None:
    prolog = (FIXTURES / "xxe-dtd.txt").read_text()
    bad = raw_entry("xxe", registration_with("<sd:StudentUID>&xxe;</sd:StudentUID>"))
    page = parse_page(page_around(bad, prolog)[0])
    assert_good_ones_read(page)
    assert "undefined entity" in the_rejected(page) and "(&xxe;)" in the_rejected(page)
    assert all("root:" not in (e.rejected or "") for e in page.entries)


def test_harmless_dtd_is_ignored_and_every_entry_read() -> None:
    page = parse_page(
        page_around(raw_entry("fine", registration_with("<sd:StudentUID>s</sd:StudentUID>")), "<!DOCTYPE feed>")[0]
    )
    assert page.problems[-1] == "page declares a DTD; ignored"
    assert len(page.entries) == 3 and all(e.event is not None for e in page.entries)


def test_entity_reference_without_dtd_rejects_only_that_entry() -> None:
    page = parse_page(page_around(raw_entry("amp", registration_with("<sd:StudentUID>&nbsp;</sd:StudentUID>")))[0])
    assert_good_ones_read(page)
    assert "undefined entity" in the_rejected(page)


def test_truncated_page_keeps_the_complete_entries() -> None:
    store = FeedStore(page_size=10)
    good(store, "old")
    good(store, "new")
    data = store.page_xml(BASE, None) or b""
    cut = data[: data.rindex(b"<sd:StudentUID>") + 20]  # inside the older entry, the last one served
    page = parse_page(cut)
    assert [e.event.student_uid for e in page.entries if isinstance(e.event, ParticipationEvent)] == ["new"]
    rejected = [e for e in page.entries if e.rejected]
    assert len(rejected) == 1 and rejected[0].entry_id == "entry-old"
    assert "not well-formed" in (rejected[0].rejected or "")
    assert rejected[0].event_type == "RegistreringEvent"


def test_wrong_event_namespace_is_rejected_naming_it() -> None:
    xml = registration_with("<sd:StudentUID>s</sd:StudentUID>", namespace="http://evil.example/studiedeltagande")
    page = parse_page(page_around(raw_entry("evil", xml))[0])
    assert_good_ones_read(page)
    reason = the_rejected(page)
    assert "http://evil.example/studiedeltagande" in reason and "http://schemas.ladok.se/studiedeltagande" in reason


def test_ten_megabyte_text_node_is_rejected_naming_the_element() -> None:
    huge = "x" * (10 * 1024 * 1024)
    page = parse_page(page_around(raw_entry("huge", registration_with(f"<sd:StudentUID>{huge}</sd:StudentUID>")))[0])
    assert_good_ones_read(page)
    reason = the_rejected(page)
    assert "StudentUID" in reason and str(len(huge)) in reason


def test_event_without_student_uid_is_rejected() -> None:
    page = parse_page(page_around(raw_entry("nostudent", registration_with("")))[0])
    assert_good_ones_read(page)
    assert the_rejected(page) == "RegistreringEvent: required element StudentUID missing"
    rejected = next(e for e in page.entries if e.rejected)
    assert (rejected.handelse_uid, rejected.larosate_id) == ("h-bad", 29)


def test_final_result_without_offering_is_rejected() -> None:
    xml = w.participation_xml("ResultatPaHelKursAttesteratEvent", "s", "off-1")
    xml = "".join(line for line in xml.splitlines(keepends=True) if "KurstillfalleUID" not in line)
    page = parse_page(page_around(raw_entry("res", xml, "ResultatPaHelKursAttesteratEvent", "resultat"))[0])
    assert the_rejected(page) == "ResultatPaHelKursAttesteratEvent: required element KurstillfalleUID missing"


def test_category_service_must_match_the_event() -> None:
    xml = registration_with("<sd:StudentUID>s</sd:StudentUID>")
    page = parse_page(page_around(raw_entry("svc", xml, service="resultat"))[0])
    assert "belongs to 'studiedeltagande'" in the_rejected(page)


def test_content_with_two_events_is_rejected() -> None:
    one = registration_with("<sd:StudentUID>s</sd:StudentUID>")
    page = parse_page(page_around(raw_entry("two", one + one))[0])
    assert "expected exactly one event" in the_rejected(page)


@pytest.mark.parametrize("wrap", ["escaped", "cdata"])
def test_event_given_as_text_in_content_is_read(wrap: str) -> None:
    xml = registration_with("<sd:StudentUID>texted</sd:StudentUID>")
    inner = xml.replace("&", "&amp;").replace("<", "&lt;") if wrap == "escaped" else f"<![CDATA[{xml}]]>"
    page = parse_page(page_around(raw_entry("text", inner))[0])
    students = [e.event.student_uid for e in page.entries if isinstance(e.event, ParticipationEvent)]
    assert students == ["after", "texted", "before"]


def test_event_text_with_a_dtd_is_rejected() -> None:
    xml = '<!DOCTYPE x [<!ENTITY a "b">]>' + registration_with("<sd:StudentUID>&a;</sd:StudentUID>")
    page = parse_page(page_around(raw_entry("dtdtext", f"<![CDATA[{xml}]]>"))[0])
    assert_good_ones_read(page)
    assert "declares a DTD" in the_rejected(page)


def test_nested_name_entries_survive_reading_entry_by_entry() -> None:
    """In the fallback the page is cut at <entry>; the 2017 organisation names are <entry> elements too."""
    store = FeedStore(page_size=10)
    org = w.organisation_xml("org-1", code="T", names={"sv": "Avdelning", "en": "Unit"})
    store.append_event("kataloginformation", "OrganisationSkapadEvent", org, "org-entry")
    store.append_raw(raw_entry("broken", "<sd:Oops>"), "broken")
    page = parse_page(store.page_xml(BASE, None) or b"")
    assert [e.entry_id for e in page.entries] == ["broken", "org-entry"]
    event = page.entries[1].event
    assert isinstance(event, OrganisationEvent) and event.names == {"sv": "Avdelning", "en": "Unit"}
    assert page.entries[0].rejected


@pytest.mark.parametrize(
    ("data", "named"),
    [
        (b"<!DOCTYPE html><html><body><p>Logga in</p></body></html>", "<html>"),
        (b"<html><body><p>Unclosed</body>", "<html>"),
        (b'<?xml version="1.0"?><rss version="2.0"><channel/></rss>', "<rss>"),
        (b'<feed xmlns="http://example.org/not-atom"/>', "<feed> in namespace http://example.org/not-atom"),
        (b"Service Unavailable", "no root element"),
    ],
)
def test_not_atom_is_a_feed_error_naming_the_root(data: bytes, named: str) -> None:
    with pytest.raises(FeedError, match="not an Atom feed") as caught:
        parse_page(data)
    assert named in str(caught.value)


def test_page_over_the_size_limit_is_a_feed_error() -> None:
    with pytest.raises(FeedError, match="byte limit"):
        parse_page(b" " * (MAX_PAGE_BYTES + 1))


def test_reading_entry_by_entry_gives_the_same_result_as_reading_the_page_whole(ladok_dir: Path) -> None:
    data = (ladok_dir / "feeds" / "ladok3-recent-2017.xml").read_bytes()
    whole = parse_page(data)
    pieces = parse_page(data.replace(b"<feed ", b"<!DOCTYPE feed>\n<feed ", 1))
    assert pieces.problems and not whole.problems
    assert pieces.entries == whole.entries
    assert (pieces.self_url, pieces.via_url, pieces.prev_archive) == (whole.self_url, whole.via_url, whole.prev_archive)
