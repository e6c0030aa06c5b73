"""Settle an enrollment that may or may not have been made before a worker stopped: look it up in Canvas."""

from __future__ import annotations

from app.canvas.client import CanvasClient
from app.canvas.enrollments import LIVE_STATES, ledger_state
from app.canvas.errors import CanvasNotFound
from app.canvas.sis import in_param, in_path
from app.core.plan import EnrollmentKind, LedgerEnrollment


def find_made(
    client: CanvasClient, student_uid: str, section_sis_id: str, kind: EnrollmentKind, role_id: int | None
) -> LedgerEnrollment | None:
    """The student's live enrollment in the section with the intended role, or None when it was never made."""
    try:
        rows = client.get_all(
            f"/api/v1/sections/{in_path('sis_section_id', section_sis_id)}/enrollments",
            {
                "user_id": in_param("sis_user_id", student_uid),
                "type[]": ["StudentEnrollment"],
                "state[]": list(LIVE_STATES),
            },
        )
    except CanvasNotFound:  # the section (or the user) was never made: neither was the enrollment
        return None
    for row in rows:
        # Canvas filters by user_id here; a row naming another student must still never be taken as ours.
        if row.get("sis_user_id", student_uid) != student_uid:
            continue
        if role_id is None or row.get("role_id") == role_id:
            return LedgerEnrollment(section_sis_id, kind, int(row["id"]), int(row["course_id"]), ledger_state(row))
    return None
