"""The leaky-bucket throttle per access token, driven by an injected clock."""

from __future__ import annotations

import httpx

from app.sandbox.canvas import CanvasSandbox, ThrottleConfig


class FakeClock:
    """A clock that only moves when told."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _client(sandbox: CanvasSandbox, token: str) -> httpx.Client:
    return httpx.Client(
        base_url="http://canvas.test", transport=sandbox.transport(), headers={"Authorization": f"Bearer {token}"}
    )


def test_headers_report_cost_and_remaining() -> None:
    clock = FakeClock()
    sandbox = CanvasSandbox(tokens=["t"], throttle=ThrottleConfig(fixed_cost=2.5), clock=clock)
    response = _client(sandbox, "t").get("/api/v1/accounts/1")
    assert response.headers["X-Request-Cost"] == "2.5"
    assert response.headers["X-Rate-Limit-Remaining"] == "597.5"


def test_burst_is_refused_then_recovers_after_outflow() -> None:
    clock = FakeClock()
    sandbox = CanvasSandbox(tokens=["t"], throttle=ThrottleConfig(fixed_cost=100.0), clock=clock)
    api = _client(sandbox, "t")
    statuses = [api.get("/api/v1/accounts/1").status_code for _ in range(6)]
    assert statuses == [200] * 6
    refused = api.get("/api/v1/accounts/1")
    assert refused.status_code == 403
    assert refused.text == "403 Forbidden (Rate Limit Exceeded)\n"
    assert "X-Request-Cost" not in refused.headers
    assert float(refused.headers["X-Rate-Limit-Remaining"]) <= 0
    assert sandbox.throttled_count == 1
    clock.now += 10.0  # 10 units/s leak 100 units
    assert api.get("/api/v1/accounts/1").status_code == 200


def test_throttled_request_changes_nothing() -> None:
    clock = FakeClock()
    sandbox = CanvasSandbox(tokens=["t"], throttle=ThrottleConfig(fixed_cost=600.0), clock=clock)
    api = _client(sandbox, "t")
    api.get("/api/v1/accounts/1")
    response = api.post("/api/v1/accounts/1/users", data={"pseudonym[unique_id]": "late@x.se"})
    assert response.status_code == 403
    assert [u.name for u in sandbox.users()] == ["Sandbox Admin"]


def test_each_token_has_its_own_bucket() -> None:
    clock = FakeClock()
    sandbox = CanvasSandbox(tokens=["a", "b"], throttle=ThrottleConfig(fixed_cost=600.0), clock=clock)
    _client(sandbox, "a").get("/api/v1/accounts/1")
    assert _client(sandbox, "a").get("/api/v1/accounts/1").status_code == 403
    assert _client(sandbox, "b").get("/api/v1/accounts/1").status_code == 200


def test_disabled_throttle_never_refuses_but_still_reports() -> None:
    clock = FakeClock()
    sandbox = CanvasSandbox(tokens=["t"], throttle=ThrottleConfig(enabled=False, fixed_cost=600.0), clock=clock)
    api = _client(sandbox, "t")
    responses = [api.get("/api/v1/accounts/1") for _ in range(3)]
    assert [r.status_code for r in responses] == [200, 200, 200]
    assert float(responses[-1].headers["X-Rate-Limit-Remaining"]) < 0


def test_cost_model_can_price_routes_differently() -> None:
    clock = FakeClock()

    def expensive_writes(method: str, template: str, latency: float) -> float:
        return 300.0 if method == "POST" else 0.0

    sandbox = CanvasSandbox(tokens=["t"], throttle=ThrottleConfig(cost_model=expensive_writes), clock=clock)
    api = _client(sandbox, "t")
    for n in range(2):
        api.post("/api/v1/accounts/1/users", data={"pseudonym[unique_id]": f"u{n}@x.se"})
    assert api.get("/api/v1/accounts/1").status_code == 403


def test_refusal_as_hosted_canvas_answers_since_2025_is_429_with_retry_after() -> None:
    clock = FakeClock()
    sandbox = CanvasSandbox(
        tokens=["t"], throttle=ThrottleConfig(hwm=150.0, outflow=5.0, fixed_cost=100.0, refusal="429"), clock=clock
    )
    api = _client(sandbox, "t")
    assert api.get("/api/v1/accounts/1").status_code == 200

    refused = api.get("/api/v1/accounts/1")

    assert refused.status_code == 429
    assert "Rate Limit Exceeded" in refused.text
    assert float(refused.headers["X-Rate-Limit-Remaining"]) == 50.0
    # 100 in the bucket + 50 up front must drain under 150: the bucket takes the request once it has leaked.
    wait = int(refused.headers["Retry-After"])
    assert wait == 1
    clock.now += wait
    assert api.get("/api/v1/accounts/1").status_code == 200
