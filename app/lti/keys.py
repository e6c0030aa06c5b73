"""The tool's own RSA key pair: made on first start, kept in the database, published as a JWKS."""

from __future__ import annotations

import json
from dataclasses import dataclass
from hashlib import sha256

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from jwt.utils import base64url_encode
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app.store.db import insert_for, write_session
from app.store.lti_tables import LtiKeyRow

KEY_NAME = "tool"


@dataclass(frozen=True, slots=True)
class ToolKey:
    """The key pair the tool signs with (e.g. service tokens) and publishes at its JWKS URL."""

    kid: str
    private_pem: str
    public_jwk: dict


def _new_key() -> ToolKey:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    jwk = json.loads(RSAAlgorithm.to_jwk(private.public_key()))
    kid = _thumbprint(jwk)
    jwk.update(kid=kid, alg="RS256", use="sig")
    return ToolKey(kid, pem, jwk)


def _thumbprint(jwk: dict) -> str:
    # RFC 7638 thumbprint: stable, so the kid names the key rather than the moment it was made.
    canonical = json.dumps({k: jwk[k] for k in ("e", "kty", "n")}, separators=(",", ":"), sort_keys=True)
    return base64url_encode(sha256(canonical.encode()).digest()).decode()


def tool_key(engine: Engine) -> ToolKey:
    """The tool's key pair, creating it once; concurrent workers all end up with the same row."""
    with Session(engine) as session:
        row = session.get(LtiKeyRow, KEY_NAME)
        if row is not None:
            return ToolKey(row.kid, row.private_pem, row.public_jwk)
    key = _new_key()
    with write_session(engine) as session:
        stmt = insert_for(session.get_bind().dialect.name)(LtiKeyRow).values(
            name=KEY_NAME, kid=key.kid, private_pem=key.private_pem, public_jwk=key.public_jwk
        )
        session.execute(stmt.on_conflict_do_nothing(index_elements=["name"]))
    with Session(engine) as session:
        row = session.scalars(select(LtiKeyRow).where(LtiKeyRow.name == KEY_NAME)).one()
        return ToolKey(row.kid, row.private_pem, row.public_jwk)


def jwks(engine: Engine) -> dict:
    """The public key set to publish (no private parts)."""
    return {"keys": [tool_key(engine).public_jwk]}
