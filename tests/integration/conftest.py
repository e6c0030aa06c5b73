"""Fixtures the LTI and web tests share: the sandbox platform and a launch driver for the folder's `tool`.

Each folder defines its own `tool` (the web tests' asks a sandbox Canvas); `driver` takes the one in scope.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from app.sandbox.lti.platform import SandboxPlatform
from tests.integration.lti.harness import LaunchDriver, running_platform, tool_client


@pytest.fixture(scope="module")
def platform() -> Iterator[SandboxPlatform]:
    """The sandbox platform on a loopback port, shared by a module's tests."""
    with running_platform() as running:
        yield running


@pytest.fixture
def driver(platform: SandboxPlatform, tool: Flask) -> LaunchDriver:
    """A browser-like driver of launches against the tool."""
    return LaunchDriver(platform, tool_client(tool))
