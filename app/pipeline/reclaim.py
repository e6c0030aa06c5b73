"""Take back at once the keys of worker processes proved dead, instead of waiting for their leases to run out.

Proof is either this host's own process table (a process of the same scope whose pid is gone, reused
or a zombie: `app/pipeline/owners.py`) or, on PostgreSQL, the holder's session lock gone from
`pg_locks` (`app/store/workers.py`), which also covers other hosts. Without proof — another host on
SQLite, an old-format owner id, a /proc that hides the pid — a lease is left to run out.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable, Collection

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from app.pipeline.owners import Liveness, ProcessId, liveness, parse_owner, parse_process
from app.store import queue, workers
from app.store.db import write_session

log = logging.getLogger(__name__)

RECLAIM_EVERY = 1.0  # seconds: at most this often per process when reconcilers find nothing to take


def dead_processes(session: Session, process_ids: Collection[str], here: ProcessId | None = None) -> set[str]:
    """Which of these worker processes are proved gone, as seen from `here` (default: this process)."""
    seen = {text: liveness(process, here) for text in process_ids if (process := parse_process(text)) is not None}
    dead = {text for text, state in seen.items() if state is Liveness.DEAD}
    # A process this host sees alive stays alive even if its lock connection broke: it still works on its keys.
    undecided = {text for text, state in seen.items() if state is Liveness.UNKNOWN}
    present = workers.present(session, undecided) if undecided else set()
    return dead if present is None else dead | (undecided - present)


def dead_owners(session: Session, owner_ids: Collection[str], here: ProcessId | None = None) -> set[str]:
    """Which of these lease owners belong to a process proved gone (old-format ids never do)."""
    processes = {
        text: str(owner.process) for text in owner_ids if (owner := parse_owner(text)) is not None and not owner.legacy
    }
    gone = dead_processes(session, set(processes.values()), here)
    return {text for text, process in processes.items() if process in gone}


class Reclaimer:
    """Frees the keys of dead workers (and marks their heartbeat rows stopped), at most every `every` seconds."""

    def __init__(
        self,
        engine: Engine,
        every: float = RECLAIM_EVERY,
        here: ProcessId | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.engine = engine
        self.every = every
        self.here = here
        self._clock = clock
        self._last = -math.inf
        self._lock = threading.Lock()

    def maybe(self) -> int:
        """`run`, unless it ran less than `every` seconds ago; returns how many keys were freed."""
        with self._lock:
            if self._clock() - self._last < self.every:
                return 0
            self._last = self._clock()
        return self.run()

    def run(self) -> int:
        """Free the keys whose holders are proved dead now; returns how many."""
        try:
            with Session(self.engine) as s:
                owners = queue.lease_owners(s)
                rows = {row.owner for row in workers.running(s)}
                gone_owners = dead_owners(s, owners, self.here)
                gone_rows = dead_processes(s, rows, self.here)
            if not (gone_owners or gone_rows):
                return 0
            with write_session(self.engine) as s:
                freed = queue.release(s, gone_owners)
                workers.stopped(s, gone_rows)
        except Exception:  # the database is away: the next round tries again, and leases still run out
            log.exception("looking for the keys of dead workers failed")
            return 0
        if freed:
            processes = sorted({str(owner.process) for text in gone_owners if (owner := parse_owner(text))})
            log.warning("took back %d keys held by dead workers: %s", freed, ", ".join(processes))
        return freed
