"""The people the sandbox platform can launch as, with the LIS roles Canvas sends for each.

Role URIs follow canvas-lms lib/lti/substitutions_helper.rb (LIS_V2_ROLE_MAP): a TA gets the
lower-case "membership/instructor#TeachingAssistant" sub-role together with membership#Instructor.
Every account admin, a sub-account's included, gets institution/person#Administrator; only a
root-account admin gets `$Canvas.user.isRootAccountAdmin` = true (lib/lti/variable_expander.rb).
"""

from __future__ import annotations

from dataclasses import dataclass

MEMBERSHIP = "http://purl.imsglobal.org/vocab/lis/v2/membership"
INSTITUTION = "http://purl.imsglobal.org/vocab/lis/v2/institution/person"
SYSTEM_USER = "http://purl.imsglobal.org/vocab/lis/v2/system/person#User"


@dataclass(frozen=True, slots=True)
class Persona:
    """A platform user: LTI subject, Canvas user id, display name, roles, and whether a root-account admin."""

    key: str
    sub: str
    canvas_user_id: int
    name: str
    roles: tuple[str, ...]
    root_admin: bool = False


PERSONAS: dict[str, Persona] = {
    p.key: p
    for p in (
        Persona(
            "teacher",
            "a1b2c3d4-teacher",
            501,
            "Tora Lärare",
            (f"{MEMBERSHIP}#Instructor", f"{INSTITUTION}#Instructor", SYSTEM_USER),
        ),
        Persona(
            "ta",
            "a1b2c3d4-ta",
            502,
            "Tage Assistent",
            (f"{MEMBERSHIP}/instructor#TeachingAssistant", f"{MEMBERSHIP}#Instructor", SYSTEM_USER),
        ),
        Persona("designer", "a1b2c3d4-designer", 503, "Dina Designer", (f"{MEMBERSHIP}#ContentDeveloper", SYSTEM_USER)),
        Persona(
            "student",
            "a1b2c3d4-student",
            504,
            "Stina Student",
            (f"{MEMBERSHIP}#Learner", f"{INSTITUTION}#Student", SYSTEM_USER),
        ),
        Persona(
            "admin",
            "a1b2c3d4-admin",
            505,
            "Ada Administratör",
            (f"{INSTITUTION}#Administrator", SYSTEM_USER),
            root_admin=True,
        ),
        Persona(
            "subadmin",
            "a1b2c3d4-subadmin",
            506,
            "Sune Institutionsadmin",
            (f"{INSTITUTION}#Administrator", SYSTEM_USER),
        ),
        Persona("observer", "a1b2c3d4-observer", 507, "Olle Observatör", (f"{MEMBERSHIP}#Mentor", SYSTEM_USER)),
    )
}
