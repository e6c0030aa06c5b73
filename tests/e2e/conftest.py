"""Fixtures of the browser tests: headless Chromium."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.chromium import CHROMIUM


@pytest.fixture
def browser() -> Iterator[Any]:
    """Headless Chromium (never downloaded: the system's, as the machine provides it)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-background-networking"]
        )
        yield chromium
        chromium.close()
