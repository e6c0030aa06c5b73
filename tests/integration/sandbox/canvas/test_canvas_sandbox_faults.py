"""Injected latency, 500s and timeouts are seeded, and say whether the change happened."""

from __future__ import annotations

import httpx
import pytest

from app.sandbox.canvas import CanvasSandbox, FaultConfig, ThrottleConfig


def _client(sandbox: CanvasSandbox) -> httpx.Client:
    return httpx.Client(
        base_url="http://canvas.test", transport=sandbox.transport(), headers={"Authorization": "Bearer t"}
    )


def _new_user(api: httpx.Client, n: int = 0) -> httpx.Response:
    return api.post(
        "/api/v1/accounts/1/users", data={"pseudonym[unique_id]": f"u{n}@x.se", "pseudonym[sis_user_id]": f"S{n}"}
    )


def test_server_error_changes_nothing() -> None:
    sandbox = CanvasSandbox(tokens=["t"], faults=FaultConfig(error_rate=1.0))
    response = _new_user(_client(sandbox))
    assert (response.status_code, response.json()) == (500, {"errors": [{"message": "An error occurred."}]})
    assert sandbox.user_by_sis_id("S0") is None
    assert sandbox.injected_errors == 1


def test_timeout_after_the_change_by_default() -> None:
    sandbox = CanvasSandbox(tokens=["t"], faults=FaultConfig(timeout_rate=1.0))
    with pytest.raises(httpx.ReadTimeout):
        _new_user(_client(sandbox))
    assert sandbox.user_by_sis_id("S0") is not None
    assert sandbox.injected_timeouts == 1


def test_timeout_before_the_change_when_configured() -> None:
    sandbox = CanvasSandbox(tokens=["t"], faults=FaultConfig(timeout_rate=1.0, timeout_applies_change=False))
    with pytest.raises(httpx.ReadTimeout):
        _new_user(_client(sandbox))
    assert sandbox.user_by_sis_id("S0") is None


def test_latency_is_slept_and_priced() -> None:
    slept: list[float] = []
    sandbox = CanvasSandbox(
        tokens=["t"], faults=FaultConfig(latency=0.25), sleep=slept.append, throttle=ThrottleConfig(fixed_cost=0.05)
    )
    response = _client(sandbox).get("/api/v1/accounts/1")
    assert slept == [0.25]
    assert float(response.headers["X-Request-Cost"]) == pytest.approx(0.30)


def _statuses(seed: int) -> list[int]:
    sandbox = CanvasSandbox(tokens=["t"], faults=FaultConfig(error_rate=0.3, seed=seed))
    api = _client(sandbox)
    return [api.get("/api/v1/accounts/1").status_code for _ in range(40)]


def test_faults_are_reproducible_per_seed() -> None:
    first = _statuses(7)
    assert first == _statuses(7)
    assert 500 in first and 200 in first
    assert first != _statuses(8)


def test_fault_rates_can_change_while_running() -> None:
    sandbox = CanvasSandbox(tokens=["t"], faults=FaultConfig(error_rate=1.0))
    api = _client(sandbox)
    assert api.get("/api/v1/accounts/1").status_code == 500
    sandbox.fault_config.error_rate = 0.0
    assert api.get("/api/v1/accounts/1").status_code == 200
