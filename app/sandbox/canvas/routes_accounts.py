"""Accounts and sub-accounts (accounts_controller.rb, sub_accounts_controller.rb)."""

from __future__ import annotations

from app.sandbox.canvas.errors import record_invalid, sis_id_taken
from app.sandbox.canvas.lookup import find_account
from app.sandbox.canvas.pagination import paginate
from app.sandbox.canvas.params import section, text, to_bool
from app.sandbox.canvas.router import ApiRequest, ApiResponse, Router, ok
from app.sandbox.canvas.serializers import account_json
from app.sandbox.canvas.state import Account, CanvasState


def check_account_sis_id(state: CanvasState, account: Account, sis_id: str) -> None:
    """Account#verify_unique_sis_source_id: not on root accounts, unique within the root account."""
    if account.root_account_id is None:
        raise record_invalid("sis_source_id", "SIS IDs cannot be set on root accounts")
    root = account.root_account_id
    if any(
        a.sis_account_id == sis_id and a.id != account.id and (a.root_account_id or a.id) == root
        for a in state.accounts.values()
    ):
        raise sis_id_taken("sis_source_id", sis_id)


def create_sub_account(state: CanvasState, parent: Account, name: str, sis_id: str | None) -> Account:
    """SubAccountsController#create."""
    account = Account(
        id=state.next_id("accounts"), name=name, parent_account_id=parent.id, root_account_id=state.root_of(parent.id)
    )
    if sis_id:
        check_account_sis_id(state, account, sis_id)
        account.sis_account_id = sis_id
    state.accounts[account.id] = account
    return account


def _show(request: ApiRequest) -> ApiResponse:
    return ok(account_json(find_account(request.state, request.arg("id"))))


def _update(request: ApiRequest) -> ApiResponse:
    state = request.state
    account = find_account(state, request.arg("id"))
    fields = section(request.params, "account")
    if "name" in fields:
        account.name = text(fields["name"]) or account.name
    if "sis_account_id" in fields:
        sis_id = text(fields["sis_account_id"]) or None
        if sis_id:
            check_account_sis_id(state, account, sis_id)
        account.sis_account_id = sis_id
    return ok(account_json(account))


def _descendants(state: CanvasState, account_id: int, recursive: bool) -> list[Account]:
    children = sorted(
        (a for a in state.accounts.values() if a.parent_account_id == account_id and a.workflow_state == "active"),
        key=lambda a: a.id,
    )
    if not recursive:
        return children
    found: list[Account] = []
    for child in children:
        found.append(child)
        found.extend(_descendants(state, child.id, True))
    return found


def _list_sub_accounts(request: ApiRequest) -> ApiResponse:
    account = find_account(request.state, request.arg("account_id"))
    accounts = _descendants(request.state, account.id, to_bool(request.params.get("recursive", False)))
    page, headers = paginate(request, accounts)
    return ApiResponse(200, [account_json(a) for a in page], headers)


def _create_sub_account(request: ApiRequest) -> ApiResponse:
    parent = find_account(request.state, request.arg("account_id"))
    fields = section(request.params, "account")
    name = text(fields.get("name"))
    if not name:
        # account[name] is required (Create a new sub-account); Rails' presence error.
        raise record_invalid("name", "can't be blank", "blank")
    account = create_sub_account(request.state, parent, name, text(fields.get("sis_account_id")) or None)
    return ok(account_json(account))


def register(router: Router) -> None:
    """Add the account routes."""
    router.add("GET", "/api/v1/accounts/:id", _show)
    router.add("PUT", "/api/v1/accounts/:id", _update)
    router.add("GET", "/api/v1/accounts/:account_id/sub_accounts", _list_sub_accounts)
    router.add("POST", "/api/v1/accounts/:account_id/sub_accounts", _create_sub_account)
