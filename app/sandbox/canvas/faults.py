"""Injected latency and failures, drawn from a seeded RNG so runs are reproducible."""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass
from enum import Enum


class Fault(Enum):
    """What happens to one request."""

    NONE = "none"
    SERVER_ERROR = "server_error"
    TIMEOUT = "timeout"


@dataclass
class FaultConfig:
    """Per-request latency (seconds) and fractions of 500s and timeouts.

    A server error is returned before the request changes anything. A timeout, when
    `timeout_applies_change` is true (the default, and the dangerous real-world case), happens after
    the change is made, so the client cannot know it succeeded; when false, nothing is changed.
    Over the real HTTP server a timeout delays the answer by `server_timeout_delay` seconds so the
    client's own read timeout fires.
    """

    latency: float = 0.0
    error_rate: float = 0.0
    timeout_rate: float = 0.0
    timeout_applies_change: bool = True
    server_timeout_delay: float = 30.0
    seed: int = 0


class FaultInjector:
    """Draws a fault per request; one RNG under a lock keeps the sequence deterministic per seed."""

    def __init__(self, config: FaultConfig) -> None:
        self.config = config
        self._rng = random.Random(config.seed)
        self._lock = threading.Lock()

    def reseed(self, seed: int) -> None:
        """Restart the fault sequence from a seed."""
        with self._lock:
            self.config.seed = seed
            self._rng = random.Random(seed)

    def draw(self) -> Fault:
        """The fault for the next request."""
        if self.config.error_rate <= 0 and self.config.timeout_rate <= 0:
            return Fault.NONE
        with self._lock:
            roll = self._rng.random()
        if roll < self.config.error_rate:
            return Fault.SERVER_ERROR
        if roll < self.config.error_rate + self.config.timeout_rate:
            return Fault.TIMEOUT
        return Fault.NONE
