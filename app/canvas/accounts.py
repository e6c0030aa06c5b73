"""Sub-accounts: the organisation's by SIS id, and its "Kurs"/"Program" child by name (SPEC §4.4)."""

from __future__ import annotations

from app.canvas.client import CanvasClient
from app.canvas.errors import CanvasConflict, CanvasNotFound, CanvasUnavailable
from app.canvas.sis import in_path


def get_account(client: CanvasClient, sis_account_id: str) -> dict | None:
    """The account with this SIS id, or None."""
    try:
        return client.get(f"/api/v1/accounts/{in_path('sis_account_id', sis_account_id)}")
    except CanvasNotFound:
        return None


def find_or_create_sub_account(client: CanvasClient, parent_id: int, sis_account_id: str, name: str) -> int:
    """The Canvas id of the account with this SIS id, created under `parent_id` when missing."""
    found = get_account(client, sis_account_id)
    if found is not None:
        return int(found["id"])
    try:
        created = client.post(
            f"/api/v1/accounts/{parent_id}/sub_accounts",
            {"account[name]": name, "account[sis_account_id]": sis_account_id},
        )
    except CanvasConflict:
        found = get_account(client, sis_account_id)
        if found is None:
            raise
        return int(found["id"])
    return int(created["id"])


def _child_named(client: CanvasClient, parent_id: int, name: str) -> int | None:
    for account in client.get_all(f"/api/v1/accounts/{parent_id}/sub_accounts"):
        if account.get("name") == name and account.get("workflow_state", "active") == "active":
            return int(account["id"])
    return None


def find_or_create_child(client: CanvasClient, parent_id: int, name: str) -> int:
    """The Canvas id of the parent's direct sub-account with this name, created when there is none.

    A child has no SIS id to make its create idempotent, so the create is never blindly resent: after
    an uncertain failure the children are listed again and the create repeated only if it is missing.
    """
    found = _child_named(client, parent_id, name)
    if found is not None:
        return found
    path = f"/api/v1/accounts/{parent_id}/sub_accounts"
    try:
        return int(client.post(path, {"account[name]": name}, repeatable=False)["id"])
    except CanvasUnavailable as exc:
        if not exc.maybe_applied:
            raise
        found = _child_named(client, parent_id, name)
        if found is not None:
            return found
        return int(client.post(path, {"account[name]": name}, repeatable=False)["id"])
