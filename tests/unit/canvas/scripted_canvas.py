"""A scripted Canvas for unit tests: each route answers with Canvas's real response shapes, in order."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qs

import httpx

BASE = "https://canvas.test"

Answer = httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]


def canvas_json(status: int, body: object, **headers: str) -> httpx.Response:
    """A JSON answer as Canvas sends it, with the throttle headers every API answer carries."""
    return httpx.Response(
        status,
        json=body,
        headers={"X-Rate-Limit-Remaining": "600.0", "X-Request-Cost": "0.01", **headers},
    )


def not_found() -> httpx.Response:
    """Canvas's API 404 (application_controller.rb render_api_error for RecordNotFound)."""
    return canvas_json(404, {"errors": [{"message": "The specified resource does not exist."}]})


def sis_taken(attribute: str, sis_id: str) -> httpx.Response:
    """An ActiveRecord "SIS ID is already in use" refusal (course.rb, course_section.rb, account.rb)."""
    message = f'SIS ID "{sis_id}" is already in use'
    return canvas_json(400, {"errors": {attribute: [{"attribute": attribute, "type": message, "message": message}]}})


def rate_limited() -> httpx.Response:
    """request_throttle.rb #rate_limit_exceeded, byte for byte."""
    return httpx.Response(
        403,
        text="403 Forbidden (Rate Limit Exceeded)\n",
        headers={"Content-Type": "text/plain; charset=utf-8", "X-Rate-Limit-Remaining": "0.0"},
    )


@dataclass
class Sent:
    """One request the client sent."""

    method: str
    path: str
    query: dict[str, list[str]]
    form: dict[str, list[str]]


@dataclass
class FakeCanvas:
    """Routes keyed by (method, raw path); each holds the answers to give, the last one repeating."""

    routes: dict[tuple[str, str], list[Answer]] = field(default_factory=dict)
    sent: list[Sent] = field(default_factory=list)
    sleeps: list[float] = field(default_factory=list)
    now: float = 0.0

    def on(self, method: str, path: str, *answers: Answer) -> None:
        """Answer `method path` with these answers in turn."""
        self.routes[(method, path)] = list(answers)

    def handle(self, request: httpx.Request) -> httpx.Response:
        """The MockTransport handler."""
        path = request.url.raw_path.decode().split("?")[0]
        form = parse_qs(request.content.decode()) if request.content else {}
        self.sent.append(Sent(request.method, path, parse_qs(request.url.query.decode()), form))
        answers = self.routes.get((request.method, path))
        if not answers:
            return not_found()
        answer = answers.pop(0) if len(answers) > 1 else answers[0]
        if isinstance(answer, Exception):
            raise answer
        if callable(answer):
            return answer(request)
        return answer

    def sleep(self, seconds: float) -> None:
        """A sleep that only moves the fake clock."""
        self.sleeps.append(seconds)
        self.now += seconds

    def clock(self) -> float:
        """The fake clock."""
        return self.now

    def paths(self, method: str | None = None) -> list[str]:
        """Paths requested, in order."""
        return [s.path for s in self.sent if method is None or s.method == method]


def form_of(sent: Sent) -> dict[str, str | list[str]]:
    """A sent form with single values unwrapped."""
    return {key: values[0] if len(values) == 1 else values for key, values in sent.form.items()}
