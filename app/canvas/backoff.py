"""Bounded retries with jittered exponential back-off."""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often and how long to retry: `attempts` tries in all for failures, more for throttling."""

    attempts: int = 5
    base_delay: float = 0.5
    max_delay: float = 30.0
    throttle_attempts: int = 10
    throttle_base_delay: float = 2.0

    def delay(self, attempt: int) -> float:
        """Seconds before try `attempt + 1` after a failure (attempt counts from 1)."""
        return full_jitter(self.base_delay, self.max_delay, attempt)

    def throttle_delay(self, attempt: int) -> float:
        """Seconds every worker waits after the `attempt`-th throttled answer in a row."""
        return equal_jitter(self.throttle_base_delay, self.max_delay, attempt)


def full_jitter(base: float, cap: float, attempt: int) -> float:
    """A random delay in [0, min(cap, base·2^(attempt-1))] so retrying workers spread out."""
    return random.uniform(0.0, min(cap, base * 2 ** (attempt - 1)))


def equal_jitter(base: float, cap: float, attempt: int) -> float:
    """Half the exponential delay plus a random half: a floor that lets Canvas's bucket drain."""
    ceiling = min(cap, base * 2 ** (attempt - 1))
    return ceiling / 2 + random.uniform(0.0, ceiling / 2)
