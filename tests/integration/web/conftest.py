"""The web tests use the LTI tests' platform and launch driver, with the tool talking to a sandbox Canvas."""

from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import Engine

from app.sandbox.canvas import DEFAULT_TOKEN, CanvasSandbox
from app.sandbox.lti.platform import SandboxPlatform
from tests.integration.lti.harness import make_config, make_tool


@pytest.fixture
def canvas() -> CanvasSandbox:
    """The institution's Canvas: a sandbox the tool asks, at link time, who teaches what."""
    return CanvasSandbox(tokens=[DEFAULT_TOKEN])


@pytest.fixture
def canvas_url(canvas: CanvasSandbox) -> Iterator[str]:
    """The sandbox Canvas served on a loopback port."""
    with canvas.serve() as server:
        yield server.url


@pytest.fixture
def tool(platform: SandboxPlatform, canvas_url: str, engine: Engine, database_url: str) -> Flask:
    """The tool on this test's migrated database, with the sandbox Canvas as the institution's Canvas."""
    return make_tool(make_config(platform, database_url, canvas=(canvas_url, DEFAULT_TOKEN)))
