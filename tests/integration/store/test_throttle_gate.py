"""DbThrottleGate: a back-off one worker process is told about holds every other process back too."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, event

from app.canvas.throttle import InMemoryThrottleGate
from app.core.pacing import Answer, BucketFigures
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


def _request(gate: DbThrottleGate, answer: Answer | None = None) -> None:
    """One request through the gate, as the client sends it: admitted, then finished with its answer."""
    gate.wait()
    gate.finish(answer)


def test_a_penalty_in_one_process_makes_the_other_wait(gate_engine: Engine, time_: FakeTime) -> None:
    first, second = _process_gate(gate_engine, time_), _process_gate(gate_engine, time_)
    _request(second)
    assert time_.slept == []

    first.penalize(30.0)
    time_.now += 1.0  # the other process's cached row has gone stale
    _request(second)

    assert time_.slept == [pytest.approx(29.0)]


def test_the_penalised_process_itself_waits_at_once(gate_engine: Engine, time_: FakeTime) -> None:
    gate = _process_gate(gate_engine, time_)
    _request(gate)

    gate.penalize(12.0)
    _request(gate)

    assert sum(time_.slept) == pytest.approx(12.0)


def test_a_shorter_penalty_does_not_cut_a_longer_one(gate_engine: Engine, time_: FakeTime) -> None:
    _process_gate(gate_engine, time_).penalize(30.0)
    _process_gate(gate_engine, time_).penalize(5.0)

    _request(_process_gate(gate_engine, time_))  # a process started afterwards

    assert sum(time_.slept) == pytest.approx(30.0)


def test_penalties_are_per_canvas(gate_engine: Engine, time_: FakeTime) -> None:
    _process_gate(gate_engine, time_, "https://other.example.se").penalize(30.0)

    _request(_process_gate(gate_engine, time_))

    assert time_.slept == []


def test_two_gates_sharing_a_database_share_what_they_learnt(gate_engine: Engine, time_: FakeTime) -> None:
    first, second = _process_gate(gate_engine, time_), _process_gate(gate_engine, time_)
    # The first process meets a bucket with a high-water mark of 150, a drain of 5/s and requests costing
    # 10: one request alone, then two in flight together (the first answer still sees the other's
    # reservation: the up-front cost), then one more two seconds later (how fast the bucket drains).
    _request(first, Answer(remaining=140.0, cost=10.0))
    first.wait()
    first.wait()
    first.finish(Answer(remaining=80.0, cost=10.0))
    first.finish(Answer(remaining=120.0, cost=10.0))
    time_.now += 2.0
    _request(first, Answer(remaining=120.0, cost=10.0))
    # The pairs read 60 and 40 (each also holds a request's cost of 10): the upper quartile, 55, is kept.
    learnt = BucketFigures(high_water=140.0, up_front=55.0, drain=5.0, cost=10.0)
    assert first.figures() == learnt

    assert second.figures() == learnt
    # so the second, refused with a 403 (no Retry-After), waits for the learnt drain to make room for one
    # request and its margin (1.2 × 55 units) instead of taking its own exponential guess:
    second.wait()
    assert second.finish(Answer(remaining=10.0, cost=None, throttled=True)) == pytest.approx((66 - 10) / 5)


def test_the_shared_row_is_read_at_most_once_a_second(gate_engine: Engine, time_: FakeTime) -> None:
    gate = _process_gate(gate_engine, time_)
    selects: list[str] = []

    def count(conn: object, cursor: object, statement: str, *args: object) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            selects.append(statement)

    event.listen(gate_engine, "before_cursor_execute", count)
    try:
        for _ in range(100):
            _request(gate)
        time_.now += 1.0
        _request(gate)
    finally:
        event.remove(gate_engine, "before_cursor_execute", count)

    assert len(selects) == 2


def test_a_database_failure_still_holds_this_process_back(tmp_path: Path, time_: FakeTime) -> None:
    unreachable = make_engine(f"sqlite:///{tmp_path / 'no-such-folder' / 'kursadmin.db'}")
    gate = _process_gate(unreachable, time_)  # every read and write of the shared row fails

    gate.penalize(12.0)
    _request(gate)

    assert sum(time_.slept) == pytest.approx(12.0)


def test_institutions_sharing_a_token_share_the_back_off(gate_engine: Engine, time_: FakeTime) -> None:
    one = canvas_throttle_key("https://canvas.example.se/", "token-a")
    same = canvas_throttle_key("https://canvas.example.se", "token-a")
    other_token = canvas_throttle_key("https://canvas.example.se", "token-b")
    _process_gate(gate_engine, time_, one).penalize(30.0)

    _request(_process_gate(gate_engine, time_, other_token))
    assert time_.slept == []
    _request(_process_gate(gate_engine, time_, same))
    assert sum(time_.slept) == pytest.approx(30.0)
    assert "token-a" not in one
