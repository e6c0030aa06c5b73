"""Intents around the Canvas calls that need them: noted before the call, settled after a worker stopped."""

from __future__ import annotations

import dataclasses

from sqlalchemy import Engine

from app.canvas.intents import find_made
from app.core.plan import Enroll, MessageTeachers, SetEnrollmentState, Unenroll
from app.pipeline.context import InstitutionContext
from app.pipeline.load import Intent
from app.store import intents
from app.store.db import write_session
from app.store.ledger import Ledger


def note_intent(engine: Engine, ctx: InstitutionContext, op: Enroll | Unenroll | SetEnrollmentState) -> None:
    """Commit that this enrollment is about to change in Canvas, before the call.

    A worker killed between Canvas's answer and the ledger's commit leaves the intent behind, and the next
    run looks the enrollment up instead of trusting a ledger that may be wrong either way: an enrollment
    made but not recorded (a later withdrawal would miss it), or removed or deactivated but still recorded
    as active (a later re-admission would find nothing to do).
    """
    if isinstance(op, Enroll):
        section, kind, role_id = op.enrollment.section_sis_id, op.enrollment.kind, op.enrollment.role_id
    else:
        section, kind = op.current.section_sis_id, op.current.kind
        role_id = ctx.settings.role_id_for(kind)
    with write_session(engine) as s:
        intents.add_intent(s, ctx.institution_id, op.student_uid, section, kind, role_id)


def note_message(engine: Engine, ctx: InstitutionContext, op: MessageTeachers) -> MessageTeachers:
    """Commit that this message is about to be sent; after an earlier unsettled attempt, read the sent box first.

    A conversation is never idempotent in Canvas: without the note, a worker killed after sending and
    before recording would have the teachers told twice.
    """
    with write_session(engine) as s:
        earlier = intents.note_message(s, ctx.institution_id, op.suspension_uid, op.course, op.student_uid)
    return op if earlier is None else dataclasses.replace(op, sent_check_since=earlier)


def settle(engine: Engine, ctx: InstitutionContext, student_uid: str, pending: tuple[Intent, ...]) -> None:
    """Make the ledger say what Canvas holds for every enrollment a stopped worker was changing."""
    for intent in pending:
        made = find_made(ctx.canvas, student_uid, intent.section_sis_id, intent.kind, intent.role_id)
        with write_session(engine) as s:
            book = Ledger(s, ctx.institution_id)
            if made is not None:
                book.put_enrollment(student_uid, made)
                intents.drop_intent(s, ctx.institution_id, student_uid, intent.section_sis_id, intent.kind)
            else:
                book.drop_enrollment(student_uid, intent.section_sis_id, intent.kind)
