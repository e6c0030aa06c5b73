"""What Canvas lost by hand is made again in the same run (docs/rules.md §5), and a Canvas that keeps answering
404 ends in the ordinary back-off instead of a loop."""

from __future__ import annotations

import datetime as dt

import httpx
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app.core.not_found import MAX_REPLANS
from app.core.settings import InstitutionSettings
from app.pipeline.worker import context_for, drain, feed_fetcher, read_feed
from app.store.queue_tables import JobRow
from app.store.tables import ActionLogRow
from tests.integration.pipeline.world import TODAY, World, add_offering, add_student


class EnrollmentsNotFound(httpx.BaseTransport):
    """A Canvas that answers every new enrollment with 404, however often the course is made sure of."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """404 for POST …/enrollments, the sandbox for everything else."""
        if request.method == "POST" and request.url.path.endswith("/enrollments"):
            return httpx.Response(404, json={"errors": [{"message": "The specified resource does not exist."}]})
        return self.inner.handle_request(request)


def _replans(engine: Engine) -> int:
    with Session(engine) as s:
        return len(s.scalars(select(ActionLogRow).where(ActionLogRow.outcome == "replanned")).all())


def test_a_suspension_reaching_a_course_deleted_by_hand_revives_it_in_the_same_run(engine: Engine) -> None:
    world = World(engine, InstitutionSettings(use_restrictions=True))
    offering = add_offering(world).offering
    student = add_student(world)
    world.ladok.add_registration(student, offering)
    world.sync()
    deleted = world.canvas.course_by_sis_id(offering).id
    world.canvas.delete_course(deleted)
    world.ladok.add_suspension(student, start=TODAY, end=TODAY + dt.timedelta(days=20))

    stats = world.sync()  # deactivating finds the enrollment gone, enrolling finds the section gone: both forgotten

    assert stats.remaining == ()
    assert world.canvas.course_by_sis_id(offering).id == deleted
    assert [(s, st) for s, _r, st in world.enrollments(offering, states=("active", "inactive"))] == [
        (student, "inactive")
    ]
    assert _replans(engine) == 2


def test_a_canvas_that_keeps_answering_404_leaves_the_key_backing_off(engine: Engine) -> None:
    world = World(engine, InstitutionSettings())
    offering = add_offering(world).offering
    world.sync()
    student = add_student(world)
    world.ladok.add_registration(student, offering)
    context = context_for(
        world.inst,
        canvas_transport=EnrollmentsNotFound(world.canvas.transport()),
        ladok_transport=httpx.WSGITransport(app=world.ladok),
    )

    read_feed(engine, world.inst, feed_fetcher(world.inst, httpx.WSGITransport(app=world.ladok)))
    drain(engine, {"kth": context})

    assert _replans(engine) == MAX_REPLANS
    with Session(engine) as s:
        job = s.get(JobRow, ("kth", "student", student))
        assert job is not None and job.attempts == 1 and job.done_seq < job.dirty_seq and "404" in job.last_error
