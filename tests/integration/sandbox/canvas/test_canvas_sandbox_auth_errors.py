"""Authentication, not-found bodies and parameter encodings match Canvas."""

from __future__ import annotations

import httpx

from app.sandbox.canvas import CanvasSandbox
from tests.integration.sandbox.canvas.canvas_calls import create_user


def test_missing_token_is_401_with_canvas_body(sandbox: CanvasSandbox) -> None:
    with httpx.Client(base_url="http://canvas.test", transport=sandbox.transport()) as anonymous:
        response = anonymous.get("/api/v1/accounts/1")
    assert response.status_code == 401
    assert response.json() == {"status": "unauthenticated", "errors": [{"message": "user authorization required"}]}


def test_wrong_token_is_401_invalid_access_token(sandbox: CanvasSandbox) -> None:
    with httpx.Client(
        base_url="http://canvas.test", transport=sandbox.transport(), headers={"Authorization": "Bearer nope"}
    ) as client:
        response = client.get("/api/v1/accounts/1")
    assert response.status_code == 401
    assert response.json() == {"errors": [{"message": "Invalid access token."}]}
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_access_token_query_parameter_is_accepted(sandbox: CanvasSandbox) -> None:
    with httpx.Client(base_url="http://canvas.test", transport=sandbox.transport()) as client:
        assert client.get("/api/v1/accounts/1", params={"access_token": "test-token"}).status_code == 200


def test_unknown_ids_give_the_canvas_not_found_body(api: httpx.Client) -> None:
    expected = {"errors": [{"message": "The specified resource does not exist."}]}
    for path in (
        "/api/v1/courses/999",
        "/api/v1/courses/sis_course_id:nope",
        "/api/v1/users/sis_user_id:x",
        "/api/v1/sections/sis_section_id:x",
        "/api/v1/accounts/sis_account_id:x",
        "/api/v1/courses/not-an-id",
        "/api/v1/no/such/route",
    ):
        response = api.get(path)
        assert (response.status_code, response.json()) == (404, expected), path


def test_json_body_and_form_body_are_equivalent(api: httpx.Client) -> None:
    as_json = api.post(
        "/api/v1/accounts/1/users",
        json={"user": {"name": "J"}, "pseudonym": {"unique_id": "j@x.se", "sis_user_id": "J1"}},
    )
    as_form = create_user(api, "f@x.se", "F1", name="F")
    assert as_json.json()["sis_user_id"] == "J1"
    assert as_form["sis_user_id"] == "F1"


def test_hex_encoded_and_percent_encoded_sis_ids_resolve(api: httpx.Client) -> None:
    user = create_user(api, "s@x.se", "A/B 1")
    assert api.get("/api/v1/users/sis_user_id:A%2FB%201").json()["id"] == user["id"]
    hex_id = b"A/B 1".hex()
    assert api.get(f"/api/v1/users/hex:sis_user_id:{hex_id}").json()["id"] == user["id"]
