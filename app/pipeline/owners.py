"""Lease owners: the id a worker thread writes on the keys it holds, and whether the process it names still lives.

An owner id is `host:pid:start:scope:thread`. `start` is when the process started, in clock ticks after
boot (/proc/PID/stat), so a pid the kernel has since given to another process does not pass for the old
one. `scope` (a hash of the host name, the boot id and the pid namespace) says which processes a worker can
look at in its own /proc: only owners of its own scope are judged here, everyone else's lease runs out
by itself (or, on PostgreSQL, ends with its holder's session: see `app/store/workers.py`). The first
four fields name the process (`ProcessId`), the last the reconciler thread in it.

Ids written before this format, `host:pid:thread`, still parse; they carry no start time, so their
leases are never taken early.
"""

from __future__ import annotations

import enum
import hashlib
import os
import socket
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path

PROC = Path("/proc")
_UNKNOWN = "-"


@dataclass(frozen=True, slots=True)
class ProcessId:
    """A worker process: its host, pid, start time and the scope its /proc shows (None where unknown)."""

    host: str
    pid: int
    start: int | None
    scope: str | None

    def __str__(self) -> str:
        start = _UNKNOWN if self.start is None else str(self.start)
        return f"{self.host}:{self.pid}:{start}:{self.scope or _UNKNOWN}"


@dataclass(frozen=True, slots=True)
class Owner:
    """A lease owner: a reconciler thread of a worker process; `legacy` for ids of the old format."""

    process: ProcessId
    thread: str
    legacy: bool = False

    def __str__(self) -> str:
        if self.legacy:
            return f"{self.process.host}:{self.process.pid}:{self.thread}"
        return f"{self.process}:{self.thread}"


class Liveness(enum.Enum):
    """What this host can tell about a process."""

    ALIVE = "alive"
    DEAD = "dead"
    UNKNOWN = "unknown"  # another host (or scope), an old-format id, or a /proc that hides it


def this_process() -> ProcessId:
    """The id of the calling process (computed once per pid, so a forked child gets its own)."""
    return _process(os.getpid())


@cache
def _process(pid: int) -> ProcessId:
    host = socket.gethostname().replace(":", "-")[:200] or "localhost"  # an owner id fits its 255-character column
    stat = _stat(pid)
    return ProcessId(host, pid, stat[1] if stat else None, _scope(host))


def owner_id() -> str:
    """The owner id of the calling thread, as written on the keys it leases."""
    return str(Owner(this_process(), str(threading.get_native_id())))


def parse_process(text: str) -> ProcessId | None:
    """The process a process id (`host:pid:start:scope`) names; None for text of another form."""
    parts = text.split(":")
    if len(parts) != 4:
        return None
    host, pid, start, scope = parts
    try:
        return ProcessId(
            host, int(pid), None if start == _UNKNOWN else int(start), None if scope == _UNKNOWN else scope
        )
    except ValueError:
        return None


def parse_owner(text: str) -> Owner | None:
    """The owner an id names, in either format; None for an id this code did not write."""
    process_part, _, thread = text.rpartition(":")
    if text.count(":") == 2:
        host, pid, _ = text.split(":")
        return Owner(ProcessId(host, int(pid), None, None), thread, legacy=True) if pid.isdigit() else None
    process = parse_process(process_part)
    return Owner(process, thread) if process is not None and thread else None


def describe(text: str) -> str:
    """An owner id as an operator reads it: host, pid and thread."""
    owner = parse_owner(text)
    if owner is None:
        return text
    return f"{owner.process.host} pid {owner.process.pid} thread {owner.thread}"


def liveness(process: ProcessId, here: ProcessId | None = None) -> Liveness:
    """Whether `process` still runs, as far as this host (`here`, default this process) can prove it.

    Dead: no process has its pid, or the one that has it started at another time (the pid was reused),
    or it is a zombie. A pid that exists but whose /proc entry is hidden (hidepid) is UNKNOWN, never dead.
    """
    here = here or this_process()
    if process.start is None or process.scope is None or process.scope != here.scope:
        return Liveness.UNKNOWN
    try:
        os.kill(process.pid, 0)  # signal 0 only asks whether the pid exists
    except ProcessLookupError:
        return Liveness.DEAD
    except PermissionError:
        pass  # another user's process: it exists
    stat = _stat(process.pid)
    if stat is None:
        return Liveness.UNKNOWN
    state, start = stat
    return Liveness.DEAD if start != process.start or state in ("Z", "X") else Liveness.ALIVE


def _stat(pid: int) -> tuple[str, int] | None:
    """The state letter and start time (clock ticks after boot) of a process, from /proc/PID/stat."""
    try:
        text = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    # The command name (field 2) is in parentheses and may itself hold spaces and parentheses.
    fields = text[text.rindex(")") + 2 :].split()
    return fields[0], int(fields[19])  # fields 3 and 22 of proc(5)


def _scope(host: str) -> str | None:
    """Which processes this /proc shows: the same host name, boot and pid namespace; None without /proc."""
    try:
        boot = (PROC / "sys/kernel/random/boot_id").read_text().strip()
        namespace = os.readlink(PROC / "self/ns/pid")
    except OSError:
        return None
    return hashlib.blake2b(f"{host}\n{boot}\n{namespace}".encode(), digest_size=4).hexdigest()
