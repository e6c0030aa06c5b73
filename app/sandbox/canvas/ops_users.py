"""User and login operations with Canvas's validations (users_controller#create_user, pseudonym.rb)."""

from __future__ import annotations

from dataclasses import dataclass

from app.sandbox.canvas.errors import ApiError, model_errors
from app.sandbox.canvas.state import CanvasState, Pseudonym, User

# Pseudonym#validate_unique_id and #verify_unique_sis_user_id (app/models/pseudonym.rb).
UNIQUE_ID_TAKEN = "ID already in use for this account and authentication provider"
MAX_UNIQUE_ID_LENGTH = 100


@dataclass(frozen=True)
class NewUser:
    """What POST /accounts/:id/users carries (user[...], pseudonym[...], communication_channel[...])."""

    unique_id: str
    name: str | None = None
    short_name: str | None = None
    sortable_name: str | None = None
    sis_user_id: str | None = None
    email: str | None = None
    enable_sis_reactivation: bool = False


def sortable_name_for(name: str) -> str:
    """User.last_name_first: "Anna Svensson" → "Svensson, Anna"."""
    parts = name.split()
    if len(parts) < 2:
        return name
    return f"{parts[-1]}, {' '.join(parts[:-1])}"


def _pseudonym_error(attribute: str, message: str, error_type: str) -> ApiError:
    # UsersController#create_user renders every model's errors together; recaptcha is null for API calls.
    return ApiError(
        400,
        {
            "errors": {
                "user": {},
                "pseudonym": model_errors(attribute, message, error_type),
                "observee": {},
                "pairing_code": {},
                "recaptcha": None,
            }
        },
    )


def login_conflict(
    state: CanvasState, account_id: int, unique_id: str | None, sis_user_id: str | None, exclude_id: int | None = None
) -> tuple[str, str, str] | None:
    """The first pseudonym validation that fails, as (attribute, message, type); unique_id is checked first."""
    if unique_id is not None:
        if not unique_id.strip() or len(unique_id) > MAX_UNIQUE_ID_LENGTH:
            kind = "too_short" if not unique_id.strip() else "too_long"
            return "unique_id", kind, kind
        if any(
            login.id != exclude_id and login.workflow_state == "active"
            for login in state.logins_with_unique_id(account_id, unique_id)
        ):
            return "unique_id", UNIQUE_ID_TAKEN, "taken"
    if sis_user_id:
        # Deleted logins keep their SIS id reserved: the check has no workflow_state condition.
        holder = state.login_with_sis_id(account_id, sis_user_id)
        if holder is not None and holder.id != exclude_id:
            return "sis_user_id", f'SIS ID "{sis_user_id}" is already in use', "taken"
    return None


def create_user(state: CanvasState, root_account_id: int, new: NewUser) -> tuple[User, Pseudonym]:
    """Create a user with one login, or revive a deleted SIS login when enable_sis_reactivation is set.

    A revived login and its user then take the request's unique_id and names, as create_user assigns
    the parameters to the found records before validating them.
    """
    if new.sis_user_id and new.enable_sis_reactivation:
        login = state.login_with_sis_id(root_account_id, new.sis_user_id)
        if login is not None and login.workflow_state == "deleted":
            return _revive(state, login, new)
    conflict = login_conflict(state, root_account_id, new.unique_id, new.sis_user_id)
    if conflict:
        raise _pseudonym_error(*conflict)
    name = (new.name or "").strip() or new.unique_id
    now = state.timestamp()
    user = User(
        id=state.next_id("users"),
        name=name,
        short_name=new.short_name or name,
        sortable_name=new.sortable_name or sortable_name_for(name),
        created_at=now,
        email=new.email or (new.unique_id if "@" in new.unique_id else None),
    )
    login = Pseudonym(
        id=state.next_id("pseudonyms"),
        user_id=user.id,
        account_id=root_account_id,
        unique_id=new.unique_id,
        sis_user_id=new.sis_user_id or None,
        created_at=now,
    )
    state.users[user.id] = user
    state.add_login(login)
    return user, login


def _revive(state: CanvasState, login: Pseudonym, new: NewUser) -> tuple[User, Pseudonym]:
    conflict = login_conflict(state, login.account_id, new.unique_id, None, exclude_id=login.id)
    if conflict:
        raise _pseudonym_error(*conflict)
    login.workflow_state = "active"
    state.set_login_ids(login, new.unique_id, login.sis_user_id)
    user = state.users[login.user_id]
    user.workflow_state = "registered"
    if new.name:
        user.name = new.name
        user.short_name = new.short_name or new.name
        user.sortable_name = new.sortable_name or sortable_name_for(new.name)
    if new.email:
        user.email = new.email
    return user, login


def update_login(state: CanvasState, login: Pseudonym, unique_id: str | None, sis_user_id: str | None) -> None:
    """PUT /accounts/:account_id/logins/:id; an empty sis_user_id clears it (pseudonyms_controller#update)."""
    new_sis = None if sis_user_id == "" else sis_user_id
    conflict = login_conflict(state, login.account_id, unique_id, new_sis, exclude_id=login.id)
    if conflict:
        attribute, message, error_type = conflict
        raise ApiError(400, {"errors": model_errors(attribute, message, error_type)})
    state.set_login_ids(
        login,
        login.unique_id if unique_id is None else unique_id,
        login.sis_user_id if sis_user_id is None else new_sis,
    )


def delete_user_login(state: CanvasState, login: Pseudonym) -> None:
    """Pseudonym#destroy: soft delete; the SIS id stays reserved (verify_unique_sis_user_id sees it)."""
    login.workflow_state = "deleted"


def remove_user(state: CanvasState, user: User, root_account_id: int) -> None:
    """An admin removing a user from the root account: all its logins there are soft-deleted."""
    for login in state.active_pseudonyms(user.id):
        if login.account_id == root_account_id:
            login.workflow_state = "deleted"
    if not state.active_pseudonyms(user.id):
        user.workflow_state = "deleted"
