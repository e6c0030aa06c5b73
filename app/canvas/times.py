"""Canvas's timestamps (ISO 8601, e.g. 2026-11-24T05:57:08Z) as datetimes."""

from __future__ import annotations

import datetime as dt
from typing import Any


def canvas_instant(value: Any) -> dt.datetime | None:
    """The moment a Canvas timestamp names; None when it is missing or unreadable."""
    if not value:
        return None
    try:
        return dt.datetime.fromisoformat(str(value))
    except ValueError:
        return None
