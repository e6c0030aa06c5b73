"""A student's Canvas account as the settings want it, and when to create or update it (docs/rules.md §4.3)."""

from __future__ import annotations

from app.core.model import Student
from app.core.plan import EnsureUser, UserSpec
from app.core.settings import InstitutionSettings


def user_spec(student: Student | None, settings: InstitutionSettings) -> UserSpec | None:
    """The account from Ladok's student data; None until the data needed for the login is known.

    Without student data the account would be named by its uid (and with UseAsLoginId = "ssn" have no
    login at all), which the settings may never let us correct; so enrolling waits for the data.
    """
    if student is None:
        return None
    if settings.use_as_login_id == "ssn":
        if not student.personnummer:
            return None
        login_id = student.personnummer
    else:
        login_id = student.uid
    return UserSpec(
        sis_user_id=student.uid,
        name=student.full_name,
        login_id=login_id,
        email=student.email if settings.update_email_from_ladok else None,
    )


def ensure_user(user: UserSpec, settings: InstitutionSettings) -> EnsureUser:
    """Create the account if missing, updating only what UpdateName/Email/SsnFromLadok allow."""
    return EnsureUser(
        user=user,
        update_name=settings.update_name_from_ladok,
        update_email=settings.update_email_from_ladok,
        update_login=settings.update_ssn_from_ladok,
    )


def differs(wanted: UserSpec, made: UserSpec, settings: InstitutionSettings) -> bool:
    """Whether the account as last written lags behind Ladok in a field the settings let us update."""
    return (
        (settings.update_name_from_ladok and wanted.name != made.name)
        or (settings.update_email_from_ladok and wanted.email != made.email)
        or (settings.update_ssn_from_ladok and wanted.login_id != made.login_id)
    )
