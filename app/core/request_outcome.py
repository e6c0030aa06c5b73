"""What became of a Canvas request, as the metrics count it: one word per kind of answer."""

from __future__ import annotations

OUTCOMES = ("success", "not_found", "refused", "throttled", "server_error")


def request_outcome(status: int, throttled: bool) -> str:
    """The outcome of an answered request: `throttled` is Canvas's rate-limit answer (403 or a proxy's 429)."""
    if throttled:
        return "throttled"
    if status >= 500:
        return "server_error"
    if status == 404:
        return "not_found"
    if status >= 400:
        return "refused"
    return "success"
