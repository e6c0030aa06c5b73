"""The configuration of who administers what: Canvas user ids per institution, and `[web.sso]`."""

from __future__ import annotations

import pytest

from app.config import ConfigError
from app.config_file import parse_config

INSTITUTIONS = [
    {
        "id": "kth",
        "ladok_larosate_id": 29,
        "ladok_url": "https://ladok.example",
        "canvas_url": "https://c",
        "canvas_token": "t",
        "canvas_admin_user_ids": [505, 1017],
    }
]
SSO = {"header": "eppn", "trusted_proxies": ["10.0.0.5", "2001:db8::/32"], "admins": {"ops@kth.se": ["kth"]}}


def _problems(sso: dict[str, object]) -> list[str]:
    with pytest.raises(ConfigError) as err:
        parse_config({"institution": INSTITUTIONS, "web": {"sso": sso}}, {})
    return err.value.problems


def test_admin_ids_and_sso_are_read() -> None:
    cfg = parse_config({"institution": INSTITUTIONS, "web": {"sso": SSO}}, {})
    assert cfg.institutions[0].canvas_admin_user_ids == (505, 1017)
    assert cfg.sso is not None
    assert (cfg.sso.header, cfg.sso.trusted_proxies, dict(cfg.sso.admins)) == (
        "eppn",
        ("10.0.0.5", "2001:db8::/32"),
        {"ops@kth.se": ("kth",)},
    )


def test_without_web_sso_there_is_no_sso() -> None:
    assert parse_config({"institution": INSTITUTIONS, "web": {"proxy_fix": 1}}, {}).sso is None


def test_every_sso_problem_names_its_key() -> None:
    problems = _problems(
        {
            "header": "X_Remote User",
            "trusted_proxies": ["10.0.0.5", "proxy.kth.se"],
            "admins": {"ops@kth.se": ["kth", "uu"]},
            "trust_everyone": True,
        }
    )
    assert problems == [
        "web.sso.header: Value error, must be a header name: letters, digits and '-' (e.g. \"eppn\")",
        "web.sso.trusted_proxies: Value error, 'proxy.kth.se' is not an IP address or network",
        "web.sso.trust_everyone: unknown key",
    ]
    assert _problems({**SSO, "admins": {"ops@kth.se": ["uu"]}}) == [
        "web.sso.admins.ops@kth.se: institution 'uu' is not configured"
    ]


def test_sso_needs_at_least_one_proxy_and_the_admins() -> None:
    problems = _problems({"header": "eppn", "trusted_proxies": []})
    assert any(p.startswith("web.sso.trusted_proxies:") for p in problems)
    assert "web.sso.admins: Field required" in problems
