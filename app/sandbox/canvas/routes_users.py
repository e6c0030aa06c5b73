"""Users and logins (users_controller.rb, pseudonyms_controller.rb)."""

from __future__ import annotations

from app.sandbox.canvas.errors import ApiError, not_found, record_invalid
from app.sandbox.canvas.lookup import find_account, find_user
from app.sandbox.canvas.ops_users import NewUser, create_user, delete_user_login, update_login
from app.sandbox.canvas.pagination import paginate
from app.sandbox.canvas.params import section, text, to_bool
from app.sandbox.canvas.router import ApiRequest, ApiResponse, Router, ok
from app.sandbox.canvas.serializers import login_json, user_json
from app.sandbox.canvas.state import CanvasState, User

UPDATABLE_LOGIN_FIELDS = (
    "unique_id",
    "password",
    "sis_user_id",
    "authentication_provider_id",
    "integration_id",
    "workflow_state",
    "declared_user_type",
)
# SearchTermHelper::SearchTermTooShortError (MIN_SEARCH_TERM_LENGTH = 2).
SEARCH_TERM_TOO_SHORT = {
    "errors": [{"field": "search_term", "code": "invalid", "message": "2 or more characters is required"}]
}


def _create(request: ApiRequest) -> ApiResponse:
    state = request.state
    account = find_account(state, request.arg("account_id"))
    user_fields = section(request.params, "user")
    login_fields = section(request.params, "pseudonym")
    channel = section(request.params, "communication_channel")
    email = text(channel.get("address")) if text(channel.get("type")) in (None, "email") else None
    new = NewUser(
        unique_id=text(login_fields.get("unique_id")) or "",
        name=text(user_fields.get("name")),
        short_name=text(user_fields.get("short_name")),
        sortable_name=text(user_fields.get("sortable_name")),
        sis_user_id=text(login_fields.get("sis_user_id")) or None,
        email=email or None,
        enable_sis_reactivation=to_bool(request.params.get("enable_sis_reactivation", False)),
    )
    user, _ = create_user(state, state.root_of(account.id), new)
    # create_user renders user_json with includes %w[locale].
    return ok({**user_json(state, user), "locale": None})


def _matches(state: CanvasState, user: User, term: str) -> bool:
    needle = term.lower()
    if needle in user.name.lower() or needle in (user.email or "").lower() or term == str(user.id):
        return True
    return any(
        needle in login.unique_id.lower() or (login.sis_user_id or "").lower() == needle
        for login in state.active_pseudonyms(user.id)
    )


def _account_users(request: ApiRequest) -> ApiResponse:
    state = request.state
    account = find_account(state, request.arg("account_id"))
    term = text(request.params.get("search_term"))
    if term is not None and len(term) < 2:
        raise ApiError(400, SEARCH_TERM_TOO_SHORT)
    root_id = state.root_of(account.id)
    if account.root_account_id is None:
        ids = {p.user_id for p in state.pseudonyms.values() if p.account_id == root_id and p.workflow_state == "active"}
    else:
        # A sub-account's users are those enrolled in courses of it or its own sub-accounts.
        course_ids = {c.id for c in state.courses.values() if account.id in state.account_chain(c.account_id)}
        ids = {e.user_id for e in state.enrollments.values() if e.course_id in course_ids}
    users = [state.users[i] for i in ids if state.users[i].workflow_state != "deleted"]
    if term:
        users = [u for u in users if _matches(state, u, term)]
    users.sort(key=lambda u: (u.sortable_name.lower(), u.id))
    page, headers = paginate(request, users)
    return ApiResponse(200, [user_json(state, u, include_email=True) for u in page], headers)


def _show(request: ApiRequest) -> ApiResponse:
    user = find_user(request.state, request.arg("id"), request.current_user_id)
    # UsersController#api_show_includes: locale, avatar_url, permissions, email, effective_locale.
    return ok({**user_json(request.state, user, include_email=True), "locale": None, "effective_locale": "en"})


def _update(request: ApiRequest) -> ApiResponse:
    user = find_user(request.state, request.arg("id"), request.current_user_id)
    fields = section(request.params, "user")
    for key in ("name", "short_name", "sortable_name"):
        value = text(fields.get(key))
        if value:
            setattr(user, key, value)
    if "email" in fields:
        user.email = text(fields["email"]) or None
    return ok(user_json(request.state, user, include_email=True))


def _user_logins(request: ApiRequest) -> ApiResponse:
    user = find_user(request.state, request.arg("user_id"), request.current_user_id)
    page, headers = paginate(request, request.state.active_pseudonyms(user.id))
    return ApiResponse(200, [login_json(p) for p in page], headers)


def _account_logins(request: ApiRequest) -> ApiResponse:
    state = request.state
    root_id = state.root_of(find_account(state, request.arg("account_id")).id)
    logins = sorted(
        (p for p in state.pseudonyms.values() if p.account_id == root_id and p.workflow_state == "active"),
        key=lambda p: p.id,
    )
    page, headers = paginate(request, logins)
    return ApiResponse(200, [login_json(p) for p in page], headers)


def _update_login(request: ApiRequest) -> ApiResponse:
    # PseudonymsController#update: Pseudonym.active.find(params[:id]), with params[:login] as the fields.
    state = request.state
    find_account(state, request.arg("account_id"))
    raw_id = request.arg("id")
    login = state.pseudonyms.get(int(raw_id)) if raw_id.isdigit() else None
    if login is None or login.workflow_state != "active":
        raise not_found()
    fields = section(request.params, "login")
    if not any(key in fields for key in UPDATABLE_LOGIN_FIELDS):
        # "you have to at least attempt something recognized" → render json: nil, status: :bad_request
        raise ApiError(400, None)
    unique_id = text(fields.get("unique_id")) if "unique_id" in fields else None
    sis_user_id = text(fields.get("sis_user_id")) if "sis_user_id" in fields else None
    update_login(state, login, unique_id, sis_user_id)
    return ok(login_json(login))


def _delete_login(request: ApiRequest) -> ApiResponse:
    state = request.state
    user = find_user(state, request.arg("user_id"), request.current_user_id)
    logins = state.active_pseudonyms(user.id)
    login = next((p for p in logins if str(p.id) == request.arg("id")), None)
    if login is None:
        raise not_found()
    if len(logins) < 2:
        raise record_invalid("base", "Users must have at least one login")
    delete_user_login(state, login)
    return ok(login_json(login))


def register(router: Router) -> None:
    """Add the user and login routes."""
    router.add("POST", "/api/v1/accounts/:account_id/users", _create)
    router.add("GET", "/api/v1/accounts/:account_id/users", _account_users)
    router.add("GET", "/api/v1/accounts/:account_id/logins", _account_logins)
    router.add("PUT", "/api/v1/accounts/:account_id/logins/:id", _update_login)
    router.add("GET", "/api/v1/users/:id", _show)
    router.add("PUT", "/api/v1/users/:id", _update)
    router.add("GET", "/api/v1/users/:user_id/logins", _user_logins)
    router.add("DELETE", "/api/v1/users/:user_id/logins/:id", _delete_login)
