"""Fixtures for the LTI tests: a running sandbox platform and the tool on a fresh database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import Engine

from app.sandbox.lti.platform import SandboxPlatform
from tests.integration.lti.harness import LaunchDriver, make_config, make_tool, running_platform, speaking, tool_client


@pytest.fixture(scope="module")
def platform() -> Iterator[SandboxPlatform]:
    """The sandbox platform on a loopback port, shared by a module's tests."""
    with running_platform() as running:
        yield running


@pytest.fixture
def tool(platform: SandboxPlatform, engine: Engine, database_url: str) -> Flask:
    """The tool on this test's migrated database (accepting any deployment)."""
    return make_tool(make_config(platform, database_url))


@pytest.fixture
def driver(platform: SandboxPlatform, tool: Flask) -> LaunchDriver:
    """A browser-like driver of launches against the tool."""
    return LaunchDriver(platform, tool_client(tool))


@pytest.fixture(params=["sv", "en"])
def lang(request: pytest.FixtureRequest, driver: LaunchDriver) -> str:
    """Each refusal test runs with a Swedish and with an English browser (the driver's client prefers it)."""
    speaking(driver.client, request.param)
    return request.param
