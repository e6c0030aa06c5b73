"""What /metrics and /healthz show after a real `kursadmin worker` run against the sandbox Canvas and Ladok."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from click.testing import Result
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import Engine, update
from sqlalchemy.orm import Session

from app import create_app
from app.config_file import load_config
from app.sandbox.canvas import CanvasSandbox
from app.sandbox.canvas.throttle import ThrottleConfig
from app.sandbox.ladok import SandboxLadok
from app.sandbox.ladok.server import serve as serve_ladok
from app.store.activity import lag_samples
from app.store.db import write_session
from app.store.ops_tables import FeedReadRow
from app.store.queue_tables import WorkerRow
from tests.integration.pipeline.world import add_offering, add_student

FAMILIES = {
    "kursadmin_ladok_events_recorded",
    "kursadmin_canvas_requests",
    "kursadmin_canvas_throttled_requests",
    "kursadmin_queue_depth",
    "kursadmin_oldest_pending_change_age_seconds",
    "kursadmin_held_removals",
    "kursadmin_dead_letters",
    "kursadmin_feed_read_age_seconds",
    "kursadmin_worker_heartbeat_age_seconds",
}


def _samples(body: str) -> dict[str, dict[tuple[tuple[str, str], ...], float]]:
    found: dict[str, dict[tuple[tuple[str, str], ...], float]] = {}
    for family in text_string_to_metric_families(body):
        for sample in family.samples:
            if sample.name.endswith("_created"):
                continue
            found.setdefault(family.name, {})[tuple(sorted(sample.labels.items()))] = sample.value
    return found


def _run_worker(
    write_config: Callable[..., Path], cli: Callable[..., Result], throttle: ThrottleConfig
) -> tuple[CanvasSandbox, Result]:
    ladok, canvas = SandboxLadok(), CanvasSandbox(tokens=["sandbox-token"], throttle=throttle)
    offering = add_offering(ladok).offering
    for _ in range(3):
        ladok.add_registration(add_student(ladok), offering)
    with serve_ladok(ladok) as ladok_url, canvas.serve() as running:
        write_config(canvas_url=running.url, ladok_url=ladok_url)
        result = cli("worker", "--until-idle")
    return canvas, result


def test_metrics_count_what_a_worker_run_did(
    write_config: Callable[..., Path], engine: Engine, cli: Callable[..., Result]
) -> None:
    canvas, result = _run_worker(write_config, cli, ThrottleConfig(enabled=False))
    assert result.exit_code == 0, result.output

    response = create_app(load_config()).test_client().get("/metrics")

    assert response.status_code == 200
    assert response.content_type.startswith("text/plain")
    samples = _samples(response.get_data(as_text=True))
    assert set(samples) >= FAMILIES
    kth = (("institution", "kth"),)
    events = {dict(labels)["type"]: n for labels, n in samples["kursadmin_ladok_events_recorded"].items()}
    assert events["RegistreringEvent"] == 3
    requests = {dict(labels)["outcome"]: n for labels, n in samples["kursadmin_canvas_requests"].items()}
    assert sum(requests.values()) == sum(canvas.request_counts().values())  # every request the sandbox answered
    assert requests["success"] > 0 and "throttled" not in requests
    assert samples["kursadmin_canvas_throttled_requests"][kth] == 0
    assert samples["kursadmin_queue_depth"][kth] == 0
    assert samples["kursadmin_oldest_pending_change_age_seconds"][kth] == 0
    assert samples["kursadmin_held_removals"][kth] == 0
    assert samples["kursadmin_dead_letters"][kth] == 0
    assert 0 <= samples["kursadmin_feed_read_age_seconds"][kth] < 60
    assert 0 <= samples["kursadmin_worker_heartbeat_age_seconds"][kth] < 60
    with Session(engine) as s:  # the admin view's chart has the run's lag: some at its start, none at its end
        lags = [lag for _minute, lag in lag_samples(s, "kth", dt.datetime.now(dt.UTC) - dt.timedelta(hours=1))]
    assert lags and all(lag >= 0 for lag in lags)


def test_health_is_ok_after_a_run_and_names_what_went_stale(
    write_config: Callable[..., Path], engine: Engine, cli: Callable[..., Result]
) -> None:
    _canvas, result = _run_worker(write_config, cli, ThrottleConfig(enabled=False))
    assert result.exit_code == 0, result.output
    client = create_app(load_config()).test_client()

    fresh = client.get("/healthz")

    assert fresh.status_code == 200, fresh.json
    assert fresh.json is not None and fresh.json["status"] == "ok" and fresh.json["database"] == "ok"
    assert fresh.json["institutions"]["kth"]["stale"] == []

    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    with write_session(engine) as s:
        s.execute(update(WorkerRow).values(beat_at=long_ago))
    stale = client.get("/healthz")

    assert stale.status_code == 503
    assert stale.json is not None and stale.json["stale"] == ["kth.worker_beat"]
    assert stale.json["institutions"]["kth"]["worker_beat_age_seconds"] >= 3600

    with write_session(engine) as s:
        s.execute(update(FeedReadRow).values(read_at=long_ago))
    assert client.get("/healthz").json["stale"] == ["kth.feed_read", "kth.worker_beat"]  # type: ignore[index]


def test_health_limits_come_from_the_file(
    write_config: Callable[..., Path], engine: Engine, cli: Callable[..., Result]
) -> None:
    _canvas, result = _run_worker(write_config, cli, ThrottleConfig(enabled=False))
    assert result.exit_code == 0, result.output
    with write_session(engine) as s:
        s.execute(update(FeedReadRow).values(read_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=10)))
    client = create_app(load_config()).test_client()
    assert client.get("/healthz").status_code == 503  # ten minutes is over the default five

    write_config(top="[health]\nfeed_read_max_age_seconds = 900\n")
    assert create_app(load_config()).test_client().get("/healthz").status_code == 200


def test_health_without_a_database_says_so_and_nothing_more(tmp_path: Path) -> None:
    from app.config_file import parse_config

    missing = tmp_path / "no-such-dir" / "db.sqlite"
    client = create_app(parse_config({"database_url": f"sqlite:///{missing}"})).test_client()

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json == {"status": "unhealthy", "database": "unreachable", "stale": ["database"]}
