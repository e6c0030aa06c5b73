"""The web layer's own settings, read from the `[web]` table of the configuration file."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit


@dataclass(frozen=True, slots=True)
class WebSettings:
    """`proxy_fix`: how many proxies to trust for X-Forwarded-* (0: none, the default);
    `frame_ancestors`: extra origins allowed to frame the tool (e.g. the sandbox platform in a demo)."""

    proxy_fix: int = 0
    frame_ancestors: tuple[str, ...] = ()


def origin(url: str) -> str:
    """The scheme://host[:port] of a URL, as CSP source expressions want it."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def web_settings(extra: Mapping[str, Any]) -> WebSettings:
    """WebSettings from the config file's `[web]` table; raises ValueError naming a bad key."""
    raw = dict(extra.get("web") or {})
    unknown = set(raw) - {"proxy_fix", "frame_ancestors", "sso"}  # `sso` is read by app/config.py
    if unknown:
        raise ValueError(f"web: unknown keys {sorted(unknown)} (known: proxy_fix, frame_ancestors, sso)")
    proxy_fix = raw.get("proxy_fix", 0)
    if not isinstance(proxy_fix, int) or isinstance(proxy_fix, bool) or proxy_fix < 0:
        raise ValueError("web.proxy_fix: must be a whole number ≥ 0")
    ancestors = raw.get("frame_ancestors", ())
    if isinstance(ancestors, str) or not all(isinstance(a, str) for a in ancestors):
        raise ValueError("web.frame_ancestors: must be a list of origins")
    return WebSettings(proxy_fix, tuple(origin(a) for a in ancestors))
