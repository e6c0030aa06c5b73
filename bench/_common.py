"""What the benches share: scratch databases, a realistic synthetic Ladok population, percentiles, memory."""

from __future__ import annotations

import datetime as dt
import os
import random
import resource
import statistics
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import Engine, create_engine, make_url, text

from app.config import InstitutionConfig
from app.core.safeguards import SafetyLimits
from app.core.settings import InstitutionSettings
from app.pipeline.context import InstitutionContext
from app.pipeline.ingest import IngestResult
from app.pipeline.worker import WorkerStats, context_for, drain, feed_fetcher, read_feed
from app.sandbox.canvas import DEFAULT_TOKEN, CanvasSandbox
from app.sandbox.ladok.sandbox import SandboxLadok

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
FIRST_NAMES = ("Astrid", "Bo", "Cecilia", "David", "Elin", "Farid", "Greta", "Hugo", "Ines", "Jonas", "Karin", "Leo")
LAST_NAMES = ("Lind", "Ek", "Berg", "Sund", "Holm", "Nasser", "Ström", "Åberg", "Öberg", "Nilsson", "Yilmaz")


@contextmanager
def scratch_database(url: str | None) -> Iterator[str]:
    """A URL of an empty database: a temporary SQLite file, or a PostgreSQL database created and dropped here."""
    if url is None or url.startswith("sqlite"):
        with tempfile.TemporaryDirectory(prefix="kursadmin-bench-") as folder:
            yield f"sqlite:///{folder}/bench.db"
        return
    name = f"kursadmin_bench_{os.getpid()}"
    admin = create_engine(make_url(url), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def seed_catalogue(
    ladok: SandboxLadok, *, courses: int, offerings_per_course: int, start: dt.date, term_code: str
) -> tuple[str, list[str]]:
    """One organisation with `courses` courses of `offerings_per_course` offerings each; (org uid, offerings)."""
    org = ladok.add_organisation(code="EECS", names={"sv": "Skolan för datavetenskap", "en": "School of EECS"})
    offerings: list[str] = []
    for c in range(courses):
        course = ladok.add_course(
            code=f"DD{1000 + c}",
            names={"sv": f"Kurs {c}", "en": f"Course {c}"},
            organisation_uid=org,
            education_type_id=22,
        )
        for o in range(offerings_per_course):
            offerings.append(
                ladok.add_offering(
                    course_uid=course,
                    code=f"{50000 + c * 10 + o}",
                    term_code=term_code,
                    start=start,
                    end=start + dt.timedelta(days=130),
                    organisation_uid=org,
                )
            )
    return org, offerings


def add_students(ladok: SandboxLadok, count: int, rng: random.Random, *, contact: bool = True) -> list[str]:
    """`count` students (LokalStudentEvent, and a KontaktuppgifterEvent when `contact`)."""
    uids = []
    for i in range(count):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        uid = ladok.add_student(first_name=first, last_name=last, personnummer=f"2001{i:08d}")
        if contact:
            ladok.add_contact(uid, f"{first.lower()}.{i}@student.example.se")
        uids.append(uid)
    return uids


@dataclass
class Wiring:
    """Sandbox Ladok and Canvas wired to the real worker code in-process (as tests/integration/pipeline/world.py)."""

    engine: Engine
    ladok: SandboxLadok
    canvas: CanvasSandbox
    settings: InstitutionSettings
    safeguards: SafetyLimits = field(default_factory=SafetyLimits)  # the file's [institution.safeguards]

    @property
    def inst(self) -> InstitutionConfig:
        """The institution as configured."""
        # Start at page 1: with no stored position the worker would start at `recent` and skip older pages.
        return InstitutionConfig(
            id="bench",
            ladok_larosate_id=self.ladok.larosate_id,
            ladok_url="http://ladok.test",
            ladok_start_page=1,
            canvas_url="http://canvas.test",
            canvas_token=DEFAULT_TOKEN,
            settings=self.settings,
            safeguards=self.safeguards,
        )

    def context(self) -> InstitutionContext:
        """The reconcile context, talking to both sandboxes in-process."""
        return context_for(
            self.inst, canvas_transport=self.canvas.transport(), ladok_transport=httpx.WSGITransport(app=self.ladok)
        )

    def read_feed(self) -> IngestResult:
        """Record every new feed entry (the worker's read step)."""
        return read_feed(self.engine, self.inst, feed_fetcher(self.inst, httpx.WSGITransport(app=self.ladok)))

    def drain(self, concurrency: int = 1, context: InstitutionContext | None = None) -> WorkerStats:
        """Reconcile until the queue is empty (the worker's act step)."""
        return drain(self.engine, {"bench": context or self.context()}, concurrency)


def percentile(samples: list[float], p: int) -> float:
    """The p-th percentile (1–99) of the samples."""
    if len(samples) == 1:
        return samples[0]
    return statistics.quantiles(samples, n=100, method="inclusive")[p - 1]


def peak_rss_mb() -> float:
    """This process's peak resident memory so far, in MiB.

    VmHWM from /proc (Linux), not getrusage's ru_maxrss: Linux carries ru_maxrss across fork and exec,
    so a freshly spawned child would report its parent's peak.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
