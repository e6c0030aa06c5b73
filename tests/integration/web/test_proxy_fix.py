"""X-Forwarded-* headers are trusted only when `[web] proxy_fix` says how many proxies stand in front."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from sqlalchemy import Engine

from app.sandbox.lti.platform import SandboxPlatform
from tests.integration.lti.harness import make_config, make_tool, storage_page, tool_client

FORWARDED = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "kursadmin.example.se"}


def _redirect_uri(platform: SandboxPlatform, database_url: str, proxy_fix: int) -> str:
    config = make_config(platform, database_url)
    config.extra["web"]["proxy_fix"] = proxy_fix
    client = tool_client(make_tool(config))
    resp = client.get("/lti/login", query_string=platform.start_launch("teacher", 101), headers=FORWARDED)
    settings, _ = storage_page(resp.get_data(as_text=True))  # the login page goes on to the platform
    return parse_qs(urlsplit(settings["next"]).query)["redirect_uri"][0]


def test_forwarded_headers_are_ignored_by_default(platform: SandboxPlatform, engine: Engine, database_url: str) -> None:
    assert _redirect_uri(platform, database_url, 0) == "https://localhost/lti/launch"


def test_forwarded_headers_are_used_behind_a_configured_proxy(
    platform: SandboxPlatform, engine: Engine, database_url: str
) -> None:
    assert _redirect_uri(platform, database_url, 1) == "https://kursadmin.example.se/lti/launch"
