"""Launches where no cookie reaches the tool: the login's proof kept in the platform's storage (1EdTech LTI
platform storage, Canvas's lti_storage_target), read back by the launch page and posted with the launch.

The browser's scripts are driven by hand here (they are exercised in Chromium by tests/e2e); what is checked is
what the server issues, accepts and refuses.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.lti import refusals
from app.sandbox.lti.platform import SandboxPlatform
from app.store.course_tables import CourseSettingsRow
from app.store.lti_tables import LtiLaunchRow, LtiNonceRow
from tests.integration.lti.harness import (
    LaunchDriver,
    assert_refused,
    csrf_token,
    launches,
    speaking,
    storage_page,
    tool_client,
)


@pytest.fixture
def blocked(platform: SandboxPlatform, tool: Flask) -> LaunchDriver:
    """A browser in Canvas's iframe that keeps no cookie of the tool's (Safari, a private window, a policy)."""
    return LaunchDriver(platform, tool_client(tool, cookies=False))


@pytest.fixture
def without_storage(platform: SandboxPlatform) -> Iterator[SandboxPlatform]:
    """The platform as a Canvas that offers no platform storage."""
    platform.platform_storage = False
    yield platform
    platform.platform_storage = True


def _db(tool: Flask) -> Session:
    return Session(tool.extensions["kursadmin.engine"])


def _to_storage_page(driver: LaunchDriver) -> tuple[dict[str, str], dict[str, str], str]:
    """Log in and post the launch without the state cookie: the page that reads the proof back, and the proof."""
    auth = driver.login("teacher", 101)
    _, token = driver.platform.authorize(auth)
    resp = driver.post_launch(token, auth["state"], **driver.platform.storage_params())
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert resp.headers["Cache-Control"] == "no-store"
    settings, form = storage_page(resp.get_data(as_text=True))
    return settings, form, driver.proof


def test_a_login_offered_storage_puts_a_proof_there_and_binds_the_nonce_to_it(
    driver: LaunchDriver, tool: Flask
) -> None:
    params = driver.platform.start_launch("teacher", 101)
    resp = driver.client.get("/lti/login", query_string=params)
    assert resp.status_code == 200 and resp.headers["Cache-Control"] == "no-store"
    settings, _ = storage_page(resp.get_data(as_text=True))
    auth = {k: v[0] for k, v in parse_qs(urlsplit(settings["next"]).query).items()}
    assert settings["step"] == "login"
    assert settings["target"] == "post_message_forwarding"
    assert settings["origin"] == driver.platform.base_url  # the exact origin of the platform's OIDC endpoint
    assert settings["key"] == f"kursadmin_state_{auth['state']}"
    assert len(settings["value"]) >= 43
    assert f"lti1p3-{auth['state']}=" in resp.headers["Set-Cookie"]  # cookies too: the fallback
    with _db(tool) as db:
        row = db.get(LtiNonceRow, auth["nonce"])
        assert row.state == auth["state"]
        assert row.proof_hash == hashlib.sha256(settings["value"].encode()).hexdigest()


def test_a_login_without_storage_checks_cookies_and_offers_a_tab_of_its_own(
    driver: LaunchDriver, tool: Flask, without_storage: SandboxPlatform
) -> None:
    params = without_storage.start_launch("teacher", 101)
    resp = driver.client.get("/lti/login", query_string=params)
    html = resp.get_data(as_text=True)
    settings, _ = storage_page(html)
    assert (settings["target"], settings["value"]) == ("", "")
    assert settings["next"].startswith(without_storage.auth_login_url)
    new_tab = html.split('id="lti-new-tab"', 1)[1].split('href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    query = {k: v[0] for k, v in parse_qs(urlsplit(new_tab).query).items()}
    assert query == {**params, "kursadmin_new_tab": "1"}
    # In its own tab the login goes straight to the platform, cookies being first-party there.
    opened = driver.client.get(new_tab)
    assert opened.status_code == 302 and opened.headers["Location"].startswith(without_storage.auth_login_url)


def test_a_new_tab_never_uses_the_platforms_storage(driver: LaunchDriver, tool: Flask) -> None:
    params = {**driver.platform.start_launch("teacher", 101), "kursadmin_new_tab": "1"}
    resp = driver.client.get("/lti/login", query_string=params)
    assert resp.status_code == 302
    nonce = parse_qs(urlsplit(resp.headers["Location"]).query)["nonce"][0]
    with _db(tool) as db:
        assert db.get(LtiNonceRow, nonce).proof_hash is None


def test_a_launch_without_cookies_completes_through_the_proof_and_its_pages_work(
    blocked: LaunchDriver, tool: Flask
) -> None:
    settings, form, proof = _to_storage_page(blocked)
    assert settings["step"] == "launch"
    assert (settings["target"], settings["origin"]) == ("post_message_forwarding", blocked.platform.base_url)
    assert settings["key"] == f"kursadmin_state_{form['state']}"
    assert form["lti_storage_proof"] == ""
    with _db(tool) as db:
        assert db.get(LtiNonceRow, _nonce_of(tool, form["state"])).used_at is None  # nothing consumed yet

    resp = blocked.post_proof(form["id_token"], form["state"], proof)
    assert resp.status_code == 303, resp.get_data(as_text=True)
    assert "Set-Cookie" not in resp.headers
    path = urlsplit(resp.headers["Location"]).path
    with _db(tool) as db:
        launch = db.scalars(select(LtiLaunchRow)).one()
        assert launch.cookieless and launch.browser_key == ""
    page = blocked.client.get(path)
    assert page.status_code == 200
    saved = blocked.client.post(
        f"{path}/early-access", data={"enabled": "y", "csrf_token": csrf_token(page.get_data(as_text=True))}
    )
    assert saved.status_code == 303
    refused = blocked.client.post(f"{path}/early-access", data={"enabled": "y"})
    assert refused.status_code == 400  # CSRF still guards the cookieless launch's forms
    with _db(tool) as db:
        assert db.get(CourseSettingsRow, ("kth", 101)).early_access


def test_a_replayed_launch_under_platform_storage_is_refused(blocked: LaunchDriver, tool: Flask, lang: str) -> None:
    speaking(blocked.client, lang)
    _, form, proof = _to_storage_page(blocked)
    assert blocked.post_proof(form["id_token"], form["state"], proof).status_code == 303
    assert_refused(blocked.post_proof(form["id_token"], form["state"], proof), tool, refusals.NONCE, lang, stored=1)


def test_a_wrong_proof_is_refused_and_burns_nothing(blocked: LaunchDriver, tool: Flask, lang: str) -> None:
    speaking(blocked.client, lang)
    _, form, proof = _to_storage_page(blocked)
    assert_refused(blocked.post_proof(form["id_token"], form["state"], proof[::-1]), tool, refusals.STATE, lang)
    assert blocked.post_proof(form["id_token"], form["state"], proof).status_code == 303
    assert launches(tool) == 1


@pytest.mark.parametrize("origin", ["https://evil.example", "null", ""])
def test_a_proof_posted_from_another_origin_is_refused(
    blocked: LaunchDriver, tool: Flask, lang: str, origin: str
) -> None:
    speaking(blocked.client, lang)
    _, form, proof = _to_storage_page(blocked)
    assert_refused(
        blocked.post_proof(form["id_token"], form["state"], proof, origin=origin), tool, refusals.STATE, lang
    )


def test_without_storage_and_without_cookies_the_launch_is_refused(
    blocked: LaunchDriver, tool: Flask, lang: str, without_storage: SandboxPlatform
) -> None:
    speaking(blocked.client, lang)
    assert_refused(blocked.launch(), tool, refusals.STATE, lang)


def test_a_malformed_token_is_refused_before_any_storage_page(blocked: LaunchDriver, tool: Flask, lang: str) -> None:
    speaking(blocked.client, lang)
    auth = blocked.login("teacher", 101)
    resp = blocked.post_launch("not-a-jwt", auth["state"], **blocked.platform.storage_params())
    assert_refused(resp, tool, refusals.TOKEN_MALFORMED, lang, status=400)


def _nonce_of(tool: Flask, state: str) -> str:
    with _db(tool) as db:
        return db.scalars(select(LtiNonceRow.nonce).where(LtiNonceRow.state == state)).one()
