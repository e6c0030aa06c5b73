"""Signed id_tokens with Canvas's LTI 1.3 claims (canvas-lms lib/lti/messages/jwt_message.rb)."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from app.sandbox.lti.personas import Persona

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
CANVAS_ISSUER = "https://canvas.instructure.com"
COURSE_OFFERING = "http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering"

# The developer key's custom fields (the same as lti-config.json); Canvas expands what it can.
CUSTOM_FIELDS: Mapping[str, str] = {
    "canvas_course_id": "$Canvas.course.id",
    "canvas_course_sis_id": "$Canvas.course.sisSourceId",
    "canvas_user_id": "$Canvas.user.id",
    "canvas_user_is_root_admin": "$Canvas.user.isRootAccountAdmin",
    "canvas_roles": "$Canvas.membership.roles",
    "canvas_account_id": "$Canvas.account.id",
}


@dataclass
class SigningKey:
    """An RSA key pair with its kid, published by the platform's JWKS endpoint."""

    private: rsa.RSAPrivateKey = field(
        default_factory=lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048)
    )
    kid: str = field(default_factory=lambda: uuid.uuid4().hex)

    def jwk(self) -> dict[str, Any]:
        """The public key as a JWK."""
        jwk = json.loads(RSAAlgorithm.to_jwk(self.private.public_key()))
        jwk.update(kid=self.kid, alg="RS256", use="sig")
        return jwk

    def pem(self) -> bytes:
        """The private key in PEM, for signing."""
        return self.private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )


@dataclass(frozen=True, slots=True)
class CourseFacts:
    """What Canvas puts into a launch about its course: SIS id (None when it has none), name and course code."""

    sis_id: str | None
    name: str
    code: str


@dataclass(frozen=True, slots=True)
class LaunchContext:
    """Where a launch happens: a course (course_navigation) or an account (account_navigation)."""

    placement: str  # course_navigation | account_navigation
    course_id: int | None
    account_id: int
    locale: str
    course: CourseFacts | None = None  # None: stand-ins ("SIS-{id}", "Course {id}") for a course we know nothing of


def _expand(value: str, persona: Persona, ctx: LaunchContext) -> str | bool:
    # Canvas turns numbers into strings for LTI 1.3 but leaves booleans as JSON booleans.
    variables: dict[str, str | bool] = {
        "$Canvas.user.id": str(persona.canvas_user_id),
        "$Canvas.user.isRootAccountAdmin": persona.root_admin,
        "$Canvas.account.id": str(ctx.account_id),
    }
    if ctx.course_id is not None:
        variables["$Canvas.course.id"] = str(ctx.course_id)
        sis_id = ctx.course.sis_id if ctx.course else f"SIS-{ctx.course_id}"
        if sis_id is not None:  # Canvas sends a variable it cannot substitute as it is
            variables["$Canvas.course.sisSourceId"] = sis_id
        variables["$Canvas.membership.roles"] = ",".join(r.rsplit("#", 1)[-1] for r in persona.roles)
    return variables.get(value, value)


def claims(
    *,
    issuer: str,
    client_id: str,
    deployment_id: str,
    target_link_uri: str,
    persona: Persona,
    ctx: LaunchContext,
    nonce: str,
    now: float | None = None,
    lifetime: int = 300,
) -> dict[str, Any]:
    """The id_token body Canvas sends for a resource link launch."""
    now = time.time() if now is None else now
    context_id = f"course-{ctx.course_id}" if ctx.course_id is not None else f"account-{ctx.account_id}"
    context: dict[str, Any] = {"id": context_id, "title": f"Course {ctx.course_id}" if ctx.course_id else "Account"}
    if ctx.course_id is not None:
        context.update(label=f"C{ctx.course_id}", type=[COURSE_OFFERING])
    if ctx.course is not None:  # Canvas: the course's name and course code (lib/lti/messages/jwt_message.rb)
        context.update(title=ctx.course.name, label=ctx.course.code)
    return {
        "iss": issuer,
        "aud": client_id,
        "azp": client_id,
        "sub": persona.sub,
        "nonce": nonce,
        "iat": int(now),
        "exp": int(now) + lifetime,
        "name": persona.name,
        "given_name": persona.name.split()[0],
        "family_name": persona.name.split()[-1],
        "email": f"{persona.key}@sandbox.example",
        "locale": ctx.locale,
        LTI + "message_type": "LtiResourceLinkRequest",
        LTI + "version": "1.3.0",
        LTI + "deployment_id": deployment_id,
        LTI + "target_link_uri": target_link_uri,
        LTI + "resource_link": {"id": f"rl-{context_id}", "title": "Kursadministration", "description": None},
        LTI + "roles": list(persona.roles),
        LTI + "context": context,
        LTI + "tool_platform": {
            "guid": "sandbox-canvas",
            "name": "Sandbox Canvas",
            "version": "cloud",
            "product_family_code": "canvas",
        },
        LTI + "launch_presentation": {
            "document_target": "iframe",
            "locale": ctx.locale,
            "height": 600,
            "width": 800,
            "return_url": "about:blank",
        },
        LTI + "custom": {name: _expand(value, persona, ctx) for name, value in CUSTOM_FIELDS.items()},
        "https://www.instructure.com/placement": ctx.placement,
    }


def sign(body: Mapping[str, Any], key: SigningKey) -> str:
    """An RS256 JWT of the body, with the key's kid in its header.

    Signed as plain JWS, so a test can forge claims PyJWT would refuse to encode (a list `iss`, say).
    """
    payload = json.dumps(dict(body), separators=(",", ":")).encode()
    return jwt.PyJWS().encode(payload, key.pem(), algorithm="RS256", headers={"kid": key.kid, "typ": "JWT"})
