"""LTI protocol gaps PyLTI1p3 leaves open: the nonce tied to the browser's login, message types other than a
resource link launch, malformed id_tokens and key sets — each a clear 4xx page, never a 500 or a launch."""

from __future__ import annotations

import pytest
from flask import Flask

from app.lti import refusals
from app.sandbox.lti.tokens import LTI
from tests.integration.lti.harness import LaunchDriver, assert_refused


def test_a_nonce_issued_to_another_login_of_the_same_browser_is_refused(
    driver: LaunchDriver, tool: Flask, lang: str
) -> None:
    first, second = driver.login("teacher", 101), driver.login("teacher", 101)  # both state cookies are set
    _, first_token = driver.platform.authorize(first)
    assert_refused(driver.post_launch(first_token, second["state"]), tool, refusals.STATE, lang)
    assert driver.post_launch(first_token, first["state"]).status_code == 303  # its own login's state still works


@pytest.mark.parametrize(
    ("message_type", "extra"),
    [
        (
            "LtiDeepLinkingRequest",
            {
                "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings": {
                    "deep_link_return_url": "https://canvas.example/return",
                    "accept_types": ["ltiResourceLink"],
                    "accept_presentation_document_targets": ["iframe"],
                }
            },
        ),
        ("LtiSubmissionReviewRequest", {}),
        ("DataPrivacyLaunchRequest", {}),
        ("SomethingNew", {}),
    ],
)
def test_only_resource_link_launches_are_accepted(
    driver: LaunchDriver, tool: Flask, lang: str, message_type: str, extra: dict[str, object]
) -> None:
    auth = driver.login("teacher", 101)
    token = driver.platform.id_token("teacher", 101, auth["nonce"], **{LTI + "message_type": message_type}, **extra)
    assert_refused(driver.post_launch(token, auth["state"]), tool, refusals.MESSAGE_TYPE, lang, status=400)


@pytest.mark.parametrize(
    "claims",
    [
        {"aud": []},
        {"aud": [7]},
        {"iss": ["https://canvas.instructure.com"]},
        {"iss": None},
        {"nonce": 12},
        {LTI + "deployment_id": None},
        {LTI + "message_type": None},
        {LTI + "roles": "Instructor"},
        {LTI + "resource_link": "rl-1"},
        {LTI + "custom": ["canvas_course_id"]},
    ],
    ids=[
        "aud-empty-list",
        "aud-number",
        "iss-list",
        "iss-missing",
        "nonce-number",
        "no-deployment",
        "no-type",
        "roles-string",
        "resource-link-string",
        "custom-list",
    ],
)
def test_a_malformed_id_token_is_a_clear_400(
    driver: LaunchDriver, tool: Flask, lang: str, claims: dict[str, object]
) -> None:
    auth = driver.login("teacher", 101)
    claims = {"nonce": auth["nonce"], **claims}
    token = driver.platform.id_token("teacher", 101, **claims)  # type: ignore[arg-type]
    assert_refused(driver.post_launch(token, auth["state"]), tool, refusals.TOKEN_MALFORMED, lang, status=400)


@pytest.mark.parametrize("token", ["not-a-jwt", "a.b", "a.b.c", ""])
def test_an_id_token_that_is_no_jwt_is_a_clear_400(driver: LaunchDriver, tool: Flask, lang: str, token: str) -> None:
    auth = driver.login("teacher", 101)
    assert_refused(driver.post_launch(token, auth["state"]), tool, refusals.TOKEN_MALFORMED, lang, status=400)


@pytest.mark.parametrize(
    "fault",
    [(200, "{}"), (200, '{"keys": "none"}'), (200, "[1, 2]"), (200, "<html>"), (503, '{"keys": []}')],
    ids=["no-keys", "keys-not-a-list", "not-an-object", "not-json", "server-error"],
)
def test_a_broken_key_set_is_refused_and_not_cached(
    driver: LaunchDriver, tool: Flask, lang: str, fault: tuple[int, str]
) -> None:
    driver.platform.jwks_fault = fault
    try:
        assert_refused(driver.launch(), tool, refusals.KEY_SET, lang)
    finally:
        driver.platform.jwks_fault = None
    assert driver.launch().status_code == 303  # the platform mended its key set: nothing bad was cached
