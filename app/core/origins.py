"""Where credentials may go: a Canvas token or a Ladok client certificate only to its configured origin.

A link an answer names (Canvas's pagination `Link`, Ladok's feed links) is followed with the credential
only when its scheme, host and port are those of the configured URL: another host, plain http for
https, or another port would hand the credential to whoever that is.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

DEFAULT_PORTS = {"http": 80, "https": 443}


def origin(url: str) -> tuple[str, str, int | None]:
    """(scheme, host, port) of an absolute URL, case-folded and with the scheme's default port filled in."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:  # a port that is not a number: an origin nothing configured can equal
        port = -1
    return scheme, (parts.hostname or "").lower(), port if port is not None else DEFAULT_PORTS.get(scheme)


def shown(url: str) -> str:
    """The origin of `url` as a person reads it, e.g. `http://canvas.example.se:80` (never path or query)."""
    scheme, host, port = origin(url)
    return f"{scheme}:" * bool(scheme) + f"//{host}" + (f":{port}" if port is not None else "")


def same_origin(url: str, configured: str) -> bool:
    """Whether `url` (absolute, or relative to `configured`) stays on the configured URL's origin."""
    if not urlsplit(url.strip()).scheme and not url.strip().startswith("//"):
        return True  # a relative link resolves against the configured origin
    return origin(url) == origin(configured)


def in_clear_over_the_network(url: str) -> bool:
    """Whether a request to `url` would cross the network unencrypted: plain http to another machine."""
    scheme, host, _ = origin(url)
    if scheme != "http" or host == "localhost":
        return False
    try:
        return not ipaddress.ip_address(host).is_loopback
    except ValueError:  # a host name
        return True
