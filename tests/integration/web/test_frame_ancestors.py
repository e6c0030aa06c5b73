"""With several institutions, a launch's pages may be framed only by that institution's Canvas."""

from __future__ import annotations

from sqlalchemy import Engine

from app.config import AppConfig, InstitutionConfig
from app.sandbox.lti.platform import SandboxPlatform
from tests.integration.lti.harness import LaunchDriver, make_config, make_tool, tool_client


def test_csp_names_only_the_launching_institutions_canvas(
    platform: SandboxPlatform, engine: Engine, database_url: str
) -> None:
    base = make_config(platform, database_url)
    other = InstitutionConfig(
        id="uu",
        ladok_larosate_id=30,
        ladok_url="http://127.0.0.1:9",
        canvas_url="https://uu.instructure.com",
        canvas_token="x",
    )
    config = AppConfig(base.database_url, base.secret_key, (*base.institutions, other), base.extra)
    driver = LaunchDriver(platform, tool_client(make_tool(config)))
    login = driver.client.get("/lti/login", query_string=platform.start_launch("teacher", 101))
    assert "https://uu.instructure.com" in login.headers["Content-Security-Policy"]  # not yet known who launches
    page = driver.client.get(driver.launch_page())
    csp = page.headers["Content-Security-Policy"]
    assert "frame-ancestors 'self' https://canvas.example.se" in csp
    assert "uu.instructure.com" not in csp


def test_other_parts_of_the_app_keep_their_own_headers_and_errors(driver: LaunchDriver) -> None:
    health = driver.client.get("/health")
    assert health.get_json() == {"status": "ok"}
    assert "Content-Security-Policy" not in health.headers
    assert "could not be opened" not in driver.client.get("/no-such-page").get_data(as_text=True)
