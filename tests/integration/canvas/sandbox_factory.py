"""The sandbox-and-client factory the Canvas tests take as a fixture (conftest.py), and its fake clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from app.canvas.client import CanvasClient
from app.sandbox.canvas import CanvasSandbox


@dataclass
class FakeClock:
    """One clock for the sandbox's throttle bucket and the client's waits, so waiting is instant."""

    now: float = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        """Let time pass."""
        self.now += max(seconds, 0.0)


SandboxFactory = Callable[..., tuple[CanvasSandbox, CanvasClient]]
