"""Dataclasses (events, Canvas results) as plain JSON values, for the JSON columns of the inbox and action log."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

# Nearly every field is one of these: an exact type check settles them before any other test.
_AS_IS: frozenset[type] = frozenset({str, int, bool, float, type(None)})
_FIELDS: dict[type, tuple[str, ...] | None] = {}


def to_json(value: Any) -> Any:
    """Dataclasses become dicts, dates ISO strings, tuples lists; everything else stays as it is."""
    kind = type(value)
    if kind in _AS_IS:
        return value
    names = _field_names(kind)
    if names is not None:
        # Built from the fields directly: dataclasses.asdict first deep-copied every value into a dict that
        # this function then walked once more, for the same result.
        return {name: to_json(getattr(value, name)) for name in names}
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_json(v) for v in value]
    return value


def _field_names(kind: type) -> tuple[str, ...] | None:
    """The field names of a dataclass type in their order (None for other types), looked up once per type."""
    try:
        return _FIELDS[kind]
    except KeyError:
        # `kind` is the type of a value: a dataclass here means an instance, never a dataclass class itself.
        names = tuple(f.name for f in dataclasses.fields(kind)) if dataclasses.is_dataclass(kind) else None
        _FIELDS[kind] = names
        return names
