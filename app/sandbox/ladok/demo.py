"""A small, believable Ladok for `kursadmin demo`: a department, courses, offerings this term, students."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from app.sandbox.ladok.sandbox import SandboxLadok

_STUDENTS = [
    ("Astrid", "Lind", "200101012383"),
    ("Bo", "Ek", "199912242392"),
    ("Cecilia", "Berg", "200203034441"),
    ("David", "Sund", "200006065578"),
    ("Elin", "Holm", "200110106662"),
    ("Farid", "Nasser", "199805057777"),
]


@dataclass(frozen=True, slots=True)
class DemoLadok:
    """The uids the demo seeded, for pages and tests that want to point at them."""

    organisation_uid: str
    course_uids: tuple[str, ...]
    offering_uids: tuple[str, ...]
    student_uids: tuple[str, ...]
    term_code: str


def term_of(day: dt.date) -> tuple[str, dt.date, dt.date]:
    """The term code a day falls in, with that term's usual teaching start and end."""
    if day.month >= 8:
        return f"HT{day.year}", dt.date(day.year, 8, 26), dt.date(day.year + 1, 1, 12)
    return f"VT{day.year}", dt.date(day.year, 1, 15), dt.date(day.year, 6, 2)


def seed_demo(sandbox: SandboxLadok, today: dt.date) -> DemoLadok:
    """Append the demo's events (catalogue first, then students, admissions, registrations, one suspension)."""
    term, start, end = term_of(today)
    org = sandbox.add_organisation(code="EECS", names={"sv": "Skolan för datavetenskap", "en": "School of EECS"})
    courses = (
        sandbox.add_course(
            code="DD1310",
            names={"sv": "Programmeringsteknik", "en": "Programming Techniques"},
            organisation_uid=org,
            education_type_id=22,
        ),
        sandbox.add_course(
            code="SF1625",
            names={"sv": "Envariabelanalys", "en": "Calculus in One Variable"},
            organisation_uid=org,
            education_type_id=22,
        ),
    )
    offerings = (
        sandbox.add_offering(
            course_uid=courses[0], code="50101", term_code=term, start=start, end=end, organisation_uid=org
        ),
        sandbox.add_offering(
            course_uid=courses[0], code="50102", term_code=term, start=start, end=end, organisation_uid=org
        ),
        sandbox.add_offering(
            course_uid=courses[1], code="60201", term_code=term, start=start, end=end, organisation_uid=org
        ),
    )
    students = []
    for index, (first, last, personnummer) in enumerate(_STUDENTS):
        uid = sandbox.add_student(first_name=first, last_name=last, personnummer=personnummer)
        sandbox.add_contact(uid, f"{first.lower()}.{last.lower()}@student.example.se")
        offering = offerings[index % len(offerings)]
        sandbox.add_admission(uid, offering)
        if index % 2 == 0:
            sandbox.add_registration(uid, offering)
        students.append(uid)
    sandbox.add_suspension(students[-1], start=today, end=today + dt.timedelta(days=30))
    return DemoLadok(org, courses, offerings, tuple(students), term)
