"""A sandbox Ladok: the event feed and the REST look-ups of docs/rules.md §3 as one WSGI app, fed by test helpers.

Use it in-process with httpx.WSGITransport(app=sandbox), or on 127.0.0.1 with app.sandbox.ladok.server.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from wsgiref.util import request_uri

from app.core.participation import PARTICIPATION_REGISTRY
from app.sandbox.ladok import xmlwriter as w
from app.sandbox.ladok.catalogue import Catalogue
from app.sandbox.ladok.feedstore import FeedStore

StartResponse = Callable[[str, list[tuple[str, str]]], Any]

_REASONS = {200: "OK", 403: "Forbidden", 404: "Not Found", 406: "Not Acceptable", 405: "Method Not Allowed"}


@dataclass(frozen=True, slots=True)
class Request:
    """One request the sandbox answered, for tests to assert on (path, Accept header, status)."""

    method: str
    path: str
    accept: str
    status: int


class SandboxLadok:
    """Ladok for tests and `kursadmin demo`: append events with the add_* helpers, serve them over WSGI."""

    def __init__(
        self,
        *,
        larosate_id: int = 29,
        page_size: int = 20,
        feed_path: str = "/handelser/feed",
        clock: Callable[[], dt.datetime] | None = None,
    ) -> None:
        self.larosate_id = larosate_id
        self.feed_path = "/" + feed_path.strip("/")
        self.feed = FeedStore(page_size, clock) if clock else FeedStore(page_size)
        self.catalogue = Catalogue()
        self.requests: list[Request] = []
        self._faults: list[tuple[int, dict[str, str]]] = []
        self._lock = threading.Lock()

    # --- feeding events --------------------------------------------------------------------------------

    def add_event_xml(self, service: str, name: str, event_xml: str, entry_id: str | None = None) -> str:
        """Append a ready event element under category http://schemas.ladok.se/<service>/<name>; its entry id."""
        return self.feed.append_event(service, name, event_xml, entry_id)

    def add_participation(self, name: str, student_uid: str, offering_uid: str, **options: Any) -> str:
        """Append any participation event of docs/rules.md §4.1 (by Ladok's name); returns its HandelseUID."""
        uid = w.new_uid()
        xml = w.participation_xml(name, student_uid, offering_uid, **self._h(uid), **options)
        self.add_event_xml(PARTICIPATION_REGISTRY[name].service, name, xml)
        return uid

    def add_registration(self, student_uid: str, offering_uid: str, **options: Any) -> str:
        """RegistreringEvent: the student is registered on the offering."""
        return self.add_participation("RegistreringEvent", student_uid, offering_uid, **options)

    def add_admission(self, student_uid: str, offering_uid: str, **options: Any) -> str:
        """ForvantatDeltagandeSkapadEvent: the student is admitted (expected to take part)."""
        return self.add_participation("ForvantatDeltagandeSkapadEvent", student_uid, offering_uid, **options)

    def add_organisation(
        self, organisation_uid: str | None = None, *, code: str, names: dict[str, str], updated: bool = False
    ) -> str:
        """OrganisationSkapadEvent (or …Uppdaterad) and the organisation in the REST catalogue; returns its uid."""
        uid = organisation_uid or w.new_uid()
        self.catalogue.organisations[uid] = {"Uid": uid, "Organisationskod": code, "Benamning": dict(names)}
        xml = w.organisation_xml(uid, updated=updated, code=code, names=names, **self._h())
        self.add_event_xml("kataloginformation", xml_name(xml), xml)
        return uid

    def add_course(
        self,
        course_uid: str | None = None,
        *,
        code: str,
        names: dict[str, str],
        organisation_uid: str | None = None,
        education_type_id: int | None = None,
        program: bool = False,
        updated: bool = False,
        status: int = 3,
    ) -> str:
        """KursTillStatusEvent (or the Uppdaterad / Kurspaketering… variants) and the course in the catalogue."""
        uid = course_uid or w.new_uid()
        self.catalogue.courses[uid] = {
            "Uid": uid,
            "Utbildningskod": code,
            "Benamningar": dict(names),
            "OrganisationUID": organisation_uid,
            "UtbildningstypID": education_type_id,
        }
        xml = w.course_xml(
            uid,
            program=program,
            updated=updated,
            status=status,
            code=code,
            names=names,
            organisation_uid=organisation_uid,
            education_type_id=education_type_id,
            **self._h(),
        )
        self.add_event_xml("utbildningsinformation", xml_name(xml), xml)
        return uid

    def add_offering(
        self,
        offering_uid: str | None = None,
        *,
        course_uid: str,
        code: str,
        term_code: str,
        start: dt.date,
        end: dt.date,
        organisation_uid: str | None = None,
        education_type_id: int = 5,
        program: bool = False,
        updated: bool = False,
        status: int = 3,
        names: dict[str, str] | None = None,
    ) -> str:
        """KurstillfalleTillStatusEvent (or Uppdaterat / program variants) and the offering in the catalogue."""
        uid = offering_uid or w.new_uid()
        period = self.catalogue.period_id(term_code)
        self.catalogue.offerings[uid] = {
            "Uid": uid,
            "Tillfalleskod": code,
            "UtbildningsinstansUID": course_uid,
            "OrganisationUID": organisation_uid,
            "StartperiodID": {"value": period},
            "UtbildningstypID": {"value": education_type_id},
            "Tillfallesperioder": [
                {"ForstaUndervisningsdatum": start.isoformat(), "SistaUndervisningsdatum": end.isoformat()}
            ],
        }
        xml = w.offering_xml(
            uid,
            program=program,
            updated=updated,
            status=status,
            course_uid=course_uid,
            organisation_uid=organisation_uid,
            education_type_id=education_type_id,
            start_period_id=period,
            code=code,
            periods=[w.TeachingPeriod(start, end)],
            names=names,
            **self._h(),
        )
        self.add_event_xml("utbildningsinformation", xml_name(xml), xml)
        return uid

    def add_cancellation(self, offering_uid: str) -> str:
        """UtbildningstillfalleInstalltEvent; returns its HandelseUID."""
        uid = w.new_uid()
        xml = w.cancelled_xml(offering_uid, **self._h(uid))
        self.add_event_xml("utbildningsinformation", "UtbildningstillfalleInstalltEvent", xml)
        return uid

    def add_student(
        self,
        student_uid: str | None = None,
        *,
        first_name: str,
        last_name: str,
        personnummer: str,
        email: str | None = None,
        emit: bool = True,
    ) -> str:
        """The student in the catalogue, and (with `emit`) a LokalStudentEvent SKAPAD; returns the uid."""
        uid = student_uid or w.new_uid()
        self.catalogue.students[uid] = {
            "Uid": uid,
            "Fornamn": first_name,
            "Efternamn": last_name,
            "Personnummer": personnummer,
        }
        if email:
            self.catalogue.contacts[uid] = {"Epostadress": email}
        if emit:
            xml = w.lokal_student_xml(
                uid, first_name=first_name, last_name=last_name, personnummer=personnummer, **self._h()
            )
            self.add_event_xml("studentinformation", "LokalStudentEvent", xml)
        return uid

    def add_student_till_larosate(self, student_uid: str, *, first_name: str, last_name: str, personnummer: str) -> str:
        """StudentTillLarosateEvent; returns its HandelseUID."""
        uid = w.new_uid()
        xml = w.student_till_larosate_xml(
            student_uid,
            first_name=first_name,
            last_name=last_name,
            personnummer=personnummer,
            **self._h(uid),
        )
        self.add_event_xml("studiedeltagande", "StudentTillLarosateEvent", xml)
        return uid

    def add_contact(self, student_uid: str, email: str, handelsetyp: str = "UPPDATERAD") -> str:
        """KontaktuppgifterEvent with the e-mail, also kept in the catalogue; returns its HandelseUID."""
        self.catalogue.contacts[student_uid] = {"Epostadress": email}
        uid = w.new_uid()
        xml = w.kontaktuppgifter_xml(student_uid, email=email, handelsetyp=handelsetyp, **self._h(uid))
        self.add_event_xml("studentinformation", "KontaktuppgifterEvent", xml)
        return uid

    def add_suspension(
        self,
        student_uid: str,
        *,
        start: dt.date | None,
        end: dt.date | None,
        restriction_uid: str | None = None,
        restriktionstyp: str = "AVSTANGNING",
        handelsetyp: str = "SKAPAD",
    ) -> str:
        """StudentrestriktionEvent (AVSTANGNING by default); returns the restriction uid."""
        uid = restriction_uid or w.new_uid()
        xml = w.restriktion_xml(
            student_uid,
            uid,
            start=start,
            end=end,
            restriktionstyp=restriktionstyp,
            handelsetyp=handelsetyp,
            **self._h(),
        )
        self.add_event_xml("studentinformation", "StudentrestriktionEvent", xml)
        return uid

    def fail_next(self, status: int, times: int = 1, headers: dict[str, str] | None = None) -> None:
        """Answer the next `times` requests with `status` (e.g. 429 with Retry-After, 503), then as normal."""
        with self._lock:
            self._faults.extend([(status, dict(headers or {}))] * times)

    def _h(self, handelse_uid: str | None = None) -> w.HeaderArgs:
        return {"handelse_uid": handelse_uid, "larosate_id": self.larosate_id}

    # --- serving ---------------------------------------------------------------------------------------

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        """The WSGI application."""
        path = environ.get("PATH_INFO", "")
        accept = environ.get("HTTP_ACCEPT", "")
        status, headers, body = self._answer(environ, path, accept)
        with self._lock:
            self.requests.append(Request(environ.get("REQUEST_METHOD", "GET"), path, accept, status))
        reason = _REASONS.get(status, "Error")
        start_response(f"{status} {reason}", [*headers, ("Content-Length", str(len(body)))])
        return [body]

    def _answer(self, environ: dict[str, Any], path: str, accept: str) -> tuple[int, list[tuple[str, str]], bytes]:
        with self._lock:
            fault = self._faults.pop(0) if self._faults else None
        if fault:
            return _error(fault[0], "sandbox: injected failure", fault[1])
        if environ.get("REQUEST_METHOD", "GET") != "GET":
            return _error(405, "only GET is served")
        if "/internal/" in path:
            return _error(403, "/internal/ paths belong to Ladok's web GUI, not to integrations")
        if path.startswith(self.feed_path + "/"):
            return self._feed_page(environ, path[len(self.feed_path) + 1 :])
        service = path.strip("/").split("/", 1)[0]
        if accept != f"application/vnd.ladok-{service}+json":
            return _error(406, f"Accept must be application/vnd.ladok-{service}+json")
        body = self._rest(path)
        if body is None:
            return _error(404, f"Hittade ingen resurs för {path}")
        headers = [("Content-Type", f"application/vnd.ladok-{service}+json")]
        return 200, headers, json.dumps(body, ensure_ascii=False).encode()

    def _feed_page(self, environ: dict[str, Any], rest: str) -> tuple[int, list[tuple[str, str]], bytes]:
        base = request_uri(environ, include_query=False)
        base = base[: base.rindex(self.feed_path) + len(self.feed_path)]
        number = None if rest == "recent" else int(rest) if rest.isdigit() else -1
        page = self.feed.page_xml(base, number)
        if page is None:
            return _error(404, f"no feed page {rest}")
        return 200, [("Content-Type", "application/atom+xml")], page

    def _rest(self, path: str) -> dict[str, Any] | None:
        cat = self.catalogue
        if path == "/kataloginformation/grunddata/period":
            return cat.period_list()
        for pattern, table in (
            (r"/utbildningsinformation/utbildningstillfalle/([^/]+)", cat.offerings),
            (r"/utbildningsinformation/utbildningsinstans/([^/]+)", cat.courses),
            (r"/studentinformation/student/([^/]+)", cat.students),
            (r"/studentinformation/student/([^/]+)/kontaktuppgifter", cat.contacts),
            (r"/kataloginformation/organisation/([^/]+)", cat.organisations),
        ):
            match = re.fullmatch(pattern, path)
            if match:
                return table.get(match.group(1))
        return None


def xml_name(event_xml: str) -> str:
    """The local name of the event element in a writer's output, e.g. 'KursTillStatusEvent'."""
    match = re.match(r"\s*<\w+:(\w+)", event_xml)
    if match is None:
        raise ValueError("not an event element")
    return match.group(1)


def _error(
    status: int, message: str, headers: dict[str, str] | None = None
) -> tuple[int, list[tuple[str, str]], bytes]:
    body = json.dumps({"Meddelande": message, "FelUID": "sandbox"}, ensure_ascii=False).encode()
    return status, [("Content-Type", "application/json"), *(headers or {}).items()], body
