"""Decide one student's plan: desired enrollments minus the ledger, with the ensures and messages they need."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from app.core.decide_course import co_reading_section, offering_operations
from app.core.decide_enrollments import Wanted, desired_enrollments, is_managed
from app.core.decide_facts import StudentFacts
from app.core.decide_user import differs, ensure_user, user_spec
from app.core.plan import (
    CourseRef,
    Enroll,
    EnrollmentKind,
    EnsureSection,
    LedgerEnrollment,
    MessageTeachers,
    Operation,
    SetEnrollmentState,
    SweepOtherSections,
    Unenroll,
    UserSpec,
)
from app.core.settings import InstitutionSettings
from app.core.suspension_message import suspension_body, suspension_subject


def plan_student(facts: StudentFacts, settings: InstitutionSettings, today: dt.date) -> list[Operation]:
    """What to do in Canvas for one student: ensures, then enrolls and state changes, messages, then removals.

    Enrolls wait until the student's data is known (see `user_spec`); removals and state changes do not.
    Ledger entries of ignored or unknown offerings are left alone: the ignore list stops the adapter from
    managing an education type, it does not order a mass removal.
    """
    uid = facts.student_uid
    wanted = desired_enrollments(facts, settings, today)
    user = user_spec(facts.student, settings)
    ledger = {(entry.section_sis_id, entry.kind): entry for entry in facts.ledger}

    to_enroll = [w for w in wanted if w.key not in ledger] if user else []
    to_change = [w for w in wanted if w.key in ledger and ledger[w.key].state != w.enrollment.state]
    wanted_keys = {w.key for w in wanted}
    to_remove = [
        entry for key, entry in sorted(ledger.items()) if key not in wanted_keys and is_managed(entry, facts, settings)
    ]

    operations: list[Operation] = []
    if user and _account_due(facts, settings, user, bool(wanted)):
        operations.append(ensure_user(user, settings))
    operations.extend(_ensure_sections(to_enroll, facts, settings))
    operations.extend(Enroll(uid, w.enrollment) for w in to_enroll)
    operations.extend(SetEnrollmentState(uid, ledger[w.key], w.enrollment.state) for w in to_change)
    operations.extend(_messages(wanted, ledger.keys(), to_enroll, facts, settings, today))
    operations.extend(Unenroll(uid, entry) for entry in to_remove)
    if settings.enrollments_other_sections:
        operations.extend(_sweeps_on_removal(to_remove, wanted, ledger, uid))
        operations.extend(_sweeps_on_completion([*to_enroll, *to_change], wanted, uid))
    return _unique(operations)


def _account_due(facts: StudentFacts, settings: InstitutionSettings, user: UserSpec, wants_any: bool) -> bool:
    """An account is made only for a student with a desired enrollment, and updated when Ladok changed it."""
    if facts.account is None:
        return wants_any
    return differs(user, facts.account, settings)


def _ensure_sections(to_enroll: list[Wanted], facts: StudentFacts, settings: InstitutionSettings) -> list[Operation]:
    """The course and sections each new enrollment goes into, for those the ledger has not seen made."""
    operations: list[Operation] = []
    for w in to_enroll:
        target = w.target
        if target.section_sis_id in facts.made_sections:
            continue
        offering_facts = facts.offering_facts(target.offering)
        if target.own:
            operations.extend(offering_operations(offering_facts, settings))
        else:
            link = next(link for link in offering_facts.links if link.section_sis_id == target.section_sis_id)
            operations.append(EnsureSection(co_reading_section(offering_facts, link)))
    return operations


def _messages(
    wanted: list[Wanted],
    ledger_keys: Iterable[tuple[str, str]],
    to_enroll: list[Wanted],
    facts: StudentFacts,
    settings: InstitutionSettings,
    today: dt.date,
) -> list[Operation]:
    """One message per suspension in effect and active course the student is (or is being) inactive in."""
    if not (settings.use_restrictions and settings.restrictions_send_message_to_teachers):
        return []
    present = set(ledger_keys) | {w.key for w in to_enroll}
    courses: dict[int | str, CourseRef] = {}
    for w in wanted:
        if w.enrollment.state == "inactive" and w.key in present:
            target = w.target
            ref = (
                target.course
                if target.canvas_course_id is None
                else CourseRef(canvas_course_id=target.canvas_course_id)
            )
            courses.setdefault(target.course_key, ref)
    name = facts.student.full_name if facts.student else facts.student_uid
    in_effect = sorted(
        (s for s in facts.suspensions if s.student_uid == facts.student_uid and s.in_effect(today)),
        key=lambda s: s.uid,
    )
    return [
        MessageTeachers(
            course=ref,
            suspension_uid=suspension.uid,
            student_uid=facts.student_uid,
            subject=suspension_subject(name),
            body=suspension_body(name, suspension),
        )
        for suspension in in_effect
        for key, ref in courses.items()
        if not (isinstance(key, int) and (suspension.uid, key) in facts.messaged)
    ]


def _sweeps_on_removal(
    removed: list[LedgerEnrollment],
    wanted: list[Wanted],
    ledger: dict[tuple[str, EnrollmentKind], LedgerEnrollment],
    uid: str,
) -> list[Operation]:
    """EnrollmentsOtherSections: a student leaving a course loses every enrollment there, manual ones too."""
    staying = {w.target.canvas_course_id for w in wanted} | {
        ledger[w.key].canvas_course_id for w in wanted if w.key in ledger
    }
    left = sorted({entry.canvas_course_id for entry in removed} - staying)
    return [SweepOtherSections(uid, CourseRef(canvas_course_id=course_id), frozenset(), "delete") for course_id in left]


def _sweeps_on_completion(changed: list[Wanted], wanted: list[Wanted], uid: str) -> list[Operation]:
    """EnrollmentsOtherSections: concluding also concludes the student's other enrollments in that course."""
    sweeps: dict[int | str, Operation] = {}
    for w in changed:
        if w.enrollment.state != "completed":
            continue
        key = w.target.course_key
        keep = frozenset(o.enrollment.section_sis_id for o in wanted if o.target.course_key == key)
        sweeps.setdefault(key, SweepOtherSections(uid, w.target.course, keep, "conclude"))
    return list(sweeps.values())


def _unique(operations: list[Operation]) -> list[Operation]:
    """The operations without repeats, first occurrence kept, so a course shared by two reasons is made once."""
    return list(dict.fromkeys(operations))
