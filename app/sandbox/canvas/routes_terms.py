"""Enrollment terms (terms_api_controller.rb, terms_controller.rb)."""

from __future__ import annotations

from app.sandbox.canvas.errors import bad_request_message, sis_id_taken
from app.sandbox.canvas.lookup import find_account, find_term
from app.sandbox.canvas.pagination import paginate
from app.sandbox.canvas.params import as_list, section, text
from app.sandbox.canvas.router import ApiRequest, ApiResponse, Router, ok
from app.sandbox.canvas.serializers import term_json
from app.sandbox.canvas.state import CanvasState, Term


def _check_sis(state: CanvasState, root_id: int, sis_id: str, exclude_id: int | None) -> None:
    # EnrollmentTerm#verify_unique_sis_source_id (deleted terms included).
    if any(
        t.sis_term_id == sis_id and t.root_account_id == root_id and t.id != exclude_id for t in state.terms.values()
    ):
        raise sis_id_taken("sis_source_id", sis_id)


def create_term(
    state: CanvasState,
    root_id: int,
    name: str,
    sis_term_id: str | None,
    start_at: str | None = None,
    end_at: str | None = None,
) -> Term:
    """TermsController#create."""
    if sis_term_id:
        _check_sis(state, root_id, sis_term_id, None)
    term = Term(
        id=state.next_id("terms"),
        root_account_id=root_id,
        name=name,
        sis_term_id=sis_term_id or None,
        start_at=start_at,
        end_at=end_at,
        created_at=state.timestamp(),
    )
    state.terms[term.id] = term
    return term


def _root_id(request: ApiRequest) -> int:
    account = find_account(request.state, request.arg("account_id"))
    if account.root_account_id is not None:
        # TermsApiController#require_root_account
        raise bad_request_message("Terms only belong to root_accounts.")
    return account.id


def _in_listing_order(terms: list[Term]) -> list[Term]:
    """order('start_at DESC, end_at DESC, id ASC'), NULLs first as PostgreSQL sorts them descending."""
    ordered = sorted(terms, key=lambda t: t.id)
    # Stable sorts, least significant key first; reverse=True keeps ties in their order.
    ordered.sort(key=lambda t: (t.end_at is None, t.end_at or ""), reverse=True)
    ordered.sort(key=lambda t: (t.start_at is None, t.start_at or ""), reverse=True)
    return ordered


def _named_like(term: Term, needle: str | None) -> bool:
    """TermsController#index: `term_name` keeps terms whose name contains it (`name ILIKE '%term_name%'`)."""
    return not needle or needle.casefold() in term.name.casefold()


def _index(request: ApiRequest) -> ApiResponse:
    root_id = _root_id(request)
    states = [s for s in as_list(request.params.get("workflow_state")) if s in ("all", "active", "deleted")]
    states = states or ["active"]
    needle = text(request.params.get("term_name"))
    terms = [
        t
        for t in request.state.terms.values()
        if t.root_account_id == root_id and ("all" in states or t.workflow_state in states) and _named_like(t, needle)
    ]
    page, headers = paginate(request, _in_listing_order(terms))
    return ApiResponse(200, {"enrollment_terms": [term_json(t) for t in page]}, headers)


def _create(request: ApiRequest) -> ApiResponse:
    fields = section(request.params, "enrollment_term")
    term = create_term(
        request.state,
        _root_id(request),
        text(fields.get("name")) or "",
        text(fields.get("sis_term_id")) or None,
        text(fields.get("start_at")),
        text(fields.get("end_at")),
    )
    return ok(term_json(term))


def _show(request: ApiRequest) -> ApiResponse:
    # TermsApiController#show includes the (here always empty) per-type date overrides.
    return ok({**term_json(find_term(request.state, _root_id(request), request.arg("id"))), "overrides": {}})


def _update(request: ApiRequest) -> ApiResponse:
    root_id = _root_id(request)
    term = find_term(request.state, root_id, request.arg("id"))
    fields = section(request.params, "enrollment_term")
    if "sis_term_id" in fields:
        sis_id = text(fields["sis_term_id"]) or None
        if sis_id:
            _check_sis(request.state, root_id, sis_id, term.id)
        term.sis_term_id = sis_id
    if "name" in fields:
        term.name = text(fields["name"]) or term.name
    for key in ("start_at", "end_at"):
        if key in fields:
            setattr(term, key, text(fields[key]) or None)
    return ok(term_json(term))


def register(router: Router) -> None:
    """Add the term routes."""
    router.add("GET", "/api/v1/accounts/:account_id/terms", _index)
    router.add("POST", "/api/v1/accounts/:account_id/terms", _create)
    router.add("GET", "/api/v1/accounts/:account_id/terms/:id", _show)
    router.add("PUT", "/api/v1/accounts/:account_id/terms/:id", _update)
