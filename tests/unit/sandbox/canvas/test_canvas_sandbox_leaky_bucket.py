"""The leaky bucket's arithmetic: reservations, leaking, clamping (request_throttle.rb)."""

from __future__ import annotations

from app.sandbox.canvas.throttle import Throttle, ThrottleConfig


class FakeClock:
    """A clock that only moves when told."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_twelve_requests_in_flight_fill_the_bucket() -> None:
    throttle = Throttle(ThrottleConfig(), FakeClock())
    allowed = [throttle.reserve("token:x") for _ in range(12)]
    assert allowed == [True] * 11 + [False]


def test_settle_replaces_the_reservation_with_the_cost() -> None:
    throttle = Throttle(ThrottleConfig(), FakeClock())
    throttle.reserve("k")
    assert throttle.settle("k", 1.5) == 598.5


def test_bucket_leaks_with_time_and_never_goes_negative() -> None:
    clock = FakeClock()
    throttle = Throttle(ThrottleConfig(outflow=10.0), clock)
    throttle.reserve("k")
    throttle.settle("k", 100.0)
    clock.now += 4.0
    assert throttle.remaining("k") == 540.0
    clock.now += 100.0
    assert throttle.remaining("k") == 600.0


def test_bucket_is_capped_at_maximum() -> None:
    throttle = Throttle(ThrottleConfig(maximum=800.0), FakeClock())
    throttle.reserve("k")
    assert throttle.settle("k", 10_000.0) == -200.0
