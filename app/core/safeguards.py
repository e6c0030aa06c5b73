"""Operator safeguards on a plan's removals (docs/rules.md §5): delay-delete windows and the safety filter.

Additions always go on; only removals are deferred (delay delete) or held (safety filter) here. Pause
stops a whole institution before any plan is made, so it is not a filter on operations.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from app.core.plan import Operation, SweepOtherSections, Unenroll

MIN_COURSE_SIZE = 10  # a fraction of a tiny course says nothing about a mass removal


@dataclass(frozen=True, slots=True)
class SafetyLimits:
    """The safety filter as the configuration file sets it: on or off, and the removals it lets through."""

    safety_filter: bool = True
    max_removals_per_hour: int = 200
    max_course_fraction: float = 0.3


@dataclass(frozen=True, slots=True)
class Controls:
    """An institution's safeguards now: the file's limits, and the operator's delay-delete and release windows."""

    delay_delete: tuple[dt.date, dt.date] | None = None
    limits: SafetyLimits = SafetyLimits()
    released: bool = False

    def deferring(self, today: dt.date) -> bool:
        """Whether removals are deferred today (inside the delay-delete window, both ends included)."""
        return self.delay_delete is not None and self.delay_delete[0] <= today <= self.delay_delete[1]


@dataclass(frozen=True, slots=True)
class RemovalBudget:
    """Removals already made in the last hour, overall and per Canvas course, and the courses' sizes."""

    removed_last_hour: int = 0
    removed_by_course: Mapping[int, int] = field(default_factory=dict)
    course_sizes: Mapping[int, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Filtered:
    """A plan split into what runs now, what waits for the window's end, and what is held with a reason."""

    run: list[Operation]
    deferred: list[Operation]
    held: list[tuple[Operation, str]]


def _course_of(op: Operation) -> int | None:
    if isinstance(op, Unenroll):
        return op.current.canvas_course_id
    if isinstance(op, SweepOtherSections):
        return op.course.canvas_course_id
    return None


def is_removal(op: Operation) -> bool:
    """Unenrolls and deleting sweeps take students out of courses."""
    return isinstance(op, Unenroll) or (isinstance(op, SweepOtherSections) and op.action == "delete")


def filter_removals(ops: list[Operation], controls: Controls, budget: RemovalBudget, today: dt.date) -> Filtered:
    """Apply delay delete, then the safety filter (per hour and per course fraction) to a plan's removals."""
    if controls.deferring(today):
        return Filtered([op for op in ops if not is_removal(op)], [op for op in ops if is_removal(op)], [])
    limits = controls.limits
    if not limits.safety_filter or controls.released:
        return Filtered(list(ops), [], [])
    run: list[Operation] = []
    held: list[tuple[Operation, str]] = []
    taken = 0
    taken_by_course: Counter[int] = Counter()
    for op in ops:
        if not is_removal(op):
            run.append(op)
            continue
        course = _course_of(op)
        if budget.removed_last_hour + taken + 1 > limits.max_removals_per_hour:
            held.append((op, f"more than {limits.max_removals_per_hour} removals in an hour"))
            continue
        size = budget.course_sizes.get(course, 0) if course is not None else 0
        done_here = budget.removed_by_course.get(course, 0) + taken_by_course[course] + 1 if course else 0
        if size >= MIN_COURSE_SIZE and done_here > limits.max_course_fraction * size:
            held.append(
                (
                    op,
                    f"more than {limits.max_course_fraction:.0%} of course {course}'s "
                    f"{size} enrollments removed within an hour",
                )
            )
            continue
        run.append(op)
        taken += 1
        if course is not None:
            taken_by_course[course] += 1
    return Filtered(run, [], held)
