"""Against a Canvas whose bucket is not Instructure's default, the worker paces by what Canvas answers."""

from __future__ import annotations

import threading
from collections import Counter

from sqlalchemy import Engine

from app.core.settings import InstitutionSettings
from app.sandbox.canvas import DEFAULT_TOKEN, CanvasSandbox, FaultConfig, ThrottleConfig
from app.sandbox.canvas.dispatch import RawRequest, RawResponse
from tests.integration.pipeline.world import FakeClock, World, add_offering, add_student

LATENCY = 0.1


def _refusals_in_a_row(canvas: CanvasSandbox) -> Counter[tuple[int, str, str]]:
    """Per (thread, method, path): the longest run of throttled answers to the same request resent."""
    handle, lock = canvas.app.handle, threading.Lock()
    runs: Counter[tuple[int, str, str]] = Counter()
    longest: Counter[tuple[int, str, str]] = Counter()

    def recording(raw: RawRequest) -> RawResponse:
        answer = handle(raw)
        key = (threading.get_ident(), raw.method, raw.path)
        with lock:
            runs[key] = runs[key] + 1 if answer.status in (403, 429) else 0
            longest[key] = max(longest[key], runs[key])
        return answer

    canvas.app.handle = recording  # type: ignore[method-assign]
    return longest


def test_sixty_registrations_on_a_canvas_with_a_mark_of_150_go_at_the_pace_of_its_answers(engine: Engine) -> None:
    clock = FakeClock()  # the sandbox's bucket, its latency and the client's waits all run on it
    canvas = CanvasSandbox(
        tokens=[DEFAULT_TOKEN],
        throttle=ThrottleConfig(hwm=150.0, maximum=350.0),
        faults=FaultConfig(latency=LATENCY),
        clock=clock,
        sleep=clock.sleep,
    )
    world = World(engine, InstitutionSettings(), canvas=canvas, clock=clock)
    offerings = [
        add_offering(world, code="DD1310", offering_code="50123").offering,
        add_offering(world, code="SF1625", offering_code="50456").offering,
    ]
    for n in range(30):
        student = add_student(world, name=f"Student{n}", personnummer=f"2001010{n:05d}")
        for offering in offerings:
            world.ladok.add_registration(student, offering)
    refused_in_a_row = _refusals_in_a_row(canvas)
    started = clock()

    world.sync(concurrency=4)

    registered = [e for e in canvas.enrollments() if e.workflow_state == "active"]
    assert len(registered) == 60
    requests = sum(canvas.request_counts().values())
    # Every simulated second is a request's latency or a wait for the bucket: a fixed 200 units kept in
    # hand waited 5 s before each request here; the bucket (150, draining 10 a second, 0.15 a request)
    # never needs a wait for requests one at a time.
    assert clock() - started <= 1.5 * requests * LATENCY
    assert max(refused_in_a_row.values(), default=0) <= 1
