"""The configuration file's problems, each one message naming its key: unknown keys, bad values, secrets."""

from __future__ import annotations

import difflib
from collections.abc import Collection, Mapping
from typing import Any

from pydantic import ValidationError


def resolve_secret(value: Any, key: str, env: Mapping[str, str], problems: list[str]) -> Any:
    """`value`, or the environment variable it names as `env:NAME` (a problem when that is not set)."""
    if isinstance(value, str) and value.startswith("env:"):
        name = value[4:]
        if name not in env:
            problems.append(f"{key}: environment variable {name} is not set")
            return ""
        return env[name]
    return value


def format_error(prefix: str, err: ValidationError, names: Mapping[str, str]) -> list[str]:
    """One message per pydantic error, located by the file's own key names."""
    out = []
    for e in err.errors():
        loc = ".".join(names.get(str(p), str(p)) for p in e["loc"])
        msg = "unknown key" if e["type"] == "extra_forbidden" else e["msg"]
        out.append(f"{prefix}{loc}: {msg}")
    return out


def known_keys(
    raw: Mapping[str, Any], known: Collection[str], prefix: str, table: str, problems: list[str]
) -> dict[str, Any]:
    """`raw` without the keys its table does not have; each of those is a problem naming key and table.

    A misspelt key must stop start-up: left out, its setting would silently keep its default.
    """
    kept = {}
    for key, value in raw.items():
        if key in known:
            kept[key] = value
            continue
        close = difflib.get_close_matches(key, list(known), n=1)
        hint = f"did you mean {close[0]}?" if close else f"known: {', '.join(known)}"
        problems.append(f"{prefix}{key}: unknown key in {table} ({hint})")
    return kept


def as_table(raw: Any, key: str, problems: list[str]) -> dict[str, Any] | None:
    """`raw` as a table of tuples, or None and a problem when it is not a table."""
    if isinstance(raw, dict):
        return dict(as_tuples(raw))
    problems.append(f"{key}: must be a table")
    return None


def as_tuples(value: Any) -> Any:
    """TOML arrays as tuples, so the strict frozen models accept them."""
    if isinstance(value, list):
        return tuple(as_tuples(v) for v in value)
    if isinstance(value, dict):
        return {k: as_tuples(v) for k, v in value.items()}
    return value
