"""The executor against a throttling and failing Canvas sandbox: pacing, back-off and repeat safety."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from app.canvas.client import CanvasClient
from app.canvas.executor import execute
from app.canvas.known import KnownIds
from app.core.pacing import BucketFigures
from app.core.plan import Enroll, EnsureUser, Unenroll, UserSpec
from app.sandbox.canvas import DEFAULT_TOKEN, ROOT_ACCOUNT_ID, FaultConfig, ThrottleConfig
from tests.integration.canvas.plan_examples import OFFERING, STUDENT, enroll, ensure_course, ensure_user

# Expensive requests: 30 units each against a bucket that drains 10 a second, so a burst must wait.
COSTLY = ThrottleConfig(fixed_cost=30.0)


def run_burst(sandbox, client, count: int) -> None:
    """Enroll and unenroll the student `count` times with every id known."""
    course = execute(ensure_course(), client)
    user = execute(ensure_user(), client)
    known = KnownIds(users={STUDENT: user.canvas_user_id}, sections={OFFERING: course.canvas_section_id})
    for _ in range(count):
        made = execute(enroll(), client, known)
        execute(Unenroll(STUDENT, made.enrollment), client, known)


def test_pacing_keeps_a_burst_under_the_throttle(make_canvas):
    sandbox, client = make_canvas(throttle=COSTLY)

    run_burst(sandbox, client, 20)

    assert sandbox.throttled_count == 0
    assert [e.workflow_state for e in sandbox.enrollments()] == ["deleted"]


def test_throttled_requests_are_waited_out_not_failed(make_canvas):
    # Told a far smaller up-front cost than Canvas holds (say by a row another Canvas wrote), the gate
    # lets the bucket run full and is refused.
    sandbox, client = make_canvas(throttle=COSTLY, figures=BucketFigures(high_water=600.0, up_front=1.0, drain=10.0))

    run_burst(sandbox, client, 20)

    assert sandbox.throttled_count > 0
    assert [e.workflow_state for e in sandbox.enrollments()] == ["deleted"]


def snapshot(sandbox):
    """What a user of Canvas would see: courses, sections, accounts, terms, users and live enrollments."""
    return (
        sorted((c.sis_course_id, c.name, c.workflow_state) for c in sandbox.courses()),
        sorted((s.sis_section_id, s.name) for s in sandbox.sections()),
        sorted((a.name, a.sis_account_id) for a in sandbox.sub_accounts()),
        sorted((t.name, t.sis_term_id) for t in sandbox.terms()),
        sorted((u.name, u.email) for u in sandbox.users()),
        sorted((e.type, e.workflow_state) for e in sandbox.enrollments() if e.workflow_state != "deleted"),
    )


def apply_plan(client) -> None:
    """Create the course and the student, enroll twice over and conclude one enrollment."""
    execute(ensure_course(), client)
    execute(ensure_user(), client)
    execute(enroll(), client)
    made = execute(enroll("admitted", state="inactive", section=OFFERING), client)
    execute(ensure_course(offering="second-offering"), client)
    execute(enroll(section="second-offering"), client)
    execute(Unenroll(STUDENT, made.enrollment), client)


def test_failures_and_lost_answers_leave_the_same_canvas_as_a_clean_run(make_canvas):
    clean, clean_client = make_canvas()
    apply_plan(clean_client)
    faulty, faulty_client = make_canvas(faults=FaultConfig(error_rate=0.2, timeout_rate=0.15, seed=11))

    apply_plan(faulty_client)

    assert faulty.injected_errors > 0 and faulty.injected_timeouts > 0
    assert snapshot(faulty) == snapshot(clean)


def test_workers_in_threads_share_one_client_over_real_http(make_canvas):
    sandbox, _ = make_canvas()
    server = sandbox.serve()
    try:
        with CanvasClient(server.url, DEFAULT_TOKEN, root_account=ROOT_ACCOUNT_ID) as client:
            course = execute(ensure_course(), client)

            def onboard(n: int) -> None:
                uid = f"student-{n}"
                execute(EnsureUser(UserSpec(uid, f"Student {n}", f"login{n}", None), True, True, True), client)
                execute(Enroll(uid, enroll().enrollment), client)

            with ThreadPoolExecutor(max_workers=4) as pool:
                list(pool.map(onboard, range(12)))
    finally:
        server.stop()

    active = [e for e in sandbox.enrollments(course.canvas_course_id) if e.workflow_state == "active"]
    assert len({e.user_id for e in active}) == len(active) == 12
