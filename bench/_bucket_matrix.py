"""The throttle matrix of bench/admission_burst.py: one registration burst per configuration of Canvas's bucket.

Each cell seeds its own students (admitted, with the throttle off and no latency), then configures the
sandbox's bucket and latency, empties the bucket, and registers every student on three offerings
through the real worker with a fresh gate that knows nothing of the bucket. It prints the rate the
bucket's drain paid for (requests − the bucket's growth ÷ cost, per second) against the ceiling:

    ceiling = min(drain ÷ cost, requests the bucket admits in flight ÷ latency)

where the requests admitted in flight are the most k with k × up-front cost < high-water mark (2 at
150, 11 at 600, 13 at 700): with cost 0.1 the drain would pay for 50–100 requests a second, but at
150 only two requests fit in flight, so 2 ÷ 0.1 s = 20 a second bounds them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import math
import random
import time
from dataclasses import dataclass

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from app.core.pacing import BucketPacer
from app.core.settings import InstitutionSettings
from app.sandbox.canvas import DEFAULT_TOKEN, CanvasSandbox, FaultConfig, ThrottleConfig
from app.sandbox.canvas.simulated_workers import simulate
from app.sandbox.ladok.sandbox import SandboxLadok
from app.store.db import make_engine
from app.store.schema import upgrade
from app.store.tables import LedgerEnrollmentRow
from bench._common import Wiring, add_students, scratch_database, seed_catalogue

HIGH_WATERS = (150.0, 600.0, 700.0)
DRAINS = (5.0, 10.0)
COSTS = (0.1, 1.0)
LATENCIES = (0.03, 0.1)
OFFERINGS = 3
START = dt.date.today() + dt.timedelta(days=30)  # early access: admitted students are wanted before the start


@dataclass(frozen=True)
class Bucket:
    """One cell: the sandbox bucket's figures and its latency."""

    high_water: float
    drain: float
    cost: float
    up_front: float
    latency: float

    def in_flight(self) -> int:
        """The most requests in flight whose reservations stay under the high-water mark."""
        return math.ceil(self.high_water / self.up_front) - 1

    def ceiling(self) -> float:
        """Requests a second the bucket allows: its drain over the cost, bounded by what fits in flight."""
        return min(self.drain / self.cost, self.in_flight() / self.latency)

    def bound(self) -> str:
        """What sets the ceiling."""
        return "drain" if self.drain / self.cost <= self.in_flight() / self.latency else "in flight"

    def config(self) -> ThrottleConfig:
        """The sandbox's throttle for this cell (cost per request fixed, whatever the latency)."""
        return ThrottleConfig(
            hwm=self.high_water,
            maximum=self.high_water + 200.0,
            outflow=self.drain,
            up_front_cost=self.up_front,
            fixed_cost=self.cost,
            latency_cost_weight=0.0,
        )


@dataclass(frozen=True)
class Cell:
    """What one registration burst did."""

    bucket: Bucket
    students: int
    seconds: float
    requests: int
    throttled: int
    changes: int
    growth: float

    def achieved(self) -> float:
        """Requests a second the drain paid for: the bucket's growth is a head start a longer run loses."""
        return (self.requests - self.growth / self.bucket.cost) / self.seconds


def students_for(bucket: Bucket, seconds: float) -> int:
    """Enough students that the burst runs about `seconds` at the ceiling after the bucket has filled."""
    # Requests the empty bucket takes before its level holds the pace; never more than the run itself.
    fill = max(0.0, bucket.high_water - 2 * bucket.up_front) / bucket.cost
    steady = bucket.ceiling() * seconds
    return max(20, math.ceil((steady + min(fill, steady)) / OFFERINGS))


def run_cell(bucket: Bucket, students: int, concurrency: int, database_url: str | None) -> Cell:
    """Seed `students` admitted students, then register them all under `bucket`; measure the burst."""
    with scratch_database(database_url) as url:
        engine = make_engine(url)
        upgrade(engine)
        throttle, faults = ThrottleConfig(enabled=False), FaultConfig(latency=0.0)
        canvas = CanvasSandbox(tokens=[DEFAULT_TOKEN], throttle=throttle, faults=faults)
        settings = InstitutionSettings(
            use_admitted=True,
            role_id_registered=canvas.create_role("Registrerad"),
            role_id_admitted=canvas.create_role("Antagen"),
            early_access_on_create_course=True,
        )
        ladok = SandboxLadok(page_size=500)
        wiring = Wiring(engine, ladok, canvas, settings)
        _, offerings = seed_catalogue(
            ladok, courses=OFFERINGS, offerings_per_course=1, start=START, term_code=f"HT{START.year}"
        )
        uids = add_students(ladok, students, random.Random(3), contact=False)
        for uid, offering in itertools.product(uids, offerings):
            ladok.add_admission(uid, offering)
        wiring.read_feed()
        wiring.drain(concurrency)
        for uid, offering in itertools.product(uids, offerings):
            ladok.add_registration(uid, offering)
        wiring.read_feed()
        _configure(canvas, bucket.config())
        faults.latency = bucket.latency
        canvas.app.throttle.reset()
        canvas.reset_stats()
        registered_before = _registered(engine)
        started = time.perf_counter()
        wiring.drain(concurrency)
        seconds = time.perf_counter() - started
        growth = bucket.high_water - canvas.app.throttle.remaining(f"token:{DEFAULT_TOKEN}")
        cell = Cell(
            bucket,
            students,
            seconds,
            sum(canvas.request_counts().values()),
            canvas.throttled_count,
            _registered(engine) - registered_before,
            growth,
        )
        engine.dispose()
        return cell


def _configure(canvas: CanvasSandbox, config: ThrottleConfig) -> None:
    """Give the running sandbox the cell's bucket (its throttle reads this very object)."""
    for spec in dataclasses.fields(config):
        setattr(canvas.throttle_config, spec.name, getattr(config, spec.name))


def _registered(engine: Engine) -> int:
    with Session(engine) as s:
        return (
            s.scalar(
                select(func.count()).select_from(LedgerEnrollmentRow).where(LedgerEnrollmentRow.kind == "registered")
            )
            or 0
        )


def run_matrix(concurrency: int, seconds: float, up_front: float, database_url: str | None) -> None:
    """Every cell of high-water mark × drain × cost × latency; one line each, then a summary."""
    print(
        f"{'hwm':>4} {'drain':>5} {'cost':>4} {'lat ms':>6} {'bound':>9} {'ceiling':>7} {'students':>8} "
        f"{'s':>5} {'requests':>8} {'req/s':>6} {'÷ ceiling':>9} {'throttled':>9} {'req/change':>10}"
    )
    cells = []
    for hwm, drain, cost, latency in itertools.product(HIGH_WATERS, DRAINS, COSTS, LATENCIES):
        bucket = Bucket(hwm, drain, cost, up_front, latency)
        cell = run_cell(bucket, students_for(bucket, seconds), concurrency, database_url)
        cells.append(cell)
        print(
            f"{hwm:4.0f} {drain:5.0f} {cost:4.1f} {latency * 1000:6.0f} {bucket.bound():>9} "
            f"{bucket.ceiling():7.1f} {cell.students:8d} {cell.seconds:5.1f} {cell.requests:8d} "
            f"{cell.achieved():6.1f} {cell.achieved() / bucket.ceiling():9.2f} "
            f"{cell.throttled / max(1, cell.requests):9.2%} {cell.requests / max(1, cell.changes):10.2f}",
            flush=True,
        )
    worst = min(cells, key=lambda c: c.achieved() / c.bucket.ceiling())
    print(
        f"\nlowest ÷ ceiling {worst.achieved() / worst.bucket.ceiling():.2f}; "
        f"most throttled {max(c.throttled / max(1, c.requests) for c in cells):.2%}; "
        f"requests per enrollment change {min(c.requests / max(1, c.changes) for c in cells):.2f}–"
        f"{max(c.requests / max(1, c.changes) for c in cells):.2f}"
    )


def simulate_matrix(concurrency: int, seconds: float, up_front: float) -> None:
    """Every cell with the pacing rule alone in simulated time: what the rule reaches with no adapter to run."""
    print(
        f"{'hwm':>4} {'drain':>5} {'cost':>4} {'lat ms':>6} {'bound':>9} {'ceiling':>7} {'requests':>8} "
        f"{'req/s':>6} {'÷ ceiling':>9} {'throttled':>9} {'in flight':>9}  learnt"
    )
    for hwm, drain, cost, latency in itertools.product(HIGH_WATERS, DRAINS, COSTS, LATENCIES):
        bucket, pacer = Bucket(hwm, drain, cost, up_front, latency), BucketPacer()
        # The first half learns the bucket; the second is measured, less what the bucket's growth paid for.
        run = simulate(pacer, bucket.config(), latency=latency, workers=concurrency, seconds=2 * seconds)
        rate = run.rate(seconds, 2 * seconds) - run.growth(seconds, 2 * seconds) / cost / seconds
        learnt = pacer.figures()
        print(
            f"{hwm:4.0f} {drain:5.0f} {cost:4.1f} {latency * 1000:6.0f} {bucket.bound():>9} "
            f"{bucket.ceiling():7.1f} {len(run.done_at):8d} {rate:6.1f} {rate / bucket.ceiling():9.2f} "
            f"{run.refused / max(1, len(run.done_at)):9.2%} {run.most_in_flight:9d}  "
            f"mark {learnt.high_water or 0:.0f}, up front {learnt.up_front or 0:.1f}, "
            f"drain {'—' if learnt.drain is None else f'{learnt.drain:.2f}'}"
        )
