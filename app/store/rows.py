"""How many rows a bulk UPDATE or DELETE changed: the one place that reads a cursor's rowcount."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult, Delete, Update
from sqlalchemy.orm import Session


def rows_changed(session: Session, statement: Update | Delete) -> int:
    """Execute `statement` and return the number of rows it matched (0 when the driver does not say)."""
    result = cast("CursorResult[Any]", session.execute(statement))  # DML always yields a cursor
    return result.rowcount or 0
