"""/healthz and /metrics: what a load balancer and Prometheus ask; neither says anything about a person."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, Response, current_app, jsonify
from prometheus_client import CONTENT_TYPE_LATEST
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from app.config import AppConfig
from app.core.health import age_seconds, stale
from app.store.activity import last_feed_read
from app.store.workers import last_beat
from app.web.metrics import render

bp = Blueprint("ops", __name__)


def _engine() -> Engine:
    engine: Engine = current_app.extensions["kursadmin.engine"]
    return engine


def _config() -> AppConfig:
    config: AppConfig = current_app.config["KURSADMIN"]
    return config


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    """200 when the database answers and every institution's feed read and worker heartbeat are recent; else 503."""
    config, now = _config(), dt.datetime.now(dt.UTC)
    limits = config.health
    try:
        with Session(_engine()) as s:
            s.execute(text("SELECT 1"))
            seen = {i.id: (last_feed_read(s, i.id), last_beat(s, i.id)) for i in config.institutions}
    except Exception:  # the database is away: that alone is the answer (its error may name hosts and users)
        current_app.logger.exception("/healthz: the database did not answer")
        return jsonify(status="unhealthy", database="unreachable", stale=["database"]), 503
    institutions, problems = {}, []
    for inst_id, (feed_read, beat) in seen.items():
        feed_age, beat_age = age_seconds(now, feed_read), age_seconds(now, beat)
        found = stale(feed_age, beat_age, limits.feed_read_max_age_seconds, limits.worker_beat_max_age_seconds)
        institutions[inst_id] = {"feed_read_age_seconds": feed_age, "worker_beat_age_seconds": beat_age, "stale": found}
        problems += [f"{inst_id}.{name}" for name in found]
    body = {
        "status": "unhealthy" if problems else "ok",
        "database": "ok",
        "stale": problems,
        "institutions": institutions,
    }
    return jsonify(body), 503 if problems else 200


@bp.get("/metrics")
def metrics() -> Response:
    """Prometheus's text format, read from the database now (the workers write it; this process counts nothing)."""
    body = render(_engine(), [i.id for i in _config().institutions])
    return Response(body, content_type=CONTENT_TYPE_LATEST)
