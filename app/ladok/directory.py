"""Details the events lack (names, codes, dates, term codes, student data), looked up in Ladok's REST API.

Only the integration paths of docs/rules.md §3; `/internal/` paths belong to Ladok's web GUI and are never used.
Ids may come wrapped as {"value": N}; errors carry `Meddelande`; 429 means try again later.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import quote

import httpx

from app.ladok.http import MAX_ANSWER_BYTES, LadokHTTPError, error_from, get_with_retry


@dataclass(frozen=True, slots=True)
class OfferingInfo:
    """An offering (utbildningstillfälle) as Ladok's REST API describes it."""

    offering_uid: str
    code: str | None
    course_uid: str | None
    organisation_uid: str | None
    term_code: str | None
    start: dt.date | None
    end: dt.date | None
    education_type_id: int | None
    start_period_id: int | None


@dataclass(frozen=True, slots=True)
class CourseInfo:
    """A course or program (utbildningsinstans): its code (Kurskod) and names by language."""

    course_uid: str
    code: str | None
    names: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class StudentInfo:
    """A student: name, personnummer and e-mail (None when Ladok has none)."""

    student_uid: str
    first_name: str | None
    last_name: str | None
    personnummer: str | None
    email: str | None


@dataclass(frozen=True, slots=True)
class OrganisationInfo:
    """An organisation (department): its code and names by language."""

    organisation_uid: str
    code: str | None
    names: dict[str, str] = field(default_factory=dict)


class LadokDirectory(Protocol):
    """Look-ups for what events do not carry; each returns None when Ladok does not know the uid."""

    def offering(self, offering_uid: str) -> OfferingInfo | None:
        """The offering's code, course, organisation, term, dates and education type."""
        ...

    def course(self, course_uid: str) -> CourseInfo | None:
        """The course's code and names."""
        ...

    def student(self, student_uid: str) -> StudentInfo | None:
        """The student's names, personnummer and e-mail."""
        ...

    def organisation(self, organisation_uid: str) -> OrganisationInfo | None:
        """The organisation's code and names."""
        ...

    def term_code(self, period_id: int) -> str | None:
        """The term code (e.g. HT2024) of a Ladok period id (StartperiodID)."""
        ...


class RestLadokDirectory:
    """LadokDirectory over Ladok's REST API, with the client certificate of the institution's httpx client."""

    def __init__(
        self,
        client: httpx.Client,
        ladok_url: str,
        *,
        attempts: int = 4,
        backoff: float = 0.5,
        max_bytes: int = MAX_ANSWER_BYTES,
    ) -> None:
        self._client = client
        self._base = ladok_url.rstrip("/")
        self._attempts = attempts
        self._backoff = backoff
        self._max_bytes = max_bytes
        self._periods: dict[int, str] | None = None
        self._missing: set[int] = set()

    def offering(self, offering_uid: str) -> OfferingInfo | None:
        """GET /utbildningsinformation/utbildningstillfalle/{uid}."""
        body = self._get("utbildningsinformation", f"utbildningstillfalle/{quote(offering_uid, safe='')}")
        if body is None:
            return None
        periods = [p for p in body.get("Tillfallesperioder") or [] if isinstance(p, dict)]
        start_period = _int(body.get("StartperiodID"))
        return OfferingInfo(
            offering_uid=offering_uid,
            code=_str(body.get("Tillfalleskod")) or _str(body.get("Utbildningstillfalleskod")),
            course_uid=_str(body.get("UtbildningsinstansUID")),
            organisation_uid=_str(body.get("OrganisationUID")),
            term_code=self.term_code(start_period) if start_period is not None else None,
            start=_date(periods[0].get("ForstaUndervisningsdatum")) if periods else None,
            end=_date(periods[-1].get("SistaUndervisningsdatum")) if periods else None,
            education_type_id=_int(body.get("UtbildningstypID")),
            start_period_id=start_period,
        )

    def course(self, course_uid: str) -> CourseInfo | None:
        """GET /utbildningsinformation/utbildningsinstans/{uid}."""
        body = self._get("utbildningsinformation", f"utbildningsinstans/{quote(course_uid, safe='')}")
        if body is None:
            return None
        return CourseInfo(course_uid, _str(body.get("Utbildningskod")), _names(body.get("Benamningar")))

    def student(self, student_uid: str) -> StudentInfo | None:
        """GET /studentinformation/student/{uid} and …/kontaktuppgifter for the e-mail."""
        path = f"student/{quote(student_uid, safe='')}"
        body = self._get("studentinformation", path)
        if body is None:
            return None
        contact = self._get("studentinformation", f"{path}/kontaktuppgifter") or {}
        return StudentInfo(
            student_uid=student_uid,
            first_name=_str(body.get("Fornamn")),
            last_name=_str(body.get("Efternamn")),
            personnummer=_str(body.get("Personnummer")),
            email=_str(contact.get("Epostadress")),
        )

    def organisation(self, organisation_uid: str) -> OrganisationInfo | None:
        """GET /kataloginformation/organisation/{uid}."""
        body = self._get("kataloginformation", f"organisation/{quote(organisation_uid, safe='')}")
        if body is None:
            return None
        return OrganisationInfo(organisation_uid, _str(body.get("Organisationskod")), _names(body.get("Benamning")))

    def term_code(self, period_id: int) -> str | None:
        """Kod of a period from GET /kataloginformation/grunddata/period, fetched once and cached.

        An id missing from the cached list fetches the list again once (Ladok adds periods), not on every call.
        """
        if self._periods is None or (period_id not in self._periods and period_id not in self._missing):
            body = self._get("kataloginformation", "grunddata/period") or {}
            self._periods = {
                number: code
                for item in body.get("Period") or []
                if isinstance(item, dict)
                and (number := _int(item.get("ID"))) is not None
                and (code := _str(item.get("Kod")))
            }
            if period_id not in self._periods:
                self._missing.add(period_id)
        return self._periods.get(period_id)

    def _get(self, service: str, path: str) -> dict[str, Any] | None:
        url = f"{self._base}/{service}/{path}"
        headers = {"Accept": f"application/vnd.ladok-{service}+json"}
        response = get_with_retry(
            self._client, url, headers, max_bytes=self._max_bytes, attempts=self._attempts, backoff=self._backoff
        )
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise error_from(response)
        try:
            body = response.json()
        except ValueError:
            raise LadokHTTPError(f"GET {url}: answer is not JSON", status=response.status_code) from None
        if not isinstance(body, dict):
            raise LadokHTTPError(f"GET {url}: answer is not a JSON object", status=response.status_code)
        return body


def _unwrap(value: Any) -> Any:
    return value.get("value") if isinstance(value, dict) and "value" in value else value


def _int(value: Any) -> int | None:
    value = _unwrap(value)
    if isinstance(value, bool):
        return None
    try:
        return int(value) if value is not None and str(value).strip() else None
    except ValueError:
        return None


def _str(value: Any) -> str | None:
    value = _unwrap(value)
    return str(value).strip() or None if value is not None else None


def _date(value: Any) -> dt.date | None:
    text = _str(value)
    try:
        return dt.date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


def _names(value: Any) -> dict[str, str]:
    """Names from {"sv": …, "en": …} (REST JSON), a list of {Sprakkod, Text}, or a plain string (as sv)."""
    if isinstance(value, str):
        return {"sv": value.strip()} if value.strip() else {}
    if isinstance(value, dict) and "Benamning" in value:
        value = value["Benamning"]
    if isinstance(value, list):
        return {
            str(item["Sprakkod"]): str(item["Text"])
            for item in value
            if isinstance(item, dict) and item.get("Sprakkod") and item.get("Text")
        }
    if isinstance(value, dict):
        return {str(lang): str(text) for lang, text in value.items() if isinstance(text, str) and text}
    return {}
