"""LTI platform storage (1EdTech's postMessage storage, Canvas's `lti_storage_target`): the names and values it uses.

Where third-party cookies are blocked, the login page puts a secret (the *proof*) into the platform's storage
under a key named after the login's state, and the launch page reads it back; the launch then proves its state
with the secret instead of a cookie. The page scripts are `static/lti_launch.js`.
"""

from __future__ import annotations

import re
import secrets
from urllib.parse import urlsplit

# Canvas sends "_parent" (post to window.parent) or the name of a sibling frame ("post_message_forwarding").
PARENT = "_parent"
_FRAME_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")
KEY_PREFIX = "kursadmin_state_"


def storage_target(value: str | None) -> str | None:
    """The frame to send storage messages to, or None when the platform offers no storage (or names no frame)."""
    if value is None or not _FRAME_NAME.fullmatch(value):
        return None
    return value


def storage_key(state: str) -> str:
    """The platform-storage key of a login's proof."""
    return KEY_PREFIX + state


def new_proof() -> str:
    """A fresh secret for one login (256 bits), kept only in the platform's storage and, hashed, in our database."""
    return secrets.token_urlsafe(32)


def origin_of(url: str) -> str:
    """scheme://host[:port] of a URL: the exact postMessage target origin of the platform's OIDC endpoint."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
