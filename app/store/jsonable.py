"""Dataclasses (events, Canvas results) as plain JSON values, for the JSON columns of the inbox and action log."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any


def to_json(value: Any) -> Any:
    """Dataclasses become dicts, dates ISO strings, tuples lists; everything else stays as it is."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return to_json(dataclasses.asdict(value))
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_json(v) for v in value]
    return value
