"""When the adapter counts as healthy: its feed read and a worker's heartbeat recent enough."""

from __future__ import annotations

import datetime as dt


def age_seconds(now: dt.datetime, then: dt.datetime | None) -> float | None:
    """Seconds from `then` to `now` (never negative: clocks of hosts differ a little); None when never."""
    return None if then is None else max(0.0, (now - then).total_seconds())


def stale(
    feed_read_age: float | None, worker_beat_age: float | None, feed_read_max: float, worker_beat_max: float
) -> list[str]:
    """What is stale, by name ("feed_read", "worker_beat"): never happened, or longer ago than its limit."""
    found = []
    if feed_read_age is None or feed_read_age > feed_read_max:
        found.append("feed_read")
    if worker_beat_age is None or worker_beat_age > worker_beat_max:
        found.append("worker_beat")
    return found
