"""Users and logins behave as Canvas's users_controller and pseudonyms_controller do."""

from __future__ import annotations

import httpx

from app.sandbox.canvas import CanvasSandbox
from tests.integration.sandbox.canvas.canvas_calls import create_user


def test_created_user_carries_sis_id_and_login(api: httpx.Client) -> None:
    user = create_user(api, "anna@example.se", "19900101-1234", name="Anna Svensson")
    assert user["sis_user_id"] == "19900101-1234"
    assert user["login_id"] == "anna@example.se"
    assert user["sortable_name"] == "Svensson, Anna"


def test_duplicate_sis_id_gives_canvas_error_body(api: httpx.Client) -> None:
    create_user(api, "a@example.se", "S1")
    response = api.post(
        "/api/v1/accounts/1/users",
        data={"user[name]": "B", "pseudonym[unique_id]": "b@example.se", "pseudonym[sis_user_id]": "S1"},
    )
    assert response.status_code == 400
    assert response.json() == {
        "errors": {
            "user": {},
            "pseudonym": {
                "sis_user_id": [
                    {"attribute": "sis_user_id", "type": "taken", "message": 'SIS ID "S1" is already in use'}
                ]
            },
            "observee": {},
            "pairing_code": {},
            "recaptcha": None,
        }
    }


def test_duplicate_login_is_case_insensitive_and_reported_first(api: httpx.Client) -> None:
    create_user(api, "anna@example.se", "S1")
    response = api.post(
        "/api/v1/accounts/1/users", data={"pseudonym[unique_id]": "ANNA@example.se", "pseudonym[sis_user_id]": "S1"}
    )
    assert response.status_code == 400
    errors = response.json()["errors"]["pseudonym"]
    assert list(errors) == ["unique_id"]
    assert errors["unique_id"][0]["message"] == "ID already in use for this account and authentication provider"


def test_users_are_found_by_sis_user_id_and_sis_login_id(api: httpx.Client) -> None:
    user = create_user(api, "kalle@example.se", "S-9")
    assert api.get("/api/v1/users/sis_user_id:S-9").json()["id"] == user["id"]
    assert api.get("/api/v1/users/sis_login_id:kalle@example.se").json()["id"] == user["id"]
    assert api.get("/api/v1/users/sis_user_id:nobody").status_code == 404


def test_update_user_changes_name_and_email(api: httpx.Client) -> None:
    user = create_user(api, "k@example.se", "S1")
    response = api.put(
        f"/api/v1/users/{user['id']}", data={"user[name]": "Karl Karlsson", "user[email]": "karl@example.se"}
    )
    assert response.json()["email"] == "karl@example.se"
    assert api.get(f"/api/v1/users/{user['id']}").json()["name"] == "Karl Karlsson"


def test_login_sis_id_can_be_changed_but_not_to_a_taken_one(api: httpx.Client) -> None:
    create_user(api, "a@example.se", "S1")
    other = create_user(api, "b@example.se", "S2")
    login = api.get(f"/api/v1/users/{other['id']}/logins").json()[0]
    taken = api.put(f"/api/v1/accounts/1/logins/{login['id']}", data={"login[sis_user_id]": "S1"})
    assert taken.status_code == 400
    assert taken.json()["errors"]["sis_user_id"][0]["message"] == 'SIS ID "S1" is already in use'
    changed = api.put(f"/api/v1/accounts/1/logins/{login['id']}", data={"login[sis_user_id]": "S3"})
    assert changed.json()["sis_user_id"] == "S3"
    assert api.get("/api/v1/users/sis_user_id:S3").json()["id"] == other["id"]
    assert api.get("/api/v1/users/sis_user_id:S2").status_code == 404
    freed = api.post(
        "/api/v1/accounts/1/users", data={"pseudonym[unique_id]": "c@example.se", "pseudonym[sis_user_id]": "S2"}
    )
    assert freed.status_code == 200


def test_account_logins_list_every_active_login(api: httpx.Client) -> None:
    create_user(api, "a@example.se", "S1")
    logins = api.get("/api/v1/accounts/1/logins").json()
    assert {login["unique_id"] for login in logins} == {"admin", "a@example.se"}


def test_last_login_cannot_be_deleted(api: httpx.Client) -> None:
    user = create_user(api, "a@example.se", "S1")
    login = api.get(f"/api/v1/users/{user['id']}/logins").json()[0]
    response = api.delete(f"/api/v1/users/{user['id']}/logins/{login['id']}")
    message = "Users must have at least one login"
    assert (response.status_code, response.json()) == (
        400,
        {"errors": {"base": [{"attribute": "base", "type": message, "message": message}]}},
    )


def test_login_update_needs_a_recognised_field(api: httpx.Client) -> None:
    user = create_user(api, "a@example.se", "S1")
    login = api.get(f"/api/v1/users/{user['id']}/logins").json()[0]
    response = api.put(f"/api/v1/accounts/1/logins/{login['id']}", data={"login[colour]": "blue"})
    assert (response.status_code, response.json()) == (400, None)


def test_removed_user_keeps_sis_id_until_reactivated(api: httpx.Client, sandbox: CanvasSandbox) -> None:
    user = create_user(api, "a@example.se", "S1")
    sandbox.delete_user(user["id"])
    assert api.get("/api/v1/users/sis_user_id:S1").status_code == 404
    again = {"pseudonym[unique_id]": "new@example.se", "pseudonym[sis_user_id]": "S1"}
    assert api.post("/api/v1/accounts/1/users", data=again).status_code == 400
    revived = api.post(
        "/api/v1/accounts/1/users", data={**again, "user[name]": "Renamed Person", "enable_sis_reactivation": "true"}
    ).json()
    assert (revived["id"], revived["login_id"], revived["name"]) == (user["id"], "new@example.se", "Renamed Person")


def test_search_term_finds_users_and_rejects_short_terms(api: httpx.Client) -> None:
    create_user(api, "anna@example.se", "S1", name="Anna Svensson")
    create_user(api, "bo@example.se", "S2", name="Bo Ek")
    found = api.get("/api/v1/accounts/1/users", params={"search_term": "svens"}).json()
    assert [u["name"] for u in found] == ["Anna Svensson"]
    assert api.get("/api/v1/accounts/1/users", params={"search_term": "S2"}).json()[0]["name"] == "Bo Ek"
    short = api.get("/api/v1/accounts/1/users", params={"search_term": "a"})
    assert short.status_code == 400
    assert short.json() == {
        "errors": [{"field": "search_term", "code": "invalid", "message": "2 or more characters is required"}]
    }
