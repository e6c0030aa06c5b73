"""Health: a feed read or worker heartbeat never seen, or older than its limit, is named stale."""

from __future__ import annotations

import datetime as dt

from app.core.health import age_seconds, stale


def test_ages_are_seconds_and_never_negative() -> None:
    now = dt.datetime(2026, 1, 1, 12, tzinfo=dt.UTC)
    assert age_seconds(now, now - dt.timedelta(minutes=2)) == 120
    assert age_seconds(now, now + dt.timedelta(seconds=3)) == 0  # another host's clock a little ahead
    assert age_seconds(now, None) is None


def test_stale_names_what_is_too_old_or_never_happened() -> None:
    assert stale(10, 10, 300, 120) == []
    assert stale(301, 10, 300, 120) == ["feed_read"]
    assert stale(10, 121, 300, 120) == ["worker_beat"]
    assert stale(None, None, 300, 120) == ["feed_read", "worker_beat"]
    assert stale(300, 120, 300, 120) == []  # at the limit is still fresh
