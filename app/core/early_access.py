"""Early access (tidig åtkomst, docs/rules.md §4.5): whether a Canvas course takes admitted students today."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from app.core.model import CourseSettings
from app.core.settings import InstitutionSettings

PURGE_AFTER_START = dt.timedelta(days=14)


@dataclass(frozen=True, slots=True)
class EarlyAccess:
    """A course's early access switch and purge date, whether stored or the institution's default."""

    on: bool
    purge_date: dt.date | None


def default_purge_date(offering_starts: Iterable[dt.date | None]) -> dt.date | None:
    """The purge date set when early access is turned on: earliest start of the course's offerings + 14 days."""
    known = [start for start in offering_starts if start is not None]
    return min(known) + PURGE_AFTER_START if known else None


def stored_or_default(
    stored: CourseSettings | None, offering_start: dt.date | None, settings: InstitutionSettings
) -> EarlyAccess:
    """The stored course settings, else what an own course gets at creation (EarlyAccessOnCreateCourse)."""
    if stored is not None:
        return EarlyAccess(on=stored.early_access, purge_date=stored.purge_date)
    return EarlyAccess(on=settings.early_access_on_create_course, purge_date=default_purge_date([offering_start]))


def admits_today(early_access: EarlyAccess, settings: InstitutionSettings, today: dt.date) -> bool:
    """Whether admitted students belong in the course today: UseAdmitted, early access on, purge not reached.

    The seed removes admitted students *at* the purge date ("vid detta datum"), so the purge date itself
    no longer admits.
    """
    if not (settings.use_admitted and early_access.on):
        return False
    purge = early_access.purge_date
    return settings.early_access_disable_purge or purge is None or today < purge
