"""Roles (role_overrides_controller.rb: api_index, add_role, show)."""

from __future__ import annotations

from app.sandbox.canvas.errors import bad_request_message, not_found, record_invalid
from app.sandbox.canvas.lookup import find_account
from app.sandbox.canvas.pagination import paginate
from app.sandbox.canvas.params import as_list, text
from app.sandbox.canvas.router import ApiRequest, ApiResponse, Router, ok
from app.sandbox.canvas.serializers import role_json
from app.sandbox.canvas.state import CanvasState, Role

BASE_ROLE_TYPES = (
    "AccountMembership",
    "StudentEnrollment",
    "TeacherEnrollment",
    "TaEnrollment",
    "DesignerEnrollment",
    "ObserverEnrollment",
)


def add_role(state: CanvasState, account_id: int, label: str, base_role_type: str) -> Role:
    """RoleOverridesController#add_role: a custom role whose name is its label, unique among active roles."""
    if any(r.role == label and r.workflow_state == "active" for r in _visible(state, account_id)):
        raise bad_request_message("role already exists")
    if base_role_type not in BASE_ROLE_TYPES:
        # Role validates base_role_type's inclusion in its base types (a Rails inclusion error).
        raise record_invalid("base_role_type", "is not included in the list", "inclusion")
    role = Role(
        id=state.next_id("roles"),
        account_id=account_id,
        role=label,
        label=label,
        base_role_type=base_role_type,
        created_at=state.timestamp(),
    )
    state.roles[role.id] = role
    return role


def _visible(state: CanvasState, account_id: int) -> list[Role]:
    # Roles of the account and of the accounts above it.
    chain = state.account_chain(account_id)
    return [r for r in state.roles.values() if r.account_id in chain]


def _index(request: ApiRequest) -> ApiResponse:
    state = request.state
    account = find_account(state, request.arg("account_id"))
    states = as_list(request.params.get("state")) or ["active"]
    roles = sorted((r for r in _visible(state, account.id) if r.workflow_state in states), key=lambda r: r.id)
    page, headers = paginate(request, roles)
    return ApiResponse(200, [role_json(state, r) for r in page], headers)


def _create(request: ApiRequest) -> ApiResponse:
    state = request.state
    account = find_account(state, request.arg("account_id"))
    label = text(request.params.get("label")) or text(request.params.get("role"))
    if not label:
        raise bad_request_message("missing required parameter 'role'")
    base = text(request.params.get("base_role_type")) or "AccountMembership"
    return ok(role_json(state, add_role(state, account.id, label, base)))


def _show(request: ApiRequest) -> ApiResponse:
    state = request.state
    account = find_account(state, request.arg("account_id"))
    role = next((r for r in _visible(state, account.id) if str(r.id) == request.arg("id")), None)
    if role is None:
        raise not_found()
    return ok(role_json(state, role))


def register(router: Router) -> None:
    """Add the role routes."""
    router.add("GET", "/api/v1/accounts/:account_id/roles", _index)
    router.add("POST", "/api/v1/accounts/:account_id/roles", _create)
    router.add("GET", "/api/v1/accounts/:account_id/roles/:id", _show)
