"""Fixtures: the Canvas sandbox on a fake clock, and a CanvasClient wired to it in-process."""

from __future__ import annotations

import pytest

from app.canvas.backoff import RetryPolicy
from app.canvas.client import CanvasClient
from app.canvas.throttle import InMemoryThrottleGate
from app.core.pacing import BucketFigures
from app.sandbox.canvas import DEFAULT_TOKEN, ROOT_ACCOUNT_ID, CanvasSandbox, FaultConfig, ThrottleConfig
from tests.integration.canvas.sandbox_factory import FakeClock, SandboxFactory


@pytest.fixture
def make_canvas() -> SandboxFactory:
    """Build a sandbox (optionally throttled tighter or with faults) and a client for it."""

    def build(
        throttle: ThrottleConfig | None = None, faults: FaultConfig | None = None, figures: BucketFigures | None = None
    ) -> tuple[CanvasSandbox, CanvasClient]:
        clock = FakeClock()
        sandbox = CanvasSandbox(throttle=throttle, faults=faults, clock=clock, sleep=clock.sleep)
        gate = InMemoryThrottleGate(figures=figures, clock=clock, sleep=clock.sleep)
        client = CanvasClient(
            "http://canvas.sandbox",
            DEFAULT_TOKEN,
            root_account=ROOT_ACCOUNT_ID,
            gate=gate,
            retry=RetryPolicy(attempts=8),
            transport=sandbox.transport(),
            sleep=clock.sleep,
        )
        return sandbox, client

    return build


@pytest.fixture
def sandbox_and_client(make_canvas: SandboxFactory) -> tuple[CanvasSandbox, CanvasClient]:
    """A default sandbox and its client."""
    return make_canvas()
