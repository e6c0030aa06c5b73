"""CanvasClient against a scripted Canvas: pagination, throttling, retries, typed errors, SIS paths."""

from __future__ import annotations

import httpx
import pytest

from app.canvas.errors import CanvasConflict, CanvasError, CanvasNotFound, CanvasUnavailable
from app.canvas.sis import in_path
from app.canvas.throttle import InMemoryThrottleGate
from app.core.pacing import Answer, BucketFigures
from tests.unit.canvas.scripted_canvas import BASE, canvas_json, not_found, rate_limited, sis_taken


def test_get_all_follows_link_header_to_the_last_page(canvas, client):
    first = "/api/v1/courses/7/users"
    canvas.on(
        "GET",
        first,
        canvas_json(
            200,
            [{"id": 1}, {"id": 2}],
            Link=(f'<{BASE}{first}?page=2&per_page=100>; rel="next", <{BASE}{first}?page=1&per_page=100>; rel="first"'),
        ),
    )
    # The second page is served at the same path with a page parameter; route by call order.
    canvas.routes[("GET", first)].append(
        canvas_json(200, [{"id": 3}], Link=(f'<{BASE}{first}?page=1&per_page=100>; rel="first"'))
    )

    users = client.get_all(first, {"enrollment_type[]": ["teacher"]})

    assert [u["id"] for u in users] == [1, 2, 3]
    assert canvas.sent[0].query == {"enrollment_type[]": ["teacher"], "per_page": ["100"]}
    assert canvas.sent[1].query == {"page": ["2"], "per_page": ["100"]}


@pytest.mark.parametrize(
    ("elsewhere", "named"),
    [
        ("https://canvas.attacker.example/api/v1/courses/7/users?page=2", "https://canvas.attacker.example:443"),
        ("http://canvas.test/api/v1/courses/7/users?page=2", "http://canvas.test:80"),  # the token would go in clear
        ("https://canvas.test:8443/api/v1/courses/7/users?page=2", "https://canvas.test:8443"),
        ("//canvas.attacker.example/api/v1/courses/7/users?page=2", "//canvas.attacker.example"),
    ],
)
def test_a_next_link_off_this_canvas_is_not_followed_with_the_token(canvas, client, elsewhere, named):
    first = "/api/v1/courses/7/users"
    # The scripted Canvas routes by path alone: followed, the link would get the second answer.
    canvas.on("GET", first, canvas_json(200, [{"id": 1}], Link=f'<{elsewhere}>; rel="next"'), canvas_json(200, []))

    with pytest.raises(CanvasError) as err:
        client.get_all(first)

    assert len(canvas.sent) == 1  # nothing went to the other origin
    assert f"refused to follow a pagination link to {named}: not this Canvas (https://canvas.test:443)" in str(
        err.value
    )
    assert "token" in str(err.value) and "page=2" not in str(err.value)


def test_a_next_link_naming_the_default_port_is_this_canvas(canvas, client):
    first = "/api/v1/courses/7/users"
    canvas.on("GET", first, canvas_json(200, [{"id": 1}], Link=f'<https://CANVAS.test:443{first}?page=2>; rel="next"'))
    canvas.routes[("GET", first)].append(canvas_json(200, [{"id": 2}]))

    assert [u["id"] for u in client.get_all(first)] == [1, 2]


def test_rate_limit_exceeded_403_is_waited_out_then_retried(canvas, client):
    canvas.on("GET", "/api/v1/courses/1", rate_limited(), canvas_json(200, {"id": 1}))

    assert client.get("/api/v1/courses/1") == {"id": 1}
    assert len(canvas.sent) == 2
    assert sum(canvas.sleeps) > 0


def test_429_honours_retry_after_for_every_worker(canvas, client):
    canvas.on(
        "GET",
        "/api/v1/courses/1",
        httpx.Response(429, text="Too Many Requests", headers={"Retry-After": "7"}),
        canvas_json(200, {"id": 1}),
    )

    client.get("/api/v1/courses/1")

    assert canvas.sleeps == [7.0]


def test_a_penalty_holds_back_another_client_sharing_the_gate(canvas):
    gate = InMemoryThrottleGate(clock=canvas.clock, sleep=canvas.sleep)
    gate.penalize(5)
    gate.wait()
    assert canvas.now >= 5


def test_a_bucket_without_room_for_one_more_request_paces_the_next(canvas):
    gate = InMemoryThrottleGate(
        figures=BucketFigures(high_water=600, up_front=50, drain=10), clock=canvas.clock, sleep=canvas.sleep
    )
    gate.wait()
    gate.finish(Answer(remaining=40, cost=1.5))
    gate.wait()
    assert canvas.now == pytest.approx(2.0)  # one reservation and a fifth of one more: 60 − 40 units at 10 a second
    gate.finish(Answer(remaining=590, cost=0.2))
    gate.wait()
    assert canvas.now == pytest.approx(2.0)


def test_forbidden_without_rate_limit_is_an_error_not_a_retry(canvas, client):
    canvas.on(
        "GET",
        "/api/v1/accounts/1",
        canvas_json(
            403, {"status": "unauthorized", "errors": [{"message": "user not authorized to perform that action"}]}
        ),
    )

    with pytest.raises(CanvasError) as caught:
        client.get("/api/v1/accounts/1")

    assert caught.value.status == 403
    assert caught.value.message == "user not authorized to perform that action"
    assert len(canvas.sent) == 1


def test_server_errors_are_retried_with_backoff(canvas, client):
    canvas.on("GET", "/api/v1/courses/1", canvas_json(502, {}), canvas_json(200, {"id": 1}))

    assert client.get("/api/v1/courses/1") == {"id": 1}
    assert len(canvas.sent) == 2
    assert len(canvas.sleeps) == 1


def test_retries_are_bounded(canvas, client):
    canvas.on("GET", "/api/v1/courses/1", canvas_json(500, {"errors": [{"message": "boom"}]}))

    with pytest.raises(CanvasUnavailable) as caught:
        client.get("/api/v1/courses/1")

    assert len(canvas.sent) == 4
    assert caught.value.status == 500
    assert not caught.value.maybe_applied


def test_a_timeout_on_a_read_is_retried(canvas, client):
    canvas.on("GET", "/api/v1/courses/1", httpx.ReadTimeout("slow"), canvas_json(200, {"id": 1}))

    assert client.get("/api/v1/courses/1") == {"id": 1}


def test_a_non_repeatable_post_is_not_resent_after_a_timeout(canvas, client):
    canvas.on("POST", "/api/v1/conversations", httpx.ReadTimeout("slow"), canvas_json(201, []))

    with pytest.raises(CanvasUnavailable) as caught:
        client.post("/api/v1/conversations", {"subject": "x"}, repeatable=False)

    assert caught.value.maybe_applied
    assert len(canvas.sent) == 1


def test_a_non_repeatable_post_is_resent_when_it_never_left(canvas, client):
    canvas.on("POST", "/api/v1/conversations", httpx.ConnectError("refused"), canvas_json(201, [{"id": 9}]))

    assert client.post("/api/v1/conversations", {"subject": "x"}, repeatable=False) == [{"id": 9}]


def test_not_found_and_already_in_use_are_typed(canvas, client):
    canvas.on("GET", "/api/v1/courses/404", not_found())
    canvas.on("POST", "/api/v1/accounts/1/courses", sis_taken("sis_source_id", "UID-1"))

    with pytest.raises(CanvasNotFound):
        client.get("/api/v1/courses/404")
    with pytest.raises(CanvasConflict) as caught:
        client.post("/api/v1/accounts/1/courses", {"course[sis_course_id]": "UID-1"})
    assert caught.value.message == 'SIS ID "UID-1" is already in use'


def test_sis_ids_are_quoted_in_paths(canvas, client):
    ref = in_path("sis_course_id", "a/b.c d")
    canvas.on("GET", f"/api/v1/courses/{ref}", canvas_json(200, {"id": 5}))

    assert client.get(f"/api/v1/courses/{ref}") == {"id": 5}
    assert canvas.paths() == ["/api/v1/courses/sis_course_id:a%2Fb%2Ec%20d"]


def test_the_request_counter_counts_retries(canvas, client):
    canvas.on("GET", "/api/v1/courses/1", rate_limited(), canvas_json(200, {"id": 1}))

    client.get("/api/v1/courses/1")

    assert client.counter.total == 2
    assert client.counter.by_method() == {"GET": 2}
