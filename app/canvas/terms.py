"""Enrollment terms: find by SIS id or create one named after it (docs/rules.md §4.4: name = sis id, no dates)."""

from __future__ import annotations

from app.canvas.client import CanvasClient
from app.canvas.errors import CanvasConflict, CanvasNotFound
from app.canvas.sis import in_path


def get_term(client: CanvasClient, sis_term_id: str) -> dict | None:
    """The term with this SIS id, or None (terms_api_controller.rb #show takes `sis_term_id:`)."""
    try:
        return client.get(f"/api/v1/accounts/{client.root_account}/terms/{in_path('sis_term_id', sis_term_id)}")
    except CanvasNotFound:
        return None


def find_or_create_term(client: CanvasClient, sis_term_id: str) -> int:
    """The Canvas id of the term, creating it in the root account when missing."""
    found = get_term(client, sis_term_id)
    if found is not None:
        return int(found["id"])
    try:
        created = client.post(
            f"/api/v1/accounts/{client.root_account}/terms",
            {"enrollment_term[name]": sis_term_id, "enrollment_term[sis_term_id]": sis_term_id},
        )
    except CanvasConflict:
        # Another worker made it between our look-up and our create, or this Canvas predates the
        # single-term endpoint (GET …/terms/:id): then the list, searched by name, still finds it.
        found = get_term(client, sis_term_id) or _listed_term(client, sis_term_id)
        if found is None:
            raise
        return int(found["id"])
    return int(created["id"])


def _listed_term(client: CanvasClient, sis_term_id: str) -> dict | None:
    listed = client.get(f"/api/v1/accounts/{client.root_account}/terms", {"term_name": sis_term_id, "per_page": 100})
    # The list is wrapped: {"enrollment_terms": [...]} (terms_api_controller.rb #index).
    return next((t for t in listed.get("enrollment_terms", []) if t.get("sis_term_id") == sis_term_id), None)
