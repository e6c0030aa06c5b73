"""The action log: what the adapter did in Canvas (or held, deferred, failed) and why."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from app.store.tables import ActionLogRow


def log_action(
    session: Session,
    institution_id: str,
    operation: str,
    outcome: str,
    detail: dict[str, Any],
    student_uid: str | None = None,
    offering_uid: str | None = None,
) -> None:
    """Keep what was done (or held, or failed) and why, for 'explain' and the status report."""
    session.add(
        ActionLogRow(
            institution_id=institution_id,
            student_uid=student_uid,
            offering_uid=offering_uid,
            operation=operation,
            outcome=outcome,
            detail=detail,
        )
    )
