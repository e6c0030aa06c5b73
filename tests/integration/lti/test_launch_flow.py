"""An honest launch works end to end: login initiation (GET and POST), launch, and the course page."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.sandbox.lti.tokens import SigningKey
from app.store.lti_tables import LtiCacheRow, LtiDeploymentRow, LtiLaunchRow, LtiNonceRow
from tests.integration.lti.harness import LaunchDriver


def _db(tool: Flask) -> Session:
    return Session(tool.extensions["kursadmin.engine"])


def test_teacher_launch_lands_on_the_course_page_and_is_stored(driver: LaunchDriver, tool: Flask) -> None:
    path = driver.launch_page("teacher", 101)
    assert path.startswith("/course/")
    page = driver.client.get(path)
    assert page.status_code == 200
    assert "Course offerings in this course" in page.get_data(as_text=True)
    with _db(tool) as db:
        row = db.scalars(select(LtiLaunchRow)).one()
        assert (row.institution_id, row.canvas_course_id, row.placement) == ("kth", 101, "course")
        assert row.canvas_course_sis_id == "SIS-101"
        assert db.scalars(select(LtiNonceRow)).one().used_at is not None


def test_login_initiation_by_post_works_too(driver: LaunchDriver) -> None:
    auth = driver.login("teacher", 101, method="POST")
    _, token = driver.platform.authorize(auth)
    assert driver.post_launch(token, auth["state"]).status_code == 303


def test_new_deployment_is_recorded_when_the_config_lists_none(driver: LaunchDriver, tool: Flask) -> None:
    driver.launch_page()
    with _db(tool) as db:
        row = db.scalars(select(LtiDeploymentRow)).one()
        assert (row.deployment_id, row.institution_id) == (driver.platform.deployment_id, "kth")


def test_swedish_locale_gives_swedish_page_with_lang_attribute(driver: LaunchDriver) -> None:
    html = driver.client.get(driver.launch_page(locale="sv-SE")).get_data(as_text=True)
    assert '<html lang="sv">' in html
    assert "Tidig åtkomst" in html


def test_state_cookie_is_secure_samesite_none_and_partitioned(driver: LaunchDriver) -> None:
    params = driver.platform.start_launch("teacher", 101)
    resp = driver.client.get("/lti/login", query_string=params)
    cookie = resp.headers["Set-Cookie"]
    assert "Secure" in cookie and "SameSite=None" in cookie and "Partitioned" in cookie


def test_session_cookie_after_launch_is_partitioned(driver: LaunchDriver) -> None:
    resp = driver.launch()
    cookies = resp.headers.getlist("Set-Cookie")
    session_cookie = next(c for c in cookies if c.startswith("session="))
    assert "Secure" in session_cookie and "SameSite=None" in session_cookie and "Partitioned" in session_cookie


def test_tool_jwks_publishes_one_public_key_and_no_private_parts(driver: LaunchDriver) -> None:
    keys = driver.client.get("/lti/jwks").get_json()["keys"]
    assert len(keys) == 1
    assert keys[0]["kty"] == "RSA" and keys[0]["alg"] == "RS256"
    assert not {"d", "p", "q", "dp", "dq", "qi"} & set(keys[0])
    assert driver.client.get("/lti/jwks").get_json() == {"keys": keys}


def test_admin_launch_from_account_navigation_lands_on_admin_view(driver: LaunchDriver) -> None:
    path = driver.launch_page("admin", None, placement="account_navigation")
    assert path.startswith("/admin/")
    assert "Adapter status" in driver.client.get(path).get_data(as_text=True)


def test_platform_key_rotation_is_picked_up_despite_the_cached_key_set(driver: LaunchDriver) -> None:
    assert driver.launch().status_code == 303  # caches the platform's key set
    old = driver.platform.key
    driver.platform.key = SigningKey()
    try:
        assert driver.launch().status_code == 303
    finally:
        driver.platform.key = old


def test_an_administrator_may_open_a_course_page_from_course_navigation(driver: LaunchDriver) -> None:
    path = driver.launch_page("admin", 101)
    assert path.startswith("/course/")
    assert driver.client.get(path).status_code == 200


def test_pylti_launch_data_expires_with_the_launch(driver: LaunchDriver, tool: Flask) -> None:
    driver.launch_page()
    with _db(tool) as db:
        launch = db.scalars(select(LtiLaunchRow)).one()
        cached = db.get(LtiCacheRow, f"lti1p3-{launch.launch_id}")
        assert cached is not None and cached.value["sub"] == launch.subject
        assert abs((cached.expires_at - launch.expires_at).total_seconds()) < 60
