"""The admin view's picture of the last 24 hours: changes made in Canvas per hour (bars) and the lag (a line).

Drawn on the server as SVG coordinates for the template (no script, no chart library); the hours are
Swedish clock hours, as the people reading it keep them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from app.core.swedish_time import SWEDEN
from app.store.activity import applied_by_hour, lag_samples

HOURS = 24
WIDTH, HEIGHT = 720, 200
LEFT, RIGHT, TOP, BOTTOM = 48, 672, 16, 168  # the plot area; the axes' labels go outside it
SLOT = (RIGHT - LEFT) / HOURS


@dataclass(frozen=True, slots=True)
class Hour:
    """One clock hour: when it starts, the changes made in it and the largest lag sampled in it (None: none)."""

    start: dt.datetime
    applied: int
    lag: float | None

    @property
    def label(self) -> str:
        """The hour as a Swedish clock shows it, e.g. "14"."""
        return f"{self.start.astimezone(SWEDEN):%H}"


@dataclass(frozen=True, slots=True)
class Bar:
    """A bar's rectangle (x, y, width, height) and the hour it stands for."""

    x: float
    y: float
    width: float
    height: float
    hour: Hour


@dataclass(frozen=True, slots=True)
class ActivityChart:
    """Everything the template draws and says."""

    hours: list[Hour]
    bars: list[Bar]
    lag_points: list[tuple[float, float]]  # one per hour with a sample
    ticks: list[tuple[float, str]]  # (x, hour label) every third hour
    max_applied: int
    max_lag: float

    @property
    def total_applied(self) -> int:
        """Changes made in Canvas in the 24 hours."""
        return sum(h.applied for h in self.hours)

    @property
    def busiest(self) -> Hour:
        """The hour with the most changes (the latest of equals)."""
        return max(reversed(self.hours), key=lambda h: h.applied)

    @property
    def worst(self) -> Hour | None:
        """The hour with the longest lag, or None when no lag was sampled."""
        sampled = [h for h in self.hours if h.lag is not None]
        return max(reversed(sampled), key=lambda h: h.lag or 0.0) if sampled else None

    @property
    def polyline(self) -> str:
        """The lag line's points as SVG writes them."""
        return " ".join(f"{x:.1f},{y:.1f}" for x, y in self.lag_points)


def chart(applied: dict[dt.datetime, int], lags: list[tuple[dt.datetime, float]], now: dt.datetime) -> ActivityChart:
    """The chart of the 24 whole hours up to and including `now`'s hour, from hourly counts and lag samples."""
    first = now.astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0) - dt.timedelta(hours=HOURS - 1)
    starts = [first + dt.timedelta(hours=i) for i in range(HOURS)]
    worst: dict[dt.datetime, float] = {}
    for minute, lag in lags:
        hour = minute.astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0)
        worst[hour] = max(lag, worst.get(hour, 0.0))
    hours = [Hour(s, applied.get(s, 0), worst.get(s)) for s in starts]
    max_applied = max((h.applied for h in hours), default=0)
    max_lag = max((h.lag for h in hours if h.lag is not None), default=0.0)
    span = BOTTOM - TOP
    bars = []
    for i, h in enumerate(hours):
        height = span * h.applied / max_applied if max_applied else 0.0
        bars.append(Bar(LEFT + i * SLOT + 2, BOTTOM - height, SLOT - 4, height, h))
    points = [
        (LEFT + (i + 0.5) * SLOT, BOTTOM - (span * h.lag / max_lag if max_lag else 0.0))
        for i, h in enumerate(hours)
        if h.lag is not None
    ]
    ticks = [(LEFT + i * SLOT, h.label) for i, h in enumerate(hours) if i % 3 == 0]
    return ActivityChart(hours, bars, points, ticks, max_applied, max_lag)


def last_day(engine: Engine, institution_id: str, now: dt.datetime | None = None) -> ActivityChart:
    """The institution's chart of the last 24 hours, from the action log and the workers' lag samples."""
    now = now or dt.datetime.now(dt.UTC)
    since = now.replace(minute=0, second=0, microsecond=0) - dt.timedelta(hours=HOURS - 1)
    with Session(engine) as s:
        return chart(applied_by_hour(s, institution_id, since), lag_samples(s, institution_id, since), now)


def duration(seconds: float) -> str:
    """A lag as people read it: "45 s", "3 min", "2 h 5 min"."""
    whole = round(seconds)
    if whole < 60:
        return f"{whole} s"
    minutes = whole // 60
    return f"{minutes} min" if minutes < 60 else f"{minutes // 60} h {minutes % 60} min"
