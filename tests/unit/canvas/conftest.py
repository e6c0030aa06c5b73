"""Fixtures: a scripted Canvas and a client wired to it."""

from __future__ import annotations

import httpx
import pytest

from app.canvas.backoff import RetryPolicy
from app.canvas.client import CanvasClient
from app.canvas.throttle import InMemoryThrottleGate
from tests.unit.canvas.scripted_canvas import BASE, FakeCanvas


@pytest.fixture
def canvas() -> FakeCanvas:
    """An empty scripted Canvas."""
    return FakeCanvas()


@pytest.fixture
def client(canvas: FakeCanvas) -> CanvasClient:
    """A client wired to the scripted Canvas, sleeping on the fake clock."""
    gate = InMemoryThrottleGate(clock=canvas.clock, sleep=canvas.sleep)
    return CanvasClient(
        BASE,
        "token",
        gate=gate,
        retry=RetryPolicy(attempts=4),
        transport=httpx.MockTransport(canvas.handle),
        sleep=canvas.sleep,
    )
