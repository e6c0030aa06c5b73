"""Typed errors of the Canvas client, each carrying Canvas's own message text."""

from __future__ import annotations

import json


def canvas_message(body: str) -> str:
    """Canvas's human message from an error body: `message`, the first `errors` message, or the raw text."""
    try:
        data = json.loads(body)
    except ValueError:
        return body.strip()
    messages = list(_messages(data))
    return "; ".join(messages) if messages else body.strip()


def _messages(data: object) -> list[str]:
    # Canvas answers errors in three shapes: {"message": ...}, {"errors": [{"message": ...}]} and
    # ActiveRecord's {"errors": {"attr": [{"attribute", "type", "message"}]}} (nested per model for users).
    if isinstance(data, dict):
        if isinstance(data.get("message"), str):
            return [data["message"]]
        found: list[str] = []
        for value in data.values():
            found.extend(_messages(value))
        return found
    if isinstance(data, list):
        found = []
        for item in data:
            found.extend(_messages(item))
        return found
    return []


class CanvasError(Exception):
    """Canvas refused a request; `status` is the HTTP status (None when no answer came) and `body` its text."""

    def __init__(self, status: int | None, body: str, *, method: str = "", url: str = "") -> None:
        self.status = status
        self.body = body
        self.method = method
        self.url = url
        super().__init__(f"{method} {url} → {status}: {canvas_message(body)}".strip())

    @property
    def message(self) -> str:
        """Canvas's message text."""
        return canvas_message(self.body)


class CanvasNotFound(CanvasError):
    """The object (or an object the request names, such as a user) does not exist in Canvas (404)."""


class CanvasConflict(CanvasError):
    """A create was refused because a SIS id or login is already in use: the object exists."""


class CanvasUnavailable(CanvasError):
    """Canvas kept failing (5xx, time-outs, connection errors) until the retry budget ran out.

    `maybe_applied` is true when a request that is not safe to repeat may have reached Canvas: the
    caller must check Canvas before sending it again.
    """

    def __init__(
        self, status: int | None, body: str, *, method: str = "", url: str = "", maybe_applied: bool = False
    ) -> None:
        super().__init__(status, body, method=method, url=url)
        self.maybe_applied = maybe_applied
