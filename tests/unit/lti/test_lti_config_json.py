"""lti-config.json is a Canvas developer key the tool can live with, and the sandbox platform matches it."""

from __future__ import annotations

import json
from pathlib import Path

from app.sandbox.lti.tokens import CUSTOM_FIELDS

CONFIG = Path(__file__).resolve().parents[3] / "lti-config.json"


def test_developer_key_has_both_placements_pointing_at_the_launch_url() -> None:
    data = json.loads(CONFIG.read_text())
    placements = {p["placement"]: p for p in data["extensions"][0]["settings"]["placements"]}
    assert set(placements) == {"course_navigation", "account_navigation"}
    for placement in placements.values():
        assert placement["message_type"] == "LtiResourceLinkRequest"
        assert placement["target_link_uri"] == data["target_link_uri"]
    assert data["oidc_initiation_url"].endswith("/lti/login")
    assert data["target_link_uri"].endswith("/lti/launch")
    assert data["public_jwk_url"].endswith("/lti/jwks")


def test_custom_fields_are_what_the_tool_reads_and_what_the_sandbox_sends() -> None:
    custom = json.loads(CONFIG.read_text())["custom_fields"]
    assert custom["canvas_course_id"] == "$Canvas.course.id"
    assert custom["canvas_course_sis_id"] == "$Canvas.course.sisSourceId"
    assert custom == dict(CUSTOM_FIELDS)
