"""Who may do what, from the LIS role URIs in a launch (Canvas: lib/lti/substitutions_helper.rb LIS_V2_ROLE_MAP)."""

from __future__ import annotations

from collections.abc import Iterable

MEMBERSHIP = "http://purl.imsglobal.org/vocab/lis/v2/membership"
INSTITUTION = "http://purl.imsglobal.org/vocab/lis/v2/institution/person"
SYSTEM = "http://purl.imsglobal.org/vocab/lis/v2/system/person"

INSTRUCTOR = f"{MEMBERSHIP}#Instructor"
TEACHING_ASSISTANT = f"{MEMBERSHIP}/Instructor#TeachingAssistant"
LEARNER = f"{MEMBERSHIP}#Learner"
CONTENT_DEVELOPER = f"{MEMBERSHIP}#ContentDeveloper"
INSTITUTION_ADMIN = f"{INSTITUTION}#Administrator"
SYSTEM_ADMIN = f"{SYSTEM}#SysAdmin"

_ADMIN_ROLES = {INSTITUTION_ADMIN.lower(), SYSTEM_ADMIN.lower(), f"{MEMBERSHIP}#Administrator".lower()}


def _normalised(roles: Iterable[str]) -> set[str]:
    # Canvas spells the TA sub-role with a lower-case "instructor" ("membership/instructor#TeachingAssistant").
    return {r.strip().lower() for r in roles if r and r.strip()}


def is_administrator(roles: Iterable[str]) -> bool:
    """True for an institution (account) administrator or Canvas site admin."""
    return bool(_normalised(roles) & _ADMIN_ROLES)


def is_teaching_assistant(roles: Iterable[str]) -> bool:
    """True when the launch carries the TA sub-role (Canvas sends it together with membership#Instructor)."""
    return TEACHING_ASSISTANT.lower() in _normalised(roles)


def is_instructor(roles: Iterable[str]) -> bool:
    """True for a teacher: membership#Instructor without the TA sub-role."""
    return INSTRUCTOR.lower() in _normalised(roles) and not is_teaching_assistant(roles)


def may_change_course(roles: Iterable[str]) -> bool:
    """Course settings may be changed by an Instructor (not TA-only) or an Administrator."""
    roles = list(roles)
    return is_instructor(roles) or is_administrator(roles)
