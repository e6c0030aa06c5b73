"""The emulator over real HTTP on 127.0.0.1, with many clients at once."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from app.sandbox.canvas import CanvasSandbox, FaultConfig, ThrottleConfig
from app.sandbox.canvas.server import RunningServer


@pytest.fixture
def served() -> Iterator[tuple[CanvasSandbox, RunningServer]]:
    sandbox = CanvasSandbox(tokens=["t"], throttle=ThrottleConfig(enabled=False))
    server = sandbox.serve()
    yield sandbox, server
    server.stop()


def _client(server: RunningServer) -> httpx.Client:
    return httpx.Client(base_url=server.url, headers={"Authorization": "Bearer t"}, timeout=10)


def test_server_answers_like_the_transport(served: tuple[CanvasSandbox, RunningServer]) -> None:
    _, server = served
    assert server.url.startswith("http://127.0.0.1:")
    with _client(server) as api:
        created = api.post(
            "/api/v1/accounts/1/users", data={"pseudonym[unique_id]": "a@x.se", "pseudonym[sis_user_id]": "A/1"}
        )
        assert created.status_code == 200
        assert api.get("/api/v1/users/sis_user_id:A%2F1").json()["id"] == created.json()["id"]
        missing = api.get("/api/v1/courses/sis_course_id:nope")
        assert (missing.status_code, missing.json()) == (
            404,
            {"errors": [{"message": "The specified resource does not exist."}]},
        )
        listing = api.get("/api/v1/accounts/1/users", params={"per_page": "1"})
        assert f"<{server.url}/api/v1/accounts/1/users?page=2&per_page=1>" in listing.headers["Link"]
        assert "X-Rate-Limit-Remaining" in listing.headers


def test_parallel_clients_get_distinct_records(served: tuple[CanvasSandbox, RunningServer]) -> None:
    sandbox, server = served

    def create(n: int) -> int:
        response = api.post(
            "/api/v1/accounts/1/users", data={"pseudonym[unique_id]": f"u{n}@x.se", "pseudonym[sis_user_id]": f"S{n}"}
        )
        return response.json()["id"]

    with _client(server) as api, ThreadPoolExecutor(max_workers=8) as pool:
        ids = list(pool.map(create, range(40)))
    assert len(set(ids)) == 40
    assert len(sandbox.users()) == 41
    assert sandbox.request_counts()[("POST", "/api/v1/accounts/:account_id/users")] == 40


def test_stopped_server_refuses_connections() -> None:
    sandbox = CanvasSandbox(tokens=["t"])
    server = sandbox.serve()
    server.stop()
    with pytest.raises(httpx.ConnectError), _client(server) as api:
        api.get("/api/v1/accounts/1")


def test_simulated_timeout_over_http_holds_the_answer_back() -> None:
    sandbox = CanvasSandbox(tokens=["t"], faults=FaultConfig(timeout_rate=1.0, server_timeout_delay=0.5))
    server = sandbox.serve()
    new_user = {"pseudonym[unique_id]": "a@x.se", "pseudonym[sis_user_id]": "S1"}
    try:
        with (
            httpx.Client(base_url=server.url, headers={"Authorization": "Bearer t"}, timeout=0.05) as api,
            pytest.raises(httpx.ReadTimeout),
        ):
            api.post("/api/v1/accounts/1/users", data=new_user)
        assert sandbox.user_by_sis_id("S1") is not None
    finally:
        server.stop()
