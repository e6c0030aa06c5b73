"""The pacing rule: it learns a bucket it was told nothing about, backs off when refused, widens again."""

from __future__ import annotations

import pytest

from app.core.pacing import Answer, BucketFigures, BucketPacer
from app.sandbox.canvas.simulated_workers import simulate
from app.sandbox.canvas.throttle import ThrottleConfig


def _bucket(high_water: float, drain: float, cost: float) -> ThrottleConfig:
    return ThrottleConfig(
        hwm=high_water, maximum=high_water + 200, outflow=drain, fixed_cost=cost, latency_cost_weight=0.0
    )


def test_learns_a_high_water_mark_of_150_and_keeps_two_requests_in_flight() -> None:
    pacer = BucketPacer()

    run = simulate(pacer, _bucket(150, drain=10, cost=0.1), latency=0.03, workers=8, seconds=30)

    learnt = pacer.figures()
    assert learnt.high_water == pytest.approx(150, abs=1)
    assert learnt.up_front == pytest.approx(50, rel=0.05)
    assert run.refused == 0
    assert run.most_in_flight == 2  # a third reservation would reach the mark
    assert run.rate(10, 30) >= 0.8 * 2 / 0.03


def test_learns_a_high_water_mark_of_700_and_the_drain_when_the_bucket_fills() -> None:
    pacer = BucketPacer()

    run = simulate(pacer, _bucket(700, drain=5, cost=1.0), latency=0.03, workers=16, seconds=240)

    learnt = pacer.figures()
    assert learnt.high_water == pytest.approx(700, abs=1)
    assert learnt.up_front == pytest.approx(50, rel=0.05)
    assert learnt.drain == pytest.approx(5, rel=0.05)
    assert run.most_in_flight <= 13  # 14 × 50 = 700 would reach the mark
    assert run.refused < 0.01 * len(run.done_at)
    assert run.rate(120, 240) == pytest.approx(5, rel=0.05)  # the drain over the cost: the bucket's ceiling


def _pacer_with_four_in_flight() -> BucketPacer:
    pacer = BucketPacer(BucketFigures(high_water=600, up_front=50, drain=10, cost=0.5))
    for others in range(4):
        pacer.learn(Answer(remaining=590 - 50 * others, cost=0.5), now=0.0, others=others)
    assert pacer.admit(0.0, in_flight=4) == 0.0
    return pacer


def test_a_429_holds_every_request_back_for_its_retry_after_and_halves_the_window() -> None:
    pacer = _pacer_with_four_in_flight()

    pause = pacer.learn(Answer(remaining=20, cost=None, throttled=True, retry_after=7), now=1.0, others=3)

    assert pause == 7
    assert pacer.admit(7.9, in_flight=0) == pytest.approx(0.1)
    assert pacer.admit(8.0, in_flight=0) == 0.0
    assert pacer.admit(8.0, in_flight=pacer_window(pacer)) is None
    assert pacer_window(pacer) < 11


def test_a_403_rate_limit_exceeded_waits_until_the_bucket_has_room_for_one_request() -> None:
    pacer = _pacer_with_four_in_flight()

    pause = pacer.learn(Answer(remaining=20, cost=None, throttled=True), now=1.0, others=0)

    assert pause == pytest.approx((60 - 20) / 10)  # an up-front cost and its margin, drained at 10 a second
    assert pacer.admit(1.0 + pause, in_flight=0) == 0.0


def test_the_window_widens_again_after_a_refusal() -> None:
    pacer = _pacer_with_four_in_flight()
    pacer.learn(Answer(remaining=20, cost=None, throttled=True, retry_after=1), now=1.0, others=0)
    narrowed = pacer_window(pacer)

    for n in range(100):
        pacer.learn(Answer(remaining=590, cost=0.5), now=2.0 + n * 0.1, others=0)

    assert pacer_window(pacer) > narrowed
    assert pacer_window(pacer) == 11  # 11 reservations of 50 and a margin fit under 600, 12 do not


def pacer_window(pacer: BucketPacer) -> int:
    """How many requests in flight the pacer admits into an empty bucket right now."""
    return next(n for n in range(100) if pacer.admit(1000.0, in_flight=n) is None)


def test_figures_shared_again_do_not_undo_a_refusal() -> None:
    pacer = BucketPacer()
    shared = BucketFigures(high_water=600, up_front=50, drain=10, cost=0.5)
    pacer.adopt(shared)  # a process starting into a bucket others know skips the slow start
    assert pacer_window(pacer) == 1  # but sends one request first: how full is the bucket now?
    pacer.learn(Answer(remaining=590, cost=0.5), now=0.5, others=0)
    assert pacer_window(pacer) == 11
    pacer.learn(Answer(remaining=20, cost=None, throttled=True, retry_after=1), now=1.0, others=0)

    pacer.adopt(shared)  # the next read of the shared row

    assert pacer_window(pacer) == 5
