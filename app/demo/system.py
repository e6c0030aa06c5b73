"""The demo's parts started together: sandboxes, the tool, the index page; the worker runs on demand."""

from __future__ import annotations

import datetime as dt
import secrets
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from app import create_app
from app.config import AppConfig, InstitutionConfig, LtiRegistration
from app.core.settings import InstitutionSettings
from app.core.swedish_time import swedish_today
from app.demo.index import index_pages
from app.demo.people import canvas_personas, seat
from app.pipeline.activity import ActivityRecorder
from app.pipeline.context import InstitutionContext
from app.pipeline.worker import context_for, drain, feed_fetcher, read_feed, run_forever
from app.sandbox.canvas import DEFAULT_TOKEN, CanvasSandbox
from app.sandbox.canvas.state import Course
from app.sandbox.ladok.demo import DemoLadok, seed_demo
from app.sandbox.ladok.desk import LadokDesk
from app.sandbox.ladok.gui import ladok_gui, with_gui
from app.sandbox.ladok.sandbox import SandboxLadok
from app.sandbox.ladok.server import serve as serve_ladok
from app.sandbox.lti.canvas_courses import course_facts_from
from app.sandbox.lti.platform import SandboxPlatform
from app.sandbox.serving import WsgiApp, serve_in_thread
from app.store.schema import upgrade

INSTITUTION_ID = "demo"
FEED_POLL = 1.0  # seconds between feed reads: a change on the Ladok page shows in Canvas within seconds


@dataclass(frozen=True, slots=True)
class Applied:
    """What one round of the worker did: Ladok events recorded, Canvas operations performed."""

    events: int
    operations: int


@dataclass
class Demo:
    """The running demo: where each part answers, and the worker, once or until stopped."""

    index_url: str
    canvas: CanvasSandbox
    canvas_url: str
    desk: LadokDesk
    ladok_url: str
    platform: SandboxPlatform
    platform_url: str
    tool_url: str
    seeded: DemoLadok
    engine: Engine
    institution: InstitutionConfig
    context: InstitutionContext
    recorder: ActivityRecorder

    def apply(self) -> Applied:
        """Read the feed and reconcile until nothing is pending."""
        recorded = read_feed(self.engine, self.institution, self._fetcher())
        stats = drain(self.engine, {self.institution.id: self.context}, concurrency=2)
        return Applied(recorded.recorded.total(), stats.operations)

    def work(self, stop: threading.Event) -> None:
        """Read the feed every second and reconcile continuously until `stop` is set (or Ctrl-C)."""
        run_forever(
            self.engine,
            [self.institution],
            {self.institution.id: self.context},
            {self.institution.id: self._fetcher()},
            concurrency=2,
            poll=FEED_POLL,
            stop=stop,
        )

    def _fetcher(self) -> Callable[[str], bytes]:
        return self.recorder.feed_fetcher(self.institution.id, feed_fetcher(self.institution))

    def courses(self) -> list[Course]:
        """The Canvas courses the adapter made (with an SIS id), by name; the demo's people are seated in each."""
        made = sorted(
            (c for c in self.canvas.courses() if c.sis_course_id and c.workflow_state != "deleted"),
            key=lambda c: (c.name, c.id),
        )
        for course in made:
            seat(self.canvas, self.platform.personas, course.id)
        return made

    def launch_url(self, persona: str, course_id: int | None = None) -> str:
        """The sandbox platform's page that launches the tool as `persona` (in a course, or the account)."""
        return self.platform_url + self.platform.frame_page_path(persona, course_id)


def demo_settings(registered_role: int, admitted_role: int) -> InstitutionSettings:
    """The switches the demo shows off: admitted students (early access off until a teacher turns it on)."""
    return InstitutionSettings(
        use_admitted=True,
        role_id_registered=registered_role,
        role_id_admitted=admitted_role,
        use_restrictions=True,
        restrictions_send_message_to_teachers=True,
        course_name_format=2,
    )


@contextmanager
def start_demo(database_url: str, *, port: int = 0, today: dt.date | None = None) -> Iterator[Demo]:
    """Seed Ladok, start every server on loopback and create the schema; the worker is the caller's to run.

    The index page is served on 127.0.0.1:`port` (0: any free port).
    """
    today = today or swedish_today()
    canvas = CanvasSandbox(tokens=[DEFAULT_TOKEN])
    ladok = SandboxLadok()
    desk = LadokDesk(ladok, today=swedish_today)
    seeded = seed_demo(desk, today)
    nav: dict[str, str] = {}  # filled once every server has its address
    defaults = {"term": seeded.term_code, "start": seeded.start, "end": seeded.end}
    holder: dict[str, Any] = {}
    with ExitStack() as stack:
        canvas_url = stack.enter_context(canvas.serve(nav)).url
        ladok_url = stack.enter_context(serve_ladok(with_gui(ladok, ladok_gui(desk, nav, lambda: dict(defaults)))))
        tool_url = stack.enter_context(serve_in_thread(_late(holder, "tool"), "localhost"))
        platform = _platform(canvas, tool_url)
        # Served quietly here rather than by platform.serve(), whose access log would drown the demo's output.
        platform.base_url = platform_url = stack.enter_context(serve_in_thread(platform.app))
        config = _demo_config(database_url, ladok, ladok_url, canvas, canvas_url, platform)
        inst = config.institutions[0]
        holder["tool"] = tool = create_app(config)
        engine = tool.extensions["kursadmin.engine"]
        upgrade(engine)  # the demo's own database: it may create its schema itself
        context, recorder = context_for(inst), ActivityRecorder(engine)  # what /metrics, /healthz and /admin read
        recorder.count_canvas({inst.id: context})
        stack.enter_context(recorder)
        demo = Demo(
            "",
            canvas,
            canvas_url,
            desk,
            ladok_url,
            platform,
            platform_url,
            tool_url,
            seeded,
            engine,
            inst,
            context,
            recorder,
        )
        demo.index_url = stack.enter_context(serve_in_thread(_late(holder, "index"), port=port)) + "/"
        holder["index"] = index_pages(demo, nav)
        nav.update({"Demo": demo.index_url, "Canvas": f"{canvas_url}/", "Ladok": f"{ladok_url}/gui/"})
        try:
            yield demo
        finally:
            engine.dispose()


def _platform(canvas: CanvasSandbox, tool_url: str) -> SandboxPlatform:
    return SandboxPlatform(
        tool_login_url=f"{tool_url}/lti/login",
        tool_launch_url=f"{tool_url}/lti/launch",
        course_facts=course_facts_from(canvas),
        personas=canvas_personas(canvas),
    )


def _demo_config(
    database_url: str,
    ladok: SandboxLadok,
    ladok_url: str,
    canvas: CanvasSandbox,
    canvas_url: str,
    platform: SandboxPlatform,
) -> AppConfig:
    """The demo's one institution on the sandboxes, its tool framed only by the sandbox platform."""
    roles = canvas.create_role("Registrerad"), canvas.create_role("Antagen")
    reg = platform.registration()
    inst = InstitutionConfig(
        id=INSTITUTION_ID,
        ladok_larosate_id=ladok.larosate_id,
        ladok_url=ladok_url,
        ladok_start_page=1,
        canvas_url=canvas_url,
        canvas_token=DEFAULT_TOKEN,
        settings=demo_settings(*roles),
        lti=(LtiRegistration(**{**reg, "deployment_ids": tuple(reg["deployment_ids"])}),),  # type: ignore[arg-type]
    )
    return AppConfig(
        database_url=database_url,
        secret_key=secrets.token_hex(32),
        institutions=(inst,),
        extra={"web": {"frame_ancestors": [platform.base_url]}},
    )


def _late(holder: dict[str, Any], name: str) -> WsgiApp:
    """A WSGI app that is built after its server has an address (the tool's own URL is in its configuration)."""
    return lambda environ, start_response: holder[name](environ, start_response)
