"""Canvas's request throttle: a leaky bucket per access token (app/middleware/request_throttle.rb).

Each request first reserves `up_front_cost`; if the bucket is then at or over the high-water mark the
request is refused with 403 "Rate Limit Exceeded". Afterwards the reservation is replaced by the real
cost. The bucket leaks `outflow` units per second and never holds more than `maximum`
(request_throttle/increment_bucket.lua). Defaults are Canvas's: maximum 800, hwm 600, outflow 10,
up_front_cost 50; every one is configurable in Canvas (request_throttle.yml, `Setting
request_throttle.*`, per-client custom settings), so here too. Canvas's real cost is CPU plus database
seconds; here it is `fixed_cost` plus `latency_cost_weight` × the simulated latency, or whatever
`cost_model` returns. A refusal is request_throttle.rb's 403 "403 Forbidden (Rate Limit Exceeded)\n",
or with `refusal="429"` the 429 hosted Canvas answers since 2025, whose `Retry-After` here is the
whole seconds until the bucket has leaked enough to take one more reservation.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

CostModel = Callable[[str, str, float], float]

RATE_LIMIT_BODY = b"403 Forbidden (Rate Limit Exceeded)\n"
RATE_LIMIT_429_BODY = b"429 Too Many Requests (Rate Limit Exceeded)\n"


@dataclass
class ThrottleConfig:
    """Leaky-bucket settings; `enabled=False` never refuses but still reports headers, like Canvas."""

    enabled: bool = True
    maximum: float = 800.0
    hwm: float = 600.0
    outflow: float = 10.0
    up_front_cost: float = 50.0
    fixed_cost: float = 0.05
    latency_cost_weight: float = 1.0
    cost_model: CostModel | None = None
    refusal: Literal["403", "429"] = "403"

    def cost(self, method: str, template: str, latency: float) -> float:
        """The cost charged for one finished request."""
        if self.cost_model is not None:
            return self.cost_model(method, template, latency)
        return self.fixed_cost + self.latency_cost_weight * latency


@dataclass
class _Bucket:
    count: float = 0.0
    last_touched: float | None = None


class Throttle:
    """Buckets keyed by access token, driven by an injectable monotonic clock."""

    def __init__(self, config: ThrottleConfig, clock: Callable[[], float] = time.monotonic) -> None:
        self.config = config
        self.clock = clock
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    def _increment(self, key: str, amount: float) -> float:
        bucket = self._buckets.setdefault(key, _Bucket())
        now = self.clock()
        last = bucket.last_touched if bucket.last_touched is not None else now
        if bucket.count > 0 and now > last:
            bucket.count -= self.config.outflow * (now - last)
        bucket.count = min(max(bucket.count + amount, 0.0), self.config.maximum)
        bucket.last_touched = now
        return bucket.count

    def reserve(self, key: str) -> bool:
        """Reserve the up-front cost; False when the request must be refused."""
        with self._lock:
            count = self._increment(key, self.config.up_front_cost)
        return not (self.config.enabled and count >= self.config.hwm)

    def settle(self, key: str, cost: float) -> float:
        """Swap the reservation for the real cost; returns X-Rate-Limit-Remaining (hwm − count)."""
        with self._lock:
            count = self._increment(key, cost - self.config.up_front_cost)
        return self.config.hwm - count

    def retry_after(self, key: str) -> int:
        """Whole seconds until the bucket, leaking, takes one more reservation under the high-water mark."""
        with self._lock:
            excess = self._increment(key, 0.0) + self.config.up_front_cost - self.config.hwm
        return max(1, math.floor(excess / self.config.outflow) + 1)  # strictly under the mark, as reserve() asks

    def reset(self) -> None:
        """Empty every bucket (a new measurement starts from a rested Canvas)."""
        with self._lock:
            self._buckets.clear()

    def remaining(self, key: str) -> float:
        """What X-Rate-Limit-Remaining would say now, after leaking."""
        with self._lock:
            return self.config.hwm - self._increment(key, 0.0)
