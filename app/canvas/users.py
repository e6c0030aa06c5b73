"""Student accounts: find by SIS id, create, adopt a login without SIS id, update name, e-mail and login."""

from __future__ import annotations

import json

from app.canvas.client import CanvasClient
from app.canvas.errors import CanvasError, CanvasNotFound
from app.core.plan import UserSpec


def get_user(client: CanvasClient, ref: str) -> dict | None:
    """The user at `ref` (a Canvas id or `sis_user_id:X`), or None."""
    try:
        return client.get(f"/api/v1/users/{ref}")
    except CanvasNotFound:
        return None


def create_user(client: CanvasClient, spec: UserSpec) -> dict:
    """Create the account with its login and SIS id; a deleted login with this SIS id is revived instead."""
    form: dict[str, str] = {
        "user[name]": spec.name,
        "user[skip_registration]": "true",
        "pseudonym[unique_id]": spec.login_id,
        "pseudonym[sis_user_id]": spec.sis_user_id,
        "pseudonym[send_confirmation]": "false",
        "enable_sis_reactivation": "true",
    }
    if spec.email:
        form |= {
            "communication_channel[type]": "email",
            "communication_channel[address]": spec.email,
            "communication_channel[skip_confirmation]": "true",
        }
    return client.post(f"/api/v1/accounts/{client.root_account}/users", form)


def taken_login_fields(error: CanvasError) -> set[str]:
    """Which login fields a refused user create names as taken: "unique_id" and/or "sis_user_id".

    users_controller.rb answers {"errors": {"user": …, "pseudonym": {"unique_id": [{"type": "taken",
    "message": "ID already in use for this account and authentication provider"}]}, …}}.
    """
    try:
        pseudonym = json.loads(error.body).get("errors", {}).get("pseudonym") or {}
    except (ValueError, AttributeError):
        return set()
    return {name for name, problems in pseudonym.items() if problems} if isinstance(pseudonym, dict) else set()


def logins_of(client: CanvasClient, user_id: int) -> list[dict]:
    """The user's logins (pseudonyms)."""
    return client.get_all(f"/api/v1/users/{user_id}/logins")


def find_login(client: CanvasClient, unique_id: str) -> dict | None:
    """The root account's login with this unique id (Canvas compares them case-insensitively), or None."""
    wanted = unique_id.casefold()
    candidates = client.get_all(f"/api/v1/accounts/{client.root_account}/users", {"search_term": unique_id})
    for user in candidates:
        for login in logins_of(client, int(user["id"])):
            if str(login.get("unique_id", "")).casefold() == wanted:
                return login
    return None


def set_login(client: CanvasClient, login: dict, fields: dict[str, str]) -> dict:
    """Change a login's fields (`unique_id`, `sis_user_id`)."""
    form = {f"login[{name}]": value for name, value in fields.items()}
    return client.put(f"/api/v1/accounts/{login['account_id']}/logins/{login['id']}", form)


def update_user(client: CanvasClient, user_id: int, fields: dict[str, str]) -> dict:
    """Change the user's `name` and/or default `email`."""
    return client.put(f"/api/v1/users/{user_id}", {f"user[{name}]": value for name, value in fields.items()})
