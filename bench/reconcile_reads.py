"""Database statements per reconciled key: what one steady-state registration costs the database, by kind.

Each student is admitted on one offering (which creates the account, course and section), then
registered on a second offering whose course exists: the steady state of a registration burst. Only
statements sent from reconciler threads are counted (claiming the key included), per key reconciled.

    python bench/reconcile_reads.py [--students 200] [--database-url postgresql+psycopg://…]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import threading
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import Engine, event

from app.core.settings import InstitutionSettings
from app.sandbox.canvas import DEFAULT_TOKEN, CanvasSandbox
from app.sandbox.ladok.sandbox import SandboxLadok
from app.store.db import make_engine
from app.store.schema import upgrade
from bench._common import Wiring, add_students, scratch_database, seed_catalogue

START = dt.date.today() + dt.timedelta(days=20)
TERM = f"HT{START.year}"


class StatementCounter:
    """Counts the statements and transactions reconciler threads send, by the statement's first word."""

    def __init__(self, engine: Engine) -> None:
        self.kinds: Counter[str] = Counter()
        self.lock = threading.Lock()
        event.listen(engine, "before_cursor_execute", self._statement)
        event.listen(engine, "begin", self._begin)

    def _counted(self, word: str) -> None:
        if threading.current_thread().name.startswith("reconciler"):
            with self.lock:
                self.kinds[word] += 1

    def _statement(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        word = statement.lstrip().split(None, 1)[0].upper()
        self._counted("BEGIN" if word == "BEGIN" else word)

    def _begin(self, _conn: Any) -> None:
        self._counted("transaction")


def main() -> None:
    """Run the admissions, then count what the registrations cost per key, and print it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--database-url", help="a PostgreSQL server to create a scratch database on (default SQLite)")
    args = parser.parse_args()
    with scratch_database(args.database_url) as url:
        engine = make_engine(url)
        upgrade(engine)
        ladok = SandboxLadok(page_size=500)
        _org, offerings = seed_catalogue(ladok, courses=1, offerings_per_course=2, start=START, term_code=TERM)
        canvas = CanvasSandbox(tokens=[DEFAULT_TOKEN])
        wiring = Wiring(engine, ladok, canvas, InstitutionSettings())
        uids = add_students(ladok, args.students, random.Random(7))
        for uid in uids:
            ladok.add_registration(uid, offerings[0])
        wiring.read_feed()
        wiring.drain(1)
        for uid in uids:
            ladok.add_registration(uid, offerings[1])
        wiring.read_feed()
        counter = StatementCounter(engine)
        stats = wiring.drain(1)
        per_key = {kind: n / stats.keys for kind, n in sorted(counter.kinds.items())}
        print(
            f"{stats.keys} keys reconciled on {engine.dialect.name}; per key: "
            + ", ".join(f"{kind} {value:.2f}" for kind, value in per_key.items())
        )


if __name__ == "__main__":
    main()
