"""Gather what the decide step reads about one offering or one student from projection and ledger."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.decide_facts import OfferingFacts, StudentFacts
from app.core.model import Course, CourseSettings, Offering, Organisation, Participation, Student, Suspension
from app.core.plan import UserSpec
from app.store import ledger
from app.store.course_settings import links as all_links
from app.store.course_tables import CourseSettingsRow
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
        uid=row.uid, is_program=row.is_program, course_uid=row.course_uid, code=row.code,
        term=_term(session, institution_id, row), start=row.start_date, end=row.end_date,
        organisation_uid=row.organisation_uid, education_type_id=row.education_type_id, status=row.status,
        cancelled=row.cancelled,
    )


def course(session: Session, institution_id: str, uid: str | None) -> Course | None:
    """One Ladok course (or program) from the catalogue."""
    row = session.get(CourseRow, (institution_id, uid)) if uid else None
    return Course(row.uid, row.code, dict(row.names or {})) if row else None


def organisation(session: Session, institution_id: str, uid: str | None) -> Organisation | None:
    """One organisation from the catalogue."""
    row = session.get(OrganisationRow, (institution_id, uid)) if uid else None
    return Organisation(row.uid, row.code, dict(row.names or {})) if row else None


def offering_facts(session: Session, institution_id: str, uid: str) -> OfferingFacts | None:
    """Everything the course plan of one offering needs, or None when the offering is unknown."""
    off = offering(session, institution_id, uid)
    if off is None:
        return None
    links = tuple(link for link in all_links(session, institution_id) if link.offering_uid == uid)
    return OfferingFacts(off, course(session, institution_id, off.course_uid),
                         organisation(session, institution_id, off.organisation_uid), links)


def student_facts(session: Session, institution_id: str, student_uid: str) -> StudentFacts:
    """Everything the student plan needs: Ladok's word, course settings, and the ledger."""
    srow = session.get(StudentRow, (institution_id, student_uid))
    student = Student(srow.uid, srow.first_name, srow.last_name, srow.personnummer, srow.email) if srow else None
    participations = tuple(
        Participation(r.student_uid, r.offering_uid, r.admitted, r.registered, r.completed)
        for r in session.scalars(select(ParticipationRow).where(
            ParticipationRow.institution_id == institution_id, ParticipationRow.student_uid == student_uid))
    )
    made = ledger.enrollments(session, institution_id, student_uid)
    offering_uids = {p.offering_uid for p in participations} | {e.section_sis_id.split(":")[0] for e in made}
    offerings = {o.uid: o for uid in sorted(offering_uids) if (o := offering(session, institution_id, uid))}
    courses = {c.uid: c for o in offerings.values() if (c := course(session, institution_id, o.course_uid))}
    orgs = {g.uid: g for o in offerings.values() if (g := organisation(session, institution_id, o.organisation_uid))}
    links = tuple(
        link for link in (
            all_links(session, institution_id) if offering_uids else []
        ) if link.offering_uid in offering_uids
    )
    own = ledger.objects(session, institution_id, "course", sorted(offering_uids))
    course_ids = set(own.values()) | {link.canvas_course_id for link in links}
    settings = _course_settings(session, institution_id, course_ids)
    section_ids = sorted(offering_uids | {link.section_sis_id for link in links})
    made_sections = frozenset(ledger.objects(session, institution_id, "section", section_ids))
    suspensions = tuple(
        Suspension(r.uid, r.student_uid, r.start_date, r.end_date)
        for r in session.scalars(select(SuspensionRow).where(
            SuspensionRow.institution_id == institution_id, SuspensionRow.student_uid == student_uid,
            SuspensionRow.removed.is_(False)))
    )
    messaged = frozenset(
        (sis.rsplit(":", 1)[0], int(sis.rsplit(":", 1)[1]))
        for sis in ledger.objects(session, institution_id, "message", [
            f"{s.uid}:{cid}" for s in suspensions for cid in sorted(course_ids)])
    )
    return StudentFacts(
        student_uid=student_uid, student=student, participations=participations, offerings=offerings,
        courses=courses, organisations=orgs, own_course_ids=own, course_settings=settings, links=links,
        suspensions=suspensions, ledger=made, made_sections=made_sections, messaged=messaged,
        concluded_course_ids=_concluded(session, institution_id, course_ids),
        account=_account(session, institution_id, student_uid),
    )


def _course_settings(session: Session, institution_id: str, course_ids: set[int]) -> dict[int, CourseSettings]:
    if not course_ids:
        return {}
    return {
        r.canvas_course_id: CourseSettings(r.canvas_course_id, r.early_access, r.purge_date)
        for r in session.scalars(select(CourseSettingsRow).where(
            CourseSettingsRow.institution_id == institution_id,
            CourseSettingsRow.canvas_course_id.in_(sorted(course_ids))))
    }


def _concluded(session: Session, institution_id: str, course_ids: set[int]) -> frozenset[int]:
    # Concluded when made so, or found concluded since (a course concluded by hand, own or co-reading).
    if not course_ids:
        return frozenset()
    return frozenset(
        r.canvas_id for r in session.scalars(select(CanvasObjectRow).where(
            CanvasObjectRow.institution_id == institution_id, CanvasObjectRow.kind.in_(["course", "concluded"]),
            CanvasObjectRow.canvas_id.in_(sorted(course_ids))))
        if r.kind == "concluded" or (r.state or {}).get("workflow_state") == "completed"
    )


def _account(session: Session, institution_id: str, student_uid: str) -> UserSpec | None:
    """The Canvas account as the ledger last recorded it (name, login, e-mail), if made."""
    user = ledger.object_row(session, institution_id, "user", student_uid)
    if user is None or not user.state:
        return None
    return UserSpec(student_uid, user.state.get("name", ""), user.state.get("login_id", ""), user.state.get("email"))
