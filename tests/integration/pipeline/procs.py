"""`kursadmin worker` as real processes on one database: configure, start, kill -9, stop, and watch the queue."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from app.sandbox.ladok.sandbox import SandboxLadok
from app.store.queue_tables import JobRow
from app.store.tables import FeedPosition, InboxEvent

KURSADMIN = Path(sys.executable).with_name("kursadmin")
ATOM = "{http://www.w3.org/2005/Atom}"
# A process that shows itself alive as a worker does (on PostgreSQL its lock), prints its lease owner id and waits.
HOLDER = """import sys
from app.pipeline.owners import owner_id, this_process
from app.store.db import make_engine
from app.store.workers import Presence
with Presence(make_engine(sys.argv[1]), str(this_process())):
    print(owner_id(), flush=True)
    sys.stdin.read()
"""


def start_holder(database_url: str) -> tuple[subprocess.Popen[str], str]:
    """Start a process that lives as a worker would, without working; it and its lease owner id."""
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, database_url], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    return proc, proc.stdout.readline().strip()


def write_config(path: Path, *, ladok_url: str, canvas_url: str, canvas_token: str, settings: dict[str, Any]) -> Path:
    """A one-institution configuration file (docs/rules.md §6) reading the feed from its first page."""

    def value(v: Any) -> str:
        return ("true" if v else "false") if isinstance(v, bool) else repr(v) if isinstance(v, int) else f'"{v}"'

    lines = [
        "[[institution]]",
        'id = "kth"',
        "ladok_larosate_id = 29",
        f'ladok_url = "{ladok_url}"',
        "ladok_start_page = 1",
        f'canvas_url = "{canvas_url}"',
        f'canvas_token = "{canvas_token}"',
        "canvas_root_account_id = 1",
        "",
        "[institution.settings]",
        *(f"{key} = {value(v)}" for key, v in settings.items()),
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


class Workers:
    """Numbered slots, each running one `kursadmin worker` process (or none after a kill)."""

    def __init__(self, config: Path, database_url: str, logs: Path, args: list[str], lease: float) -> None:
        self.env = {
            **os.environ,
            "KURSADMIN_CONFIG": str(config),
            "KURSADMIN_DATABASE_URL": database_url,
            "KURSADMIN_WORKER_LEASE": str(lease),
        }
        self.logs = logs
        self.args = args
        self.procs: dict[int, subprocess.Popen[bytes]] = {}
        self.started = 0

    def start(self, slot: int) -> subprocess.Popen[bytes]:
        """Start a worker in `slot` (its output goes to a numbered log file)."""
        self.started += 1
        with (self.logs / f"worker-{self.started:03d}.log").open("wb") as out:
            proc = subprocess.Popen(
                [str(KURSADMIN), "worker", *self.args], env=self.env, stdout=out, stderr=subprocess.STDOUT
            )
        self.procs[slot] = proc
        return proc

    def run(self, *args: str, timeout: float = 240.0) -> subprocess.CompletedProcess[str]:
        """Run another `kursadmin` command (e.g. status) on the same configuration and wait for it."""
        return subprocess.run(
            [str(KURSADMIN), *args], env=self.env, capture_output=True, text=True, timeout=timeout, check=False
        )

    def kill(self, slot: int) -> None:
        """kill -9 the worker in `slot`: no handler runs, its leases stay behind."""
        proc = self.procs.pop(slot)
        proc.send_signal(signal.SIGKILL)
        proc.wait()

    def terminate_all(self, timeout: float = 60.0) -> dict[int, int]:
        """SIGTERM every worker and wait; their exit codes by slot."""
        for proc in self.procs.values():
            proc.send_signal(signal.SIGTERM)
        codes = {slot: proc.wait(timeout) for slot, proc in self.procs.items()}
        self.procs.clear()
        return codes

    def kill_all(self) -> None:
        """Clean-up after a failed test: kill whatever still runs."""
        for proc in self.procs.values():
            proc.kill()
            proc.wait()
        self.procs.clear()

    def last_log(self) -> str:
        """The output of the worker started last."""
        return (self.logs / f"worker-{self.started:03d}.log").read_text(errors="replace")

    def log_text(self) -> str:
        """Every worker's output, for a failure message."""
        return "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}" for p in sorted(self.logs.iterdir()))


@dataclass(frozen=True)
class QueueState:
    """What the database says about progress."""

    recorded: int
    position_entry: str | None
    pending: int
    dead: int
    leased_by: tuple[str, ...]


def queue_state(engine: Engine) -> QueueState:
    """Inbox size, feed position, pending and dead keys, and who holds leases now."""
    with Session(engine) as s:
        position = s.get(FeedPosition, "kth")
        return QueueState(
            recorded=s.scalar(select(func.count()).select_from(InboxEvent)) or 0,
            position_entry=position.entry_id if position else None,
            pending=s.scalar(select(func.count()).where(JobRow.dirty_seq > JobRow.done_seq, JobRow.dead.is_(False)))
            or 0,
            dead=s.scalar(select(func.count()).where(JobRow.dead.is_(True))) or 0,
            leased_by=tuple(s.scalars(select(JobRow.lease_owner).where(JobRow.lease_owner.is_not(None)))),
        )


def newest_entry_id(ladok: SandboxLadok) -> str:
    """The Atom id of the newest entry in the sandbox's feed (the first entry of `recent`)."""
    page = etree.fromstring(ladok.feed.page_xml("http://ladok.test/handelser/feed", None))
    return page.findtext(f"{ATOM}entry/{ATOM}id")
