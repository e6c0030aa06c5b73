"""The record step's writes: each Ladok event updates the projection (SPEC §4.1), in feed order."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlalchemy.orm import Session

from app.core import events as ev
from app.core.model import Participation
from app.core.participation import apply_event
from app.store.tables import (
    CourseRow,
    OfferingRow,
    OrganisationRow,
    ParticipationRow,
    StudentRow,
    SuspensionRow,
)


@dataclass(frozen=True, slots=True, order=True)
class DirtyKey:
    """A unit the reconciler brings up to date: one student, or one offering's Canvas course."""

    kind: Literal["student", "offering"]
    uid: str


def record(session: Session, institution_id: str, event: ev.LadokEvent) -> set[DirtyKey]:
    """Apply one event to the projection; return the keys whose Canvas state may have to change."""
    match event:
        case ev.ParticipationEvent():
            return _participation(session, institution_id, event)
        case ev.OfferingEvent():
            return _offering(session, institution_id, event)
        case ev.CourseEvent():
            return _course(session, institution_id, event)
        case ev.OfferingCancelledEvent():
            row = _get_or_new(session, OfferingRow, institution_id, event.offering_uid)
            row.cancelled = True
            return {DirtyKey("offering", event.offering_uid)}
        case ev.OrganisationEvent():
            org = _get_or_new(session, OrganisationRow, institution_id, event.organisation_uid)
            org.code = event.code or org.code
            if event.names:
                org.names = dict(event.names)
            return set()
        case ev.StudentEvent():
            return _student(session, institution_id, event)
        case ev.SuspensionEvent():
            return _suspension(session, institution_id, event)
    raise TypeError(f"no record rule for {type(event).__name__}")


def _get_or_new(session: Session, model: type, institution_id: str, uid: str):
    row = session.get(model, (institution_id, uid))
    if row is None:
        row = model(institution_id=institution_id, uid=uid)
        session.add(row)
    return row


def _participation(session: Session, institution_id: str, event: ev.ParticipationEvent) -> set[DirtyKey]:
    key = (institution_id, event.student_uid, event.offering_uid)
    row = session.get(ParticipationRow, key)
    if row is None:
        row = ParticipationRow(
            institution_id=institution_id, student_uid=event.student_uid, offering_uid=event.offering_uid,
            admitted=False, registered=False, completed=False,
        )
        session.add(row)
    now = apply_event(
        Participation(event.student_uid, event.offering_uid, row.admitted, row.registered, row.completed),
        event.header.name,
    )
    row.admitted, row.registered, row.completed = now.admitted, now.registered, now.completed
    row.last_event = event.header.name
    row.last_handelse_uid = event.header.handelse_uid
    return {DirtyKey("student", event.student_uid)}


def _offering(session: Session, institution_id: str, event: ev.OfferingEvent) -> set[DirtyKey]:
    row = _get_or_new(session, OfferingRow, institution_id, event.offering_uid)
    row.is_program = event.is_program
    for attr, value in (
        ("course_uid", event.course_uid), ("organisation_uid", event.organisation_uid),
        ("education_type_id", event.education_type_id), ("start_period_id", event.start_period_id),
        ("code", event.code), ("status", event.status),
    ):
        if value is not None:
            setattr(row, attr, value)
    if event.periods:
        row.start_date = min(p.first_teaching_day for p in event.periods)
        row.end_date = max(p.last_teaching_day for p in event.periods)
    if event.names:
        row.names = dict(event.names)
    return {DirtyKey("offering", event.offering_uid)}


def _course(session: Session, institution_id: str, event: ev.CourseEvent) -> set[DirtyKey]:
    row = _get_or_new(session, CourseRow, institution_id, event.course_uid)
    row.is_program = event.is_program
    row.code = event.code or row.code
    if event.names:
        row.names = dict(event.names)
    row.organisation_uid = event.organisation_uid or row.organisation_uid
    row.education_type_id = event.education_type_id or row.education_type_id
    offerings = session.query(OfferingRow.uid).filter_by(institution_id=institution_id, course_uid=event.course_uid)
    return {DirtyKey("offering", uid) for (uid,) in offerings}


def _student(session: Session, institution_id: str, event: ev.StudentEvent) -> set[DirtyKey]:
    row = _get_or_new(session, StudentRow, institution_id, event.student_uid)
    if event.handelsetyp == "BORTTAGEN":
        # Contact details removed in Ladok: forget the e-mail; a removed student keeps the name we had.
        if event.header.name == "KontaktuppgifterEvent":
            row.email = None
        return {DirtyKey("student", event.student_uid)}
    for attr in ("first_name", "last_name", "personnummer", "email"):
        value = getattr(event, attr)
        if value is not None:
            setattr(row, attr, value)
    return {DirtyKey("student", event.student_uid)}


def _suspension(session: Session, institution_id: str, event: ev.SuspensionEvent) -> set[DirtyKey]:
    row = session.get(SuspensionRow, (institution_id, event.restriction_uid))
    if row is None:
        row = SuspensionRow(institution_id=institution_id, uid=event.restriction_uid, student_uid=event.student_uid)
        session.add(row)
    row.student_uid = event.student_uid
    row.start_date, row.end_date = event.start, event.end
    row.removed = event.handelsetyp == "BORTTAGEN"
    return {DirtyKey("student", event.student_uid)}
