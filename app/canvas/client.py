"""A synchronous Canvas REST client: token auth, Link-header pagination, retries and shared throttling."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import httpx

from app.canvas.backoff import RetryPolicy
from app.canvas.counter import RequestCounter
from app.canvas.errors import CanvasConflict, CanvasError, CanvasNotFound, CanvasUnavailable
from app.canvas.throttle import InMemoryThrottleGate, ThrottleGate
from app.core.origins import same_origin, shown
from app.core.pacing import Answer

Params = Mapping[str, str | int | Sequence[str]]
PER_PAGE = 100  # Canvas caps per_page at 100 for most lists (Api::MAX_PER_PAGE)

# Request errors that prove the request never reached Canvas, so even a non-repeatable POST may be resent.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


def is_throttled(response: httpx.Response) -> bool:
    """Canvas's throttle answer: 403 "(Rate Limit Exceeded)" (request_throttle.rb), or 429 (hosted Canvas, 2025)."""
    if response.status_code == 429:
        return True
    return response.status_code == 403 and "rate limit exceeded" in response.text.lower()


def answer_of(response: httpx.Response) -> Answer:
    """What an answer's rate-limit headers say; 403 "Rate Limit Exceeded" and 429 both count as throttled."""
    return Answer(
        remaining=_header_float(response, "X-Rate-Limit-Remaining"),
        cost=_header_float(response, "X-Request-Cost"),
        throttled=is_throttled(response),
        retry_after=_header_float(response, "Retry-After"),
    )


def _header_float(response: httpx.Response, name: str) -> float | None:
    value = response.headers.get(name)
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        return None


class CanvasClient:
    """Talks to one Canvas as one token; safe to share between threads (httpx.Client is thread-safe)."""

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        root_account: int | str = "self",
        gate: ThrottleGate | None = None,
        retry: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.root_account = str(root_account)
        self.gate: ThrottleGate = gate if gate is not None else InMemoryThrottleGate(sleep=sleep)
        self.retry = retry if retry is not None else RetryPolicy()
        self.counter = RequestCounter()
        self._sleep = sleep
        self._http = httpx.Client(
            base_url=base_url.rstrip("/"),
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
            transport=transport,
            timeout=timeout,
            event_hooks={"request": [self.counter]},
        )

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def __enter__(self) -> CanvasClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Params | None = None,
        data: Params | None = None,
        repeatable: bool = True,
    ) -> httpx.Response:
        """Send a request, waiting out throttling and retrying failures; raise a typed CanvasError.

        `repeatable=False` marks a request Canvas would apply twice if sent twice (a conversation, an
        object without a SIS id): it is resent only when it provably never reached Canvas, and an
        uncertain failure raises CanvasUnavailable with `maybe_applied` so the caller can check first.
        """
        failures = 0
        throttled = 0
        while True:
            try:
                response, pause = self._send(method, path, params, data)
            except httpx.TransportError as exc:
                failures += 1
                uncertain = not repeatable and not isinstance(exc, _NOT_SENT)
                if uncertain or failures >= self.retry.attempts:
                    raise CanvasUnavailable(None, str(exc), method=method, url=path, maybe_applied=uncertain) from exc
                self._sleep(self.retry.delay(failures))
                continue
            if is_throttled(response):
                throttled += 1
                if throttled >= self.retry.throttle_attempts:
                    raise CanvasUnavailable(response.status_code, response.text, method=method, url=path)
                if pause is None:  # the gate cannot tell yet how fast the bucket drains
                    self.gate.penalize(self.retry.throttle_delay(throttled))
                continue
            if response.status_code >= 500:
                failures += 1
                if not repeatable or failures >= self.retry.attempts:
                    raise CanvasUnavailable(
                        response.status_code, response.text, method=method, url=path, maybe_applied=not repeatable
                    )
                self._sleep(self.retry.delay(failures))
                continue
            if response.is_success:
                return response
            raise _refusal(response, method, path)

    def _send(
        self, method: str, path: str, params: Params | None, data: Params | None
    ) -> tuple[httpx.Response, float | None]:
        """One request through the gate; the answer and, when throttled, the pause the gate set."""
        self.gate.wait()
        try:
            response = self._http.request(method, path, params=params, data=data)
        except BaseException:
            self.gate.finish(None)
            raise
        return response, self.gate.finish(answer_of(response))

    def get(self, path: str, params: Params | None = None) -> Any:
        """GET one object."""
        return self.request("GET", path, params=params).json()

    def get_all(self, path: str, params: Params | None = None) -> list[Any]:
        """GET every page of a list, following the Link header's `next` URL while it stays on this Canvas.

        The token goes with every request, so a `next` link to another origin (host, scheme or port:
        Canvas names its own) raises CanvasError naming that origin instead of being followed.
        """
        items: list[Any] = []
        url: str | None = path
        page_params: Params | None = {**(params or {}), "per_page": PER_PAGE}
        while url is not None:
            response = self.request("GET", url, params=page_params)
            items.extend(response.json())
            url = response.links.get("next", {}).get("url")
            if url is not None and not same_origin(url, str(self._http.base_url)):
                raise CanvasError(
                    None,
                    f"refused to follow a pagination link to {shown(url)}: not this Canvas "
                    f"({shown(str(self._http.base_url))}), and the token goes only there",
                    method="GET",
                    url=path,
                )
            page_params = None  # the next URL carries every parameter already
        return items

    def post(self, path: str, data: Params | None = None, *, repeatable: bool = True) -> Any:
        """POST a form; return the JSON answer."""
        return self.request("POST", path, data=data, repeatable=repeatable).json()

    def put(self, path: str, data: Params | None = None) -> Any:
        """PUT a form; return the JSON answer."""
        return self.request("PUT", path, data=data).json()

    def delete(self, path: str, params: Params | None = None) -> Any:
        """DELETE; return the JSON answer."""
        return self.request("DELETE", path, params=params).json()

    def on_response(self, hook: Callable[[httpx.Response], None]) -> None:
        """Call `hook` with every answer Canvas gives, retries and throttle answers included."""
        self._http.event_hooks["response"].append(hook)


def _refusal(response: httpx.Response, method: str, path: str) -> CanvasError:
    status, body = response.status_code, response.text
    if status == 404:
        return CanvasNotFound(status, body, method=method, url=path)
    if status in (400, 409, 422) and "already in use" in body:
        return CanvasConflict(status, body, method=method, url=path)
    return CanvasError(status, body, method=method, url=path)
