"""Gather what the decide step reads about one offering or one student from projection and ledger."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.canvas.known import KnownIds
from app.core.decide_facts import OfferingFacts, StudentFacts
from app.core.model import Course, CourseSettings, Offering, Organisation, Participation, Student, Suspension
from app.core.plan import UserSpec
from app.store.course_settings import links as all_links
from app.store.course_tables import CourseSettingsRow
from app.store.ledger import Ledger
from app.store.object_kinds import ObjectKind
from app.store.tables import (
    CanvasObjectRow,
    CourseRow,
    OfferingRow,
    OrganisationRow,
    ParticipationRow,
    StudentRow,
    SuspensionRow,
    TermRow,
)


def _term(session: Session, institution_id: str, row: OfferingRow) -> str | None:
    if row.term or row.start_period_id is None:
        return row.term
    term = session.get(TermRow, (institution_id, row.start_period_id))
    return term.code if term else None


def offering(session: Session, institution_id: str, uid: str) -> Offering | None:
    """One offering from the catalogue, with its term code resolved."""
    row = session.get(OfferingRow, (institution_id, uid))
    if row is None:
        return None
    return Offering(
        uid=row.uid,
        is_program=row.is_program,
        course_uid=row.course_uid,
        code=row.code,
        term=_term(session, institution_id, row),
        start=row.start_date,
        end=row.end_date,
        organisation_uid=row.organisation_uid,
        education_type_id=row.education_type_id,
        status=row.status,
        cancelled=row.cancelled,
        period_id=row.start_period_id,
    )


def course(session: Session, institution_id: str, uid: str | None) -> Course | None:
    """One Ladok course (or program) from the catalogue."""
    row = session.get(CourseRow, (institution_id, uid)) if uid else None
    return Course(row.uid, row.code, dict(row.names or {})) if row else None


def organisation(session: Session, institution_id: str, uid: str | None) -> Organisation | None:
    """One organisation from the catalogue."""
    row = session.get(OrganisationRow, (institution_id, uid)) if uid else None
    return Organisation(row.uid, row.code, dict(row.names or {})) if row else None


@dataclass(frozen=True, slots=True)
class KeyRead:
    """One key's facts for the decide step and the Canvas ids its plan may need, read together."""

    facts: StudentFacts | OfferingFacts | None
    known: KnownIds


def read_offering(session: Session, institution_id: str, uid: str) -> KeyRead:
    """An offering's facts (None when the offering is unknown) and the ids of its course and sections."""
    found = offering_facts(session, institution_id, uid)
    book = Ledger(session, institution_id)
    sections = [uid, *(link.section_sis_id for link in found.links)] if found else [uid]
    return KeyRead(
        found, book.known_ids({}, book.ids(ObjectKind.COURSE, [uid]), book.ids(ObjectKind.SECTION, sections))
    )


def offering_facts(session: Session, institution_id: str, uid: str) -> OfferingFacts | None:
    """Everything the course plan of one offering needs, or None when the offering is unknown."""
    off = offering(session, institution_id, uid)
    if off is None:
        return None
    links = tuple(link for link in all_links(session, institution_id) if link.offering_uid == uid)
    return OfferingFacts(
        off,
        course(session, institution_id, off.course_uid),
        organisation(session, institution_id, off.organisation_uid),
        links,
    )


def student_facts(session: Session, institution_id: str, student_uid: str) -> StudentFacts:
    """Everything the student plan needs: Ladok's word, course settings, and the ledger."""
    facts = read_student(session, institution_id, student_uid).facts
    assert isinstance(facts, StudentFacts)
    return facts


def _participations(session: Session, institution_id: str, student_uid: str) -> tuple[Participation, ...]:
    rows = session.scalars(
        select(ParticipationRow).where(
            ParticipationRow.institution_id == institution_id, ParticipationRow.student_uid == student_uid
        )
    )
    return tuple(Participation(r.student_uid, r.offering_uid, r.admitted, r.registered, r.completed) for r in rows)


def _account(student_uid: str, user: CanvasObjectRow | None) -> UserSpec | None:
    """The account as the adapter last wrote it to Canvas, when it did."""
    if user is None or not user.state:
        return None
    return UserSpec(student_uid, user.state.get("name", ""), user.state.get("login_id", ""), user.state.get("email"))


def read_student(session: Session, institution_id: str, student_uid: str) -> KeyRead:
    """A student's facts and the Canvas ids of the student's account, courses and sections, in one pass."""
    book = Ledger(session, institution_id)
    srow = session.get(StudentRow, (institution_id, student_uid))
    student = Student(srow.uid, srow.first_name, srow.last_name, srow.personnummer, srow.email) if srow else None
    participations = _participations(session, institution_id, student_uid)
    made = book.enrollments(student_uid)
    offering_uids = {p.offering_uid for p in participations} | {offering_of_section(e.section_sis_id) for e in made}
    offerings = {o.uid: o for uid in sorted(offering_uids) if (o := offering(session, institution_id, uid))}
    courses = {c.uid: c for o in offerings.values() if (c := course(session, institution_id, o.course_uid))}
    orgs = {g.uid: g for o in offerings.values() if (g := organisation(session, institution_id, o.organisation_uid))}
    links = tuple(
        link
        for link in (all_links(session, institution_id) if offering_uids else [])
        if link.offering_uid in offering_uids
    )
    own = book.ids(ObjectKind.COURSE, offering_uids)
    course_ids = set(own.values()) | {link.canvas_course_id for link in links}
    sections = book.ids(ObjectKind.SECTION, offering_uids | {link.section_sis_id for link in links})
    suspensions = _suspensions(session, institution_id, student_uid)
    user = book.row(ObjectKind.USER, student_uid)
    facts = StudentFacts(
        student_uid=student_uid,
        student=student,
        participations=participations,
        offerings=offerings,
        courses=courses,
        organisations=orgs,
        own_course_ids=own,
        course_settings=_course_settings(session, institution_id, course_ids),
        links=links,
        suspensions=suspensions,
        ledger=made,
        made_sections=frozenset(sections),
        messaged=book.messaged([s.uid for s in suspensions], course_ids),
        concluded_course_ids=book.concluded(course_ids),
        account=_account(student_uid, user),
    )
    users = {student_uid: user.canvas_id} if user is not None else {}
    return KeyRead(facts, book.known_ids(users, own, sections))


def offering_of_section(section_sis_id: str) -> str:
    """The offering a section holds: its sis id is `{offering_uid}` or `{offering_uid}:{canvas_course_id}`."""
    return section_sis_id.partition(":")[0]


def _suspensions(session: Session, institution_id: str, student_uid: str) -> tuple[Suspension, ...]:
    return tuple(
        Suspension(r.uid, r.student_uid, r.start_date, r.end_date)
        for r in session.scalars(
            select(SuspensionRow).where(
                SuspensionRow.institution_id == institution_id,
                SuspensionRow.student_uid == student_uid,
                SuspensionRow.removed.is_(False),
            )
        )
    )


def _course_settings(session: Session, institution_id: str, course_ids: set[int]) -> dict[int, CourseSettings]:
    if not course_ids:
        return {}
    return {
        r.canvas_course_id: CourseSettings(r.canvas_course_id, r.early_access, r.purge_date)
        for r in session.scalars(
            select(CourseSettingsRow).where(
                CourseSettingsRow.institution_id == institution_id,
                CourseSettingsRow.canvas_course_id.in_(sorted(course_ids)),
            )
        )
    }
