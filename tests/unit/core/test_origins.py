"""Where a credential may go: the configured origin only, with default ports and case folded."""

from __future__ import annotations

import pytest

from app.core.origins import in_clear_over_the_network, same_origin, shown

CONFIGURED = "https://api.ladok.se"


@pytest.mark.parametrize(
    "url",
    [
        "https://api.ladok.se/handelser/feed/2",
        "https://api.ladok.se:443/handelser/feed/2",  # as Ladok writes its own links
        "HTTPS://API.Ladok.SE/handelser/feed/2",
        "/handelser/feed/2",  # relative: resolved against the configured origin
    ],
)
def test_the_configured_origin_however_written(url: str) -> None:
    assert same_origin(url, CONFIGURED)


@pytest.mark.parametrize(
    "url",
    [
        "https://api.ladok.se.attacker.example/handelser/feed/2",
        "http://api.ladok.se/handelser/feed/2",
        "https://api.ladok.se:8443/handelser/feed/2",
        "//attacker.example/handelser/feed/2",
        "https://api.ladok.se:https/feed",  # not a port at all
        "https://user@attacker.example/",
    ],
)
def test_anything_else_is_another_origin(url: str) -> None:
    assert not same_origin(url, CONFIGURED)


def test_an_origin_is_shown_without_path_or_query() -> None:
    assert shown("http://Canvas.example.se/api/v1/users?search_term=x") == "http://canvas.example.se:80"


@pytest.mark.parametrize(
    ("url", "in_clear"),
    [
        ("http://canvas.example.se", True),
        ("http://10.0.0.5:8080", True),
        ("https://canvas.example.se", False),
        ("http://127.0.0.1:5000", False),
        ("http://[::1]:5000", False),
        ("http://localhost:5000", False),
    ],
)
def test_plain_http_is_in_clear_unless_it_stays_on_this_machine(url: str, in_clear: bool) -> None:
    assert in_clear_over_the_network(url) is in_clear
