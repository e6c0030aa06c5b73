"""Each way a launch must be refused, refused — in the user's language, and nothing stored for it.

Refusals before the launch is validated follow the browser's Accept-Language; every one is checked in Swedish
and in English, and never shows PyLTI1p3's own English text.
"""

from __future__ import annotations

import logging
import time

import pytest
from flask import Flask
from markupsafe import escape
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from app.config import AppConfig
from app.lti import refusals
from app.sandbox.lti.personas import PERSONAS
from app.sandbox.lti.platform import SandboxPlatform
from app.sandbox.lti.tokens import SigningKey
from app.store.course_tables import CourseSettingsRow
from app.web.i18n import MESSAGES
from tests.integration.lti.harness import (
    LaunchDriver,
    assert_refused,
    csrf_token,
    launches,
    make_config,
    make_tool,
    speaking,
    tool_client,
)


def _crafted(driver: LaunchDriver, **overrides: object) -> TestResponse:
    """Log in honestly, then post a token built with `overrides` (claims, or key=/now=)."""
    auth = driver.login("teacher", 101)
    token = driver.platform.id_token("teacher", 101, auth["nonce"], **overrides)
    return driver.post_launch(token, auth["state"])


def test_forged_signature_is_rejected(driver: LaunchDriver, tool: Flask, lang: str) -> None:
    forger = SigningKey(kid=driver.platform.key.kid)  # same kid, different key
    resp = _crafted(driver, key=forger)
    assert_refused(resp, tool, refusals.SIGNATURE, lang)
    assert "Signature verification failed" not in resp.get_data(as_text=True)  # PyLTI1p3's words: for the log


def test_token_signed_with_an_unpublished_key_is_rejected(driver: LaunchDriver, tool: Flask, lang: str) -> None:
    assert_refused(_crafted(driver, key=SigningKey()), tool, refusals.UNKNOWN_KEY, lang)


def test_wrong_issuer_is_rejected(driver: LaunchDriver, tool: Flask, lang: str) -> None:
    assert_refused(_crafted(driver, iss="https://evil.example"), tool, refusals.UNKNOWN_PLATFORM, lang)


def test_wrong_audience_is_rejected(driver: LaunchDriver, tool: Flask, lang: str) -> None:
    assert_refused(_crafted(driver, aud="99999"), tool, refusals.UNKNOWN_PLATFORM, lang)


def test_audience_list_naming_us_first_is_accepted(driver: LaunchDriver) -> None:
    assert _crafted(driver, aud=[driver.platform.client_id, "other"]).status_code == 303


def test_audience_list_whose_azp_is_another_client_is_rejected(driver: LaunchDriver, tool: Flask, lang: str) -> None:
    resp = _crafted(driver, aud=[driver.platform.client_id, "other"], azp="other")
    assert_refused(resp, tool, refusals.AUDIENCE, lang)


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_unknown_deployment_is_rejected(platform: SandboxPlatform, engine, database_url: str, lang: str) -> None:
    tool = make_tool(make_config(platform, database_url, deployment_ids=("1:the-only-one",)))
    driver = LaunchDriver(platform, speaking(tool_client(tool), lang))
    assert_refused(driver.launch(), tool, refusals.DEPLOYMENT, lang)


def test_listed_deployment_is_accepted(platform: SandboxPlatform, engine, database_url: str) -> None:
    tool = make_tool(make_config(platform, database_url, deployment_ids=(platform.deployment_id,)))
    assert LaunchDriver(platform, tool_client(tool)).launch().status_code == 303


def test_expired_token_is_rejected(driver: LaunchDriver, tool: Flask, lang: str) -> None:
    assert_refused(_crafted(driver, now=time.time() - 400), tool, refusals.EXPIRED, lang)


def test_token_just_past_expiry_is_accepted_within_the_leeway(driver: LaunchDriver) -> None:
    assert _crafted(driver, now=time.time() - 320).status_code == 303  # exp 20 s ago


def test_token_from_the_future_beyond_leeway_is_rejected(driver: LaunchDriver, tool: Flask, lang: str) -> None:
    assert_refused(_crafted(driver, now=time.time() + 120), tool, refusals.NOT_YET_VALID, lang)


def test_token_slightly_from_the_future_is_accepted(driver: LaunchDriver) -> None:
    assert _crafted(driver, now=time.time() + 20).status_code == 303


def test_replayed_id_token_is_rejected(driver: LaunchDriver, tool: Flask, lang: str) -> None:
    auth = driver.login("teacher", 101)
    _, token = driver.platform.authorize(auth)
    assert driver.post_launch(token, auth["state"]).status_code == 303
    again = driver.post_launch(token, auth["state"])
    assert again.status_code == 401
    assert str(escape(MESSAGES[refusals.NONCE][lang])) in again.get_data(as_text=True)
    assert launches(tool) == 1


def test_nonce_never_issued_is_rejected(driver: LaunchDriver, tool: Flask, lang: str) -> None:
    auth = driver.login("teacher", 101)
    token = driver.platform.id_token("teacher", 101, "made-up-nonce")
    assert_refused(driver.post_launch(token, auth["state"]), tool, refusals.NONCE, lang)


def test_missing_state_cookie_is_rejected(driver: LaunchDriver, tool: Flask, lang: str) -> None:
    auth = driver.login("teacher", 101)
    _, token = driver.platform.authorize(auth)
    other_browser = speaking(tool_client(tool), lang)
    assert_refused(
        other_browser.post("/lti/launch", data={"id_token": token, "state": auth["state"]}), tool, refusals.STATE, lang
    )


def test_target_link_uri_elsewhere_is_rejected(driver: LaunchDriver, tool: Flask, lang: str) -> None:
    claim = "https://purl.imsglobal.org/spec/lti/claim/target_link_uri"
    assert_refused(_crafted(driver, **{claim: "https://evil.example/lti/launch"}), tool, refusals.TARGET, lang)


@pytest.mark.parametrize("persona", ["student", "ta", "designer"])
@pytest.mark.parametrize(("locale", "lang"), [("sv-SE", "sv"), ("en-GB", "en")])
def test_non_teachers_get_a_refusal_listing_their_roles(
    driver: LaunchDriver, tool: Flask, persona: str, locale: str, lang: str
) -> None:
    resp = driver.launch(persona, 101, locale=locale)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 403
    assert f'<html lang="{lang}">' in html
    assert str(escape(MESSAGES["refused_body"][lang])) in html
    for role in PERSONAS[persona].roles:
        assert role in html
    assert launches(tool) == 0


@pytest.mark.parametrize(("locale", "lang"), [("sv-SE", "sv"), ("en-GB", "en")])
def test_teacher_cannot_open_the_admin_view(driver: LaunchDriver, locale: str, lang: str) -> None:
    resp = driver.launch("teacher", None, locale=locale, placement="account_navigation")
    assert resp.status_code == 403
    assert str(escape(MESSAGES["refused_admin_body"][lang])) in resp.get_data(as_text=True)


@pytest.mark.parametrize(("locale", "lang"), [("sv-SE", "sv"), ("en-GB", "en")])
def test_post_without_csrf_token_is_refused(driver: LaunchDriver, tool: Flask, locale: str, lang: str) -> None:
    path = driver.launch_page(locale=locale)
    resp = driver.client.post(f"{path}/early-access", data={"enabled": "y"})
    assert resp.status_code == 400
    assert str(escape(MESSAGES["error_csrf"][lang])) in resp.get_data(as_text=True)
    with Session(tool.extensions["kursadmin.engine"]) as db:
        assert db.scalars(select(CourseSettingsRow)).first() is None


def test_post_aimed_at_another_course_is_refused(driver: LaunchDriver, tool: Flask) -> None:
    # Another teacher's launch, for course 202, in another browser.
    other = LaunchDriver(driver.platform, tool_client(tool))
    other_path = other.launch_page("teacher", 202)
    mine = driver.launch_page("teacher", 101)
    token = csrf_token(driver.client.get(mine).get_data(as_text=True))
    resp = driver.client.post(f"{other_path}/early-access", data={"enabled": "y", "csrf_token": token})
    assert resp.status_code == 403
    # A course id smuggled into the form of my own launch is ignored: the launch's course is used.
    resp = driver.client.post(
        f"{mine}/early-access", data={"enabled": "y", "csrf_token": token, "canvas_course_id": "202"}
    )
    assert resp.status_code == 303
    with Session(tool.extensions["kursadmin.engine"]) as db:
        assert [r.canvas_course_id for r in db.scalars(select(CourseSettingsRow))] == [101]


def test_unknown_kids_refetch_the_platform_key_set_at_most_once_a_minute(
    driver: LaunchDriver, tool: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="werkzeug")
    assert driver.launch().status_code == 303
    for _ in range(3):
        assert _crafted(driver, key=SigningKey()).status_code == 401
    fetches = [r for r in caplog.records if r.name == "werkzeug" and "/api/lti/security/jwks" in r.getMessage()]
    assert len(fetches) == 2  # the first launch, and one refetch for the unknown kids


@pytest.mark.parametrize(
    ("change", "key"),
    [
        ({"iss": "https://evil.example"}, refusals.LOGIN_UNKNOWN_PLATFORM),
        ({"iss": ""}, refusals.LOGIN_UNKNOWN_PLATFORM),
        ({"login_hint": ""}, refusals.LOGIN_INCOMPLETE),
    ],
)
def test_login_initiation_for_an_unknown_platform_is_refused(
    driver: LaunchDriver, tool: Flask, change: dict[str, str], key: str, lang: str
) -> None:
    params = {**driver.platform.start_launch("teacher", 101), **change}
    resp = driver.client.get("/lti/login", query_string=params)
    assert_refused(resp, tool, key, lang, status=400)
    assert "Set-Cookie" not in resp.headers


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_unreachable_platform_key_set_gives_a_clear_refusal(
    platform: SandboxPlatform, engine, database_url: str, lang: str
) -> None:
    config = make_config(platform, database_url)
    reg = config.institutions[0].lti[0].model_copy(update={"key_set_url": "http://127.0.0.1:9/jwks"})
    inst = config.institutions[0].model_copy(update={"lti": (reg,)})
    tool = make_tool(AppConfig(config.database_url, config.secret_key, (inst,), config.extra))
    driver = LaunchDriver(platform, speaking(tool_client(tool), lang))
    assert_refused(driver.launch(), tool, refusals.KEY_SET, lang)
