"""What the LIS role URIs of a launch say (Canvas: lib/lti/substitutions_helper.rb LIS_V2_ROLE_MAP).

Only reading: what a person may do with these roles is decided in `app/core/access.py`.
"""

from __future__ import annotations

from collections.abc import Iterable

MEMBERSHIP = "http://purl.imsglobal.org/vocab/lis/v2/membership"

INSTRUCTOR = f"{MEMBERSHIP}#Instructor"
TEACHING_ASSISTANT = f"{MEMBERSHIP}/Instructor#TeachingAssistant"


def _normalised(roles: Iterable[str]) -> set[str]:
    # Canvas spells the TA sub-role with a lower-case "instructor" ("membership/instructor#TeachingAssistant").
    return {r.strip().lower() for r in roles if r and r.strip()}


def is_teaching_assistant(roles: Iterable[str]) -> bool:
    """True when the launch carries the TA sub-role (Canvas sends it together with membership#Instructor)."""
    return TEACHING_ASSISTANT.lower() in _normalised(roles)


def is_instructor(roles: Iterable[str]) -> bool:
    """True for a teacher of the launch's course: membership#Instructor without the TA sub-role."""
    return INSTRUCTOR.lower() in _normalised(roles) and not is_teaching_assistant(roles)
