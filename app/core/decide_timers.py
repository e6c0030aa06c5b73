"""When a student's plan changes with no event: the day a timer must wake the pipeline (docs/rules.md §4.5, §4.6)."""

from __future__ import annotations

import datetime as dt

from app.core.decide_enrollments import desired_enrollments
from app.core.decide_facts import StudentFacts
from app.core.early_access import default_purge_date
from app.core.settings import InstitutionSettings
from app.core.swedish_time import wake_at

ONE_DAY = dt.timedelta(days=1)


def next_change(facts: StudentFacts, settings: InstitutionSettings, today: dt.date) -> dt.date | None:
    """The first day after today on which the desired enrollments differ from today's, or None if never.

    Only suspension starts, the day after a suspension ends and purge dates move the answer, so each of
    them is tried in order; a timer that would wake for nothing is not set.
    """
    now = _desired_set(facts, settings, today)
    for day in sorted(d for d in _candidate_days(facts) if d > today):
        if _desired_set(facts, settings, day) != now:
            return day
    return None


def wake_up(
    facts: StudentFacts | None,
    settings: InstitutionSettings,
    today: dt.date,
    now: dt.datetime,
    deferred: bool,
    delay_delete: tuple[dt.date, dt.date] | None,
) -> dt.datetime | None:
    """When the key's timer must wake it with no event, or None: the next change of a student's plan, or
    the day after a delay-delete window that deferred removals (docs/rules.md §5), whichever comes first.

    A wake-up already past is none: it would claim the key again at once, and again, for nothing.
    """
    day = next_change(facts, settings, today) if facts is not None else None
    if deferred and delay_delete is not None:
        after_window = delay_delete[1] + ONE_DAY
        day = min(day, after_window) if day else after_window
    if day is None or wake_at(day) <= now:
        return None
    return wake_at(day)


def _candidate_days(facts: StudentFacts) -> set[dt.date]:
    """Every day on which some time-bound rule could flip."""
    days: set[dt.date] = set()
    for suspension in facts.suspensions:
        if suspension.start is not None:
            days.add(suspension.start)
        if suspension.end is not None:
            days.add(suspension.end + ONE_DAY)
    days.update(s.purge_date for s in facts.course_settings.values() if s.purge_date is not None)
    for offering in facts.offerings.values():
        purge = default_purge_date([offering.start])
        if purge is not None:
            days.add(purge)
    return days


def _desired_set(facts: StudentFacts, settings: InstitutionSettings, day: dt.date) -> frozenset[object]:
    """The desired enrollments on a day, order aside."""
    return frozenset(w.enrollment for w in desired_enrollments(facts, settings, day))
