"""Rows the tests put in the database by hand, built in one place so a schema change is made once."""

from __future__ import annotations

import datetime as dt

from app.store.queue_tables import JobRow


def dead_letter(uid: str, error: str, *, institution_id: str = "kth", attempts: int = 8) -> JobRow:
    """A student key the worker gave up on after `attempts` tries, with the error it last saw."""
    now = dt.datetime.now(dt.UTC)
    return JobRow(
        institution_id=institution_id,
        kind="student",
        uid=uid,
        dirty_seq=1,
        done_seq=0,
        not_before=now,
        dirtied_at=now,
        dead=True,
        attempts=attempts,
        last_error=error,
    )
