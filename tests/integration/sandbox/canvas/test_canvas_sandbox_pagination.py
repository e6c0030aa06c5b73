"""Pagination follows lib/api.rb: Link headers, per_page default 10 and cap, bookmarks for enrollments."""

from __future__ import annotations

import re

import httpx

from app.sandbox.canvas import CanvasSandbox


def _links(response: httpx.Response) -> dict[str, str]:
    return {rel: url for url, rel in re.findall(r'<([^>]+)>; rel="([^"]+)"', response.headers["Link"])}


def _walk(api: httpx.Client, url: str, params: dict[str, str]) -> tuple[list[dict], list[httpx.Response]]:
    items: list[dict] = []
    responses = []
    response = api.get(url, params=params)
    while True:
        responses.append(response)
        items.extend(response.json())
        nxt = _links(response).get("next")
        if not nxt:
            return items, responses
        response = api.get(nxt)


def test_walking_250_users_by_link_header(api: httpx.Client, sandbox: CanvasSandbox) -> None:
    for n in range(250):
        sandbox.create_user(f"Person {n:03d}", f"p{n}@x.se", f"S{n}")
    users, responses = _walk(api, "/api/v1/accounts/1/users", {"per_page": "100"})
    assert len(responses) == 3
    assert len({u["id"] for u in users}) == 251  # the 250 plus the sandbox admin
    first = _links(responses[0])
    assert set(first) == {"current", "next", "first", "last"}
    assert first["last"].endswith("page=3&per_page=100")
    assert set(_links(responses[-1])) == {"current", "prev", "first", "last"}


def test_per_page_defaults_to_10_and_is_capped_at_100(api: httpx.Client, sandbox: CanvasSandbox) -> None:
    for n in range(120):
        sandbox.create_user(f"Person {n:03d}", f"p{n}@x.se")
    assert len(api.get("/api/v1/accounts/1/users").json()) == 10
    capped = api.get("/api/v1/accounts/1/users", params={"per_page": "500"})
    assert len(capped.json()) == 100
    assert "per_page=100" in _links(capped)["next"]


def test_links_keep_filters_and_are_absolute(api: httpx.Client, sandbox: CanvasSandbox) -> None:
    for n in range(15):
        sandbox.create_user(f"Svensson {n}", f"s{n}@x.se")
    response = api.get("/api/v1/accounts/1/users", params={"search_term": "svensson", "per_page": "5"})
    nxt = _links(response)["next"]
    assert nxt.startswith("http://canvas.test/api/v1/accounts/1/users?search_term=svensson&page=2")
    items, _ = _walk(api, "/api/v1/accounts/1/users", {"search_term": "svensson", "per_page": "5"})
    assert len(items) == 15


def test_enrollments_use_opaque_bookmarks(api: httpx.Client, sandbox: CanvasSandbox) -> None:
    course_id = sandbox.create_course("Big", "BIG", published=True)
    for n in range(250):
        sandbox.enroll(sandbox.create_user(f"Student {n:03d}", f"st{n}@x.se"), course_id)
    enrollments, responses = _walk(api, f"/api/v1/courses/{course_id}/enrollments", {"per_page": "40"})
    assert len({e["id"] for e in enrollments}) == 250
    first = _links(responses[0])
    assert "last" not in first
    assert first["first"].endswith("page=first&per_page=40")
    assert "page=bookmark:" in first["next"]
    final = _links(responses[-1])
    assert "next" not in final
    assert final["last"] == final["current"]


def test_link_query_is_sorted_like_rails_to_query(api: httpx.Client, sandbox: CanvasSandbox) -> None:
    course_id = sandbox.create_course("Kurs", "K", published=True)
    response = api.get(
        f"/api/v1/courses/{course_id}/enrollments",
        params={"type[]": "StudentEnrollment", "state[]": "active", "access_token": "x"},
    )
    current = _links(response)["current"]
    assert current.endswith("?state%5B%5D=active&type%5B%5D=StudentEnrollment&page=first&per_page=10")
