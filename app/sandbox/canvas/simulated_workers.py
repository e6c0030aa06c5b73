"""Workers pacing themselves against the sandbox's leaky bucket in simulated time: the pacing rule alone, no I/O.

Each worker sends requests one at a time as fast as the pacer admits; an answer takes `latency`; a
refused request answers at once. Time is simulated, so a run is exact and independent of the machine.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field

from app.core.pacing import Answer, BucketPacer
from app.sandbox.canvas.throttle import Throttle, ThrottleConfig

KEY = "token:sim"
FALLBACK_PAUSE = 1.5  # RetryPolicy.throttle_delay(1) lies between 1 and 2 seconds


@dataclass
class Run:
    """What the simulated workers did: answers by time, refusals, the most requests in flight at once."""

    done_at: list[float] = field(default_factory=list)
    refused: int = 0
    most_in_flight: int = 0
    levels: list[tuple[float, float]] = field(default_factory=list)  # (time, bucket level without reservations)

    def rate(self, since: float, until: float) -> float:
        """Answered requests per second between two moments."""
        return sum(1 for t in self.done_at if since <= t < until) / (until - since)

    def growth(self, since: float, until: float) -> float:
        """How much the bucket's level rose between two moments (a head start a longer run loses)."""

        def level(moment: float) -> float:
            return min(self.levels, key=lambda reading: abs(reading[0] - moment))[1]

        return level(until) - level(since)


class Clock:
    """Simulated time the bucket reads."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        """The simulated time."""
        return self.now


def simulate(pacer: BucketPacer, config: ThrottleConfig, *, latency: float, workers: int, seconds: float) -> Run:
    """`workers` send requests as fast as `pacer` admits for `seconds`; each answer takes `latency`."""
    clock, run = Clock(), Run()
    bucket = Throttle(config, clock)
    events: list[tuple[float, int, str, int]] = [(0.0, w, "ready", w) for w in range(workers)]
    in_flight = 0
    waiting: list[int] = []
    while events:
        clock.now, seq, kind, worker = heapq.heappop(events)
        if clock.now > seconds:
            break
        if kind == "answer":
            in_flight -= 1
            remaining = bucket.settle(KEY, config.cost("GET", "", latency))
            pacer.learn(Answer(remaining, config.cost("GET", "", latency)), clock.now, in_flight)
            run.done_at.append(clock.now)
            run.levels.append((clock.now, config.hwm - bucket.remaining(KEY) - in_flight * config.up_front_cost))
            events.extend((clock.now, w, "ready", w) for w in [worker, *waiting])
            heapq.heapify(events)
            waiting = []
            continue
        delay = pacer.admit(clock.now, in_flight)
        if delay is None:
            waiting.append(worker)
        elif delay > 0:
            heapq.heappush(events, (clock.now + delay, worker, "ready", worker))
        elif not bucket.reserve(KEY):
            run.refused += 1
            pause = pacer.learn(Answer(bucket.settle(KEY, 0.0), None, throttled=True), clock.now, in_flight)
            if pause is None:  # as the client does: its own back-off while the drain is unknown
                pacer.penalize(clock.now + FALLBACK_PAUSE)
            heapq.heappush(events, (clock.now, worker, "ready", worker))
        else:
            in_flight += 1
            run.most_in_flight = max(run.most_in_flight, in_flight)
            heapq.heappush(events, (clock.now + latency, seq, "answer", worker))
    return run
