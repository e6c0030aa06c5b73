"""A small, believable Ladok for `kursadmin demo`: a school, courses, offerings starting next week, students."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from app.sandbox.ladok.desk import LadokDesk

STUDENTS = (
    ("Astrid", "Lind"),
    ("Bo", "Ek"),
    ("Cecilia", "Berg"),
    ("David", "Sund"),
    ("Elin", "Holm"),
    ("Farid", "Nasser"),
    ("Greta", "Åberg"),
    ("Hugo", "Öst"),
)
TEACHING_DAYS = 130


@dataclass(frozen=True, slots=True)
class DemoLadok:
    """The uids the demo seeded, for pages and tests that want to point at them."""

    organisation_uid: str
    course_uids: tuple[str, ...]
    offering_uids: tuple[str, ...]
    student_uids: tuple[str, ...]
    term_code: str
    start: dt.date
    end: dt.date


def term_of(day: dt.date) -> tuple[str, dt.date, dt.date]:
    """The term code a day falls in, with that term's usual teaching start and end."""
    if day.month >= 8:
        return f"HT{day.year}", dt.date(day.year, 8, 26), dt.date(day.year + 1, 1, 12)
    return f"VT{day.year}", dt.date(day.year, 1, 15), dt.date(day.year, 6, 2)


def seed_demo(desk: LadokDesk, today: dt.date) -> DemoLadok:
    """Offerings that start in a week (so early access has a future purge date) and students at every stage.

    DD1310 50101: six admitted, three of them registered, one declined. SF1625 60201: four admitted, three
    registered. DD1310 50102: two admitted, one registered. One student is suspended for a month.
    """
    ladok = desk.ladok
    start = today + dt.timedelta(days=7)
    end = start + dt.timedelta(days=TEACHING_DAYS)
    term = term_of(start)[0]
    org = ladok.add_organisation(
        code="EECS",
        names={
            "sv": "Skolan för elektroteknik och datavetenskap",
            "en": "School of Electrical Engineering and Computer Science",
        },
    )
    courses = (
        ladok.add_course(
            code="DD1310",
            names={"sv": "Programmeringsteknik", "en": "Programming Techniques"},
            organisation_uid=org,
            education_type_id=22,
        ),
        ladok.add_course(
            code="SF1625",
            names={"sv": "Envariabelanalys", "en": "Calculus in One Variable"},
            organisation_uid=org,
            education_type_id=22,
        ),
    )
    offerings = tuple(
        desk.add_offering(course, code, term, start, end)
        for course, code in ((courses[0], "50101"), (courses[1], "60201"), (courses[0], "50102"))
    )
    students = tuple(desk.add_student(first, last) for first, last in STUDENTS)
    plan = (
        (offerings[0], (0, 1, 2, 3, 4, 5), (0, 2, 4)),
        (offerings[1], (2, 3, 6, 7), (2, 3, 6)),
        (offerings[2], (6, 7), (7,)),
    )
    for offering, admitted, registered in plan:
        for index in admitted:
            desk.admit(students[index], offering)
        for index in registered:
            desk.register(students[index], offering)
    desk.drop_out(students[5], offerings[0])
    desk.suspend(students[6], days=30)
    return DemoLadok(org, courses, offerings, students, term, start, end)
