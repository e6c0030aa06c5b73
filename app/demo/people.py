"""The demo's people: whom the sandbox platform launches as are users of the sandbox Canvas, seated as such.

Canvas sends its own user id in a launch, and the tool asks Canvas about that user (co-reading's consent
check asks whether the teacher teaches the offering's course), so each persona the demo links to is a
Canvas user, and the teacher, TA and student are enrolled as such in every course the adapter made.
"""

from __future__ import annotations

import dataclasses

from app.sandbox.canvas import CanvasSandbox
from app.sandbox.lti.personas import PERSONAS, Persona

SEATED = (("teacher", "TeacherEnrollment"), ("ta", "TaEnrollment"), ("student", "StudentEnrollment"))
LAUNCHED = ("teacher", "ta", "student", "admin")


def canvas_personas(canvas: CanvasSandbox) -> dict[str, Persona]:
    """The platform's personas, those the demo launches as made users of `canvas` (with its user ids)."""
    personas = dict(PERSONAS)
    for key in LAUNCHED:
        persona = PERSONAS[key]
        user_id = canvas.create_user(persona.name, f"{key}@sandbox.example")
        personas[key] = dataclasses.replace(persona, canvas_user_id=user_id)
    return personas


def seat(canvas: CanvasSandbox, personas: dict[str, Persona], course_id: int) -> None:
    """Enroll the teacher, TA and student in the course as such (active), unless they are already."""
    present = {(e.user_id, e.type) for e in canvas.enrollments(course_id=course_id) if e.workflow_state == "active"}
    for key, kind in SEATED:
        user_id = personas[key].canvas_user_id
        if (user_id, kind) not in present:
            canvas.enroll(user_id, course_id, kind)


def persona_user_ids(personas: dict[str, Persona]) -> set[int]:
    """The Canvas user ids of the demo's own people (left out when counting Ladok's students)."""
    return {personas[key].canvas_user_id for key in LAUNCHED}
