"""The guard step: pass a plan through delay delete and the safety filter (docs/rules.md §5)."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from app.core.plan import Operation, Unenroll
from app.core.safeguards import Controls, Filtered, RemovalBudget, filter_removals, is_removal
from app.pipeline.context import InstitutionContext
from app.store import control


def guard(engine: Engine, ctx: InstitutionContext, ops: list[Operation], controls: Controls) -> Filtered:
    """Split the plan into what runs now, what waits for the delay-delete window, and what is held."""
    if not any(map(is_removal, ops)):
        return filter_removals(ops, controls, RemovalBudget(), ctx.today())
    # Only a plan that removes is worth the hour's removal count.
    courses = {op.current.canvas_course_id for op in ops if isinstance(op, Unenroll)}
    with Session(engine) as s:
        budget = control.removal_budget(s, ctx.institution_id, courses)
    return filter_removals(ops, controls, budget, ctx.today())
