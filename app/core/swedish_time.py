"""The adapter's calendar: Ladok's dates are Swedish days, whatever the server's own time zone."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

SWEDEN = ZoneInfo("Europe/Stockholm")


def swedish_today(now: dt.datetime | None = None) -> dt.date:
    """The date in Sweden at `now` (default: now): the decide step's clock."""
    return (now or dt.datetime.now(dt.UTC)).astimezone(SWEDEN).date()


def wake_at(day: dt.date) -> dt.datetime:
    """When a timer for `day` fires: five past midnight Swedish time (summer or winter), in UTC.

    At that instant `swedish_today` says `day`.
    """
    return dt.datetime.combine(day, dt.time(0, 5), SWEDEN).astimezone(dt.UTC)
