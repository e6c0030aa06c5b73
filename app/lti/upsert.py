"""Dialect-aware INSERT … ON CONFLICT for the LTI tables (SQLite and PostgreSQL)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from app.store.db import insert_for as dialect_insert


def insert_for(session: Session) -> Any:
    """The `insert` construct of the session's dialect, which knows `on_conflict_do_*`."""
    return dialect_insert(session.get_bind().dialect.name)
