"""`kursadmin demo`: the whole system embedded — SQLite, sandbox Canvas, sandbox Ladok, sandbox LTI platform."""

from __future__ import annotations

import datetime as dt
import secrets
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
from werkzeug.serving import make_server

from app import create_app
from app.config import AppConfig, InstitutionConfig, LtiRegistration
from app.core.settings import InstitutionSettings
from app.core.swedish_time import swedish_today
from app.pipeline.worker import context_for, drain, feed_fetcher, read_feed, run_forever
from app.sandbox.canvas import DEFAULT_TOKEN, CanvasSandbox
from app.sandbox.ladok.sandbox import SandboxLadok
from app.sandbox.ladok.server import serve as serve_ladok
from app.sandbox.lti.platform import SandboxPlatform
from app.store.schema import upgrade

STUDENTS = [("Ada", "Lovelace"), ("Alan", "Turing"), ("Grace", "Hopper"), ("Edsger", "Dijkstra"),
            ("Barbara", "Liskov"), ("Donald", "Knuth"), ("Frances", "Allen"), ("Tony", "Hoare")]


@dataclass(frozen=True)
class DemoScenario:
    """What the demo put in Ladok: offering uids by course code, and the students."""

    offerings: dict[str, str]
    students: list[str]


def seed(ladok: SandboxLadok, today: dt.date) -> DemoScenario:
    """A small term: two courses at one school, admissions, registrations, one withdrawal, one suspension."""
    start = today + dt.timedelta(days=7)
    end = start + dt.timedelta(days=120)
    term = f"{'HT' if start.month >= 7 else 'VT'}{start.year}"
    org = ladok.add_organisation(code="EECS", names={"sv": "Skolan för elektroteknik och datavetenskap",
                                                     "en": "School of EECS"})
    offerings = {}
    for code, sv, en, tillfalle in (("DD1310", "Programmeringsteknik", "Programming Techniques", "50123"),
                                    ("SF1625", "Envariabelanalys", "Calculus in One Variable", "50456")):
        course = ladok.add_course(code=code, names={"sv": sv, "en": en}, organisation_uid=org)
        offerings[code] = ladok.add_offering(course_uid=course, code=tillfalle, term_code=term, start=start,
                                             end=end, organisation_uid=org)
    students = []
    for i, (first, last) in enumerate(STUDENTS):
        uid = ladok.add_student(first_name=first, last_name=last, personnummer=f"20010101{1000 + i}")
        ladok.add_contact(uid, f"{first.lower()}.{last.lower()}@student.example.se")
        students.append(uid)
        for offering in offerings.values():
            ladok.add_admission(uid, offering)
        if i % 2 == 0:
            ladok.add_registration(uid, offerings["DD1310"])
    ladok.add_participation("AterbudEvent", students[-1], offerings["SF1625"])
    ladok.add_suspension(students[2], start=today, end=today + dt.timedelta(days=30))
    return DemoScenario(offerings, students)


@contextmanager
def _serve_wsgi(host: str, get_app: Callable[[], Any]) -> Iterator[str]:
    """Serve a WSGI app that is built after the port is known (the tool's URL goes into its own config)."""
    server = make_server(host, 0, lambda environ, start: get_app()(environ, start), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True, name=f"demo-{host}")
    thread.start()
    try:
        yield f"http://{host}:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()


def run_demo(database: Path, once: bool, today: dt.date | None = None) -> dict[str, Any]:
    """Start everything, apply a seeded Ladok term to Canvas, print where to look; serve until Ctrl-C."""
    today = today or swedish_today()
    canvas = CanvasSandbox(tokens=[DEFAULT_TOKEN])
    registered, admitted = canvas.create_role("Registrerad"), canvas.create_role("Antagen")
    ladok = SandboxLadok()
    scenario = seed(ladok, today)
    holder: dict[str, Any] = {}
    with ExitStack() as stack:
        canvas_server = stack.enter_context(canvas.serve())
        ladok_url = stack.enter_context(serve_ladok(ladok))
        tool_url = stack.enter_context(_serve_wsgi("localhost", lambda: holder["app"]))
        platform = SandboxPlatform(tool_login_url=f"{tool_url}/lti/login", tool_launch_url=f"{tool_url}/lti/launch")
        platform_url = stack.enter_context(platform.serve())
        settings = InstitutionSettings(use_admitted=True, role_id_registered=registered, role_id_admitted=admitted,
                                       early_access_on_create_course=True, use_restrictions=True,
                                       restrictions_send_message_to_teachers=True, course_name_format=2)
        reg = platform.registration()
        inst = InstitutionConfig(
            id="demo", ladok_larosate_id=ladok.larosate_id, ladok_url=ladok_url, ladok_start_page=1,
            canvas_url=canvas_server.url,
            canvas_token=DEFAULT_TOKEN, settings=settings,
            lti=(LtiRegistration(**{**reg, "deployment_ids": tuple(reg["deployment_ids"])}),),  # type: ignore[arg-type]
        )
        config = AppConfig(database_url=f"sqlite:///{database}", secret_key=secrets.token_hex(32),
                           institutions=(inst,), extra={"web": {"frame_ancestors": [platform_url]}})
        holder["app"] = flask_app = create_app(config)
        engine = flask_app.extensions["kursadmin.engine"]
        upgrade(engine)
        contexts = {inst.id: context_for(inst)}
        fetchers = {inst.id: feed_fetcher(inst)}
        recorded = read_feed(engine, inst, fetchers[inst.id])
        stats = drain(engine, contexts, concurrency=2)
        summary = _summary(canvas, scenario, recorded.recorded.total(), stats.operations)
        click.echo(f"Ladok sandbox:  {ladok_url}/handelser/feed/recent")
        click.echo(f"Canvas sandbox: {canvas_server.url}/api/v1/courses/sis_course_id:{scenario.offerings['DD1310']}")
        click.echo(f"Recorded {summary['events']} Ladok events; {summary['operations']} Canvas operations.")
        for line in summary["courses"]:
            click.echo(f"  {line}")
        course_id = summary["course_ids"][0]
        click.echo(f"Launch the tool as a teacher: {platform_url}{platform.frame_page_path('teacher', course_id)}")
        click.echo(f"…as an administrator:         {platform_url}{platform.frame_page_path('admin')}")
        if once:
            return summary
        click.echo("Serving; new Ladok events are applied within seconds. Ctrl-C stops.")
        stop = threading.Event()
        try:
            run_forever(engine, [inst], contexts, fetchers, concurrency=2, poll=2.0, stop=stop)
        except KeyboardInterrupt:
            stop.set()
        return summary


def _summary(canvas: CanvasSandbox, scenario: DemoScenario, events: int, operations: int) -> dict[str, Any]:
    courses, ids = [], []
    for code, uid in scenario.offerings.items():
        course = canvas.course_by_sis_id(uid)
        if course is None:
            courses.append(f"{code}: not in Canvas")
            continue
        ids.append(course.id)
        states: dict[str, int] = {}
        for e in canvas.enrollments(course_id=course.id):
            states[e.workflow_state] = states.get(e.workflow_state, 0) + 1
        courses.append(f"{code}: Canvas course {course.id} '{course.name}', enrollments {dict(sorted(states.items()))}")
    return {"events": events, "operations": operations, "courses": courses, "course_ids": ids}

