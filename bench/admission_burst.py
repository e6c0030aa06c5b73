"""Admission burst: S students × 3 offerings admitted (early access on), then registered, through the real worker.

Canvas is the sandbox with a latency and a leaky-bucket throttle (by default Canvas's own: high-water
mark 600, drain 10 units/s, 50 up front per request in flight; every figure a flag). Its cost per
request is `--cost`, or 0.05 + the latency (as CPU and database time), so the bucket sustains drain ÷
cost requests a second, and no more than fit in flight under the mark ÷ latency: the ceiling this
bench compares with (bench/_bucket_matrix.py). Each phase appends its events to the Ladok sandbox,
records them (read_feed) and drains the queue with N reconciler threads (run_queue), as `kursadmin
worker` does. N = 16: more than the bucket admits in flight at 700 (13); the gate, which learns the
bucket from the answers, holds back the rest.

    python bench/admission_burst.py [--students 500 (full run: 10000)] [--concurrency 16] [--latency 0.1]
        [--high-water 600] [--drain 10] [--cost C] [--up-front 50]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/test]
    python bench/admission_burst.py --matrix [--cell-seconds 15]   # the 24 cells of the throttle matrix
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from app.core.settings import InstitutionSettings
from app.sandbox.canvas import DEFAULT_TOKEN, CanvasSandbox, FaultConfig, ThrottleConfig
from app.sandbox.ladok.sandbox import SandboxLadok
from app.store.db import make_engine
from app.store.queue_tables import JobRow
from app.store.schema import upgrade
from app.store.tables import InboxEvent, LedgerEnrollmentRow
from bench._bucket_matrix import Bucket, run_matrix, simulate_matrix
from bench._common import Wiring, add_students, percentile, scratch_database, seed_catalogue

START = dt.date.today() + dt.timedelta(days=30)  # early access: admitted students are wanted until start + 14 days
KIND_OF_EVENT = {"ForvantatDeltagandeSkapadEvent": "admitted", "RegistreringEvent": "registered"}


@dataclass(frozen=True)
class Phase:
    """What one burst did: events, time to record and to drain, Canvas requests and refusals, latencies."""

    name: str
    events: int
    record_s: float
    drain_s: float
    requests: int
    throttled: int
    latencies: list[float]
    bucket_growth: float


def _utc(moment: dt.datetime) -> dt.datetime:
    # SQLite hands back naive UTC datetimes; PostgreSQL aware ones.
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def event_to_canvas_seconds(engine: Engine, event_type: str) -> list[float]:
    """Per event: from its inbox recorded_at to the ledger's record of the enrollment it asked for."""
    kind = KIND_OF_EVENT[event_type]
    query = (
        select(InboxEvent.recorded_at, LedgerEnrollmentRow.updated_at)
        .join(
            LedgerEnrollmentRow,
            (LedgerEnrollmentRow.institution_id == InboxEvent.institution_id)
            & (LedgerEnrollmentRow.student_uid == InboxEvent.student_uid)
            & (LedgerEnrollmentRow.section_sis_id == InboxEvent.offering_uid),
        )
        .where(InboxEvent.event_type == event_type, LedgerEnrollmentRow.kind == kind)
    )
    with Session(engine) as s:
        return [(_utc(done) - _utc(recorded)).total_seconds() for recorded, done in s.execute(query)]


def run_phase(wiring: Wiring, name: str, event_type: str, append: Callable[[], int], concurrency: int) -> Phase:
    """Append a burst of events, record them, drain the queue; measure each step."""
    canvas = wiring.canvas
    events = append()
    started = time.perf_counter()
    wiring.read_feed()
    recorded = time.perf_counter()
    requests_before, throttled_before = sum(canvas.request_counts().values()), canvas.throttled_count
    bucket_before = _bucket(canvas)
    wiring.drain(concurrency)
    drained = time.perf_counter()
    pending = _pending_keys(wiring.engine)
    if pending:
        # drain() stops early on SIGTERM/SIGINT (the worker's graceful stop): the figures would be partial.
        raise SystemExit(f"{name}: interrupted with {pending} keys still pending")
    return Phase(
        name,
        events,
        recorded - started,
        drained - recorded,
        sum(canvas.request_counts().values()) - requests_before,
        canvas.throttled_count - throttled_before,
        event_to_canvas_seconds(wiring.engine, event_type),
        _bucket(canvas) - bucket_before,
    )


def _pending_keys(engine: Engine) -> int:
    """Keys still waiting in the queue (dead letters not counted)."""
    with Session(engine) as s:
        return (
            s.scalar(
                select(func.count())
                .select_from(JobRow)
                .where(JobRow.dirty_seq > JobRow.done_seq, JobRow.dead.is_(False))
            )
            or 0
        )


def _dead_keys(engine: Engine) -> int:
    """Keys set aside after failing every attempt."""
    with Session(engine) as s:
        return s.scalar(select(func.count()).select_from(JobRow).where(JobRow.dead.is_(True))) or 0


def _bucket(canvas: CanvasSandbox) -> float:
    """How full the token's leaky bucket is now (high-water mark − X-Rate-Limit-Remaining)."""
    return canvas.throttle_config.hwm - canvas.app.throttle.remaining(f"token:{DEFAULT_TOKEN}")


def _print(phases: list[Phase], ceiling: float, cost: float) -> None:
    print(
        f"{'phase':13} {'events':>7} {'record s':>8} {'drain s':>8} {'requests':>8} {'req/s':>6} "
        f"{'of ceiling':>10} {'throttled':>9} {'p50 s':>6} {'p95 s':>6}"
    )
    for p in [*phases, _total(phases)]:
        rate = p.requests / p.drain_s
        lat = (
            f"{percentile(p.latencies, 50):6.1f} {percentile(p.latencies, 95):6.1f}"
            if p.latencies
            else f"{'—':>6} {'—':>6}"
        )
        print(
            f"{p.name:13} {p.events:7d} {p.record_s:8.1f} {p.drain_s:8.1f} {p.requests:8d} {rate:6.1f} "
            f"{rate / ceiling:10.0%} {p.throttled:9d} {lat}  ({p.throttled / max(1, p.requests):.2%} throttled)"
        )
    print("\nThe bucket starts empty, so a short burst can run above the ceiling until it fills. Rate the bucket's")
    print("growth does not explain (requests − growth ÷ cost, per second), which a longer burst converges to:")
    for p in [*phases, _total(phases)]:
        steady = (p.requests - p.bucket_growth / cost) / p.drain_s
        print(
            f"  {p.name:13} bucket grew {p.bucket_growth:6.1f} units → {steady:5.1f} requests/s "
            f"= {steady / ceiling:.0%} of the ceiling"
        )


def _total(phases: list[Phase]) -> Phase:
    return Phase(
        "total",
        sum(p.events for p in phases),
        sum(p.record_s for p in phases),
        sum(p.drain_s for p in phases),
        sum(p.requests for p in phases),
        sum(p.throttled for p in phases),
        [x for p in phases for x in p.latencies],
        sum(p.bucket_growth for p in phases),
    )


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=500, help="10000 for the full run")
    parser.add_argument("--concurrency", type=int, default=16, help="reconciler threads")
    parser.add_argument("--latency", type=float, default=0.1, help="Canvas sandbox latency per request, seconds")
    parser.add_argument("--high-water", type=float, default=600.0, help="the sandbox bucket's high-water mark")
    parser.add_argument("--drain", type=float, default=10.0, help="units the bucket drains a second")
    parser.add_argument(
        "--cost",
        type=float,
        default=None,
        help="units per request (default: 0.05 + the latency, as CPU and database time)",
    )
    parser.add_argument("--up-front", type=float, default=50.0, help="units held per request in flight")
    parser.add_argument(
        "--matrix", action="store_true", help="a registration burst per cell of high-water × drain × cost × latency"
    )
    parser.add_argument(
        "--simulate",
        action="store_true",
        help="with --matrix: the pacing rule alone against the bucket, in simulated time",
    )
    parser.add_argument(
        "--cell-seconds", type=float, default=20.0, help="matrix: seconds each cell runs at its ceiling"
    )
    parser.add_argument("--database-url", help="a PostgreSQL server to create a scratch database on (default SQLite)")
    return parser.parse_args()


def main() -> None:
    """Seed, run the admission and registration bursts (or the throttle matrix), print the figures."""
    args = _arguments()
    if args.matrix and args.simulate:
        simulate_matrix(args.concurrency, 60.0, args.up_front)
        return
    if args.matrix:
        run_matrix(args.concurrency, args.cell_seconds, args.up_front, args.database_url)
        return
    throttle = ThrottleConfig(
        hwm=args.high_water,
        maximum=max(800.0, args.high_water + 200.0),
        outflow=args.drain,
        up_front_cost=args.up_front,
    )
    if args.cost is not None:
        throttle.fixed_cost, throttle.latency_cost_weight = args.cost, 0.0
    ceiling = Bucket(
        args.high_water, args.drain, throttle.cost("POST", "", args.latency), args.up_front, args.latency
    ).ceiling()
    with scratch_database(args.database_url) as url:
        engine = make_engine(url, pool_size=args.concurrency + 2) if url.startswith("postgresql") else make_engine(url)
        upgrade(engine)
        faults = FaultConfig(latency=0.0)  # no latency while seeding: only the bursts are measured
        canvas = CanvasSandbox(tokens=[DEFAULT_TOKEN], throttle=throttle, faults=faults)
        settings = InstitutionSettings(
            use_admitted=True,
            role_id_registered=canvas.create_role("Registrerad"),
            role_id_admitted=canvas.create_role("Antagen"),
            early_access_on_create_course=True,
        )
        ladok = SandboxLadok(page_size=500)
        wiring = Wiring(engine, ladok, canvas, settings)
        started = time.perf_counter()
        _, offerings = seed_catalogue(
            ladok, courses=3, offerings_per_course=1, start=START, term_code=f"HT{START.year}"
        )
        students = add_students(ladok, args.students, random.Random(3), contact=False)
        wiring.read_feed()
        wiring.drain(args.concurrency)
        print(
            f"seeded {len(offerings)} offerings (Canvas courses, early access on) and {len(students)} students "
            f"in {time.perf_counter() - started:.0f} s; database {engine.dialect.name}; "
            f"{args.concurrency} reconcilers; latency {args.latency * 1000:.0f} ms"
        )
        print(
            f"throttle ceiling: outflow {throttle.outflow:g}/s ÷ cost {throttle.cost('POST', '', args.latency):g} "
            f"per request, at most what fits in flight under the mark {throttle.hwm:g} = {ceiling:.1f} requests/s\n"
        )
        faults.latency = args.latency

        def burst(add: Callable[[str, str], object]) -> Callable[[], int]:
            def append() -> int:
                for uid in students:
                    for offering in offerings:
                        add(uid, offering)
                return len(students) * len(offerings)

            return append

        phases = [
            run_phase(
                wiring, "admissions", "ForvantatDeltagandeSkapadEvent", burst(ladok.add_admission), args.concurrency
            ),
            run_phase(wiring, "registrations", "RegistreringEvent", burst(ladok.add_registration), args.concurrency),
        ]
        _print(phases, ceiling, throttle.cost("POST", "", args.latency))
        users = len([u for u in canvas.users() if u.id != canvas.admin_user_id])
        print(
            f"\nCanvas now: {users} users, {len(canvas.enrollments())} enrollments "
            f"(expected {len(students)} users, {2 * len(students) * len(offerings)} enrollments); "
            f"dead letters: {_dead_keys(engine)}"
        )
        engine.dispose()


if __name__ == "__main__":
    main()
