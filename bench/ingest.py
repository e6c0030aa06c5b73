"""Record-step throughput: a synthetic Ladok feed of N events, parsed and recorded into SQLite and PostgreSQL.

The feed is written by the Ladok sandbox (FeedStore, xmlwriter) as archived Atom pages, with a realistic
mix: catalogue (organisation, courses, offerings), students with contact data, admissions, registrations
and withdrawals. Each database is measured in a fresh process, page by page as the worker reads a feed
(parse_page, then ingest_entries in one transaction per page), so peak memory is that of the record step.

    python bench/ingest.py [--events 20000 (full run: 100000)] [--page-size 500] [--backends sqlite,postgresql]
                           [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.ladok.atom import parse_page
from app.ladok.feed import archive_url
from app.pipeline.ingest import IngestResult, ingest_entries
from app.sandbox.ladok.sandbox import SandboxLadok
from app.store.db import make_engine
from app.store.schema import upgrade
from bench._common import DEFAULT_POSTGRES_URL, add_students, peak_rss_mb, scratch_database, seed_catalogue

FEED_BASE = "http://ladok.bench/handelser/feed"
INSTITUTION, LAROSATE = "bench", 29
WITHDRAWALS = ("AterkalladregistreringEvent", "AterbudEvent", "ForvantatDeltagandeBorttagetEvent", "AvbrottEvent")


def generate_feed(events: int, page_size: int, folder: Path, seed: int = 1) -> Counter[str]:
    """Write about `events` events as numbered feed pages into `folder`; returns the count per event type."""
    rng = random.Random(seed)
    ladok = SandboxLadok(larosate_id=LAROSATE, page_size=page_size)
    # About 7.5 events per student (1 + 0.5 contact + 3 admissions + 2.6 registrations + 0.4 withdrawals).
    students = max(1, round(events / 7.5))
    courses = max(1, students // 150)
    _, offerings = seed_catalogue(
        ladok, courses=courses, offerings_per_course=3, start=dt.date(2026, 8, 31), term_code="HT2026"
    )
    admitted: list[tuple[str, str]] = []
    for uid in add_students(ladok, students, rng, contact=False):
        if rng.random() < 0.5:
            ladok.add_contact(uid, f"{uid[:8]}@student.example.se")
        for offering in rng.sample(offerings, min(3, len(offerings))):
            ladok.add_admission(uid, offering)
            admitted.append((uid, offering))
    registered = [pair for pair in admitted if rng.random() < 0.87]
    for uid, offering in registered:
        ladok.add_registration(uid, offering)
    for uid, offering in rng.sample(registered, min(len(registered), round(0.05 * len(admitted)))):
        ladok.add_participation(rng.choice(WITHDRAWALS), uid, offering)
    kinds: Counter[str] = Counter()
    for number in range(1, ladok.feed.current_page + 1):
        page = ladok.feed.page_xml(FEED_BASE, number)
        assert page is not None
        (folder / f"{number:06d}.xml").write_bytes(page)
    for page_file in sorted(folder.glob("*.xml")):
        kinds.update(e.event_type for e in parse_page(page_file.read_bytes()).entries)
    return kinds


@dataclass(frozen=True)
class Measured:
    """One backend's run: seconds spent parsing and recording, events recorded, memory, first/last tenth speed."""

    backend: str
    events: int
    recorded: int
    parse_seconds: float
    record_seconds: float
    record_cpu_seconds: float
    first_tenth_per_s: float
    last_tenth_per_s: float
    peak_rss_mb: float
    baseline_rss_mb: float


def measure(url: str, folder: str) -> Measured:
    """Parse and record every page of the feed in `folder` into a fresh database at `url` (in this process)."""
    engine = make_engine(url)
    upgrade(engine)
    baseline = peak_rss_mb()
    pages = sorted(Path(folder).glob("*.xml"))
    parse_s = record_s = record_cpu = 0.0
    total = IngestResult()
    per_page: list[tuple[int, float]] = []
    for page_file in pages:
        data = page_file.read_bytes()
        started = time.perf_counter()
        page = parse_page(data)
        parsed, cpu = time.perf_counter(), time.process_time()
        result = ingest_entries(
            engine,
            INSTITUTION,
            LAROSATE,
            archive_url(page_file.name, page),
            list(reversed(page.entries)),
            page.problems,
        )
        done = time.perf_counter()
        record_cpu += time.process_time() - cpu
        parse_s += parsed - started
        record_s += done - parsed
        per_page.append((len(page.entries), done - parsed))
        total.recorded.update(result.recorded)
        if result.rejected:
            raise RuntimeError(f"{page_file.name}: rejected {result.rejected[:3]}")
    engine.dispose()
    tenth = max(1, len(per_page) // 10)

    def rate(part: list[tuple[int, float]]) -> float:
        return sum(n for n, _ in part) / sum(s for _, s in part)

    return Measured(
        engine.dialect.name,
        sum(n for n, _ in per_page),
        sum(total.recorded.values()),
        parse_s,
        record_s,
        record_cpu,
        rate(per_page[:tenth]),
        rate(per_page[-tenth:]),
        peak_rss_mb(),
        baseline,
    )


def _in_fresh_process(url: str, folder: str) -> Measured:
    # A fresh interpreter per backend: its peak memory is the record step's, not the feed generator's.
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(measure, url, folder).result()


def _report(m: Measured) -> None:
    print(f"\n[{m.backend}] {m.events} events in feed, {m.recorded} recorded")
    print(f"  parse only:        {m.events / m.parse_seconds:9,.0f} events/s  ({m.parse_seconds:6.1f} s)")
    print(f"  record step:       {m.events / m.record_seconds:9,.0f} events/s  ({m.record_seconds:6.1f} s)")
    print(
        f"  record step, per CPU second of this process: {m.events / m.record_cpu_seconds:,.0f} events "
        f"(wall/CPU {m.record_seconds / m.record_cpu_seconds:.1f}: time waiting for the database or a core)"
    )
    print(f"  parse + record:    {m.events / (m.parse_seconds + m.record_seconds):9,.0f} events/s")
    print(f"  record, first/last tenth of pages: {m.first_tenth_per_s:,.0f} / {m.last_tenth_per_s:,.0f} events/s")
    print(f"  peak RSS:          {m.peak_rss_mb:9.0f} MiB  (after imports and migration: {m.baseline_rss_mb:.0f} MiB)")


def main() -> None:
    """Generate the feed, measure each backend, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=20_000, help="100000 for the full run")
    parser.add_argument("--page-size", type=int, default=500)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument(
        "--database-url", default=DEFAULT_POSTGRES_URL, help="PostgreSQL server to create a scratch database on"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kursadmin-feed-") as folder:
        started = time.perf_counter()
        kinds = generate_feed(args.events, args.page_size, Path(folder))
        pages = len(list(Path(folder).glob("*.xml")))
        print(
            f"feed: {sum(kinds.values())} events in {pages} pages of {args.page_size} "
            f"(generated in {time.perf_counter() - started:.0f} s)"
        )
        for kind, count in kinds.most_common():
            print(f"  {count:7d}  {kind}")
        for backend in args.backends.split(","):
            with scratch_database(None if backend == "sqlite" else args.database_url) as url:
                _report(_in_fresh_process(url, folder))


if __name__ == "__main__":
    main()
