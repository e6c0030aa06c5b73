"""The request pipeline shared by the httpx transport and the HTTP server: throttle, auth, faults, route."""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from app.sandbox.canvas.errors import ApiError, internal_error, invalid_token, missing_token, not_found
from app.sandbox.canvas.faults import Fault, FaultInjector
from app.sandbox.canvas.params import request_params
from app.sandbox.canvas.router import ApiRequest, ApiResponse, Route, Router
from app.sandbox.canvas.state import CanvasState
from app.sandbox.canvas.throttle import RATE_LIMIT_429_BODY, RATE_LIMIT_BODY, Throttle

UNMATCHED = "(unmatched)"


@dataclass
class RawRequest:
    """An HTTP request reduced to what the emulator reads."""

    method: str
    base_url: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes = b""


@dataclass
class RawResponse:
    """An HTTP response; `timed_out` tells the front end to simulate a client-side timeout."""

    status: int
    headers: dict[str, str]
    body: bytes
    timed_out: bool = False


@dataclass
class Stats:
    """Request counts per (method, route template) and throttled responses, for benchmarks."""

    requests: Counter[tuple[str, str]] = field(default_factory=Counter)
    throttled: int = 0
    server_errors: int = 0
    timeouts: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def _bearer(headers: dict[str, str], query: str) -> str | None:
    auth = headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip() or None
    # Canvas also accepts ?access_token= (AuthenticationMethods.access_token).
    return dict(parse_qsl(query)).get("access_token") or None


def _json_response(response: ApiResponse) -> RawResponse:
    headers = {"Content-Type": "application/json; charset=utf-8", **response.headers}
    return RawResponse(response.status, headers, json.dumps(response.body).encode("utf-8"))


class CanvasApp:
    """Handles raw requests against one CanvasState."""

    def __init__(
        self,
        state: CanvasState,
        router: Router,
        tokens: dict[str, int],
        throttle: Throttle,
        faults: FaultInjector,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.state = state
        self.router = router
        self.tokens = tokens
        self.throttle = throttle
        self.faults = faults
        self.sleep = sleep
        self.stats = Stats()

    def handle(self, raw: RawRequest) -> RawResponse:
        """Run one request through throttle, authentication, faults and its handler."""
        method = raw.method.upper()
        matched = self.router.match(method, raw.path)
        template = matched[0].template if matched else UNMATCHED
        with self.stats.lock:
            self.stats.requests[(method, template)] += 1
        token = _bearer(raw.headers, raw.query)
        throttle_key = f"token:{token}" if token else None
        if throttle_key and not self.throttle.reserve(throttle_key):
            with self.stats.lock:
                self.stats.throttled += 1
            return self._refuse(throttle_key)
        latency = self.faults.config.latency
        timed_out = False
        try:
            response, timed_out = self._respond(raw, method, matched, token, latency)
        finally:
            if throttle_key:
                cost = self.throttle.config.cost(method, template, latency)
                remaining = self.throttle.settle(throttle_key, cost)
        if throttle_key:
            response.headers["X-Request-Cost"] = str(cost)
            response.headers["X-Rate-Limit-Remaining"] = str(remaining)
        response.timed_out = timed_out
        return response

    def _refuse(self, throttle_key: str) -> RawResponse:
        """A throttled answer; like request_throttle.rb it charges nothing but the reservation it returns."""
        remaining = self.throttle.settle(throttle_key, 0.0)
        headers = {"Content-Type": "text/plain; charset=utf-8", "X-Rate-Limit-Remaining": str(remaining)}
        if self.throttle.config.refusal == "429":
            headers["Retry-After"] = str(self.throttle.retry_after(throttle_key))
            return RawResponse(429, headers, RATE_LIMIT_429_BODY)
        return RawResponse(403, headers, RATE_LIMIT_BODY)

    def _respond(
        self,
        raw: RawRequest,
        method: str,
        matched: tuple[Route, dict[str, str]] | None,
        token: str | None,
        latency: float,
    ) -> tuple[RawResponse, bool]:
        try:
            if token is None:
                raise missing_token()
            user_id = self.tokens.get(token)
            if user_id is None:
                raise invalid_token()
            if latency > 0:
                self.sleep(latency)
            fault = self.faults.draw()
            if fault is Fault.SERVER_ERROR:
                with self.stats.lock:
                    self.stats.server_errors += 1
                raise internal_error()
            if fault is Fault.TIMEOUT:
                with self.stats.lock:
                    self.stats.timeouts += 1
                if not self.faults.config.timeout_applies_change:
                    # Nothing changed; a client patient enough to outwait the delay sees a gateway timeout.
                    return RawResponse(504, {}, b""), True
            if matched is None:
                raise not_found()
            route, path_params = matched
            try:
                params = request_params(raw.query, raw.headers.get("content-type", ""), raw.body)
            except (UnicodeDecodeError, json.JSONDecodeError):
                # Rails rejects an unparsable body with 400 before any controller runs; the text is ours.
                raise ApiError(400, {"errors": [{"message": "The request body could not be parsed."}]}) from None
            request = ApiRequest(
                method=method,
                path=raw.path,
                query=raw.query,
                params=params,
                base_url=raw.base_url,
                state=self.state,
                current_user_id=user_id,
                path_params=path_params,
            )
            with self.state.lock:
                answer = route.handler(request)
            return _json_response(answer), fault is Fault.TIMEOUT
        except ApiError as error:
            return _json_response(ApiResponse(error.status, error.body, dict(error.headers))), False
