"""Ladok event XML written the way Ladok writes it (schema 1.60.1, the 2017 feed's prefixes), for tests and demo.

Every function returns one event element as text, valid against the official XSDs: elements in the XSD's
sequence order (HandelseUID first), every element the XSD requires present. `context_first=True` writes
EventContext before HandelseUID as the 2017 feed does (readers must accept both; the XSD only the first).
One deliberate exception: organisation names default to the 2017 feed's unqualified <entry> form, which the
XSD does not accept (see organisation_xml).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TypedDict, Unpack
from xml.sax.saxutils import escape, quoteattr

from app.core.participation import PARTICIPATION_REGISTRY

NS = {
    "base": "http://schemas.ladok.se",
    "dap": "http://schemas.ladok.se/dap",
    "events": "http://schemas.ladok.se/events",
    "sd": "http://schemas.ladok.se/studiedeltagande",
    "si": "http://schemas.ladok.se/studentinformation",
    "ui": "http://schemas.ladok.se/utbildningsinformation",
    "rr": "http://schemas.ladok.se/resultat",
    "ki": "http://schemas.ladok.se/kataloginformation",
}
SERVICE_PREFIX = {
    "studiedeltagande": "sd",
    "studentinformation": "si",
    "utbildningsinformation": "ui",
    "resultat": "rr",
    "kataloginformation": "ki",
}
ATOM_NS = "http://www.w3.org/2005/Atom"
SANDBOX_USER = "sandbox@kursadmin.invalid"


class HeaderArgs(TypedDict, total=False):
    """Header fields every writer accepts: the HandelseUID, the institution, and the element order."""

    handelse_uid: str | None
    larosate_id: int
    context_first: bool


@dataclass(frozen=True, slots=True)
class X:
    """One element: qualified name, text or children, and extra attributes (e.g. xmlns="")."""

    name: str
    text: str | None = None
    children: Sequence[X] = ()
    attrs: dict[str, str] = field(default_factory=dict)


def render(node: X, indent: str = "") -> str:
    """Serialise an element tree with two-space indentation like Ladok's feed."""
    attrs = "".join(f" {key}={quoteattr(value)}" for key, value in node.attrs.items())
    if node.children:
        inner = "".join(render(child, indent + "  ") for child in node.children)
        return f"{indent}<{node.name}{attrs}>\n{inner}{indent}</{node.name}>\n"
    if node.text is None:
        return f"{indent}<{node.name}{attrs}/>\n"
    return f"{indent}<{node.name}{attrs}>{escape(node.text)}</{node.name}>\n"


def new_uid() -> str:
    """A fresh Ladok-style UID."""
    return str(uuid.uuid4())


def _opt(name: str, value: object) -> list[X]:
    if value is None:
        return []
    if isinstance(value, bool):
        return [X(name, "true" if value else "false")]
    return [X(name, str(value))]


def event_xml(
    service: str,
    name: str,
    body: Iterable[X],
    *,
    handelse_uid: str | None = None,
    larosate_id: int = 29,
    handelsetyp: str | None = None,
    context_first: bool = False,
    extra_prefixes: Sequence[str] = (),
) -> str:
    """A complete event element: header (HandelseUID, EventContext, Handelsetyp) then `body`."""
    prefix = SERVICE_PREFIX[service]
    uid = X("events:HandelseUID", handelse_uid or new_uid())
    context = X(
        "events:EventContext",
        children=[X("events:Anvandarnamn", SANDBOX_USER), X("events:LarosateID", str(larosate_id))],
    )
    header = [context, uid] if context_first else [uid, context]
    header += _opt("events:Handelsetyp", handelsetyp)
    prefixes = [prefix, *extra_prefixes, "base", "dap", "events"]
    attrs = {f"xmlns:{p}": NS[p] for p in dict.fromkeys(prefixes)}
    return render(X(f"{prefix}:{name}", children=[*header, *body], attrs=attrs))


def benamningar(container: str, names: dict[str, str]) -> list[X]:
    """A base:Benamningar-typed element (base:Benamning with Sprakkod/Text), as in KursTillStatusEvent."""
    if not names:
        return []
    items = [
        X("base:Benamning", children=[X("base:Sprakkod", lang), X("base:Text", text)]) for lang, text in names.items()
    ]
    return [X(container, children=items)]


# --- studiedeltagande and resultat: one student on one offering ------------------------------------------

_ORSAK = "studiedeltagande.domain.aterkalla.orsak.borttagen_registrering"
_AVGIFT = "studiedeltagande.domain.studieavgiftsbetalningsvarde.ej_aktuell"


def participation_xml(
    name: str,
    student_uid: str,
    offering_uid: str,
    *,
    on: dt.date | None = None,
    course_uid: str | None = None,
    program_uid: str | None = None,
    **header: Unpack[HeaderArgs],
) -> str:
    """Any studiedeltagande participation event, or ResultatPaHelKursAttesteratEvent, for one student/offering.

    `offering_uid` goes into the element app.core.participation's registry names for that event; the other
    elements and their XSD order are the writer's own. Other required UIDs are fresh unless given
    (`course_uid` = UtbildningsinstansUID, `program_uid` = KurspaketeringUID).
    """
    day = (on or dt.date(2024, 8, 26)).isoformat()
    course = course_uid or new_uid()
    student = X("sd:StudentUID", student_uid)
    kind = PARTICIPATION_REGISTRY[name]
    offering = X(f"{SERVICE_PREFIX[kind.service]}:{kind.offering_field}", offering_uid)
    body = _PARTICIPATION_BODIES[name](student, offering, day, course, program_uid or new_uid())
    return event_xml(kind.service, name, body, **header)


def _registration_base(student: X, offering: X, course: str) -> list[X]:
    return [
        X("sd:KursUID", new_uid()),
        offering,
        X("sd:Period", "1"),
        X("sd:RegistreringUID", new_uid()),
        student,
        X("sd:TillfallesantagningUID", new_uid()),
        X("sd:UtbildningsinstansUID", course),
    ]


def _studieperiod(day: str) -> list[X]:
    end = (dt.date.fromisoformat(day) + dt.timedelta(days=140)).isoformat()
    return [X("sd:StudieperiodSlut", end), X("sd:StudieperiodStart", day), X("sd:ArAnpassad", "false")]


_PARTICIPATION_BODIES = {
    "RegistreringEvent": lambda s, o, d, c, p: [
        *_registration_base(s, o, c),
        X("sd:Omfattningsvarde", "7.5"),
        X("sd:Studieavgiftsbetalning", _AVGIFT),
        *_studieperiod(d),
    ],
    "OmregistreringEvent": lambda s, o, d, c, p: [
        *_registration_base(s, o, c),
        X("sd:Omfattningsvarde", "7.5"),
        *_studieperiod(d),
    ],
    "AterkalladregistreringEvent": lambda s, o, d, c, p: [
        *_registration_base(s, o, c),
        X("sd:Orsak", _ORSAK),
        X("sd:Aterkallandedatum", d),
    ],
    "AterkalladOmregistreringEvent": lambda s, o, d, c, p: [
        *_registration_base(s, o, c),
        X("sd:Orsak", _ORSAK),
        X("sd:Aterkallandedatum", d),
    ],
    "ForvantatDeltagandeSkapadEvent": lambda s, o, d, c, p: [
        X("sd:Senaredelmarkering", "false"),
        s,
        X("sd:TillfallesantagningUID", new_uid()),
        o,
    ],
    "ForvantatDeltagandeBorttagetEvent": lambda s, o, d, c, p: [
        s,
        X("sd:TillfallesantagningUID", new_uid()),
        o,
    ],
    "AvbrottEvent": lambda s, o, d, c, p: [
        X("sd:Avbrottsdatum", d),
        s,
        X("sd:UtbildningUID", new_uid()),
        o,
        X("sd:UtbildningstypID", "5"),
    ],
    "AvbrottBorttagetEvent": lambda s, o, d, c, p: [
        s,
        X("sd:UtbildningUID", new_uid()),
        o,
        X("sd:UtbildningstypID", "5"),
    ],
    "AterbudEvent": lambda s, o, d, c, p: [
        s,
        X("sd:TillfallesantagningUID", new_uid()),
        o,
        X("sd:Aterbudsdatum", d),
    ],
    "UppehallEvent": lambda s, o, d, c, p: [
        X("sd:KurspaketeringUID", p),
        o,
        X("sd:PlaneratSlutdatum", (dt.date.fromisoformat(d) + dt.timedelta(days=180)).isoformat()),
        X("sd:RattAttAterupptaStudier", "true"),
        X("sd:Startdatum", d),
        s,
        X("sd:UppehallUID", new_uid()),
    ],
    "UppehallBorttagetEvent": lambda s, o, d, c, p: [
        X("sd:KurspaketeringUID", p),
        X("sd:PlaneratSlutdatum", (dt.date.fromisoformat(d) + dt.timedelta(days=180)).isoformat()),
        X("sd:Startdatum", d),
        s,
        X("sd:UppehallUID", new_uid()),
        o,
    ],
    "PaborjatUtbildningstillfalleEvent": lambda s, o, d, c, p: [
        X("sd:PaborjandeDatum", d),
        s,
        X("sd:TillfallesantagningUID", new_uid()),
        X("sd:UtbildningUID", new_uid()),
        X("sd:UtbildningsinstansUID", c),
        o,
        X("sd:UtbildningstillfallestypID", "1"),
    ],
    "AterkallatPaborjatUtbildningstillfalleEvent": lambda s, o, d, c, p: [
        X("sd:Orsak", _ORSAK),
        s,
        X("sd:UtbildningUID", new_uid()),
        X("sd:UtbildningsinstansUID", c),
        o,
        X("sd:UtbildningstillfallestypID", "1"),
    ],
    "AvklaradEvent": lambda s, o, d, c, p: [
        X("sd:AvklaradDatum", d),
        s,
        X("sd:UtbildningUID", new_uid()),
        o,
        X("sd:UtbildningstypID", "51"),
    ],
    "ResultatPaHelKursAttesteratEvent": lambda s, o, d, c, p: [
        X("rr:KursUID", new_uid()),
        o,
        X("rr:StudentUID", s.text or ""),
        X("rr:UtbildningsinstansUID", c),
    ],
}


# --- utbildningsinformation: courses, offerings, cancellations -------------------------------------------


@dataclass(frozen=True, slots=True)
class TeachingPeriod:
    """One Tillfallesperiod: first and last teaching day."""

    first: dt.date
    last: dt.date


def offering_xml(
    offering_uid: str,
    *,
    program: bool = False,
    updated: bool = False,
    status: int = 3,
    course_uid: str | None = None,
    organisation_uid: str | None = None,
    education_type_id: int | None = None,
    start_period_id: int | None = None,
    code: str | None = None,
    periods: Sequence[TeachingPeriod] = (),
    names: dict[str, str] | None = None,
    **header: Unpack[HeaderArgs],
) -> str:
    """Kurstillfalle-/KurspaketeringstillfalleTillStatusEvent (or …UppdateratEvent with `updated`)."""
    kind = "Kurspaketeringstillfalle" if program else "Kurstillfalle"
    name = f"{kind}{'UppdateratEvent' if updated else 'TillStatusEvent'}"
    period_name = "ui:Tillfallesperioder" if program else "ui:Kurstillfallesperioder"
    period_nodes = [
        X(
            period_name,
            children=[
                X("base:Uid", new_uid()),
                X("ui:ForstaUndervisningsdatum", p.first.isoformat()),
                X("ui:Omfattningsvarde", "7.5"),
                X("ui:SistaUndervisningsdatum", p.last.isoformat()),
            ],
        )
        for p in periods
    ]
    body = [
        *_opt("ui:OrganisationUID", organisation_uid),
        X("ui:Status", str(status)),
        X("ui:UtbildningUID", new_uid()),
        *_opt("ui:UtbildningsinstansUID", course_uid),
        *_opt("ui:UtbildningstypID", education_type_id),
        *_opt("ui:StartperiodID", start_period_id),
        X("ui:UtbildningstillfalleUID", offering_uid),
        *_opt("ui:Utbildningstillfalleskod", code),
    ]
    if program:
        body += [*benamningar("ui:AlternativaBenamningar", names or {}), *period_nodes]
    else:
        body += [X("ui:Kurstillfallesattribut"), *period_nodes]
    return event_xml("utbildningsinformation", name, body, **header)


def course_xml(
    course_uid: str,
    *,
    program: bool = False,
    updated: bool = False,
    status: int = 3,
    code: str | None = None,
    names: dict[str, str] | None = None,
    organisation_uid: str | None = None,
    education_type_id: int | None = None,
    **header: Unpack[HeaderArgs],
) -> str:
    """KursTillStatusEvent / KursUppdateradEvent, or the Kurspaketering… (program) ones with `program`."""
    kind = "Kurspaketering" if program else "Kurs"
    name = f"{kind}{'UppdateradEvent' if updated else 'TillStatusEvent'}"
    body = [
        *_opt("ui:OrganisationUID", organisation_uid),
        X("ui:Status", str(status)),
        X("ui:UtbildningUID", new_uid()),
        X("ui:UtbildningsinstansUID", course_uid),
        *_opt("ui:UtbildningstypID", education_type_id),
        *benamningar("ui:Benamningar", names or {}),
        *_opt("ui:Utbildningskod", code),
        X(
            "ui:Versionsinformation",
            children=[
                X("base:Uid", new_uid()),
                X("ui:GiltigFranPeriodID", "113140"),
                X("ui:Versionsnummer", "1"),
                X("ui:ArSenasteVersion", "true"),
            ],
        ),
    ]
    if not program:
        body += [X("ui:Kursattribut"), *_opt("ui:Kurskod", code)]
    return event_xml("utbildningsinformation", name, body, **header)


def cancelled_xml(offering_uid: str, **header: Unpack[HeaderArgs]) -> str:
    """UtbildningstillfalleInstalltEvent: the offering is cancelled."""
    body = [X("ui:UtbildningstillfalleUID", offering_uid)]
    return event_xml("utbildningsinformation", "UtbildningstillfalleInstalltEvent", body, **header)


# --- kataloginformation: organisations ----------------------------------------------------------------


def organisation_xml(
    organisation_uid: str,
    *,
    updated: bool = False,
    code: str | None = None,
    names: dict[str, str] | None = None,
    names_as_in_2017_feed: bool = True,
    **header: Unpack[HeaderArgs],
) -> str:
    """OrganisationSkapadEvent / OrganisationUppdateradEvent.

    Names are `<entry><key/><value/></entry>` items. The 2017 feed writes them with xmlns="" (the default,
    `names_as_in_2017_feed`); the XSD (atom:benamningar) wants them in the Atom namespace.
    """
    entry_ns = "" if names_as_in_2017_feed else ATOM_NS
    items = [
        X("entry", children=[X("key", lang), X("value", text)], attrs={"xmlns": entry_ns})
        for lang, text in (names or {}).items()
    ]
    body = [
        *([X("ki:Benamningar", children=items)] if items else []),
        X("ki:Giltighetsperiod", children=[X("base:Startdatum", "0001-01-01"), X("base:Slutdatum", "9999-12-31")]),
        X("ki:OrganisationUID", organisation_uid),
        X("ki:OrganisationsenhetstypID", "1"),
        *_opt("ki:Organisationskod", code),
    ]
    name = "OrganisationUppdateradEvent" if updated else "OrganisationSkapadEvent"
    return event_xml("kataloginformation", name, body, **header)


# --- students -----------------------------------------------------------------------------------------


def student_till_larosate_xml(
    student_uid: str,
    *,
    first_name: str | None = None,
    last_name: str | None = None,
    personnummer: str | None = None,
    **header: Unpack[HeaderArgs],
) -> str:
    """StudentTillLarosateEvent (studiedeltagande): the first name is Tilltalsnamn."""
    body = [
        *_opt("sd:Efternamn", last_name),
        *_opt("sd:Personnummer", personnummer),
        X("sd:StudentUID", student_uid),
        *_opt("sd:Tilltalsnamn", first_name),
    ]
    return event_xml("studiedeltagande", "StudentTillLarosateEvent", body, **header)


def lokal_student_xml(
    student_uid: str,
    *,
    first_name: str | None = None,
    last_name: str | None = None,
    personnummer: str | None = None,
    handelsetyp: str = "SKAPAD",
    **header: Unpack[HeaderArgs],
) -> str:
    """LokalStudentEvent (studentinformation) with Handelsetyp SKAPAD/UPPDATERAD/BORTTAGEN."""
    body = [
        *_opt("si:Efternamn", last_name),
        *_opt("si:Fornamn", first_name),
        X("si:Kon", "0"),
        *_opt("si:Personnummer", personnummer),
        X("si:StudentUID", student_uid),
    ]
    return event_xml("studentinformation", "LokalStudentEvent", body, handelsetyp=handelsetyp, **header)


def kontaktuppgifter_xml(
    student_uid: str, *, email: str | None = None, handelsetyp: str = "UPPDATERAD", **header: Unpack[HeaderArgs]
) -> str:
    """KontaktuppgifterEvent (studentinformation): the student's e-mail."""
    body = [*_opt("si:Epostadress", email), X("si:StudentUID", student_uid)]
    return event_xml("studentinformation", "KontaktuppgifterEvent", body, handelsetyp=handelsetyp, **header)


def restriktion_xml(
    student_uid: str,
    restriction_uid: str,
    *,
    start: dt.date | None,
    end: dt.date | None,
    restriktionstyp: str = "AVSTANGNING",
    handelsetyp: str = "SKAPAD",
    **header: Unpack[HeaderArgs],
) -> str:
    """StudentrestriktionEvent: AVSTANGNING (suspension) or AVSKILJANDE, valid from `start` to `end`."""
    period = [*_opt("base:Startdatum", start and start.isoformat()), *_opt("base:Slutdatum", end and end.isoformat())]
    body = [
        X("si:Giltighetsperiod", children=period) if period else X("si:Giltighetsperiod"),
        X("si:Restriktionstyp", restriktionstyp),
        X("si:StudentUID", student_uid),
        X("si:StudentrestriktionUID", restriction_uid),
    ]
    return event_xml("studentinformation", "StudentrestriktionEvent", body, handelsetyp=handelsetyp, **header)
