"""Rails-style request parameters: nested `a[b][]=c` form fields, query strings and JSON bodies."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qsl

_KEY_PART = re.compile(r"\[([^\]]*)\]")

Params = dict[str, Any]


def _split_key(key: str) -> list[str]:
    head, _, rest = key.partition("[")
    if not rest:
        return [head]
    return [head, *_KEY_PART.findall("[" + rest)]


def _assign(target: Params, parts: list[str], value: Any) -> None:
    name = parts[0]
    if len(parts) == 1:
        target[name] = value
        return
    if parts[1] == "":
        existing = target.get(name)
        if not isinstance(existing, list):
            existing = []
            target[name] = existing
        existing.append(value)
        return
    child = target.get(name)
    if not isinstance(child, dict):
        child = {}
        target[name] = child
    _assign(child, parts[1:], value)


def nest_pairs(pairs: list[tuple[str, str]]) -> Params:
    """Build Rack's nested parameter hash from flat key/value pairs (Rack::Utils.parse_nested_query)."""
    result: Params = {}
    for key, value in pairs:
        _assign(result, _split_key(key), value)
    return result


def _deep_merge(base: Params, extra: Params) -> Params:
    merged = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def request_params(query: str, content_type: str, body: bytes) -> Params:
    """Merge query string and body parameters the way Rails' `params` does (body wins)."""
    params = nest_pairs(parse_qsl(query, keep_blank_values=True))
    if not body:
        return params
    media_type = content_type.split(";")[0].strip().lower()
    if media_type == "application/json":
        decoded = json.loads(body.decode("utf-8"))
        if isinstance(decoded, dict):
            params = _deep_merge(params, decoded)
    elif media_type in ("application/x-www-form-urlencoded", ""):
        params = _deep_merge(params, nest_pairs(parse_qsl(body.decode("utf-8"), keep_blank_values=True)))
    return params


def to_bool(value: Any) -> bool:
    """Canvas::Plugin.value_to_boolean: "1", "true", "yes", "on" are true; everything else false."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value != 0
    return str(value).strip().lower() in ("1", "true", "yes", "on", "t", "y")


def text(value: Any) -> str | None:
    """A parameter as text, or None when absent; JSON numbers become their decimal form."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def as_list(value: Any) -> list[str]:
    """A parameter that may be sent as `x[]=a&x[]=b`, a single `x=a`, or a JSON array."""
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v) for v in value]
    return [str(value)]


def section(params: Params, name: str) -> Params:
    """The nested hash under `name` (e.g. `course` for `course[name]`), empty when absent."""
    value = params.get(name)
    return value if isinstance(value, dict) else {}
