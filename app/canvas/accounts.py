"""Sub-accounts: the organisation's by SIS id, and its "Kurs"/"Program" child by name (docs/rules.md §4.4)."""

from __future__ import annotations

from app.canvas.client import CanvasClient
from app.canvas.errors import CanvasConflict, CanvasNotFound
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


def child_sis_id(parent_id: int, name: str) -> str:
    """The SIS id the adapter gives a "Kurs"/"Program" child it creates under the parent account."""
    return f"kursadmin:{parent_id}:{name}"


def find_or_create_child(client: CanvasClient, parent_id: int, name: str) -> int:
    """The Canvas id of the parent's direct sub-account with this name, created when there is none.

    A name is not unique in Canvas, so two reconcilers placing courses in a new organisation at once
    would each create a child. The child is therefore created with an SIS id derived from parent and
    name, which Canvas keeps unique (Account#verify_unique_sis_source_id, app/models/account.rb): the
    second create is refused as taken and finds the first one's child, and a resent create is harmless.
    A child found by that SIS id also survives an admin renaming it.
    """
    found = _child_named(client, parent_id, name)
    if found is not None:
        return found
    return find_or_create_sub_account(client, parent_id, child_sis_id(parent_id, name), name)
