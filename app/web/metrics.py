"""/metrics's figures in Prometheus's text format, read from the database at each scrape.

Workers are separate processes from the web server, so nothing is counted in this process's memory:
a custom collector reads what the workers wrote (app/store/monitoring.py, app/store/activity.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from app.core.health import age_seconds
from app.store.activity import request_counts
from app.store.monitoring import InstitutionFigures, institution_figures

INST = ["institution"]


class DatabaseCollector(Collector):
    """Every figure of every configured institution, as the database holds it at collection time."""

    def __init__(self, engine: Engine, institution_ids: Sequence[str]) -> None:
        self.engine = engine
        self.institution_ids = list(institution_ids)

    def collect(self) -> Iterator[Metric]:
        """The metric families, one sample per institution (and type or outcome)."""
        now = dt.datetime.now(dt.UTC)
        with Session(self.engine) as s:
            figures = {i: institution_figures(s, i) for i in self.institution_ids}
            requests = request_counts(s)
        events = CounterMetricFamily(
            "kursadmin_ladok_events_recorded", "Ladok events recorded, by event type", labels=[*INST, "type"]
        )
        canvas = CounterMetricFamily(
            "kursadmin_canvas_requests", "Canvas requests answered, by outcome", labels=[*INST, "outcome"]
        )
        throttled = CounterMetricFamily(
            "kursadmin_canvas_throttled_requests", "Canvas requests answered with its rate limit", labels=INST
        )
        for inst, fig in figures.items():
            for event_type, n in sorted(fig.events.items()):
                events.add_metric([inst, event_type], n)
            for (counted_inst, outcome), n in sorted(requests.items()):
                if counted_inst == inst:
                    canvas.add_metric([inst, outcome], n)
            throttled.add_metric([inst], requests.get((inst, "throttled"), 0))
        yield from (events, canvas, throttled)
        yield from _gauges(figures, now)


def _gauges(figures: dict[str, InstitutionFigures], now: dt.datetime) -> Iterator[Metric]:
    specs = (
        ("kursadmin_queue_depth", "Keys waiting to be reconciled", lambda f: f.queue_depth),
        (
            "kursadmin_oldest_pending_change_age_seconds",
            "Age of the oldest change not yet made in Canvas (0: none)",
            lambda f: age_seconds(now, f.oldest_pending) or 0.0,
        ),
        ("kursadmin_held_removals", "Removals the safety filter holds for an operator", lambda f: f.held_removals),
        ("kursadmin_dead_letters", "Keys that kept failing and wait for an operator", lambda f: f.dead_letters),
        (
            "kursadmin_feed_read_age_seconds",
            "Seconds since the Ladok feed was last read (absent: never)",
            lambda f: age_seconds(now, f.feed_read),
        ),
        (
            "kursadmin_worker_heartbeat_age_seconds",
            "Seconds since a worker last reported alive (absent: never)",
            lambda f: age_seconds(now, f.worker_beat),
        ),
    )
    for name, doc, value in specs:
        family = GaugeMetricFamily(name, doc, labels=INST)
        for inst, fig in figures.items():
            v = value(fig)
            if v is not None:
                family.add_metric([inst], float(v))
        yield family


def render(engine: Engine, institution_ids: Sequence[str]) -> bytes:
    """The exposition text of every family."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(DatabaseCollector(engine, institution_ids))
    return generate_latest(registry)
