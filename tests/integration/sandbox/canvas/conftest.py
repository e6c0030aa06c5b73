"""Fixtures: a fresh Canvas sandbox and a plain httpx.Client on its in-process transport."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from app.sandbox.canvas import CanvasSandbox, ThrottleConfig

TOKEN = "test-token"


@pytest.fixture
def sandbox() -> CanvasSandbox:
    """A new emulated Canvas whose throttle never refuses (throttle tests build their own)."""
    return CanvasSandbox(tokens=[TOKEN], throttle=ThrottleConfig(enabled=False))


@pytest.fixture
def api(sandbox: CanvasSandbox) -> Iterator[httpx.Client]:
    """An httpx.Client talking to the sandbox as its admin."""
    with httpx.Client(
        base_url="http://canvas.test", transport=sandbox.transport(), headers={"Authorization": f"Bearer {TOKEN}"}
    ) as client:
        yield client
