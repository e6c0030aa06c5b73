"""The wall clock the stores stamp rows with: aware UTC, one definition for every table."""

from __future__ import annotations

import datetime as dt


def utcnow() -> dt.datetime:
    """The current time in UTC (aware)."""
    return dt.datetime.now(dt.UTC)
