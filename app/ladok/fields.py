"""The children of one Ladok element, read by local name in Ladok's namespaces, order-free and stripped.

The XSD puts HandelseUID first, the 2017 feed EventContext first; the 2014 pages wrap values over lines.
Values come out typed (int, date, Handelsetyp, names by language) or the event is rejected naming the element.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import cast
from xml.etree.ElementTree import Element

from app.core.events import Handelsetyp
from app.ladok.safexml import local_name, namespace

LADOK_NS = "http://schemas.ladok.se"
ATOM_NS = "http://www.w3.org/2005/Atom"

HANDELSETYPER: frozenset[str] = frozenset({"SKAPAD", "UPPDATERAD", "BORTTAGEN"})
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


class EventRejected(ValueError):
    """A known event that cannot be read; the message names the event type and the element."""


def service_namespace(service: str) -> str:
    """The XML namespace of a Ladok service, e.g. 'resultat' → http://schemas.ladok.se/resultat."""
    return f"{LADOK_NS}/{service}"


def is_ladok_namespace(uri: str) -> bool:
    """Whether `uri` is http://schemas.ladok.se or one of its service namespaces."""
    return uri == LADOK_NS or uri.startswith(LADOK_NS + "/")


class Fields:
    """Children of one Ladok element, looked up by local name in Ladok's namespaces, order-free."""

    def __init__(self, event_name: str, element: Element) -> None:
        self.event_name = event_name
        self._by_name: dict[str, list[Element]] = {}
        for child in element:
            if isinstance(child.tag, str) and is_ladok_namespace(namespace(child.tag)):
                self._by_name.setdefault(local_name(child.tag), []).append(child)

    def all(self, name: str) -> list[Element]:
        """Every child element called `name`."""
        return self._by_name.get(name, [])

    def element(self, name: str) -> Element | None:
        """The first child element called `name`, if any."""
        found = self._by_name.get(name)
        return found[0] if found else None

    def text(self, name: str) -> str | None:
        """Stripped text of child `name`; None when absent or empty."""
        found = self.element(name)
        value = (found.text or "").strip() if found is not None else ""
        return value or None

    def required(self, name: str) -> str:
        """Stripped text of child `name`, rejecting the event when it is missing."""
        value = self.text(name)
        if value is None:
            raise EventRejected(f"{self.event_name}: required element {name} missing")
        return value

    def integer(self, name: str) -> int | None:
        """Child `name` as an int (xs:int), None when absent."""
        value = self.text(name)
        if value is None:
            return None
        try:
            return int(value)
        except ValueError:
            raise EventRejected(f"{self.event_name}: element {name} is not an integer: {value[:40]!r}") from None

    def date(self, name: str) -> dt.date | None:
        """Child `name` as a date (xs:date, a time-zone suffix ignored), None when absent."""
        value = self.text(name)
        if value is None:
            return None
        match = _DATE.match(value)
        try:
            if match is None:
                raise ValueError(value)
            return dt.date.fromisoformat(match.group(0))
        except ValueError:
            raise EventRejected(f"{self.event_name}: element {name} is not a date: {value[:40]!r}") from None

    def handelsetyp(self) -> Handelsetyp | None:
        """The Handelsetyp (SKAPAD/UPPDATERAD/BORTTAGEN), None when absent."""
        value = self.text("Handelsetyp")
        if value is None:
            return None
        if value not in HANDELSETYPER:
            raise EventRejected(f"{self.event_name}: element Handelsetyp has unknown value {value[:40]!r}")
        return cast(Handelsetyp, value)  # checked against HANDELSETYPER just above

    def names(self, name: str) -> dict[str, str]:
        """Language code → text from a Benamningar-like child, in either form Ladok uses.

        base:Benamning with Sprakkod/Text (XSD base:Benamningar), or `<entry><key>sv</key><value>…</value>`
        (atom:benamningar; the 2017 feed writes those entries with xmlns="").
        """
        container = self.element(name)
        if container is None:
            return {}
        found: dict[str, str] = {}
        for item in container:
            if not isinstance(item.tag, str):
                continue
            kind, ns = local_name(item.tag), namespace(item.tag)
            if kind == "Benamning" and is_ladok_namespace(ns):
                parts = Fields(self.event_name, item)
                lang, text = parts.text("Sprakkod"), parts.text("Text")
            elif kind == "entry" and ns in ("", ATOM_NS):
                lang, text = _plain_child_text(item, "key"), _plain_child_text(item, "value")
            else:
                continue
            if lang and text:
                found[lang] = text
        return found

    def nested(self, name: str) -> Fields | None:
        """The fields of child element `name`, if present."""
        found = self.element(name)
        return Fields(self.event_name, found) if found is not None else None


def _plain_child_text(element: Element, name: str) -> str | None:
    for child in element:
        if isinstance(child.tag, str) and local_name(child.tag) == name and namespace(child.tag) in ("", ATOM_NS):
            return (child.text or "").strip() or None
    return None
