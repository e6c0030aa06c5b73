"""Dialect-aware INSERT … ON CONFLICT for the LTI tables (SQLite and PostgreSQL)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session


def insert_for(session: Session) -> Any:
    """The `insert` construct of the session's dialect, which knows `on_conflict_do_*`."""
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
