"""Counts the HTTP requests a CanvasClient sends (an httpx request event hook), for benches and tests."""

from __future__ import annotations

import threading
from collections import Counter

import httpx


class RequestCounter:
    """An httpx `request` hook that counts every request sent, retries included, by method."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_method: Counter[str] = Counter()

    def __call__(self, request: httpx.Request) -> None:
        """Count one request (httpx calls this before sending)."""
        with self._lock:
            self._by_method[request.method] += 1

    @property
    def total(self) -> int:
        """Requests sent so far."""
        with self._lock:
            return sum(self._by_method.values())

    def by_method(self) -> dict[str, int]:
        """Requests sent so far per HTTP method."""
        with self._lock:
            return dict(self._by_method)

    def reset(self) -> None:
        """Start counting from zero."""
        with self._lock:
            self._by_method.clear()
