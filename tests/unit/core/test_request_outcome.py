"""Each Canvas answer is counted under one outcome; its rate limit apart from any other refusal."""

from __future__ import annotations

from app.core.request_outcome import OUTCOMES, request_outcome


def test_each_answer_has_one_outcome() -> None:
    assert [request_outcome(s, False) for s in (200, 201, 404, 400, 401, 403, 422, 500, 503)] == [
        "success",
        "success",
        "not_found",
        "refused",
        "refused",
        "refused",
        "refused",
        "server_error",
        "server_error",
    ]
    assert request_outcome(403, True) == request_outcome(429, True) == "throttled"
    assert {request_outcome(s, t) for s in (200, 404, 403, 500) for t in (False, True)} == set(OUTCOMES)
