"""A small world for end-to-end rule tests: sandbox Ladok → feed → record → reconcile → sandbox Canvas."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

import httpx
from sqlalchemy import Engine

from app.config import InstitutionConfig
from app.core.settings import InstitutionSettings
from app.pipeline.reconcile import InstitutionContext
from app.pipeline.worker import context_for, drain, feed_fetcher, read_feed
from app.sandbox.canvas import DEFAULT_TOKEN, CanvasSandbox
from app.sandbox.ladok.sandbox import SandboxLadok

TODAY = dt.date.today()


@dataclass
class World:
    """Ladok and Canvas sandboxes wired to the adapter, with a movable clock."""

    engine: Engine
    settings: InstitutionSettings
    ladok: SandboxLadok = field(default_factory=SandboxLadok)
    canvas: CanvasSandbox = field(default_factory=lambda: CanvasSandbox(tokens=[DEFAULT_TOKEN]))
    today: dt.date = TODAY

    @property
    def inst(self) -> InstitutionConfig:
        """The institution as configured."""
        return InstitutionConfig(id="kth", ladok_larosate_id=29, ladok_url="http://ladok.test",
                                 canvas_url="http://canvas.test", canvas_token=DEFAULT_TOKEN, settings=self.settings)

    def context(self) -> InstitutionContext:
        """The reconcile context, talking to both sandboxes in-process."""
        ladok_transport = httpx.WSGITransport(app=self.ladok)
        ctx = context_for(self.inst, canvas_transport=self.canvas.transport(), ladok_transport=ladok_transport)
        return replace(ctx, today=lambda: self.today)

    def sync(self, concurrency: int = 1) -> Any:
        """Read the whole feed and reconcile until idle."""
        read_feed(self.engine, self.inst, feed_fetcher(self.inst, httpx.WSGITransport(app=self.ladok)))
        return drain(self.engine, {"kth": self.context()}, concurrency)

    def enrollments(self, sis_course_id: str, *, states: tuple[str, ...] = ("active",)) -> list[tuple[str, int, str]]:
        """(student sis id, role id, state) of a course's enrollments in the given states, sorted."""
        course = self.canvas.course_by_sis_id(sis_course_id)
        assert course is not None, f"no Canvas course {sis_course_id}"
        sis = {p.user_id: p.sis_user_id for p in self.canvas.logins() if p.sis_user_id}
        return sorted((sis.get(e.user_id, ""), e.role_id, e.workflow_state)
                      for e in self.canvas.enrollments(course_id=course.id) if e.workflow_state in states)
