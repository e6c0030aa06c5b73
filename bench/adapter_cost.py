"""The adapter's own cost: how near `kursadmin worker` processes come to a Canvas ceiling of 100 requests/s.

Sandbox Canvas and Ladok are served on loopback by this process; the workers are real `kursadmin worker
--until-idle` processes reading the feed over HTTP, as an operator runs them. Canvas's bucket charges a
fixed `--cost` (0.1) per request and drains `--outflow` (10) units a second, so it sustains
outflow ÷ cost = 100 requests/s: the ceiling. Every request takes `--latency` (100 ms), so a worker must
keep ≥ 10 requests in flight to reach it; what keeps it below is its own time per key (database
transactions, lock waits, Python). The up-front cost per request in flight defaults to 10 (Canvas's is
50) so that the client's pacing, which keeps 200 units of `X-Rate-Limit-Remaining` in hand, lets 24
requests fly: the bench measures the worker, not the pacing (pass `--up-front 50` to see both at once).

S students × 3 offerings are admitted (one phase), then registered (another). For each phase the bench
counts Canvas's requests from the first to the last one and prints requests/s ÷ ceiling, for one worker
process on SQLite and two worker processes on PostgreSQL by default.

    python -m bench.adapter_cost [--students 2000] [--concurrency 24] [--cases sqlite:1,postgresql:2]
                                 [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.sandbox.canvas import DEFAULT_TOKEN as TOKEN
from app.sandbox.canvas import CanvasSandbox, FaultConfig, ThrottleConfig
from app.sandbox.ladok.sandbox import SandboxLadok
from app.sandbox.ladok.server import serve as serve_ladok
from app.store.db import make_engine
from app.store.schema import upgrade
from bench._common import DEFAULT_POSTGRES_URL, add_students, scratch_database, seed_catalogue

KURSADMIN = Path(sys.executable).with_name("kursadmin")
START = dt.date.today() + dt.timedelta(days=30)  # early access: admitted students are wanted before the start


@dataclass(frozen=True)
class Window:
    """Canvas requests of one phase: how many, from the first to the last, refused, and the bucket's growth."""

    phase: str
    requests: int
    seconds: float
    throttled: int
    bucket_growth: float
    worker_cpu: float  # seconds of CPU the worker processes used, all of them together


class RequestClock:
    """Watches the sandbox's request count and notes when it first and last moved."""

    def __init__(self, canvas: CanvasSandbox, poll: float = 0.01) -> None:
        self.canvas, self.poll = canvas, poll
        self.start_count = self._count()
        self.first: float | None = None
        self.last: float | None = None
        self.last_count = self.start_count
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="request-clock", daemon=True)
        self._thread.start()

    def _count(self) -> int:
        return sum(self.canvas.request_counts().values())

    def _watch(self) -> None:
        while not self._done.wait(self.poll):
            count = self._count()
            if count != self.last_count:
                now = time.perf_counter()
                self.first = self.first if self.first is not None else now
                self.last, self.last_count = now, count

    def stop(self) -> tuple[int, float]:
        """Requests seen and the seconds between the first and the last."""
        self._done.set()
        self._thread.join()
        if self.first is None or self.last is None:
            return 0, 0.0
        return self.last_count - self.start_count, self.last - self.first


def write_config(path: Path, ladok: SandboxLadok, ladok_url: str, canvas_url: str, roles: tuple[int, int]) -> None:
    """One institution: UseAdmitted with two roles, early access on each course created (docs/configuration.md)."""
    path.write_text(
        "\n".join(
            [
                "[[institution]]",
                'id = "bench"',
                f"ladok_larosate_id = {ladok.larosate_id}",
                f'ladok_url = "{ladok_url}"',
                "ladok_start_page = 1",
                f'canvas_url = "{canvas_url}"',
                f'canvas_token = "{TOKEN}"',
                "canvas_root_account_id = 1",
                "",
                "[institution.settings]",
                "UseAdmitted = true",
                f"RoleIdRegistered = {roles[0]}",
                f"RoleIdAdmitted = {roles[1]}",
                "EarlyAccessOnCreateCourse = true",
                "",
            ]
        )
    )


def run_workers(env: dict[str, str], processes: int, concurrency: int, logs: Path) -> float:
    """Start `processes` workers with `--until-idle` at once, wait for all; their CPU seconds (exits if one fails)."""
    procs = []
    for i in range(processes):
        log = logs / f"worker-{len(list(logs.iterdir())):03d}-{i}.log"
        with log.open("wb") as out:
            procs.append(
                (
                    log,
                    subprocess.Popen(
                        [str(KURSADMIN), "worker", "--until-idle", "--concurrency", str(concurrency)],
                        env=env,
                        stdout=out,
                        stderr=subprocess.STDOUT,
                    ),
                )
            )
    cpu = 0.0
    for log, proc in procs:
        _, status, usage = os.wait4(proc.pid, 0)  # the child's own CPU time: a figure the machine's load barely moves
        cpu += usage.ru_utime + usage.ru_stime
        if (code := os.waitstatus_to_exitcode(status)) != 0:
            raise SystemExit(f"a worker exited with {code}:\n{log.read_text(errors='replace')[-3000:]}")
    return cpu


def measure_phase(canvas: CanvasSandbox, name: str, start: Callable[[], float]) -> Window:
    """Run the workers over one phase's events and time Canvas's requests."""
    throttled, bucket = canvas.throttled_count, _bucket(canvas)
    clock = RequestClock(canvas)
    cpu = start()
    requests, seconds = clock.stop()
    return Window(name, requests, seconds, canvas.throttled_count - throttled, _bucket(canvas) - bucket, cpu)


def _bucket(canvas: CanvasSandbox) -> float:
    return canvas.throttle_config.hwm - canvas.app.throttle.remaining(f"token:{TOKEN}")


def run_case(url: str, processes: int, args: argparse.Namespace) -> list[Window]:
    """Seed a fresh database and both sandboxes, then measure the admission and registration phases."""
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    throttle = ThrottleConfig(
        hwm=args.hwm,
        maximum=args.hwm + 200,
        outflow=args.outflow,
        up_front_cost=args.up_front,
        fixed_cost=args.cost,
        latency_cost_weight=0.0,
    )
    faults = FaultConfig(latency=0.0)  # no latency while seeding: only the phases are measured
    canvas = CanvasSandbox(tokens=[TOKEN], throttle=throttle, faults=faults)
    roles = (canvas.create_role("Registrerad"), canvas.create_role("Antagen"))
    ladok = SandboxLadok(page_size=500)
    _, offerings = seed_catalogue(ladok, courses=3, offerings_per_course=1, start=START, term_code=f"HT{START.year}")
    students = add_students(ladok, args.students, random.Random(3), contact=False)
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="kursadmin-adapter-")))
        ladok_url = stack.enter_context(serve_ladok(ladok))
        canvas_url = stack.enter_context(canvas.serve()).url
        write_config(folder / "kursadmin.toml", ladok, ladok_url, canvas_url, roles)
        (folder / "logs").mkdir()
        env = {**os.environ, "KURSADMIN_CONFIG": str(folder / "kursadmin.toml"), "KURSADMIN_DATABASE_URL": url}
        run_workers(env, 1, args.concurrency, folder / "logs")  # courses and students, no enrollments yet
        faults.latency = args.latency
        windows = []
        for name, add in (("admissions", ladok.add_admission), ("registrations", ladok.add_registration)):
            for uid in students:
                for offering in offerings:
                    add(uid, offering)
            windows.append(
                measure_phase(canvas, name, lambda: run_workers(env, processes, args.concurrency, folder / "logs"))
            )
        enrollments = len(canvas.enrollments())
    expected = 2 * len(students) * len(offerings)
    if enrollments != expected:
        raise SystemExit(f"Canvas has {enrollments} enrollments, expected {expected}")
    return windows


def _print(label: str, windows: list[Window], ceiling: float, cost: float) -> None:
    print(f"\n[{label}]")
    total = Window(
        "total",
        sum(w.requests for w in windows),
        sum(w.seconds for w in windows),
        sum(w.throttled for w in windows),
        sum(w.bucket_growth for w in windows),
        sum(w.worker_cpu for w in windows),
    )
    for w in [*windows, total]:
        rate = w.requests / w.seconds if w.seconds else 0.0
        # The bucket starts empty: what it absorbed was sent above the ceiling and does not count.
        steady = (w.requests - w.bucket_growth / cost) / w.seconds if w.seconds else 0.0
        print(
            f"  {w.phase:13} {w.requests:6d} requests in {w.seconds:6.1f} s = {rate:5.1f}/s = {rate / ceiling:.2f} "
            f"of the ceiling; bucket grew {w.bucket_growth:5.1f} → {steady / ceiling:.2f} at a steady state; "
            f"throttled {w.throttled}"
        )
    for w in [*windows, total]:
        # One process runs its reconcilers on one core's worth of the GIL: above 1000 / ceiling ms of CPU
        # per request it cannot reach the ceiling, however idle the machine.
        print(
            f"  {w.phase:13} worker CPU {1000 * w.worker_cpu / max(1, w.requests):5.1f} ms per request "
            f"(one process reaches the ceiling only below {1000 / ceiling:.0f} ms)"
        )


def main() -> None:
    """Measure every case and print achieved requests/s ÷ ceiling."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=24, help="reconciler threads per worker process")
    parser.add_argument("--cases", default="sqlite:1,postgresql:2", help="backend:worker processes, comma-separated")
    parser.add_argument("--database-url", default=DEFAULT_POSTGRES_URL, help="PostgreSQL server for scratch databases")
    parser.add_argument("--cost", type=float, default=0.1, help="bucket units per request")
    parser.add_argument("--outflow", type=float, default=10.0, help="bucket units drained per second")
    parser.add_argument("--hwm", type=float, default=600.0, help="bucket high-water mark")
    parser.add_argument("--up-front", type=float, default=10.0, help="units held per request in flight")
    parser.add_argument("--latency", type=float, default=0.1, help="seconds per Canvas request")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]  # each case as it ends, also into a file
    ceiling = args.outflow / args.cost
    print(
        f"{args.students} students × 3 offerings; Canvas bucket: {args.cost:g} units per request, drains "
        f"{args.outflow:g}/s → ceiling {ceiling:.0f} requests/s; latency {args.latency * 1000:.0f} ms; "
        f"high-water mark {args.hwm:g}, up-front {args.up_front:g}; {args.concurrency} reconcilers per process; "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    for case in args.cases.split(","):
        backend, processes = case.split(":")
        with scratch_database(None if backend == "sqlite" else args.database_url) as url:
            windows = run_case(url, int(processes), args)
        _print(f"{backend}, {processes} worker process(es)", windows, ceiling, args.cost)
    print(f"\nload average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
