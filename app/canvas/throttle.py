"""The back-off all workers of one Canvas share: a small gate protocol and its in-memory implementation.

Canvas throttles with a leaky bucket per access token (app/middleware/request_throttle.rb in
canvas-lms): a request is refused with 403 "(Rate Limit Exceeded)" once the bucket passes its high
water mark (600 by default), the bucket drains at 10 units a second, and every request in flight
holds an up-front cost of 50. `X-Rate-Limit-Remaining` is the room left under the mark, so the gate
slows everyone down before it reaches zero instead of bouncing off the limit.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Protocol

CANVAS_OUTFLOW_PER_SECOND = 10.0  # request_throttle.rb LeakyBucket default outflow
CANVAS_UP_FRONT_COST = 50.0  # request_throttle.rb LeakyBucket default up_front_cost


class ThrottleGate(Protocol):
    """Shared pacing for every worker that talks to one Canvas with one token."""

    def wait(self) -> None:
        """Block until a request may be sent."""

    def penalize(self, seconds: float) -> None:
        """Hold every worker back for at least `seconds` (Canvas refused a request as throttled)."""

    def observe(self, remaining: float | None, cost: float | None) -> None:
        """Record a response's `X-Rate-Limit-Remaining` and `X-Request-Cost`."""


def pacing_delay(remaining: float, low_water: float, outflow_per_second: float) -> float:
    """Seconds to wait so the bucket drains back up to `low_water` of room (0 when there is room)."""
    if remaining >= low_water:
        return 0.0
    return (low_water - remaining) / outflow_per_second


class InMemoryThrottleGate:
    """A ThrottleGate for the threads of one process."""

    def __init__(
        self,
        *,
        low_water: float = 4 * CANVAS_UP_FRONT_COST,
        outflow_per_second: float = CANVAS_OUTFLOW_PER_SECOND,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._low_water = low_water
        self._outflow = outflow_per_second
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._penalty_until = 0.0
        self._pace_until = 0.0
        self.last_cost: float | None = None

    def wait(self) -> None:
        """Sleep until both the penalty and the pacing delay have passed."""
        while True:
            with self._lock:
                delay = max(self._penalty_until, self._pace_until) - self._clock()
            if delay <= 0:
                return
            self._sleep(delay)

    def penalize(self, seconds: float) -> None:
        """Push the shared resume time out to at least now + seconds."""
        with self._lock:
            self._penalty_until = max(self._penalty_until, self._clock() + seconds)

    def observe(self, remaining: float | None, cost: float | None) -> None:
        """Pace by the newest answer: the latest remaining is the best estimate of the bucket."""
        with self._lock:
            if cost is not None:
                self.last_cost = cost
            if remaining is not None:
                self._pace_until = self._clock() + pacing_delay(remaining, self._low_water, self._outflow)

    def resume_at(self) -> float:
        """The clock time before which wait() blocks."""
        with self._lock:
            return max(self._penalty_until, self._pace_until)
