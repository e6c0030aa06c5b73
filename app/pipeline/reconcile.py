"""Reconcile one claimed key, as a thin service: load → decide → guard → act → record, each step a module's."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial

from sqlalchemy import Engine

from app.canvas.errors import CanvasError
from app.core.decide import decide
from app.core.not_found import after_failure
from app.core.redact import redact
from app.core.safeguards import Filtered
from app.pipeline.act import Outcome, act
from app.pipeline.catalogue import fill_gaps
from app.pipeline.context import InstitutionContext
from app.pipeline.guard import guard
from app.pipeline.intent_notes import settle
from app.pipeline.load import Loaded, load
from app.pipeline.record import record_failure, record_paused, record_replan, record_success
from app.store.db import retry_conflicts
from app.store.projection import DirtyKey
from app.store.queue import Claim

log = logging.getLogger(__name__)


def reconcile(
    engine: Engine, ctx: InstitutionContext, claim_: Claim, owner: str, holding: Callable[[], bool] = lambda: True
) -> int:
    """Bring one key's Canvas state up to date; returns how many operations were performed.

    `holding` says whether the lease surely outlasts another step; when it no longer does, the steps
    left are not started (another worker may be taking the key over) and the key is retried. When Canvas
    answers 404 for what the ledger knows (deleted by hand), the ledger forgets it and the key is planned
    again at once (app/core/not_found.py).
    """
    key = claim_.key
    performed = replans = 0
    while True:
        try:
            loaded = _load(engine, ctx, key, settle_intents=replans == 0)
            if loaded.paused:
                record_paused(engine, claim_, owner)
                return performed
            guarded = guard(engine, ctx, decide(loaded.facts, ctx.settings, ctx.today()), loaded.controls)
            outcome = act(engine, ctx, key, guarded.run, loaded.known, holding)
        except Exception as exc:  # the database or Ladok broke before any Canvas step: back off
            loaded, guarded, outcome = None, Filtered([], [], []), Outcome(failed=[(None, exc)])
        performed += len(outcome.done)
        if not outcome.failed:
            assert loaded is not None
            retry_conflicts(
                partial(
                    record_success, engine, ctx, claim_, owner, outcome.done, guarded, loaded.facts, loaded.controls
                )
            )
            return performed
        if not _replan_after(engine, ctx, claim_, owner, outcome, replans):
            return performed
        replans += 1


def _load(engine: Engine, ctx: InstitutionContext, key: DirtyKey, settle_intents: bool) -> Loaded:
    """Read the key once; only after settling a stopped worker's intents or filling catalogue gaps, again."""
    loaded = load(engine, ctx, key)
    if loaded.paused:
        return loaded
    if settle_intents and loaded.intents:
        settle(engine, ctx, key.uid, loaded.intents)
        loaded = load(engine, ctx, key)
    gaps = loaded.gaps(key)
    if ctx.directory is not None and gaps and fill_gaps(engine, ctx.institution_id, ctx.directory, gaps):
        loaded = load(engine, ctx, key)
    return loaded


def _replan_after(
    engine: Engine, ctx: InstitutionContext, claim_: Claim, owner: str, outcome: Outcome, replans: int
) -> bool:
    """Record a failed run: forget what 404s proved gone; True when the key is planned again at once."""
    key = claim_.key
    _, first = outcome.failed[0]
    reason = redact(f"{type(first).__name__}: {first}" if not isinstance(first, CanvasError) else str(first))
    statuses = [(op, exc.status if isinstance(exc, CanvasError) else None) for op, exc in outcome.failed]
    after = after_failure(statuses, outcome.known.sections, outcome.known.users, replans)
    if not after.replan:
        log.warning("reconciling %s %s failed: %s", key.kind, key.uid, reason)
        retry_conflicts(
            partial(record_failure, engine, ctx, claim_, owner, outcome.done, after.forget, reason, len(outcome.failed))
        )
        return False
    log.info("%s %s: %s; the ledger forgets it and plans again", key.kind, key.uid, reason)
    retry_conflicts(partial(record_replan, engine, ctx, key, outcome.done, after.forget, reason))
    return True
