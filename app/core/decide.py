"""The decide step (docs/architecture.md): pure functions from projection, settings and today's date to a plan."""

from app.core.decide_course import plan_offering
from app.core.decide_facts import OfferingFacts, StudentFacts
from app.core.decide_student import plan_student
from app.core.decide_timers import next_change
from app.core.early_access import default_purge_date

__all__ = ["OfferingFacts", "StudentFacts", "default_purge_date", "next_change", "plan_offering", "plan_student"]
