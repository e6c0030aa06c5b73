"""The act step: carry a guarded plan out in Canvas, step by step, while the key's lease lasts."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine

from app.canvas.executor import execute
from app.canvas.known import NOTHING_KNOWN, KnownIds, learn
from app.canvas.results import OpResult
from app.core.plan import Enroll, EnsureUser, MessageTeachers, Operation, SetEnrollmentState, Unenroll
from app.pipeline.context import InstitutionContext
from app.pipeline.intent_notes import note_intent, note_message
from app.store.projection import DirtyKey


class LeaseRunningOut(Exception):
    """The worker's lease on the key may run out before the next Canvas step ends: stop, and retry later."""


@dataclass
class Outcome:
    """How carrying out one plan went: the steps done, the steps failed, and the Canvas ids known at the end."""

    done: list[tuple[Operation, OpResult]] = dataclasses.field(default_factory=list)
    failed: list[tuple[Operation | None, Exception]] = dataclasses.field(default_factory=list)
    known: KnownIds = NOTHING_KNOWN


def act(
    engine: Engine,
    ctx: InstitutionContext,
    key: DirtyKey,
    ops: list[Operation],
    known: KnownIds,
    holding: Callable[[], bool],
) -> Outcome:
    """Perform each operation, learning Canvas ids as it goes; stop when the lease may not outlast a step."""
    outcome = Outcome(known=known)
    for op in ops:
        if not holding():
            outcome.failed.append((op, LeaseRunningOut(f"the lease on {key.kind} {key.uid} was not renewed in time")))
            break
        try:
            result = _perform(engine, ctx, op, outcome.known)
        except Exception as exc:
            # One refused step (e.g. a linked course deleted by hand) must not hold back the student's
            # other steps, removals above all; only without an account is there nothing else to do.
            outcome.failed.append((op, exc))
            if isinstance(op, EnsureUser):
                break
            continue
        outcome.done.append((op, result))
        outcome.known = learn(outcome.known, op, result)
    return outcome


def _perform(engine: Engine, ctx: InstitutionContext, op: Operation, known: KnownIds) -> OpResult:
    """Note the intent a step needs, then make the Canvas call."""
    if isinstance(op, Enroll | Unenroll | SetEnrollmentState):
        note_intent(engine, ctx, op)
    elif isinstance(op, MessageTeachers):
        op = note_message(engine, ctx, op)
    return execute(op, ctx.canvas, known)
