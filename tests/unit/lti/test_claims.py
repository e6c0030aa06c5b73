"""Reading a launch's claims: Canvas's un-substituted variables count as missing; locale picks the language."""

from __future__ import annotations

from app.lti.claims import custom_value, language, parse_claims
from app.sandbox.lti.personas import PERSONAS
from app.sandbox.lti.tokens import LaunchContext, claims


def _body(placement: str = "course_navigation", course_id: int | None = 101, locale: str = "sv-SE") -> dict:
    return claims(issuer="https://canvas.instructure.com", client_id="1", deployment_id="1:d",
                  target_link_uri="https://tool/lti/launch", persona=PERSONAS["teacher"],
                  ctx=LaunchContext(placement, course_id, 1, locale), nonce="n")


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
