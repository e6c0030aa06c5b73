"""The decide step (docs/architecture.md): pure functions from projection, settings and today's date to a plan."""

from __future__ import annotations

import datetime as dt

from app.core.decide_course import plan_offering
from app.core.decide_facts import OfferingFacts, StudentFacts
from app.core.decide_student import plan_student
from app.core.decide_timers import next_change
from app.core.early_access import default_purge_date
from app.core.plan import Operation
from app.core.settings import InstitutionSettings

__all__ = [
    "OfferingFacts",
    "StudentFacts",
    "decide",
    "default_purge_date",
    "next_change",
    "plan_offering",
    "plan_student",
]


def decide(
    facts: StudentFacts | OfferingFacts | None, settings: InstitutionSettings, today: dt.date
) -> list[Operation]:
    """One key's plan: a student's, an offering's, or nothing for an offering nobody has told us of."""
    if isinstance(facts, StudentFacts):
        return plan_student(facts, settings, today)
    if isinstance(facts, OfferingFacts):
        return plan_offering(facts, settings)
    return []
