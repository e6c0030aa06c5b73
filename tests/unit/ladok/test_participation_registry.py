"""The registry of participation events against Ladok's own files: its XSDs and a real feed page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import etree

from app.core.events import ParticipationEvent
from app.core.participation import PARTICIPATION_REGISTRY
from app.ladok.atom import parse_page
from app.sandbox.ladok import xmlwriter as w

XS = "{http://www.w3.org/2001/XMLSchema}"
OFFERING_FIELDS = frozenset(
    {
        "KurstillfalleUID",
        "UtbildningstillfalleUID",
        "KurspaketeringstillfalleUID",
        "UtbildningstillfalleVidAvklarandeUID",
    }
)
NO_EFFECT = frozenset(
    {
        "AktorEvent",
        "AndradPlaceringIPlan2Event",
        "AndradPlaceringIPlanEvent",
        "AvklaradBorttagetEvent",
        "ForvantatDeltagandeUppdateradEvent",
        "PaborjadUtbildningEvent",
        "StatusForStudieavgiftsbetalningUppdateradEvent",
        "UppehallUppdateratEvent",
        "ResultatPaHelKursTillStatusEvent",
        "ResultatPaModulAttesteratEvent",
        "ResultatPaModulTillStatusEvent",
        "ResultatPaUtbildningTillStatusEvent",
    }
)
"""Events that name a student and an offering but to which docs/rules.md §4.1 gives no effect."""


def _xsd_event_fields(ladok_dir: Path, service: str) -> dict[str, set[str]]:
    """Each event element of a service's event XSD → the element names its type declares, bases included."""
    root = etree.parse(str(ladok_dir / "xsd" / f"schemas.ladok.se-{service}-events.xsd")).getroot()
    types = {t.get("name"): t for t in root.findall(f"{XS}complexType")}

    def declared(type_name: str) -> set[str]:
        found = types.get(type_name.split(":")[-1])
        if found is None:
            return set()
        names = {e.get("name") or "" for e in found.iter(f"{XS}element")} - {""}
        for extension in found.iter(f"{XS}extension"):
            names |= declared(extension.get("base") or "")
        return names

    return {e.get("name") or "": declared(e.get("type") or "") for e in root.findall(f"{XS}element")}


def _student_and_offering_events(ladok_dir: Path) -> dict[str, tuple[str, set[str]]]:
    found: dict[str, tuple[str, set[str]]] = {}
    for service in ("studiedeltagande", "resultat"):
        for name, fields in _xsd_event_fields(ladok_dir, service).items():
            if "StudentUID" in fields and fields & OFFERING_FIELDS:
                found[name] = (service, fields)
    return found


def test_every_xsd_event_about_a_student_on_an_offering_is_registered_or_known_to_have_no_effect(
    ladok_dir: Path,
) -> None:
    in_xsd = set(_student_and_offering_events(ladok_dir))
    assert in_xsd - NO_EFFECT == set(PARTICIPATION_REGISTRY)
    assert in_xsd >= NO_EFFECT


@pytest.mark.parametrize("name", sorted(PARTICIPATION_REGISTRY))
def test_the_registry_names_the_service_and_offering_field_of_the_xsd(ladok_dir: Path, name: str) -> None:
    service, fields = _student_and_offering_events(ladok_dir)[name]
    kind = PARTICIPATION_REGISTRY[name]
    assert kind.service == service
    assert kind.offering_field in fields


def _real_page_with(ladok_dir: Path, service: str, name: str, event_xml: str) -> bytes:
    """The real 2017 page cut to its first entry, that entry carrying `event_xml` as Ladok frames it."""
    page = (ladok_dir / "feeds" / "ladok3-recent-2017.xml").read_text(encoding="utf-8")
    head, rest = page.split("<entry>", 1)
    entry = rest.split("</entry>", 1)[0]
    entry = re.sub(r'term="[^"]*"', f'term="http://schemas.ladok.se/{service}/{name}"', entry, count=1)
    entry = re.sub(
        r"(<content[^>]*>).*(</content>)", lambda m: m.group(1) + event_xml + m.group(2), entry, count=1, flags=re.S
    )
    return f"{head}<entry>{entry}</entry></feed>".encode()


@pytest.mark.parametrize("name", sorted(PARTICIPATION_REGISTRY))
def test_each_registered_event_parses_from_the_real_feed_page(ladok_dir: Path, name: str) -> None:
    kind = PARTICIPATION_REGISTRY[name]
    xml = w.participation_xml(name, "stud-7", "offering-9", handelse_uid="h-1", larosate_id=29, context_first=True)
    page = parse_page(_real_page_with(ladok_dir, kind.service, name, xml))
    assert page.problems == ()
    (entry,) = page.entries
    assert (entry.event_type, entry.rejected) == (name, None)
    assert isinstance(entry.event, ParticipationEvent)
    assert (entry.event.student_uid, entry.event.offering_uid, entry.event.header.larosate_id) == (
        "stud-7",
        "offering-9",
        29,
    )
