"""The pacing all workers of one Canvas token share: a small gate protocol and its in-memory implementation.

Canvas throttles with a leaky bucket per access token (app/middleware/request_throttle.rb in
canvas-lms) whose figures — high-water mark, drain, up-front cost per request in flight — differ
between Instructure's cloud, a self-hosted Canvas and a token with custom settings. The gate assumes
none of them: app.core.pacing learns them from the answers and says when the next request may go;
the gate does the waiting and counts the requests in flight.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Protocol

from app.core.pacing import Answer, BucketFigures, BucketPacer

STUCK_SECONDS = 1.0  # look again this often while waiting for a request in flight, in case it never reports


class ThrottleGate(Protocol):
    """Shared pacing for every worker that talks to one Canvas with one token."""

    def wait(self) -> None:
        """Block until a request may be sent; it counts as in flight until finish()."""

    def finish(self, answer: Answer | None) -> float | None:
        """The request is over (`answer` None: none came); for a throttled answer, the pause set, if known."""

    def penalize(self, seconds: float) -> None:
        """Hold every worker back for at least `seconds` (Canvas refused a request as throttled)."""


class InMemoryThrottleGate:
    """A ThrottleGate for the threads of one process."""

    def __init__(
        self,
        *,
        figures: BucketFigures | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._pacer = BucketPacer(figures)
        self._clock = clock
        self._sleep = sleep
        self._changed = threading.Condition()
        self._in_flight = 0

    def wait(self) -> None:
        """Sleep until the pacing admits one more request, then count it in flight."""
        while True:
            with self._changed:
                delay = self._pacer.admit(self._clock(), self._in_flight)
                if delay is not None and delay <= 0:
                    self._in_flight += 1
                    return
                if delay is None:
                    self._changed.wait(timeout=STUCK_SECONDS)
                    continue
            self._sleep(delay)

    def finish(self, answer: Answer | None) -> float | None:
        """Count the request out of flight and learn from its answer."""
        with self._changed:
            self._in_flight = max(0, self._in_flight - 1)
            pause = None if answer is None else self._pacer.learn(answer, self._clock(), self._in_flight)
            self._changed.notify_all()
        return pause

    def penalize(self, seconds: float) -> None:
        """Push the resume time out to at least now + seconds."""
        with self._changed:
            self._pacer.penalize(self._clock() + seconds)

    def figures(self) -> BucketFigures:
        """What has been learnt of the bucket so far."""
        with self._changed:
            return self._pacer.figures()

    def adopt(self, figures: BucketFigures) -> None:
        """Take in what other processes learnt of the same bucket."""
        with self._changed:
            self._pacer.adopt(figures)
            self._changed.notify_all()

    def resume_at(self) -> float:
        """The clock time before which wait() blocks, whatever is in flight."""
        with self._changed:
            return self._pacer.resume_at
