"""The sandbox platform's OIDC auth endpoint refuses what Canvas refuses, and signs what Canvas signs."""

from __future__ import annotations

import jwt
import pytest

from app.sandbox.lti.platform import SandboxPlatform

LTI = "https://purl.imsglobal.org/spec/lti/claim/"


@pytest.fixture(scope="module")
def platform() -> SandboxPlatform:
    """A platform for a tool at https://tool.example (not served: these tests call it directly)."""
    return SandboxPlatform(
        tool_login_url="https://tool.example/lti/login", tool_launch_url="https://tool.example/lti/launch"
    )


def _auth(platform: SandboxPlatform, **changes: str) -> dict[str, str]:
    start = platform.start_launch("teacher", 101, "sv-SE")
    params = {
        "scope": "openid",
        "response_type": "id_token",
        "response_mode": "form_post",
        "prompt": "none",
        "client_id": start["client_id"],
        "redirect_uri": platform.tool_launch_url,
        "state": "s",
        "nonce": "n",
        "login_hint": start["login_hint"],
        "lti_message_hint": start["lti_message_hint"],
    }
    return {**params, **changes}


def test_signed_token_carries_canvas_claims(platform: SandboxPlatform) -> None:
    redirect_uri, token = platform.authorize(_auth(platform))
    key = jwt.PyJWK(platform.key.jwk())
    body = jwt.decode(token, key.key, algorithms=["RS256"], audience=platform.client_id)
    assert redirect_uri == platform.tool_launch_url
    assert jwt.get_unverified_header(token)["kid"] == platform.key.kid
    assert body["iss"] == "https://canvas.instructure.com" and body["nonce"] == "n"
    assert body[LTI + "message_type"] == "LtiResourceLinkRequest" and body[LTI + "version"] == "1.3.0"
    assert body[LTI + "deployment_id"] == platform.deployment_id
    assert body[LTI + "launch_presentation"]["locale"] == "sv-SE"
    assert body[LTI + "custom"]["canvas_course_id"] == "101"
    assert body[LTI + "context"]["id"] and body[LTI + "resource_link"]["id"]


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"redirect_uri": "https://evil.example/lti/launch"}, "redirect_uri"),
        ({"client_id": "other"}, "unauthorized_client"),
        ({"response_mode": "query"}, "form_post"),
        ({"login_hint": "someone-else"}, "login_required"),
        ({"nonce": ""}, "nonce"),
    ],
)
def test_bad_auth_requests_are_refused(platform: SandboxPlatform, change: dict[str, str], error: str) -> None:
    with pytest.raises(ValueError, match=error):
        platform.authorize(_auth(platform, **change))


def test_a_message_hint_is_good_for_one_launch(platform: SandboxPlatform) -> None:
    params = _auth(platform)
    platform.authorize(params)
    with pytest.raises(ValueError, match="login_required"):
        platform.authorize(params)
