"""Faults end to end: Canvas answering 500s, timing out and throttling reaches the same state as a calm Canvas."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from sqlalchemy import Engine

from app.core.settings import InstitutionSettings
from app.sandbox.canvas import DEFAULT_TOKEN, CanvasSandbox, FaultConfig, ThrottleConfig
from app.sandbox.ladok.sandbox import SandboxLadok
from app.store.course_settings import link_offering
from app.store.db import write_session
from tests.integration.pipeline.world import TODAY, FakeClock, World, add_offering, add_student


def _settings(canvas: CanvasSandbox) -> InstitutionSettings:
    # Fresh sandboxes create roles in the same order, so both Canvases give them the same ids.
    return InstitutionSettings(
        use_admitted=True,
        role_id_registered=canvas.create_role("Registrerad"),
        role_id_admitted=canvas.create_role("Antagen"),
        early_access_on_create_course=True,
        use_subaccounts_for_program_and_courses=True,
        course_name_format=3,
        use_restrictions=True,
        restrictions_send_message_to_teachers=True,
        use_concluded=True,
    )


def _ladok_scenario(ladok: SandboxLadok) -> list[str]:
    """A term's worth of events for a handful of students; returns the offering uids."""
    org = ladok.add_organisation(code="EECS", names={"sv": "EECS"})
    offerings = [
        add_offering(ladok, code=f"DD13{i}0", offering_code=f"5012{i}", organisation=org).offering for i in range(3)
    ]
    offerings.append(add_offering(ladok, code="CDATE", name="Datateknik", organisation=org, program=True).offering)
    students = [add_student(ladok, name=f"Student{i}", personnummer=f"19900101{i:04d}") for i in range(8)]
    for i, student in enumerate(students):
        first, second = offerings[i % 3], offerings[(i + 1) % 3]
        ladok.add_admission(student, first)
        ladok.add_registration(student, first)
        ladok.add_admission(student, second)
        ladok.add_participation("PaborjatUtbildningstillfalleEvent", student, offerings[3])
    ladok.add_participation("AvbrottEvent", students[0], offerings[0])
    ladok.add_participation("AterbudEvent", students[1], offerings[2])
    ladok.add_participation("ResultatPaHelKursAttesteratEvent", students[2], offerings[2])
    ladok.add_suspension(students[3], start=TODAY - dt.timedelta(days=1), end=TODAY + dt.timedelta(days=20))
    ladok.add_cancellation(offerings[1])
    ladok.add_contact(students[4], "ny.adress@example.se")
    return offerings


def _run(
    engine: Engine,
    ladok: SandboxLadok,
    offerings: list[str],
    canvas: CanvasSandbox,
    inst: str,
    concurrency: int,
    clock: FakeClock | None = None,
) -> World:
    settings = _settings(canvas)
    teachers_course = canvas.create_course("Samläsning", course_code="SAM")
    teacher = canvas.create_user("Lärare", login_id="larare")
    canvas.enroll(teacher, teachers_course, "TeacherEnrollment")
    world = World(engine, settings, ladok=ladok, canvas=canvas, institution_id=inst, clock=clock)
    with write_session(engine) as s:
        link_offering(s, inst, teachers_course, offerings[0], by="teacher")
    world.sync_until_settled(concurrency)
    return world


def _no_duplicates(world: World) -> None:
    logins = Counter(p.sis_user_id for p in world.canvas.logins() if p.sis_user_id)
    assert [sis for sis, n in logins.items() if n > 1] == []
    live = Counter(
        (e.user_id, e.course_section_id, e.role_id) for e in world.canvas.enrollments() if e.workflow_state != "deleted"
    )
    assert [key for key, n in live.items() if n > 1] == []
    assert len([u for u in world.canvas.users()]) == len(logins) + 2  # + the sandbox admin and the teacher


def test_faulty_canvas_reaches_the_same_state_as_a_calm_one(engine: Engine) -> None:
    ladok = SandboxLadok()
    offerings = _ladok_scenario(ladok)
    calm = _run(engine, ladok, offerings, CanvasSandbox(tokens=[DEFAULT_TOKEN]), "calm", concurrency=1)
    clock = FakeClock()
    faulty_canvas = CanvasSandbox(
        tokens=[DEFAULT_TOKEN],
        clock=clock,
        sleep=clock.sleep,
        faults=FaultConfig(error_rate=0.05, timeout_rate=0.02, seed=7),
        # Canvas's bucket, with creates dear enough that four reconcilers run into its high-water mark.
        throttle=ThrottleConfig(cost_model=lambda method, _route, _latency: 200.0 if method == "POST" else 1.0),
    )
    faulty = _run(engine, ladok, offerings, faulty_canvas, "faulty", concurrency=4, clock=clock)

    assert faulty_canvas.injected_errors > 0 and faulty_canvas.injected_timeouts > 0
    assert faulty_canvas.throttled_count > 0
    expected = calm.snapshot()
    assert len(expected["enrollments"]) > 30
    assert faulty.snapshot() == expected
    _no_duplicates(calm)
    _no_duplicates(faulty)
    assert sorted(c.subject for c in faulty_canvas.conversations()) == sorted(
        c.subject for c in calm.canvas.conversations()
    )
