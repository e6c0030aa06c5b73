"""The record side's catalogue writer for what Ladok's REST API told (docs/rules.md §3): only gaps are filled.

Events stay the projection's main source; a detail looked up fills only what no event has brought, so a
later event is never overwritten by an older look-up.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from app.ladok.directory import CourseInfo, OfferingInfo, OrganisationInfo, StudentInfo
from app.store.tables import CourseRow, OfferingRow, OrganisationRow, StudentRow, TermRow


@dataclass(frozen=True, slots=True)
class Absent:
    """Catalogue rows the looked-up offerings name that the projection does not hold yet."""

    course_uids: frozenset[str] = frozenset()
    organisation_uids: frozenset[str] = frozenset()
    period_ids: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class LookedUp:
    """What Ladok's REST API answered for one key's gaps."""

    student: StudentInfo | None = None
    offerings: tuple[OfferingInfo, ...] = ()
    courses: tuple[CourseInfo, ...] = ()
    organisations: tuple[OrganisationInfo, ...] = ()
    terms: dict[int, str] = field(default_factory=dict)  # start period id → term code


def absent(session: Session, institution_id: str, offerings: tuple[OfferingInfo, ...]) -> Absent:
    """The courses, organisations and periods (of offerings without a term) the projection lacks."""
    return Absent(
        course_uids=frozenset(
            o.course_uid
            for o in offerings
            if o.course_uid and session.get(CourseRow, (institution_id, o.course_uid)) is None
        ),
        organisation_uids=frozenset(
            o.organisation_uid
            for o in offerings
            if o.organisation_uid and session.get(OrganisationRow, (institution_id, o.organisation_uid)) is None
        ),
        period_ids=frozenset(p for o in offerings if (p := _period_without_term(session, institution_id, o))),
    )


def _period_without_term(session: Session, institution_id: str, info: OfferingInfo) -> int | None:
    row = session.get(OfferingRow, (institution_id, info.offering_uid))
    term = (row.term if row else None) or info.term_code
    period = (row.start_period_id if row else None) or info.start_period_id
    if term or period is None or session.get(TermRow, (institution_id, period)) is not None:
        return None
    return period


def keep(session: Session, institution_id: str, found: LookedUp) -> None:
    """Fill the projection's gaps with what Ladok answered; rows events wrote keep their values."""
    inst = institution_id
    student = found.student
    if student is not None and session.get(StudentRow, (inst, student.student_uid)) is None:
        session.add(
            StudentRow(
                institution_id=inst,
                uid=student.student_uid,
                first_name=student.first_name,
                last_name=student.last_name,
                personnummer=student.personnummer,
                email=student.email,
            )
        )
    for info in found.offerings:
        _fill_offering(session, inst, info)
    for course in found.courses:
        if session.get(CourseRow, (inst, course.course_uid)) is None:
            session.add(
                CourseRow(institution_id=inst, uid=course.course_uid, code=course.code, names=dict(course.names))
            )
    for org in found.organisations:
        if session.get(OrganisationRow, (inst, org.organisation_uid)) is None:
            session.add(
                OrganisationRow(institution_id=inst, uid=org.organisation_uid, code=org.code, names=dict(org.names))
            )
    for period_id, code in found.terms.items():
        if session.get(TermRow, (inst, period_id)) is None:
            session.add(TermRow(institution_id=inst, period_id=period_id, code=code))


def _fill_offering(session: Session, institution_id: str, info: OfferingInfo) -> None:
    row = session.get(OfferingRow, (institution_id, info.offering_uid))
    if row is None:
        row = OfferingRow(institution_id=institution_id, uid=info.offering_uid)
        session.add(row)
    row.course_uid = row.course_uid or info.course_uid
    row.code = row.code or info.code
    row.organisation_uid = row.organisation_uid or info.organisation_uid
    row.term = row.term or info.term_code
    row.start_period_id = row.start_period_id or info.start_period_id
    row.start_date = row.start_date or info.start
    row.end_date = row.end_date or info.end
    row.education_type_id = row.education_type_id or info.education_type_id
