"""A worker's Canvas answers and feed reads reach the database in batches, throttled answers counted apart."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from app.canvas.backoff import RetryPolicy
from app.canvas.client import CanvasClient
from app.canvas.errors import CanvasError
from app.canvas.throttle import InMemoryThrottleGate
from app.pipeline.activity import ActivityRecorder
from app.sandbox.canvas.throttle import RATE_LIMIT_BODY
from app.sandbox.serving import WsgiApp, serve_in_thread
from app.store.activity import last_feed_read, request_counts


def _canvas_answering(*answers: tuple[int, bytes]) -> WsgiApp:
    """A stand-in for Canvas on loopback giving these answers in turn, then 200 {} for ever."""
    queue = list(answers)

    def app(_environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        status, body = queue.pop(0) if queue else (200, b"{}")
        start_response(f"{status} X", [("Content-Type", "application/json")])
        return [body]

    return app


def test_canvas_answers_are_counted_by_outcome_per_institution(engine: Engine) -> None:
    answers = (
        (403, RATE_LIMIT_BODY),
        (403, RATE_LIMIT_BODY),
        (200, b"{}"),
        (403, b'{"status": "unauthorized"}'),
        (404, b"{}"),
        (500, b"{}"),
        (200, b"{}"),
    )
    with serve_in_thread(_canvas_answering(*answers)) as url, ActivityRecorder(engine, every=60) as recorder:
        client = CanvasClient(
            url,
            "t",
            gate=InMemoryThrottleGate(sleep=lambda _s: None),
            retry=RetryPolicy(base_delay=0, throttle_base_delay=0),
            sleep=lambda _s: None,
        )
        client.on_response(recorder.canvas_hook("kth"))
        client.get("/api/v1/accounts/1")  # throttled twice, then answered
        for path in ("/api/v1/courses/1", "/api/v1/courses/2"):
            with pytest.raises(CanvasError):
                client.get(path)
        client.get("/api/v1/courses/3")  # a server error, then answered on the retry
        with Session(engine) as s:
            assert request_counts(s) == {}  # kept in memory until the recorder writes

    with Session(engine) as s:
        counts = request_counts(s)
    assert counts == {
        ("kth", "throttled"): 2,
        ("kth", "success"): 2,
        ("kth", "refused"): 1,
        ("kth", "not_found"): 1,
        ("kth", "server_error"): 1,
    }


def test_feed_reads_are_noted_when_a_page_was_fetched(engine: Engine) -> None:
    before = dt.datetime.now(dt.UTC)
    with ActivityRecorder(engine, every=60) as recorder:
        fetch = recorder.feed_fetcher("kth", lambda url: b"<feed/>")
        assert fetch("https://ladok.example/feed/1") == b"<feed/>"

    with Session(engine) as s:
        read = last_feed_read(s, "kth")
        assert last_feed_read(s, "uu") is None
    assert read is not None and before <= read <= dt.datetime.now(dt.UTC)
