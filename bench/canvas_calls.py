"""Canvas requests per Ladok event type: the first occurrence, and the steady state (student and section known).

Each event is appended to the Ladok sandbox alone, read and reconciled by the real worker code, and the
Canvas sandbox's request_counts() tell what it cost. Settings: UseAdmitted with two roles, early access
on at course creation, one department, safety filter off. The steady state should be one request per enrollment change.

    python bench/canvas_calls.py [--students 20] [--database-url postgresql+psycopg://…]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.core.safeguards import SafetyLimits
from app.core.settings import InstitutionSettings
from app.sandbox.canvas import DEFAULT_TOKEN, CanvasSandbox
from app.sandbox.ladok.sandbox import SandboxLadok
from app.store.db import make_engine
from app.store.schema import upgrade
from bench._common import Wiring, add_students, scratch_database

START = dt.date.today() + dt.timedelta(days=20)
TERM = f"HT{START.year}"


@dataclass
class Tally:
    """Requests per sample of one situation, and which routes the last sample used."""

    samples: list[int] = field(default_factory=list)
    routes: Counter[tuple[str, str]] = field(default_factory=Counter)


class Meter:
    """Runs one Ladok event at a time through read + reconcile and counts the Canvas requests it caused."""

    def __init__(self, wiring: Wiring) -> None:
        self.wiring = wiring
        self.context = wiring.context()
        self.tallies: dict[str, Tally] = defaultdict(Tally)

    def run(self, situation: str, append: Callable[[], object]) -> None:
        """Append the event(s), sync, and file the request count under `situation`."""
        before = Counter(self.wiring.canvas.request_counts())
        append()
        self.wiring.read_feed()
        self.wiring.drain(1, self.context)
        routes = Counter(self.wiring.canvas.request_counts())
        routes.subtract(before)
        routes = +routes  # drop the routes this event did not use
        tally = self.tallies[situation]
        tally.samples.append(sum(routes.values()))
        tally.routes = routes


def _scenario(meter: Meter, ladok: SandboxLadok, students: int) -> None:
    rng = random.Random(7)
    run = meter.run
    org_box: list[str] = []
    run(
        "OrganisationSkapadEvent",
        lambda: org_box.append(ladok.add_organisation(code="EECS", names={"sv": "Datavetenskap", "en": "EECS"})),
    )
    org = org_box[0]
    courses: list[str] = []
    run(
        "KursTillStatusEvent (no offering yet)",
        lambda: courses.append(
            ladok.add_course(code="DD1310", names={"sv": "Programmering", "en": "Programming"}, organisation_uid=org)
        ),
    )
    offerings: list[str] = []

    def add_offering(code: str) -> None:
        offerings.append(
            ladok.add_offering(
                course_uid=courses[0],
                code=code,
                term_code=TERM,
                start=START,
                end=START + dt.timedelta(days=130),
                organisation_uid=org,
            )
        )

    run("KurstillfalleTillStatusEvent, first (new term, new sub-account)", lambda: add_offering("50101"))
    run("KurstillfalleTillStatusEvent, more (term, sub-account known)", lambda: add_offering("50102"))
    run("KurstillfalleTillStatusEvent, more (term, sub-account known)", lambda: add_offering("50103"))
    a, b, c = offerings
    uids: list[str] = []
    for _ in range(students):
        run(
            "LokalStudentEvent + KontaktuppgifterEvent (no enrollment: no account)",
            lambda: uids.extend(add_students(ladok, 1, rng)),
        )
    for uid in uids:
        run("ForvantatDeltagandeSkapadEvent, first (creates the user)", lambda u=uid: ladok.add_admission(u, a))
    for uid in uids:
        run("ForvantatDeltagandeSkapadEvent, steady (user, section known)", lambda u=uid: ladok.add_admission(u, b))
    for uid in uids:
        run("RegistreringEvent, steady (user, section known)", lambda u=uid: ladok.add_registration(u, b))
    for uid in uids:
        run("RegistreringEvent, steady, not admitted before", lambda u=uid: ladok.add_registration(u, c))
    for uid in uids:
        run(
            "AterkalladregistreringEvent, steady (unenroll)",
            lambda u=uid: ladok.add_participation("AterkalladregistreringEvent", u, c),
        )
    for uid in uids:
        run(
            "AterbudEvent on admitted + registered (two unenrolls)",
            lambda u=uid: ladok.add_participation("AterbudEvent", u, b),
        )
    for uid in uids:
        run(
            "KontaktuppgifterEvent, new e-mail (user update)",
            lambda u=uid: ladok.add_contact(u, f"new.{u[:8]}@student.example.se"),
        )
    late: list[str] = []
    run(
        "LokalStudentEvent + KontaktuppgifterEvent (no enrollment: no account)",
        lambda: late.extend(add_students(ladok, 1, rng)),
    )
    run("RegistreringEvent, first (creates the user)", lambda: ladok.add_registration(late[0], a))
    run(
        "KurstillfalleUppdateratEvent (course update)",
        lambda: ladok.add_offering(
            a,
            course_uid=courses[0],
            code="50101",
            term_code=TERM,
            start=START,
            end=START + dt.timedelta(days=140),
            organisation_uid=org,
            updated=True,
        ),
    )
    run("UtbildningstillfalleInstalltEvent (rename)", lambda: ladok.add_cancellation(c))


def _print(tallies: dict[str, Tally]) -> None:
    width = max(len(k) for k in tallies)
    print(f"{'event (situation)':{width}}  {'n':>3}  {'min':>3} {'mean':>5} {'max':>3}  routes of the last sample")
    for situation, tally in tallies.items():
        routes = ", ".join(f"{n}× {m} {t}" for (m, t), n in sorted(tally.routes.items())) or "—"
        s = tally.samples
        print(f"{situation:{width}}  {len(s):3d}  {min(s):3d} {statistics.fmean(s):5.2f} {max(s):3d}  {routes}")


def main() -> None:
    """Run the scenario and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=20)
    parser.add_argument("--database-url", help="a PostgreSQL server to create a scratch database on (default SQLite)")
    args = parser.parse_args()
    with scratch_database(args.database_url) as url:
        engine = make_engine(url)
        upgrade(engine)
        canvas = CanvasSandbox(tokens=[DEFAULT_TOKEN])
        settings = InstitutionSettings(
            use_admitted=True,
            role_id_registered=canvas.create_role("Registrerad"),
            role_id_admitted=canvas.create_role("Antagen"),
            early_access_on_create_course=True,
        )
        ladok = SandboxLadok(page_size=500)
        # The scenario withdraws every student of one small course, which the filter rightly holds back;
        # this bench measures what a removal costs, not the filter.
        meter = Meter(Wiring(engine, ladok, canvas, settings, SafetyLimits(safety_filter=False)))
        _scenario(meter, ladok, args.students)
        engine.dispose()
    print(f"database: {engine.dialect.name}; Canvas requests per event, {args.students} students\n")
    _print(meter.tallies)
    print(f"\nthrottled: {canvas.throttled_count}")


if __name__ == "__main__":
    main()
