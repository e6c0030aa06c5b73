"""Check the enrollment roles the settings name before a worker starts enrolling with them."""

from __future__ import annotations

from app.canvas.client import CanvasClient
from app.canvas.errors import CanvasNotFound
from app.core.settings import InstitutionSettings


def role_problems(client: CanvasClient, settings: InstitutionSettings) -> list[str]:
    """One line per configured role Canvas would refuse an enrollment with; empty when all are usable.

    Canvas accepts enrollment[role_id] only for a role of the course's account or an account above it
    (Account#valid_role?), so each role is looked up from SubAccountNewOrganisations, which holds every
    course the adapter makes; role_overrides_controller#show answers 404 for any other.
    """
    if not settings.use_admitted:
        return []
    account = settings.sub_account_new_organisations
    problems = []
    for name, role_id in (
        ("RoleIdRegistered", settings.role_id_registered),
        ("RoleIdAdmitted", settings.role_id_admitted),
    ):
        try:
            role = client.get(f"/api/v1/accounts/{account}/roles/{role_id}")
        except CanvasNotFound:
            problems.append(f"{name} = {role_id}: Canvas has no such role in account {account} or above it")
            continue
        if role.get("base_role_type") != "StudentEnrollment":
            problems.append(
                f"{name} = {role_id}: role {role.get('label')!r} is based on "
                f"{role.get('base_role_type')}, not StudentEnrollment"
            )
        elif role.get("workflow_state") != "active":
            problems.append(f"{name} = {role_id}: role {role.get('label')!r} is {role.get('workflow_state')}")
    return problems
