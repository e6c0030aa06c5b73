"""The parts of a validated id_token the tool uses, with Canvas's un-substituted `$Canvas.…` values as missing."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
CANVAS_PLACEMENT = "https://www.instructure.com/placement"


def custom_value(custom: Mapping[str, Any], name: str) -> str | None:
    """A custom field, or None when absent, empty, or a variable Canvas could not substitute.

    Canvas leaves a custom variable literal (e.g. "$Canvas.course.id" in an account launch) when it
    has no value for it (canvas-lms lib/lti/variable_expander.rb expands only what it can).
    """
    value = custom.get(name)
    if value is None:
        return None
    text = str(value).strip()
    if not text or text.startswith("$Canvas.") or text.startswith("$Person.") or text.startswith("$User."):
        return None
    return text


def custom_flag(custom: Mapping[str, Any], name: str) -> bool:
    """A true/false custom field: True only for JSON true or the text "true".

    Canvas substitutes `$Canvas.user.isRootAccountAdmin` with a JSON boolean in LTI 1.3 (it turns only
    numbers into strings, lib/lti/variable_expander.rb); anything else, the literal variable included,
    is false.
    """
    value = custom.get(name)
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def language(locale: str | None) -> str:
    """The tool's language for a launch locale: Swedish for sv*, otherwise English."""
    return "sv" if (locale or "").lower().startswith("sv") else "en"


@dataclass(frozen=True, slots=True)
class LaunchClaims:
    """What the tool keeps from a launch."""

    deployment_id: str
    target_link_uri: str
    subject: str
    user_name: str | None
    roles: tuple[str, ...]
    locale: str
    placement: str
    canvas_course_id: int | None
    canvas_course_sis_id: str | None
    canvas_user_id: str | None
    is_root_admin: bool


def _placement(body: Mapping[str, Any], course_id: int | None) -> str:
    placement = str(body.get(CANVAS_PLACEMENT) or "")
    if placement == "account_navigation":
        return "account"
    if placement == "course_navigation":
        return "course"
    return "course" if course_id is not None else "account"


def parse_claims(body: Mapping[str, Any]) -> LaunchClaims:
    """Read a validated id_token body into LaunchClaims."""
    custom = body.get(LTI + "custom") or {}
    raw_course = custom_value(custom, "canvas_course_id")
    course_id = int(raw_course) if raw_course and raw_course.isdigit() else None
    presentation = body.get(LTI + "launch_presentation") or {}
    locale = str(presentation.get("locale") or body.get("locale") or "en")
    return LaunchClaims(
        deployment_id=str(body.get(LTI + "deployment_id") or ""),
        target_link_uri=str(body.get(LTI + "target_link_uri") or ""),
        subject=str(body.get("sub") or ""),
        user_name=body.get("name"),
        roles=tuple(str(r) for r in body.get(LTI + "roles") or ()),
        locale=language(locale),
        placement=_placement(body, course_id),
        canvas_course_id=course_id,
        canvas_course_sis_id=custom_value(custom, "canvas_course_sis_id"),
        canvas_user_id=custom_value(custom, "canvas_user_id"),
        is_root_admin=custom_flag(custom, "canvas_user_is_root_admin"),
    )
