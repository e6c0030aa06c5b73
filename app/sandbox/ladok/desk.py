"""Ladok as a person at the university uses it: each action changes Ladok's record, then appends its event.

Real Ladok keeps each student's participation and publishes an event when it changes; the desk does the
same for the sandbox, refusing what Ladok would refuse (registering a student who is not admitted, say),
so every event it appends is one Ladok could have sent.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from app.sandbox.ladok.sandbox import SandboxLadok

MAX_SUSPENSION_DAYS = 365


class Status(StrEnum):
    """A student's participation on an offering as Ladok shows it (Swedish, as in Ladok)."""

    ADMITTED = "Antagen"
    REGISTERED = "Registrerad"
    DROPPED_OUT = "Avbrott"
    DECLINED = "Återbud"


class DeskRefusal(ValueError):
    """Ladok would not do this; the message says why, naming the student and offering."""


@dataclass(frozen=True, slots=True)
class Offering:
    """An offering (kurstillfälle) as the desk lists it."""

    uid: str
    course_code: str
    code: str
    term: str
    name: str

    @property
    def label(self) -> str:
        """How people name it: course code, offering code and term."""
        return f"{self.course_code} {self.code} {self.term}"


@dataclass(frozen=True, slots=True)
class Student:
    """A student as the desk lists it (never the personnummer)."""

    uid: str
    name: str


@dataclass(frozen=True, slots=True)
class Course:
    """A catalogue course (utbildningsinstans), for adding offerings to."""

    uid: str
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class JournalLine:
    """One event the desk appended to the feed, in words."""

    at: dt.datetime
    event: str
    text: str


class LadokDesk:
    """Admit, register, drop out, suspend, add students and offerings; each one real event on the feed."""

    def __init__(
        self,
        ladok: SandboxLadok,
        today: Callable[[], dt.date] = dt.date.today,
        now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    ) -> None:
        self.ladok = ladok
        self._today = today
        self._now = now
        self._lock = threading.RLock()
        self._status: dict[tuple[str, str], Status] = {}
        self._suspended_until: dict[str, dt.date] = {}
        self._journal: list[JournalLine] = []
        self._serial = 0

    # --- what Ladok holds -----------------------------------------------------------------------------

    def students(self) -> list[Student]:
        """Every student, by name."""
        with self._lock:
            found = [self._student(uid) for uid in self.ladok.catalogue.students]
        return sorted(found, key=lambda s: (s.name, s.uid))

    def courses(self) -> list[Course]:
        """Every catalogue course, by code."""
        with self._lock:
            found = [
                Course(uid, c["Utbildningskod"], _name(c["Benamningar"]))
                for uid, c in self.ladok.catalogue.courses.items()
            ]
        return sorted(found, key=lambda c: (c.code, c.uid))

    def offerings(self) -> list[Offering]:
        """Every offering, by course code, term and offering code."""
        with self._lock:
            found = [self._offering(uid) for uid in self.ladok.catalogue.offerings]
        return sorted(found, key=lambda o: (o.course_code, o.term, o.code, o.uid))

    def status(self, student_uid: str, offering_uid: str) -> Status | None:
        """The student's participation on the offering, or None if they have none."""
        with self._lock:
            return self._status.get((student_uid, offering_uid))

    def suspended_until(self, student_uid: str) -> dt.date | None:
        """The last day of the student's suspension, if one is in force today or later."""
        with self._lock:
            until = self._suspended_until.get(student_uid)
        return until if until is not None and until >= self._today() else None

    def journal(self) -> list[JournalLine]:
        """The events the desk appended, newest first."""
        with self._lock:
            return list(reversed(self._journal))

    # --- actions --------------------------------------------------------------------------------------

    def admit(self, student_uid: str, offering_uid: str) -> str:
        """Admit the student (ForvantatDeltagandeSkapadEvent); refused while admitted or registered already."""
        with self._lock:
            student, offering, status = self._pair(student_uid, offering_uid)
            if status in (Status.ADMITTED, Status.REGISTERED):
                already = "admitted to" if status is Status.ADMITTED else "registered on"
                raise DeskRefusal(f"{student.name} is already {already} {offering.label}")
            self.ladok.add_admission(student_uid, offering_uid, **self._on(offering_uid))
            return self._record(
                student_uid,
                offering_uid,
                Status.ADMITTED,
                "ForvantatDeltagandeSkapadEvent",
                f"{student.name} admitted to {offering.label}",
            )

    def register(self, student_uid: str, offering_uid: str) -> str:
        """Register the student (RegistreringEvent); only an admitted student can be registered."""
        with self._lock:
            student, offering, status = self._pair(student_uid, offering_uid)
            if status is Status.REGISTERED:
                raise DeskRefusal(f"{student.name} is already registered on {offering.label}")
            if status is not Status.ADMITTED:
                raise DeskRefusal(
                    f"{student.name} is not admitted to {offering.label}: only an admitted student can be registered"
                )
            self.ladok.add_registration(student_uid, offering_uid, **self._on(offering_uid))
            return self._record(
                student_uid,
                offering_uid,
                Status.REGISTERED,
                "RegistreringEvent",
                f"{student.name} registered on {offering.label}",
            )

    def drop_out(self, student_uid: str, offering_uid: str) -> str:
        """A registered student breaks off (AvbrottEvent); an admitted one declines the place (AterbudEvent)."""
        with self._lock:
            student, offering, status = self._pair(student_uid, offering_uid)
            if status is Status.REGISTERED:
                event, new, text = "AvbrottEvent", Status.DROPPED_OUT, "dropped out of"
            elif status is Status.ADMITTED:
                event, new, text = "AterbudEvent", Status.DECLINED, "declined the place on"
            else:
                raise DeskRefusal(f"{student.name} is neither admitted to nor registered on {offering.label}")
            self.ladok.add_participation(event, student_uid, offering_uid, **self._on(offering_uid))
            return self._record(student_uid, offering_uid, new, event, f"{student.name} {text} {offering.label}")

    def suspend(self, student_uid: str, days: int) -> str:
        """Suspend the student from today for `days` days (StudentrestriktionEvent, AVSTANGNING)."""
        if not 1 <= days <= MAX_SUSPENSION_DAYS:
            raise DeskRefusal(f"a suspension lasts 1 to {MAX_SUSPENSION_DAYS} days, not {days}")
        with self._lock:
            student = self._student(student_uid)
            first = self._today()
            last = first + dt.timedelta(days=days - 1)
            self.ladok.add_suspension(student_uid, start=first, end=last)
            self._suspended_until[student_uid] = last
            return self._note("StudentrestriktionEvent", f"{student.name} suspended from {first} to {last}")

    def add_student(self, first_name: str, last_name: str) -> str:
        """A new student (LokalStudentEvent, KontaktuppgifterEvent) with a made-up personnummer; the uid."""
        first, last = first_name.strip(), last_name.strip()
        if not first or not last:
            raise DeskRefusal("a student needs both a first and a last name")
        with self._lock:
            self._serial += 1
            uid = self.ladok.add_student(
                first_name=first, last_name=last, personnummer=sandbox_personnummer(self._serial)
            )
            self.ladok.add_contact(uid, f"{_ascii(first)}.{_ascii(last)}@student.example.se")
            self._note("LokalStudentEvent", f"{first} {last} is a new student")
            return uid

    def add_offering(self, course_uid: str, code: str, term: str, start: dt.date, end: dt.date) -> str:
        """A new offering of a catalogue course, started (KurstillfalleTillStatusEvent, status 3); its uid."""
        code = code.strip()
        with self._lock:
            course = next((c for c in self.courses() if c.uid == course_uid), None)
            if course is None:
                raise DeskRefusal(f"there is no course {course_uid!r}")
            if not code.isalnum() or len(code) > 10:
                raise DeskRefusal(f"an offering code is 1 to 10 letters or digits, not {code!r}")
            if end < start:
                raise DeskRefusal(f"the offering cannot end ({end}) before it starts ({start})")
            if any(o.course_code == course.code and o.code == code and o.term == term for o in self.offerings()):
                raise DeskRefusal(f"{course.code} already has an offering {code} in {term}")
            try:
                uid = self.ladok.add_offering(
                    course_uid=course_uid,
                    code=code,
                    term_code=term,
                    start=start,
                    end=end,
                    organisation_uid=self.ladok.catalogue.courses[course_uid]["OrganisationUID"],
                )
            except ValueError as err:  # the term code is not VTyyyy / HTyyyy
                raise DeskRefusal(str(err)) from None
            self._note("KurstillfalleTillStatusEvent", f"new offering {course.code} {code} {term} ({course.name})")
            return uid

    # --- helpers --------------------------------------------------------------------------------------

    def _student(self, uid: str) -> Student:
        found = self.ladok.catalogue.students.get(uid)
        if found is None:
            raise DeskRefusal(f"there is no student {uid!r}")
        return Student(uid, f"{found['Fornamn']} {found['Efternamn']}")

    def _offering(self, uid: str) -> Offering:
        cat = self.ladok.catalogue
        found = cat.offerings.get(uid)
        if found is None:
            raise DeskRefusal(f"there is no offering {uid!r}")
        course = cat.courses[found["UtbildningsinstansUID"]]
        period = found["StartperiodID"]["value"]
        term = next(code for code, number in cat.periods.items() if number == period)
        return Offering(uid, course["Utbildningskod"], found["Tillfalleskod"], term, _name(course["Benamningar"]))

    def _pair(self, student_uid: str, offering_uid: str) -> tuple[Student, Offering, Status | None]:
        return self._student(student_uid), self._offering(offering_uid), self._status.get((student_uid, offering_uid))

    def _on(self, offering_uid: str) -> dict[str, object]:
        course_uid = self.ladok.catalogue.offerings[offering_uid]["UtbildningsinstansUID"]
        return {"on": self._today(), "course_uid": course_uid}

    def _record(self, student_uid: str, offering_uid: str, status: Status, event: str, text: str) -> str:
        self._status[(student_uid, offering_uid)] = status
        return self._note(event, text)

    def _note(self, event: str, text: str) -> str:
        self._journal.append(JournalLine(self._now(), event, text))
        return f"{event}: {text}"


def sandbox_personnummer(serial: int) -> str:
    """A made-up personnummer (born 1 January 2000, serial number, valid check digit) for sandbox students."""
    digits = f"000101{(800 + serial) % 1000:03d}"
    total = 0
    for index, char in enumerate(digits):
        product = int(char) * (2 if index % 2 == 0 else 1)
        total += product // 10 + product % 10
    return f"20{digits}{(10 - total % 10) % 10}"


def _name(names: dict[str, str]) -> str:
    return names.get("sv") or names.get("en") or next(iter(names.values()), "")


def _ascii(text: str) -> str:
    table = str.maketrans("åäöÅÄÖéÉüÜ ", "aaoAAOeEuU.")
    return "".join(c for c in text.translate(table).lower() if c.isalnum() or c == ".")
