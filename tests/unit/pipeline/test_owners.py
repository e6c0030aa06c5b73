"""A lease owner id names its process so that this host can prove it dead: gone, zombie, or its pid reused."""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.pipeline.owners import Liveness, Owner, ProcessId, describe, liveness, owner_id, parse_owner, this_process

HOLDER = "from app.pipeline.owners import owner_id; import sys; print(owner_id(), flush=True); sys.stdin.read()"


@pytest.fixture
def holder() -> Iterator[tuple[subprocess.Popen[str], Owner]]:
    """A real process that wrote its owner id and waits; it is killed (and reaped) afterwards."""
    proc = subprocess.Popen([sys.executable, "-c", HOLDER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    owner = parse_owner(proc.stdout.readline().strip())
    assert owner is not None
    yield proc, owner
    proc.kill()
    proc.wait()


def _state(pid: int) -> str:
    text = Path(f"/proc/{pid}/stat").read_text()
    return text[text.rindex(")") + 2]


def test_an_owner_id_names_this_process_and_thread_and_reads_back() -> None:
    owner = parse_owner(owner_id())

    assert owner is not None and owner.process == this_process() and not owner.legacy
    assert owner.process.pid == os.getpid() and owner.process.start is not None
    assert liveness(owner.process) is Liveness.ALIVE
    assert describe(str(owner)) == f"{owner.process.host} pid {os.getpid()} thread {owner.thread}"


def test_a_killed_process_is_dead_once_gone_and_already_as_a_zombie(
    holder: tuple[subprocess.Popen[str], Owner],
) -> None:
    proc, owner = holder
    assert liveness(owner.process) is Liveness.ALIVE

    proc.send_signal(signal.SIGKILL)
    while _state(proc.pid) != "Z":  # not reaped yet: the kernel keeps its pid
        os.sched_yield()
    assert liveness(owner.process) is Liveness.DEAD
    proc.wait()
    assert liveness(owner.process) is Liveness.DEAD


def test_a_pid_given_to_another_process_does_not_pass_for_the_old_one() -> None:
    earlier = dataclasses.replace(this_process(), start=(this_process().start or 0) - 1)

    assert liveness(earlier) is Liveness.DEAD


def test_a_process_of_another_host_or_without_a_start_time_is_never_judged_here() -> None:
    gone = ProcessId("elsewhere", 2**22 + 1, 123, "0badf00d")  # above the kernel's pid limit: exists nowhere here

    assert liveness(gone) is Liveness.UNKNOWN
    assert liveness(dataclasses.replace(this_process(), pid=2**22 + 1, start=None)) is Liveness.UNKNOWN


def test_an_old_format_owner_still_reads_and_is_never_judged_dead() -> None:
    owner = parse_owner("worker-1:4242:140234567890123")

    assert owner == Owner(ProcessId("worker-1", 4242, None, None), "140234567890123", legacy=True)
    assert str(owner) == "worker-1:4242:140234567890123"
    assert liveness(owner.process) is Liveness.UNKNOWN
    assert parse_owner("w1") is None and parse_owner("a:b:c") is None
