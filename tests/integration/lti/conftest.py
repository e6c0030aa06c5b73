"""Fixtures for the LTI tests: the tool on a fresh database (platform and driver: tests/integration/conftest.py)."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import Engine

from app.sandbox.lti.platform import SandboxPlatform
from tests.integration.lti.harness import LaunchDriver, make_config, make_tool, speaking


@pytest.fixture
def tool(platform: SandboxPlatform, engine: Engine, database_url: str) -> Flask:
    """The tool on this test's migrated database (accepting any deployment)."""
    return make_tool(make_config(platform, database_url))


@pytest.fixture(params=["sv", "en"])
def lang(request: pytest.FixtureRequest, driver: LaunchDriver) -> str:
    """Each refusal test runs with a Swedish and with an English browser (the driver's client prefers it)."""
    speaking(driver.client, request.param)
    return request.param
