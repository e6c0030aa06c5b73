"""A seeded, many-student Ladok scenario and a Canvas snapshot keyed by SIS ids, for crash-safety runs."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from app.sandbox.canvas import CanvasSandbox
from app.sandbox.ladok.sandbox import SandboxLadok

REGISTERED_ROLE = "Registrerad"
ADMITTED_ROLE = "Antagen"


@dataclass(frozen=True)
class Scenario:
    """What was fed: the offerings, the students admitted somewhere, and how many feed entries in all."""

    offering_uids: tuple[str, ...]
    student_uids: tuple[str, ...]
    events: int


def feed_scenario(ladok: SandboxLadok, total: int, seed: int, today: dt.date) -> Scenario:
    """Append exactly `total` events: catalogue, then per student data, admissions, registrations, withdrawals,
    places turned down (Aterbud) and suspensions in effect.

    Every student is admitted somewhere before anything else of theirs happens, so with UseAdmitted and
    early access on create each one gets an account whatever order the workers see the feed in; only a
    second or third place is ever turned down, so the first admission always stands.
    """
    rng = random.Random(seed)
    start, end = today + dt.timedelta(days=20), today + dt.timedelta(days=150)
    term = f"HT{start.year}"
    org = ladok.add_organisation(code="EECS", names={"sv": "Skolan för datavetenskap", "en": "EECS"})
    offerings: list[str] = []
    for c in range(8):
        course = ladok.add_course(
            code=f"DD{1300 + c}", names={"sv": f"Kurs {c}", "en": f"Course {c}"}, organisation_uid=org
        )
        for o in range(2):
            offerings.append(
                ladok.add_offering(
                    course_uid=course, code=f"5{c}{o:03d}", term_code=term, start=start, end=end, organisation_uid=org
                )
            )
    used = 1 + 8 + len(offerings)
    students: list[str] = []
    while used < total:
        steps = _student_steps(ladok, rng, offerings, len(students), today)[: total - used]
        uid = steps[0]()
        for step in steps[1:]:
            step()
        if len(steps) > 1:  # admitted: the second step
            students.append(uid)
        used += len(steps)
    return Scenario(tuple(offerings), tuple(students), used)


def _student_steps(
    ladok: SandboxLadok, rng: random.Random, offerings: list[str], n: int, today: dt.date
) -> list[Callable[[], str]]:
    first, last = f"Student{n}", rng.choice(["Lind", "Ek", "Berg", "Holm", "Sund", "Nasser"])
    personnummer = f"19{rng.randint(70, 99)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{n:04d}"
    uid = f"s-{n:05d}-{rng.randrange(16**8):08x}"
    chosen = rng.sample(offerings, rng.choice([1, 1, 2, 2, 3]))
    steps: list[Callable[[], str]] = [
        lambda: ladok.add_student(uid, first_name=first, last_name=last, personnummer=personnummer),
        lambda: ladok.add_admission(uid, chosen[0]),
        lambda: ladok.add_contact(uid, f"{first.lower()}.{n}@student.example.se"),
    ]
    for index, offering in enumerate(chosen):
        if index:
            steps.append(lambda o=offering: ladok.add_admission(uid, o))
        if rng.random() < 0.8:
            steps.append(lambda o=offering: ladok.add_registration(uid, o))
            if rng.random() < 0.12:
                steps.append(lambda o=offering: ladok.add_participation("AterkalladregistreringEvent", uid, o))
        elif index and rng.random() < 0.4:  # another place turned down: that admission (early access) goes
            steps.append(lambda o=offering: ladok.add_participation("AterbudEvent", uid, o))
    if rng.random() < 0.05:  # suspended from yesterday: every enrollment inactive, new ones made inactive
        steps.append(
            lambda: ladok.add_suspension(uid, start=today - dt.timedelta(days=1), end=today + dt.timedelta(days=30))
        )
    return steps


@dataclass(frozen=True)
class CanvasSnapshot:
    """Canvas as a user sees it, by SIS ids only (Canvas ids differ between runs)."""

    users: dict[str, tuple[str, str | None, tuple[str, ...]]]
    courses: dict[str, tuple[str, str, str]]
    sections: dict[str, tuple[str, str]]
    enrollments: Counter[tuple[str, str, str, str]]
    logins: Counter[str]
    user_sis_ids: Counter[str]


def snapshot(canvas: CanvasSandbox) -> CanvasSnapshot:
    """Users (name, e-mail, logins), courses, sections and live enrollments of the SIS-managed objects."""
    logins = [p for p in canvas.logins() if p.workflow_state != "deleted"]
    sis_of_user = {p.user_id: p.sis_user_id for p in logins if p.sis_user_id}
    users_by_id = {u.id: u for u in canvas.users()}
    users = {
        sis: (
            users_by_id[uid].name,
            users_by_id[uid].email,
            tuple(sorted(p.unique_id for p in logins if p.user_id == uid)),
        )
        for uid, sis in sis_of_user.items()
    }
    live_courses = [c for c in canvas.courses() if c.sis_course_id and c.workflow_state != "deleted"]
    course_sis = {c.id: c.sis_course_id or "" for c in live_courses}
    courses = {c.sis_course_id or "": (c.name, c.course_code, c.workflow_state) for c in live_courses}
    live_sections = [s for s in canvas.sections() if s.sis_section_id and s.workflow_state != "deleted"]
    section_sis = {s.id: s.sis_section_id or "" for s in live_sections}
    sections = {s.sis_section_id or "": (s.name, course_sis.get(s.course_id, "")) for s in live_sections}
    roles = {r.id: r.label for r in canvas.roles()}
    enrollments = Counter(
        (
            sis_of_user.get(e.user_id, ""),
            section_sis.get(e.course_section_id, ""),
            roles.get(e.role_id, ""),
            e.workflow_state,
        )
        for e in canvas.enrollments()
        if e.workflow_state != "deleted"
    )
    return CanvasSnapshot(
        users=users,
        courses=courses,
        sections=sections,
        enrollments=enrollments,
        logins=Counter(p.unique_id.casefold() for p in logins),
        user_sis_ids=Counter(p.sis_user_id for p in logins if p.sis_user_id),
    )
