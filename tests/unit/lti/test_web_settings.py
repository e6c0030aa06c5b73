"""The `[web]` configuration table: defaults, origins, and errors that name the key."""

from __future__ import annotations

import pytest

from app.web.settings import WebSettings, web_settings


def test_defaults_trust_no_proxy_and_add_no_ancestors() -> None:
    assert web_settings({}) == WebSettings(0, ())


def test_frame_ancestors_are_reduced_to_origins() -> None:
    got = web_settings({"web": {"frame_ancestors": ["http://127.0.0.1:8001/courses/1"], "proxy_fix": 1}})
    assert got == WebSettings(1, ("http://127.0.0.1:8001",))


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ({"proxy": 1}, "unknown keys"),
        ({"proxy_fix": -1}, "web.proxy_fix"),
        ({"frame_ancestors": "http://x"}, "web.frame_ancestors"),
    ],
)
def test_bad_values_name_the_key(raw: dict, key: str) -> None:
    with pytest.raises(ValueError, match=key):
        web_settings({"web": raw})
