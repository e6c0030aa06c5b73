"""The shape of an LTI id_token: the claim types the launch checks read, and PyJWT's rejections as refusals."""

from __future__ import annotations

from collections.abc import Mapping

import jwt

from app.lti import refusals
from app.lti.claims import LTI
from app.lti.refusals import Refusal, malformed


def _is_text(value: object) -> bool:
    return isinstance(value, str) and bool(value)


def check_shape(header: object, body: object) -> None:
    """The claims the checks below read must have the types LTI 1.3 gives them, or nothing else can be trusted."""
    if not isinstance(header, Mapping) or not isinstance(body, Mapping):
        raise malformed("id_token header or body is not a JSON object")
    if not _is_text(header.get("kid")) or not _is_text(header.get("alg")):
        raise malformed("id_token header lacks kid or alg")
    if not _is_text(body.get("iss")):
        raise malformed("iss is not a non-empty string")
    aud = body.get("aud")
    if not (_is_text(aud) or (isinstance(aud, list) and aud and all(_is_text(a) for a in aud))):
        raise malformed("aud is neither a non-empty string nor a non-empty list of them")
    for claim in ("nonce", LTI + "deployment_id", LTI + "message_type"):
        if not _is_text(body.get(claim)):
            raise malformed(f"{claim.removeprefix(LTI)} is not a non-empty string")
    roles = body.get(LTI + "roles")
    if roles is not None and not (isinstance(roles, list) and all(isinstance(r, str) for r in roles)):
        raise malformed("roles is not a list of strings")
    for claim in ("resource_link", "context", "custom", "launch_presentation"):
        if body.get(LTI + claim) is not None and not isinstance(body[LTI + claim], Mapping):
            raise malformed(f"{claim} is not a JSON object")


def jwt_refusal(err: jwt.InvalidTokenError) -> Refusal:
    """The refusal, with the user's message, for a token PyJWT rejected."""
    if isinstance(err, jwt.ExpiredSignatureError):
        return Refusal(refusals.EXPIRED, f"id_token expired: {err}")
    if isinstance(err, jwt.ImmatureSignatureError):
        return Refusal(refusals.NOT_YET_VALID, f"id_token not yet valid: {err}")
    if isinstance(err, jwt.InvalidAudienceError):
        return Refusal(refusals.AUDIENCE, f"id_token audience: {err}")
    if isinstance(err, jwt.MissingRequiredClaimError):
        return malformed(f"id_token lacks a claim: {err}")
    return Refusal(refusals.SIGNATURE, f"id_token rejected: {err}")
