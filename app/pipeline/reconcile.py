"""Act step: for a claimed key, fill the catalogue, decide the plan, perform it in Canvas, record the ledger."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app.canvas.client import CanvasClient
from app.canvas.errors import CanvasError
from app.canvas.executor import execute
from app.canvas.intents import find_made
from app.canvas.known import NOTHING_KNOWN, KnownIds
from app.canvas.results import (
    CourseResult,
    EnrollmentResult,
    MessageResult,
    OpResult,
    RemovedResult,
    SectionResult,
    SweepResult,
    UserResult,
)
from app.core.decide_course import plan_offering
from app.core.decide_student import plan_student
from app.core.decide_timers import next_change
from app.core.early_access import default_purge_date
from app.core.not_found import Forget, ForgetEnrollment, ForgetSection, ForgetUser, after_failure
from app.core.plan import (
    Enroll,
    EnsureCourse,
    EnsureUser,
    MessageTeachers,
    Operation,
    SetEnrollmentState,
    Unenroll,
)
from app.core.redact import redact
from app.core.safeguards import Filtered, RemovalBudget, SafetyLimits, filter_removals, is_removal
from app.core.settings import InstitutionSettings
from app.core.swedish_time import swedish_today, wake_at
from app.ladok.directory import LadokDirectory
from app.store import control, facts, ledger
from app.store.course_settings import set_early_access
from app.store.db import retry_conflicts, write_session
from app.store.jsonable import to_json
from app.store.projection import DirtyKey
from app.store.queue import Claim, complete, fail, set_timer
from app.store.tables import CourseRow, OfferingRow, OrganisationRow, ParticipationRow, StudentRow, TermRow

log = logging.getLogger(__name__)
@dataclass(frozen=True)
class InstitutionContext:
    """What reconciling one institution's keys needs: its settings, Canvas, and Ladok's directory."""

    institution_id: str
    settings: InstitutionSettings
    canvas: CanvasClient
    directory: LadokDirectory | None = None
    today: Callable[[], dt.date] = swedish_today
    safeguards: SafetyLimits = dataclasses.field(default_factory=SafetyLimits)  # the file's safety filter


def _fill_catalogue(engine: Engine, ctx: InstitutionContext, key: DirtyKey) -> None:
    """Ask Ladok's REST API for details the events have not brought (docs/rules.md §3), and keep them."""
    if ctx.directory is None:
        return
    inst = ctx.institution_id
    with Session(engine) as s:
        if key.kind == "student":
            need_student = s.get(StudentRow, (inst, key.uid)) is None
            # Only the offering uids: the full facts are read once, by the plan.
            offering_uids = list(s.scalars(select(ParticipationRow.offering_uid).where(
                ParticipationRow.institution_id == inst, ParticipationRow.student_uid == key.uid)))
        else:
            need_student, offering_uids = False, [key.uid]
        missing = [u for u in offering_uids if _offering_incomplete(s, inst, u)]
    student = ctx.directory.student(key.uid) if need_student else None
    found = [(u, ctx.directory.offering(u)) for u in missing]
    if student is None and not any(info for _, info in found):
        return  # the usual case: nothing to keep, so no write transaction
    with write_session(engine) as s:
        if student is not None and s.get(StudentRow, (inst, key.uid)) is None:
            s.add(StudentRow(institution_id=inst, uid=key.uid, first_name=student.first_name,
                             last_name=student.last_name, personnummer=student.personnummer, email=student.email))
        for uid, info in found:
            if info is None:
                continue
            row = s.get(OfferingRow, (inst, uid)) or OfferingRow(institution_id=inst, uid=uid)
            s.add(row)
            row.course_uid = row.course_uid or info.course_uid
            row.code = row.code or info.code
            row.organisation_uid = row.organisation_uid or info.organisation_uid
            row.term = row.term or info.term_code
            row.start_period_id = row.start_period_id or info.start_period_id
            row.start_date = row.start_date or info.start
            row.end_date = row.end_date or info.end
            row.education_type_id = row.education_type_id or info.education_type_id
            if info.course_uid and s.get(CourseRow, (inst, info.course_uid)) is None:
                course = ctx.directory.course(info.course_uid)
                if course is not None:
                    s.add(CourseRow(institution_id=inst, uid=course.course_uid, code=course.code,
                                    names=dict(course.names)))
            if info.organisation_uid and s.get(OrganisationRow, (inst, info.organisation_uid)) is None:
                org = ctx.directory.organisation(info.organisation_uid)
                if org is not None:
                    s.add(OrganisationRow(institution_id=inst, uid=org.organisation_uid, code=org.code,
                                          names=dict(org.names)))
            if row.start_period_id and not row.term and s.get(TermRow, (inst, row.start_period_id)) is None:
                code = ctx.directory.term_code(row.start_period_id)
                if code:
                    s.add(TermRow(institution_id=inst, period_id=row.start_period_id, code=code))


def _offering_incomplete(s: Session, inst: str, uid: str) -> bool:
    row = s.get(OfferingRow, (inst, uid))
    if row is None or row.course_uid is None or row.code is None:
        return True
    if row.term or row.start_period_id is None:
        return False
    return s.get(TermRow, (inst, row.start_period_id)) is None


def _known(s: Session, inst: str, key: DirtyKey, key_facts: Any) -> KnownIds:
    """Canvas ids the ledger has for what this key touches, so the steady state needs no look-ups.

    Only this key's user, courses and sections are read (the whole ledger per key would make a burst of
    n students cost n² rows); terms and sub-accounts are few and read whole.
    """
    offerings = [key.uid] if key.kind == "offering" else sorted(getattr(key_facts, "offerings", {}) or {})
    links = getattr(key_facts, "links", ()) or ()
    sections = offerings + [link.section_sis_id for link in links]
    children = {
        (int(sis.split(":")[0]), sis.split(":")[1]): cid for sis, cid in ledger.objects(s, inst, "child").items()
    }
    return KnownIds(
        users=ledger.objects(s, inst, "user", [key.uid] if key.kind == "student" else []),
        courses=ledger.objects(s, inst, "course", offerings), sections=ledger.objects(s, inst, "section", sections),
        terms=ledger.objects(s, inst, "term"), accounts=ledger.objects(s, inst, "account"), child_accounts=children,
    )


def _plan(engine: Engine, ctx: InstitutionContext, key: DirtyKey) -> tuple[list[Operation], KnownIds, Any]:
    with Session(engine) as s:
        if key.kind == "student":
            f = facts.student_facts(s, ctx.institution_id, key.uid)
            ops = plan_student(f, ctx.settings, ctx.today())
        else:
            f = facts.offering_facts(s, ctx.institution_id, key.uid)
            ops = plan_offering(f, ctx.settings) if f is not None else []
        return ops, _known(s, ctx.institution_id, key, f), f


def _remember(s: Session, inst: str, op: Operation, result: OpResult, early_access_on_create: bool) -> None:
    """Write a result into the ledger (and the action log)."""
    match result:
        case UserResult():
            assert isinstance(op, EnsureUser)
            ledger.put_object(s, inst, "user", result.sis_user_id, result.canvas_user_id,
                              state={"name": op.user.name, "login_id": op.user.login_id, "email": op.user.email})
        case CourseResult():
            assert isinstance(op, EnsureCourse)
            ledger.put_object(s, inst, "course", result.sis_course_id, result.canvas_course_id,
                              state={"workflow_state": result.workflow_state, "name": op.course.name})
            ledger.put_object(s, inst, "section", result.section_sis_id, result.canvas_section_id,
                              parent_canvas_id=result.canvas_course_id)
            if op.course.term and result.canvas_term_id:
                ledger.put_object(s, inst, "term", op.course.term, result.canvas_term_id)
            if op.course.account.organisation_uid and result.canvas_account_id and not op.course.account.child_name:
                ledger.put_object(s, inst, "account", op.course.account.organisation_uid, result.canvas_account_id)
            if result.created:
                # Fix the course's early access at creation, so a later change of the default leaves it alone.
                purge = default_purge_date([op.course.start])
                set_early_access(s, inst, result.canvas_course_id, early_access_on_create, purge, by="created")
        case SectionResult():
            ledger.put_object(s, inst, "section", result.sis_section_id, result.canvas_section_id,
                              parent_canvas_id=result.canvas_course_id)
        case EnrollmentResult():
            ledger.put_enrollment(s, inst, result.student_uid, result.enrollment)
            ledger.drop_intent(s, inst, result.student_uid, result.enrollment.section_sis_id,
                               result.enrollment.kind)
            if result.course_concluded:
                course_id = result.enrollment.canvas_course_id
                ledger.put_object(s, inst, "concluded", str(course_id), course_id)
        case RemovedResult():
            ledger.drop_enrollment(s, inst, result.student_uid, result.section_sis_id, result.kind)
            ledger.drop_intent(s, inst, result.student_uid, result.section_sis_id, result.kind)
        case MessageResult():
            course_id = result.course.canvas_course_id
            if course_id is not None:
                ledger.put_object(s, inst, "message", f"{result.suspension_uid}:{course_id}", course_id)
            ledger.drop_message_note(s, inst, result.suspension_uid, result.course)
        case SweepResult():
            pass
    student = getattr(op, "student_uid", None)
    detail = to_json(result)
    if isinstance(op, Unenroll):  # the safety filter counts removals per course
        detail["canvas_course_id"] = op.current.canvas_course_id
    ledger.log_action(s, inst, type(op).__name__, "done", detail, student_uid=student)


def _learn(known: KnownIds, result: OpResult) -> KnownIds:
    """Ids a result taught us, for the operations after it in the same plan."""
    match result:
        case UserResult():
            return dataclasses.replace(known, users={**known.users, result.sis_user_id: result.canvas_user_id})
        case CourseResult():
            return dataclasses.replace(
                known, courses={**known.courses, result.sis_course_id: result.canvas_course_id},
                sections={**known.sections, result.section_sis_id: result.canvas_section_id})
        case SectionResult():
            sections = {**known.sections, result.sis_section_id: result.canvas_section_id}
            return dataclasses.replace(known, sections=sections)
        case RemovedResult(course_move=(ledger_course, found_in)):
            return dataclasses.replace(known, moved_courses={**known.moved_courses, ledger_course: found_in})
    return known


def _note_intent(engine: Engine, ctx: InstitutionContext, op: Enroll | Unenroll | SetEnrollmentState) -> None:
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
        ledger.add_intent(s, ctx.institution_id, op.student_uid, section, kind, role_id)


def _note_message(engine: Engine, ctx: InstitutionContext, op: MessageTeachers) -> MessageTeachers:
    """Commit that this message is about to be sent; after an earlier unsettled attempt, read the sent box first.

    A conversation is never idempotent in Canvas: without the note, a worker killed after sending and
    before recording would have the teachers told twice.
    """
    with write_session(engine) as s:
        earlier = ledger.note_message(s, ctx.institution_id, op.suspension_uid, op.course, op.student_uid)
    return op if earlier is None else dataclasses.replace(op, sent_check_since=earlier)


def _settle_intents(engine: Engine, ctx: InstitutionContext, student_uid: str) -> None:
    """Make the ledger say what Canvas holds for every enrollment a stopped worker was changing."""
    with Session(engine) as s:
        pending = [(i.section_sis_id, i.kind, i.role_id) for i in ledger.intents(s, ctx.institution_id, student_uid)]
    for section, kind, role_id in pending:
        made = find_made(ctx.canvas, student_uid, section, kind, role_id)  # type: ignore[arg-type]
        with write_session(engine) as s:
            if made is not None:
                ledger.put_enrollment(s, ctx.institution_id, student_uid, made)
            else:
                ledger.drop_enrollment(s, ctx.institution_id, student_uid, section, kind)
            ledger.drop_intent(s, ctx.institution_id, student_uid, section, kind)


def _guard(engine: Engine, ctx: InstitutionContext, ops: list[Operation]) -> Filtered:
    """Pass the plan through delay delete and the safety filter (docs/rules.md §5)."""
    courses = {op.current.canvas_course_id for op in ops if isinstance(op, Unenroll)}
    with Session(engine) as s:
        controls = control.controls(s, ctx.institution_id, ctx.safeguards)
        # Most plans remove nothing: only then is the hour's removal count worth reading.
        budget = control.removal_budget(s, ctx.institution_id, courses) if any(map(is_removal, ops)) else None
        return filter_removals(ops, controls, budget or RemovalBudget(), ctx.today())


def _forget_section(s: Session, inst: str, section_sis_id: str) -> None:
    """The section (or its course) is gone from Canvas, e.g. a course deleted by hand: drop both from the ledger.

    The next plan then makes sure of the course and section again (docs/rules.md §4.2: every enrollment first makes
    sure they exist), and creating a course with enable_sis_reactivation revives the deleted one.
    """
    row = ledger.object_row(s, inst, "section", section_sis_id)
    if row is not None and row.parent_canvas_id is not None:
        # Only the offering's own course (same sis id): a course the section was cross-listed into stays known.
        ledger.drop_objects(s, inst, "course", sis_id=section_sis_id, canvas_id=row.parent_canvas_id)
    ledger.drop_objects(s, inst, "section", sis_id=section_sis_id)


def _forget(s: Session, inst: str, gone: tuple[Forget, ...]) -> None:
    """Drop from the ledger what Canvas's 404s proved gone (app/core/not_found.py decides what that is)."""
    for item in gone:
        match item:
            case ForgetSection(section_sis_id=section):
                _forget_section(s, inst, section)
            case ForgetUser(student_uid=student):
                ledger.drop_objects(s, inst, "user", sis_id=student)
            case ForgetEnrollment(student_uid=student, section_sis_id=section, kind=kind):
                ledger.drop_enrollment(s, inst, student, section, kind)
                ledger.drop_intent(s, inst, student, section, kind)


class LeaseRunningOut(Exception):
    """The worker's lease on the key may run out before the next Canvas step ends: stop, and retry later."""


@dataclass
class _Pass:
    """One plan for a key and how carrying it out went."""

    done: list[tuple[Operation, OpResult]] = dataclasses.field(default_factory=list)
    failed: list[tuple[Operation | None, Exception]] = dataclasses.field(default_factory=list)
    guarded: Filtered = dataclasses.field(default_factory=lambda: Filtered([], [], []))
    key_facts: Any = None
    known: KnownIds = NOTHING_KNOWN


def reconcile(engine: Engine, ctx: InstitutionContext, claim_: Claim, owner: str,
              holding: Callable[[], bool] = lambda: True) -> int:
    """Bring one key's Canvas state up to date; returns how many operations were performed.

    `holding` says whether the lease surely outlasts another step; when it no longer does, the steps
    left are not started (another worker may be taking the key over) and the key is retried. When Canvas
    answers 404 for what the ledger knows (deleted by hand), the ledger forgets it and the key is planned
    again at once (app/core/not_found.py).
    """
    key = claim_.key
    inst = ctx.institution_id
    with Session(engine) as s:  # a read: on SQLite a write transaction per key would queue behind the others
        paused = control.is_paused(s, inst)
    if paused:
        with write_session(engine) as s:
            control.postpone(s, claim_, owner)
        return 0
    performed = replans = 0
    while True:
        attempt = _attempt(engine, ctx, key, holding, settle=replans == 0)
        performed += len(attempt.done)
        if not attempt.failed:
            retry_conflicts(partial(_record_success, engine, ctx, claim_, owner, attempt.done, attempt.guarded,
                                    attempt.key_facts))
            return performed
        _, first = attempt.failed[0]
        reason = redact(f"{type(first).__name__}: {first}" if not isinstance(first, CanvasError) else str(first))
        statuses = [(op, exc.status if isinstance(exc, CanvasError) else None) for op, exc in attempt.failed]
        after = after_failure(statuses, attempt.known.sections, attempt.known.users, replans)
        if not after.replan:
            log.warning("reconciling %s %s failed: %s", key.kind, key.uid, reason)
            retry_conflicts(partial(_record_failure, engine, ctx, claim_, owner, attempt.done, after.forget, reason,
                                    len(attempt.failed)))
            return performed
        log.info("%s %s: %s; the ledger forgets it and plans again", key.kind, key.uid, reason)
        retry_conflicts(partial(_record_replan, engine, ctx, key, attempt.done, after.forget, reason))
        replans += 1


def _attempt(engine: Engine, ctx: InstitutionContext, key: DirtyKey, holding: Callable[[], bool],
             settle: bool) -> _Pass:
    """Plan the key against the ledger and carry the plan out in Canvas, step by step, while the lease lasts."""
    attempt = _Pass()
    try:
        if key.kind == "student" and settle:
            _settle_intents(engine, ctx, key.uid)
        _fill_catalogue(engine, ctx, key)
        ops, known, attempt.key_facts = _plan(engine, ctx, key)
        attempt.known = known
        attempt.guarded = _guard(engine, ctx, ops)
        for op in attempt.guarded.run:
            if not holding():
                attempt.failed.append(
                    (op, LeaseRunningOut(f"the lease on {key.kind} {key.uid} was not renewed in time")))
                break
            try:
                if isinstance(op, Enroll | Unenroll | SetEnrollmentState):
                    _note_intent(engine, ctx, op)
                elif isinstance(op, MessageTeachers):
                    op = _note_message(engine, ctx, op)
                result = execute(op, ctx.canvas, known)
            except Exception as exc:
                # One refused step (e.g. a linked course deleted by hand) must not hold back the student's
                # other steps, removals above all; only without an account is there nothing else to do.
                attempt.failed.append((op, exc))
                if isinstance(op, EnsureUser):
                    break
                continue
            attempt.done.append((op, result))
            known = attempt.known = _learn(known, result)
    except Exception as exc:
        attempt.failed.append((None, exc))
    return attempt


def _keep_done(s: Session, ctx: InstitutionContext, done: list[tuple[Operation, OpResult]],
               gone: tuple[Forget, ...]) -> None:
    """Write what was done into the ledger, then forget what Canvas said is gone."""
    for op, result in done:
        _remember(s, ctx.institution_id, op, result, ctx.settings.early_access_on_create_course)
    _forget(s, ctx.institution_id, gone)


def _record_replan(engine: Engine, ctx: InstitutionContext, key: DirtyKey, done: list[tuple[Operation, OpResult]],
                   gone: tuple[Forget, ...], reason: str) -> None:
    """Keep what was done and forget what is gone, keeping the lease: the key is planned again at once."""
    with write_session(engine) as s:
        _keep_done(s, ctx, done, gone)
        ledger.log_action(s, ctx.institution_id, "reconcile", "replanned", {"key": f"{key.kind}:{key.uid}",
                          "error": reason}, student_uid=key.uid if key.kind == "student" else None)


def _record_failure(engine: Engine, ctx: InstitutionContext, claim_: Claim, owner: str,
                    done: list[tuple[Operation, OpResult]], gone: tuple[Forget, ...], reason: str,
                    failed_steps: int) -> None:
    """Keep what was done, forget what Canvas says is gone, and give the key back with a back-off."""
    inst, key = ctx.institution_id, claim_.key
    with write_session(engine) as s:
        _keep_done(s, ctx, done, gone)
        dead = fail(s, claim_, owner, reason)
        ledger.log_action(s, inst, "reconcile", "dead" if dead else "failed",
                          {"key": f"{key.kind}:{key.uid}", "error": reason, "failed_steps": failed_steps},
                          student_uid=key.uid if key.kind == "student" else None)


def _record_success(engine: Engine, ctx: InstitutionContext, claim_: Claim, owner: str,
                    done: list[tuple[Operation, OpResult]], guarded: Filtered, key_facts: Any) -> None:
    """Keep what was done and what the safeguards held back, set the key's next wake-up, and complete it."""
    inst, key = ctx.institution_id, claim_.key
    with write_session(engine) as s:
        for op, result in done:
            _remember(s, inst, op, result, ctx.settings.early_access_on_create_course)
        for op, reason in guarded.held:
            control.hold(s, inst, key.uid, op, reason)
            ledger.log_action(s, inst, type(op).__name__, "held", {"reason": reason}, student_uid=key.uid)
        for op in guarded.deferred:
            ledger.log_action(s, inst, type(op).__name__, "deferred", {"reason": "delay delete"}, student_uid=key.uid)
        wake = next_change(key_facts, ctx.settings, ctx.today()) if key.kind == "student" and key_facts else None
        window = control.controls(s, inst, ctx.safeguards).delay_delete
        if guarded.deferred and window is not None:
            after_window = window[1] + dt.timedelta(days=1)
            wake = min(wake, after_window) if wake else after_window
        if wake is not None and wake_at(wake) > dt.datetime.now(dt.UTC):  # a past wake-up would spin the key
            set_timer(s, inst, key, wake_at(wake))
        if key.kind == "student":
            # Every message the plan wanted was sent (a failed one takes the failure path), so a note left
            # is one no plan wants any more, e.g. a suspension removed while its message kept failing.
            ledger.drop_message_notes(s, inst, key.uid)
        complete(s, claim_, owner)
