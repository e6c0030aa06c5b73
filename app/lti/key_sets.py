"""A platform's JSON Web Key Set: its shape, its cache key, and the key a token names."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from jwcrypto.jwk import JWK

from app.lti import refusals
from app.lti.refusals import Refusal


def valid_key_set(key_set: object) -> bool:
    """Whether a platform's answer is a JSON object with a list of key objects."""
    keys = key_set.get("keys") if isinstance(key_set, Mapping) else None
    return isinstance(keys, list) and all(isinstance(k, Mapping) for k in keys)


def key_set_cache_key(url: str) -> str:
    """The launch data storage's key for the key set at `url`."""
    return "key-set-url-" + hashlib.sha256(url.encode()).hexdigest()


def matching_key(key_set: Mapping[str, Any], kid: str, alg: str) -> str | None:
    """The PEM of the key set's key with this kid and alg (RS256 when the key names none), or None."""
    for key in key_set["keys"]:
        if key.get("kid") == kid and key.get("alg", "RS256") == alg:
            try:
                return JWK.from_json(json.dumps(key)).export_to_pem().decode()
            except (ValueError, TypeError) as err:
                raise Refusal(refusals.KEY_SET, f"key {kid!r} of the platform cannot be read") from err
    return None
