"""Typed Ladok events: what the record step needs from each event the adapter acts on.

Names follow Ladok's own spelling (docs/rules.md §3): the `name` of an event is Ladok's element name, e.g.
`AterkalladregistreringEvent` (lower-case r) next to `AterkalladOmregistreringEvent`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

from app.core.participation import PARTICIPATION_REGISTRY

Handelsetyp = Literal["SKAPAD", "UPPDATERAD", "BORTTAGEN"]


@dataclass(frozen=True, slots=True)
class EventHeader:
    """Fields every Ladok event has: its HandelseUID, type name and owning institution."""

    handelse_uid: str
    name: str
    larosate_id: int


@dataclass(frozen=True, slots=True)
class ParticipationEvent:
    """A studiedeltagande or resultat event about one student on one offering."""

    header: EventHeader
    student_uid: str
    offering_uid: str


@dataclass(frozen=True, slots=True)
class Period:
    """One teaching period of an offering (Kurstillfallesperioder / Tillfallesperioder)."""

    first_teaching_day: dt.date
    last_teaching_day: dt.date


@dataclass(frozen=True, slots=True)
class OfferingEvent:
    """A course or program offering created, changed or set to a status (Kurs-/Kurspaketeringstillfälle)."""

    header: EventHeader
    offering_uid: str
    is_program: bool
    status: int | None = None
    course_uid: str | None = None
    organisation_uid: str | None = None
    education_type_id: int | None = None
    start_period_id: int | None = None
    code: str | None = None
    periods: tuple[Period, ...] = ()
    names: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CourseEvent:
    """A Ladok course or program (utbildningsinstans) created or changed: its code and names."""

    header: EventHeader
    course_uid: str
    is_program: bool
    code: str | None = None
    names: dict[str, str] = field(default_factory=dict)
    organisation_uid: str | None = None
    education_type_id: int | None = None


@dataclass(frozen=True, slots=True)
class OfferingCancelledEvent:
    """UtbildningstillfalleInstalltEvent: the offering is cancelled."""

    header: EventHeader
    offering_uid: str


@dataclass(frozen=True, slots=True)
class OrganisationEvent:
    """An organisation (department) created or changed in kataloginformation."""

    header: EventHeader
    organisation_uid: str
    code: str | None = None
    names: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class StudentEvent:
    """Student data: LokalStudentEvent, StudentTillLarosateEvent or KontaktuppgifterEvent.

    A field left as None was not in the event and must not overwrite what is known.
    """

    header: EventHeader
    student_uid: str
    handelsetyp: Handelsetyp | None = None
    first_name: str | None = None
    last_name: str | None = None
    personnummer: str | None = None
    email: str | None = None


@dataclass(frozen=True, slots=True)
class SuspensionEvent:
    """StudentrestriktionEvent with Restriktionstyp AVSTANGNING: a student barred for a period."""

    header: EventHeader
    restriction_uid: str
    student_uid: str
    start: dt.date | None
    end: dt.date | None
    handelsetyp: Handelsetyp | None = None


LadokEvent = (
    ParticipationEvent
    | OfferingEvent
    | CourseEvent
    | OfferingCancelledEvent
    | OrganisationEvent
    | StudentEvent
    | SuspensionEvent
)

PARTICIPATION_EVENTS = frozenset(PARTICIPATION_REGISTRY)
OFFERING_EVENTS = frozenset(
    {
        "KurstillfalleTillStatusEvent",
        "KurstillfalleUppdateratEvent",
        "KurspaketeringstillfalleTillStatusEvent",
        "KurspaketeringstillfalleUppdateratEvent",
    }
)
COURSE_EVENTS = frozenset(
    {"KursTillStatusEvent", "KursUppdateradEvent", "KurspaketeringTillStatusEvent", "KurspaketeringUppdateradEvent"}
)
STUDENT_EVENTS = frozenset({"LokalStudentEvent", "StudentTillLarosateEvent", "KontaktuppgifterEvent"})
ORGANISATION_EVENTS = frozenset({"OrganisationSkapadEvent", "OrganisationUppdateradEvent"})
OTHER_EVENTS = frozenset({"UtbildningstillfalleInstalltEvent", "StudentrestriktionEvent"})
KNOWN_EVENTS = (
    PARTICIPATION_EVENTS | OFFERING_EVENTS | COURSE_EVENTS | STUDENT_EVENTS | ORGANISATION_EVENTS | OTHER_EVENTS
)
