"""Reading a launch's claims: Canvas's un-substituted variables count as missing; locale picks the language."""

from __future__ import annotations

from app.lti.claims import custom_flag, custom_value, language, parse_claims
from app.sandbox.lti.personas import PERSONAS
from app.sandbox.lti.tokens import LaunchContext, claims


def _body(
    placement: str = "course_navigation", course_id: int | None = 101, locale: str = "sv-SE", persona: str = "teacher"
) -> dict:
    return claims(
        issuer="https://canvas.instructure.com",
        client_id="1",
        deployment_id="1:d",
        target_link_uri="https://tool/lti/launch",
        persona=PERSONAS[persona],
        ctx=LaunchContext(placement, course_id, 1, locale),
        nonce="n",
    )


def test_literal_canvas_variables_are_missing() -> None:
    assert custom_value({"canvas_course_id": "$Canvas.course.id"}, "canvas_course_id") is None
    assert custom_value({"canvas_course_id": "  "}, "canvas_course_id") is None
    assert custom_value({"canvas_course_id": "42"}, "canvas_course_id") == "42"


def test_course_launch_carries_course_and_language() -> None:
    parsed = parse_claims(_body())
    assert (parsed.placement, parsed.canvas_course_id, parsed.canvas_course_sis_id) == ("course", 101, "SIS-101")
    assert parsed.locale == "sv"
    assert parsed.canvas_user_id == str(PERSONAS["teacher"].canvas_user_id)


def test_account_launch_has_no_course_although_the_custom_field_is_sent() -> None:
    body = _body("account_navigation", None, "en-GB")
    assert body["https://purl.imsglobal.org/spec/lti/claim/custom"]["canvas_course_id"] == "$Canvas.course.id"
    parsed = parse_claims(body)
    assert (parsed.placement, parsed.canvas_course_id, parsed.locale) == ("account", None, "en")


def test_language_choice() -> None:
    assert [language(x) for x in ("sv", "SV-se", "en-US", "fi", None)] == ["sv", "sv", "en", "en", "en"]


def test_only_canvas_root_account_admins_carry_the_root_admin_flag() -> None:
    root = _body("account_navigation", None, persona="admin")
    assert root["https://purl.imsglobal.org/spec/lti/claim/custom"]["canvas_user_is_root_admin"] is True
    assert parse_claims(root).is_root_admin
    # A sub-account admin has the same institution Administrator role, and false here.
    sub = _body("account_navigation", None, persona="subadmin")
    assert (
        sub["https://purl.imsglobal.org/spec/lti/claim/roles"]
        == root["https://purl.imsglobal.org/spec/lti/claim/roles"]
    )
    assert not parse_claims(sub).is_root_admin


def test_the_root_admin_flag_is_true_only_when_canvas_says_true() -> None:
    assert custom_flag({"f": True}, "f") and custom_flag({"f": " TRUE "}, "f")
    for value in (False, "false", "$Canvas.user.isRootAccountAdmin", 1, "1", None):
        assert not custom_flag({"f": value}, "f")
    assert not custom_flag({}, "f")
