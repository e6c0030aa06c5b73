"""Gather what the decide step reads about one offering or one student from projection and ledger."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.canvas.known import KnownIds
from app.core.decide_facts import OfferingFacts, StudentFacts
from app.core.model import Course, CourseSettings, Offering, Organisation, Participation, Student, Suspension
from app.core.plan import UserSpec
from app.store.course_settings import links as all_links
from app.store.course_tables import CourseSettingsRow
from app.store.ledger import Ledger
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


def offerings(session: Session, institution_id: str, uids: Collection[str]) -> dict[str, Offering]:
    """Offerings from the catalogue by uid, each with its term code resolved: one read per table, not per row."""
    if not uids:
        return {}
    rows = session.scalars(
        select(OfferingRow).where(OfferingRow.institution_id == institution_id, OfferingRow.uid.in_(sorted(uids)))
    ).all()
    periods = {r.start_period_id for r in rows if not r.term and r.start_period_id is not None}
    terms = _terms(session, institution_id, periods)
    return {
        row.uid: Offering(
            uid=row.uid,
            is_program=row.is_program,
            course_uid=row.course_uid,
            code=row.code,
            term=row.term if row.term or row.start_period_id is None else terms.get(row.start_period_id),
            start=row.start_date,
            end=row.end_date,
            organisation_uid=row.organisation_uid,
            education_type_id=row.education_type_id,
            status=row.status,
            cancelled=row.cancelled,
            period_id=row.start_period_id,
        )
        for row in sorted(rows, key=lambda r: r.uid)
    }


def courses(session: Session, institution_id: str, uids: Collection[str | None]) -> dict[str, Course]:
    """Ladok courses (or programs) from the catalogue by uid."""
    rows = _by_uid(session, CourseRow, institution_id, {u for u in uids if u})
    return {uid: Course(r.uid, r.code, dict(r.names or {})) for uid, r in rows.items()}


def organisations(session: Session, institution_id: str, uids: Collection[str | None]) -> dict[str, Organisation]:
    """Organisations from the catalogue by uid."""
    rows = _by_uid(session, OrganisationRow, institution_id, {u for u in uids if u})
    return {uid: Organisation(r.uid, r.code, dict(r.names or {})) for uid, r in rows.items()}


def _terms(session: Session, institution_id: str, period_ids: Collection[int]) -> dict[int, str]:
    """Term codes by Ladok period id."""
    if not period_ids:
        return {}
    query = select(TermRow.period_id, TermRow.code).where(
        TermRow.institution_id == institution_id, TermRow.period_id.in_(sorted(period_ids))
    )
    return {period: code for period, code in session.execute(query)}


_CatalogueRow = TypeVar("_CatalogueRow", CourseRow, OrganisationRow)


def _by_uid(
    session: Session, table: type[_CatalogueRow], institution_id: str, uids: Collection[str]
) -> dict[str, _CatalogueRow]:
    if not uids:
        return {}
    query = select(table).where(table.institution_id == institution_id, table.uid.in_(sorted(uids))).order_by(table.uid)
    return {row.uid: row for row in session.scalars(query)}


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
    return KeyRead(found, book.for_key(None, [uid], sections)[1])


def offering_facts(session: Session, institution_id: str, uid: str) -> OfferingFacts | None:
    """Everything the course plan of one offering needs, or None when the offering is unknown."""
    off = offerings(session, institution_id, [uid]).get(uid)
    if off is None:
        return None
    links = tuple(all_links(session, institution_id, offering_uids=[uid]))
    return OfferingFacts(
        off,
        courses(session, institution_id, [off.course_uid]).get(off.course_uid or ""),
        organisations(session, institution_id, [off.organisation_uid]).get(off.organisation_uid or ""),
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
    known = offerings(session, institution_id, offering_uids)
    links = tuple(all_links(session, institution_id, offering_uids=offering_uids)) if offering_uids else ()
    user, known_ids = book.for_key(student_uid, offering_uids, offering_uids | {ln.section_sis_id for ln in links})
    own = known_ids.courses
    course_ids = set(own.values()) | {link.canvas_course_id for link in links}
    suspensions = _suspensions(session, institution_id, student_uid)
    facts = StudentFacts(
        student_uid=student_uid,
        student=student,
        participations=participations,
        offerings=known,
        courses=courses(session, institution_id, [o.course_uid for o in known.values()]),
        organisations=organisations(session, institution_id, [o.organisation_uid for o in known.values()]),
        own_course_ids=own,
        course_settings=_course_settings(session, institution_id, course_ids),
        links=links,
        suspensions=suspensions,
        ledger=made,
        made_sections=frozenset(known_ids.sections),
        messaged=book.messaged([s.uid for s in suspensions], course_ids),
        concluded_course_ids=book.concluded(course_ids),
        account=_account(student_uid, user),
    )
    return KeyRead(facts, known_ids)


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
