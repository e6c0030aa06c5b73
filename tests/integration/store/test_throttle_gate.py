"""DbThrottleGate: a back-off one worker process is told about holds every other process back too."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, event

from app.canvas.throttle import InMemoryThrottleGate
from app.store.db import make_engine
from app.store.tables import Base
from app.store.throttle_gate import DbThrottleGate, canvas_throttle_key

CANVAS = "https://canvas.example.se"


class FakeTime:
    """A wall clock that only moves when someone sleeps, shared by the simulated processes."""

    def __init__(self) -> None:
        self.now = 1_700_000_000.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@pytest.fixture
def time_() -> FakeTime:
    return FakeTime()


@pytest.fixture
def gate_engine(engine: Engine) -> Engine:
    Base.metadata.create_all(engine)  # a no-op once migrated: migration 0003 creates canvas_throttle
    return engine


def _process_gate(engine: Engine, time_: FakeTime, key: str = CANVAS) -> DbThrottleGate:
    """The gate one worker process would build: its own local pacing, the shared row on the database."""
    local = InMemoryThrottleGate(clock=time_.clock, sleep=time_.sleep)
    return DbThrottleGate(engine, key, local=local, clock=time_.clock, sleep=time_.sleep)


def test_a_penalty_in_one_process_makes_the_other_wait(gate_engine: Engine, time_: FakeTime) -> None:
    first, second = _process_gate(gate_engine, time_), _process_gate(gate_engine, time_)
    second.wait()
    assert time_.slept == []

    first.penalize(30.0)
    time_.now += 1.0  # the other process's cached row has gone stale
    second.wait()

    assert time_.slept == [pytest.approx(29.0)]


def test_the_penalised_process_itself_waits_at_once(gate_engine: Engine, time_: FakeTime) -> None:
    gate = _process_gate(gate_engine, time_)
    gate.wait()

    gate.penalize(12.0)
    gate.wait()

    assert sum(time_.slept) == pytest.approx(12.0)


def test_a_shorter_penalty_does_not_cut_a_longer_one(gate_engine: Engine, time_: FakeTime) -> None:
    _process_gate(gate_engine, time_).penalize(30.0)
    _process_gate(gate_engine, time_).penalize(5.0)

    _process_gate(gate_engine, time_).wait()  # a process started afterwards

    assert sum(time_.slept) == pytest.approx(30.0)


def test_penalties_are_per_canvas(gate_engine: Engine, time_: FakeTime) -> None:
    _process_gate(gate_engine, time_, "https://other.example.se").penalize(30.0)

    _process_gate(gate_engine, time_).wait()

    assert time_.slept == []


def test_pacing_by_remaining_stays_in_the_process_that_saw_it(gate_engine: Engine, time_: FakeTime) -> None:
    first, second = _process_gate(gate_engine, time_), _process_gate(gate_engine, time_)

    first.observe(remaining=100.0, cost=0.5)  # under the low-water mark of 200: drain 100 units at 10/s

    second.wait()
    assert time_.slept == []
    first.wait()
    assert time_.slept == [pytest.approx(10.0)]


def test_the_shared_row_is_read_at_most_once_a_second(gate_engine: Engine, time_: FakeTime) -> None:
    gate = _process_gate(gate_engine, time_)
    selects: list[str] = []

    def count(conn: object, cursor: object, statement: str, *args: object) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            selects.append(statement)

    event.listen(gate_engine, "before_cursor_execute", count)
    try:
        for _ in range(100):
            gate.wait()
        time_.now += 1.0
        gate.wait()
    finally:
        event.remove(gate_engine, "before_cursor_execute", count)

    assert len(selects) == 2


def test_a_database_failure_still_holds_this_process_back(tmp_path: Path, time_: FakeTime) -> None:
    unreachable = make_engine(f"sqlite:///{tmp_path / 'no-such-folder' / 'kursadmin.db'}")
    gate = _process_gate(unreachable, time_)  # every read and write of the shared row fails

    gate.penalize(12.0)
    gate.wait()

    assert sum(time_.slept) == pytest.approx(12.0)


def test_institutions_sharing_a_token_share_the_back_off(gate_engine: Engine, time_: FakeTime) -> None:
    one = canvas_throttle_key("https://canvas.example.se/", "token-a")
    same = canvas_throttle_key("https://canvas.example.se", "token-a")
    other_token = canvas_throttle_key("https://canvas.example.se", "token-b")
    _process_gate(gate_engine, time_, one).penalize(30.0)

    _process_gate(gate_engine, time_, other_token).wait()
    assert time_.slept == []
    _process_gate(gate_engine, time_, same).wait()
    assert sum(time_.slept) == pytest.approx(30.0)
    assert "token-a" not in one
