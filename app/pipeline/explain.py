"""'Explain this student': what Ladok said, what the rules decide now, what was done in Canvas, and who changed
the settings of the courses the student's offerings reach, with times."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app.core.decide_enrollments import desired_enrollments
from app.core.decide_facts import StudentFacts
from app.core.decide_student import plan_student
from app.core.operation_words import in_words
from app.core.redact import redact
from app.core.settings import InstitutionSettings
from app.core.swedish_time import swedish_today
from app.store import facts
from app.store.course_settings import history
from app.store.course_tables import CoReadingLinkRow, CourseAuditRow
from app.store.object_kinds import ObjectKind
from app.store.queue_tables import JobRow
from app.store.tables import ActionLogRow, CanvasObjectRow, InboxEvent


@dataclass(frozen=True)
class Explanation:
    """The parts support needs, each as readable lines, oldest first."""

    ladok: list[str]
    decided: list[str]
    done: list[str]
    queue: str
    settings: list[str]


def _when(value: dt.datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S") if value else "-"


def _ladok_lines(s: Session, institution_id: str, student_uid: str, offering_uid: str | None) -> list[str]:
    query = (
        select(InboxEvent)
        .where(InboxEvent.institution_id == institution_id, InboxEvent.student_uid == student_uid)
        .order_by(InboxEvent.id)
    )
    if offering_uid:
        query = query.where(InboxEvent.offering_uid == offering_uid)
    return [
        f"{_when(e.recorded_at)}  {e.event_type} on {e.offering_uid or '-'} ({e.outcome}, {e.handelse_uid})"
        for e in s.scalars(query)
    ]


def _decided_lines(
    f: StudentFacts, settings: InstitutionSettings, offering_uid: str | None, today: dt.date
) -> list[str]:
    decided = [
        f"wants {w.enrollment.kind} enrollment ({w.enrollment.state}) in section "
        f"{w.enrollment.section_sis_id} of course {w.enrollment.course.path_id}"
        for w in desired_enrollments(f, settings, today)
        if offering_uid in (None, w.enrollment.section_sis_id.split(":")[0])
    ]
    if not decided:
        decided.append("wants no enrollment" + (f" for {offering_uid}" if offering_uid else ""))
    return decided + [f"still to do: {in_words(type(op).__name__)}" for op in plan_student(f, settings, today)]


def _queue_line(job: JobRow | None) -> str:
    if job is None:
        return "never queued"
    if job.dead:
        return f"dead letter after {job.attempts} attempts: {redact(job.last_error or '')}"
    if job.dirty_seq > job.done_seq:
        error = f"; last error: {redact(job.last_error)}" if job.last_error else ""
        return f"pending since {_when(job.dirtied_at)}{error}"
    return "up to date"


def explain(
    engine: Engine,
    institution_id: str,
    settings: InstitutionSettings,
    student_uid: str,
    offering_uid: str | None = None,
    today: dt.date | None = None,
) -> Explanation:
    """Explain one student, optionally narrowed to one offering (its sections in any course)."""
    today = today or swedish_today()
    with Session(engine) as s:
        ladok = _ladok_lines(s, institution_id, student_uid, offering_uid)
        f = facts.student_facts(s, institution_id, student_uid)
        participations = [p for p in f.participations if offering_uid in (None, p.offering_uid)]
        ladok += [
            f"now: {p.offering_uid} admitted={p.admitted} registered={p.registered} completed={p.completed}"
            for p in participations
        ]
        done_q = (
            select(ActionLogRow)
            .where(ActionLogRow.institution_id == institution_id, ActionLogRow.student_uid == student_uid)
            .order_by(ActionLogRow.id)
        )
        done = [f"{_when(a.at)}  {in_words(a.operation)}: {a.outcome}, {_short(a.detail)}" for a in s.scalars(done_q)]
        offerings = [p.offering_uid for p in participations]
        settings_lines = [_change(c) for c in reversed(_settings_history(s, institution_id, offerings))]
        queue = _queue_line(s.get(JobRow, (institution_id, "student", student_uid)))
    return Explanation(ladok, _decided_lines(f, settings, offering_uid, today), done, queue, settings_lines)


def _settings_history(s: Session, institution_id: str, offering_uids: list[str]) -> list[CourseAuditRow]:
    """Changes to the courses these offerings reach (own and co-reading) and to the offerings' links."""
    if not offering_uids:
        return []
    own = s.scalars(
        select(CanvasObjectRow.canvas_id).where(
            CanvasObjectRow.institution_id == institution_id,
            CanvasObjectRow.kind == ObjectKind.COURSE,
            CanvasObjectRow.sis_id.in_(offering_uids),
        )
    ).all()
    linked = s.scalars(
        select(CoReadingLinkRow.canvas_course_id).where(
            CoReadingLinkRow.institution_id == institution_id, CoReadingLinkRow.offering_uid.in_(offering_uids)
        )
    ).all()
    return history(s, institution_id, canvas_course_ids=sorted({*own, *linked}), offering_uids=offering_uids)


def _change(c: CourseAuditRow) -> str:
    what = f"{c.change} of {c.offering_uid}" if c.offering_uid else c.change
    values = f": {c.old_value or '-'} → {c.new_value or '-'}" if c.old_value or c.new_value else ""
    who = f"{c.by} ({c.by_name})" if c.by_name else c.by
    return f"{_when(c.at)}  {what} in course {c.canvas_course_id}{values}, by {who}"


def _short(detail: dict) -> str:
    keys = ("section_sis_id", "kind", "state", "canvas_enrollment_id", "sis_course_id", "error", "enrollment")
    # Errors logged before they were redacted at the source are redacted here, as they are shown.
    return redact(", ".join(f"{k}={detail[k]}" for k in keys if k in detail) or str(detail)[:200])
