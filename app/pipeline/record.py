"""The record step: write what a reconcile did into the ledger, hand the key back to the queue, set its timer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from app.canvas.results import OpResult
from app.core.decide_facts import OfferingFacts, StudentFacts
from app.core.decide_timers import wake_up
from app.core.not_found import Forget
from app.core.plan import Operation
from app.core.safeguards import Controls, Filtered
from app.pipeline.context import InstitutionContext
from app.store import control, intents
from app.store.action_log import log_action
from app.store.db import write_session
from app.store.ledger import Ledger
from app.store.ledger_results import forget, record
from app.store.projection import DirtyKey
from app.store.queue import Claim, complete, fail, set_timer

Done = Iterable[tuple[Operation, OpResult]]


def _keep(s: Session, ctx: InstitutionContext, done: Done, gone: tuple[Forget, ...] = ()) -> Ledger:
    """Write what was done into the ledger, then forget what Canvas said is gone."""
    book = Ledger(s, ctx.institution_id)
    for op, result in done:
        record(book, op, result)
    forget(book, gone)
    return book


def _student(key: DirtyKey) -> str | None:
    return key.uid if key.kind == "student" else None


def record_paused(engine: Engine, claim_: Claim, owner: str) -> None:
    """The institution is paused: give the key back untouched, to run after the resume."""
    with write_session(engine) as s:
        control.postpone(s, claim_, owner)


def record_replan(
    engine: Engine, ctx: InstitutionContext, key: DirtyKey, done: Done, gone: tuple[Forget, ...], reason: str
) -> None:
    """Keep what was done and forget what is gone, keeping the lease: the key is planned again at once."""
    with write_session(engine) as s:
        _keep(s, ctx, done, gone)
        log_action(
            s,
            ctx.institution_id,
            "reconcile",
            "replanned",
            {"key": f"{key.kind}:{key.uid}", "error": reason},
            student_uid=_student(key),
        )


def record_failure(
    engine: Engine,
    ctx: InstitutionContext,
    claim_: Claim,
    owner: str,
    done: Done,
    gone: tuple[Forget, ...],
    reason: str,
    failed_steps: int,
) -> None:
    """Keep what was done, forget what Canvas says is gone, and give the key back with a back-off."""
    key = claim_.key
    with write_session(engine) as s:
        _keep(s, ctx, done, gone)
        dead = fail(s, claim_, owner, reason)
        log_action(
            s,
            ctx.institution_id,
            "reconcile",
            "dead" if dead else "failed",
            {"key": f"{key.kind}:{key.uid}", "error": reason, "failed_steps": failed_steps},
            student_uid=_student(key),
        )


def record_success(
    engine: Engine,
    ctx: InstitutionContext,
    claim_: Claim,
    owner: str,
    done: Done,
    guarded: Filtered,
    facts: StudentFacts | OfferingFacts | None,
    controls: Controls,
) -> None:
    """Keep what was done and what the safeguards held back, set the key's next wake-up, and complete it."""
    inst, key = ctx.institution_id, claim_.key
    with write_session(engine) as s:
        _keep(s, ctx, done)
        for op, reason in guarded.held:
            control.hold(s, inst, key.uid, op, reason)
            log_action(s, inst, type(op).__name__, "held", {"reason": reason}, student_uid=key.uid)
        for op in guarded.deferred:
            log_action(s, inst, type(op).__name__, "deferred", {"reason": "delay delete"}, student_uid=key.uid)
        student_facts = facts if isinstance(facts, StudentFacts) else None
        wake = wake_up(
            student_facts,
            ctx.settings,
            ctx.today(),
            dt.datetime.now(dt.UTC),
            bool(guarded.deferred),
            controls.delay_delete,
        )
        if wake is not None:
            set_timer(s, inst, key, wake)
        if key.kind == "student":
            # Every message the plan wanted was sent (a failed one takes the failure path), so a note left
            # is one no plan wants any more, e.g. a suspension removed while its message kept failing.
            intents.drop_message_notes(s, inst, key.uid)
        complete(s, claim_, owner)
