"""EnsureUser in Canvas: find the student by SIS id (or adopt a login without one), create, or update."""

from __future__ import annotations

from app.canvas import users
from app.canvas.client import CanvasClient
from app.canvas.errors import CanvasConflict, CanvasNotFound
from app.canvas.known import KnownIds
from app.canvas.results import (
    UserResult,
)
from app.canvas.sis import in_path
from app.core.plan import (
    EnsureUser,
)


def ensure_user(op: EnsureUser, client: CanvasClient, known: KnownIds) -> UserResult:
    """Find the student's account by SIS id (or adopt one with the same login), create it, or update it."""
    spec = op.user
    user = None
    known_id = known.users.get(spec.sis_user_id)
    if known_id is not None:
        user = users.get_user(client, str(known_id))
        if user is not None and user.get("sis_user_id") != spec.sis_user_id:
            user = None  # a stale id now naming someone else: never touch that account
    if user is None:
        user = users.get_user(client, in_path("sis_user_id", spec.sis_user_id))
    if user is None:
        try:
            created = users.create_user(client, spec)
        except CanvasConflict as conflict:
            user, adopted = _existing_after_conflict(client, spec.sis_user_id, spec.login_id, conflict)
            updated = _update_user(client, user, op)
            return UserResult(spec.sis_user_id, int(user["id"]), adopted=adopted, updated=updated)
        return UserResult(spec.sis_user_id, int(created["id"]), created=True)
    return UserResult(spec.sis_user_id, int(user["id"]), updated=_update_user(client, user, op))


def _existing_after_conflict(
    client: CanvasClient, sis_user_id: str, login_id: str, conflict: CanvasConflict
) -> tuple[dict, bool]:
    if "unique_id" not in users.taken_login_fields(conflict):
        # The SIS id is taken: another worker created the user after our look-up.
        user = users.get_user(client, in_path("sis_user_id", sis_user_id))
        if user is None:
            raise conflict
        return user, False
    login = users.find_login(client, login_id)
    if login is None:
        raise conflict
    owner = login.get("sis_user_id")
    if owner not in (None, "", sis_user_id):
        # The login belongs to another student: never take it over (docs/rules.md §4.3).
        raise CanvasConflict(conflict.status, conflict.body, method=conflict.method, url=conflict.url)
    if owner != sis_user_id:
        users.set_login(client, login, {"sis_user_id": sis_user_id})
    user = users.get_user(client, str(login["user_id"]))
    if user is None:
        raise conflict
    return user, True


def _update_user(client: CanvasClient, user: dict, op: EnsureUser) -> bool:
    spec = op.user
    fields: dict[str, str] = {}
    if op.update_name and user.get("name") != spec.name:
        fields["name"] = spec.name
    if op.update_email and spec.email and user.get("email") != spec.email:
        fields["email"] = spec.email
    if fields:
        users.update_user(client, int(user["id"]), fields)
    login_changed = False
    # `login_id` is the user's first login; only when it differs are the logins read, and only the one
    # carrying the student's SIS id is changed (another login, such as an SSO one, is left alone).
    if op.update_login and str(user.get("login_id", "")).casefold() != spec.login_id.casefold():
        logins = users.logins_of(client, int(user["id"]))
        login = next((item for item in logins if item.get("sis_user_id") == spec.sis_user_id), None)
        if login is None:
            raise CanvasNotFound(404, f"user {user['id']} has no login with SIS id {spec.sis_user_id}")
        if str(login.get("unique_id", "")).casefold() != spec.login_id.casefold():
            users.set_login(client, login, {"unique_id": spec.login_id})
            login_changed = True
    return bool(fields) or login_changed
