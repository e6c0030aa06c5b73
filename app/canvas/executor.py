"""Carry out one plan operation in Canvas and say what is there now; the caller records it in its ledger.

Every handler is safe to repeat, and so is every request a retry may send twice:
- term, sub-account, user, course and section creates carry a SIS id, so a create that had landed
  answers "already in use" the second time and the object is looked up instead;
- an enrollment POST is upserted by Canvas on (user, type, role, section);
- the "Kurs"/"Program" child has no SIS id and a conversation is never idempotent: both are sent with
  repeatable=False, and after an uncertain failure the children (or the sent box) are read first;
- PUT and DELETE are idempotent; a repeated delete's 404 means "already gone".
Known Canvas ids skip the look-ups; when one turns out stale (404) the handler falls back to the SIS id
once.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from app.canvas import accounts, conversations, courses, enrollments, terms, users
from app.canvas.client import CanvasClient
from app.canvas.errors import CanvasConflict, CanvasError, CanvasNotFound
from app.canvas.known import NOTHING_KNOWN, KnownIds
from app.canvas.results import (
    CourseResult,
    EnrollmentResult,
    MessageResult,
    OpResult,
    RemovedResult,
    SectionResult,
    SweepResult,
    SweptEnrollment,
    UserResult,
)
from app.canvas.sis import in_param, in_path, ref_in_path
from app.canvas.times import canvas_instant
from app.core.naming import with_cancelled_prefix
from app.core.plan import (
    AccountSpec,
    CourseRef,
    CourseSpec,
    Enroll,
    EnrollmentState,
    EnsureCourse,
    EnsureSection,
    EnsureUser,
    LedgerEnrollment,
    MessageTeachers,
    Operation,
    SectionSpec,
    SetEnrollmentState,
    SweepOtherSections,
    Unenroll,
)


def execute(op: Operation, client: CanvasClient, known: KnownIds = NOTHING_KNOWN) -> OpResult:
    """Perform `op` in Canvas; raise a CanvasError when Canvas refuses it."""
    handler = HANDLERS[type(op)]
    return handler(op, client, known)


# --- users -------------------------------------------------------------------------------------------


def ensure_user(op: EnsureUser, client: CanvasClient, known: KnownIds) -> UserResult:
    """Find the student's account by SIS id (or adopt one with the same login), create it, or update it."""
    spec = op.user
    user = None
    known_id = known.users.get(spec.sis_user_id)
    if known_id is not None:
        user = users.get_user(client, str(known_id))
        if user is not None and user.get("sis_user_id") != spec.sis_user_id:
            user = None  # a stale id now naming someone else: never touch that account
    if user is None:
        user = users.get_user(client, in_path("sis_user_id", spec.sis_user_id))
    if user is None:
        try:
            created = users.create_user(client, spec)
        except CanvasConflict as conflict:
            user, adopted = _existing_after_conflict(client, spec.sis_user_id, spec.login_id, conflict)
            updated = _update_user(client, user, op)
            return UserResult(spec.sis_user_id, int(user["id"]), adopted=adopted, updated=updated)
        return UserResult(spec.sis_user_id, int(created["id"]), created=True)
    return UserResult(spec.sis_user_id, int(user["id"]), updated=_update_user(client, user, op))


def _existing_after_conflict(
    client: CanvasClient, sis_user_id: str, login_id: str, conflict: CanvasConflict
) -> tuple[dict, bool]:
    if "unique_id" not in users.taken_login_fields(conflict):
        # The SIS id is taken: another worker created the user after our look-up.
        user = users.get_user(client, in_path("sis_user_id", sis_user_id))
        if user is None:
            raise conflict
        return user, False
    login = users.find_login(client, login_id)
    if login is None:
        raise conflict
    owner = login.get("sis_user_id")
    if owner not in (None, "", sis_user_id):
        # The login belongs to another student: never take it over (docs/rules.md §4.3).
        raise CanvasConflict(conflict.status, conflict.body, method=conflict.method, url=conflict.url)
    if owner != sis_user_id:
        users.set_login(client, login, {"sis_user_id": sis_user_id})
    user = users.get_user(client, str(login["user_id"]))
    if user is None:
        raise conflict
    return user, True


def _update_user(client: CanvasClient, user: dict, op: EnsureUser) -> bool:
    spec = op.user
    fields: dict[str, str] = {}
    if op.update_name and user.get("name") != spec.name:
        fields["name"] = spec.name
    if op.update_email and spec.email and user.get("email") != spec.email:
        fields["email"] = spec.email
    if fields:
        users.update_user(client, int(user["id"]), fields)
    login_changed = False
    # `login_id` is the user's first login; only when it differs are the logins read, and only the one
    # carrying the student's SIS id is changed (another login, such as an SSO one, is left alone).
    if op.update_login and str(user.get("login_id", "")).casefold() != spec.login_id.casefold():
        logins = users.logins_of(client, int(user["id"]))
        login = next((item for item in logins if item.get("sis_user_id") == spec.sis_user_id), None)
        if login is None:
            raise CanvasNotFound(404, f"user {user['id']} has no login with SIS id {spec.sis_user_id}")
        if str(login.get("unique_id", "")).casefold() != spec.login_id.casefold():
            users.set_login(client, login, {"unique_id": spec.login_id})
            login_changed = True
    return bool(fields) or login_changed


# --- courses and sections ----------------------------------------------------------------------------


def ensure_course(op: EnsureCourse, client: CanvasClient, known: KnownIds) -> CourseResult:
    """Find, update (when the spec says overwrite) or create the course, then its own section."""
    spec = op.course
    course, updated = None, False
    placed: tuple[int | None, int | None] = (None, None)
    known_id = known.courses.get(spec.sis_course_id)
    if known_id is not None:
        course, updated = _refresh_course(client, str(known_id), spec, compare=False)
    if course is None:
        course, updated = _refresh_course(client, in_path("sis_course_id", spec.sis_course_id), spec,
                                          compare=True)
    created = course is None
    if course is None:
        try:
            course, placed = _create_course(client, spec, known)
        except CanvasNotFound:
            if known == NOTHING_KNOWN:
                raise
            course, placed = _create_course(client, spec, NOTHING_KNOWN)  # a known term or account id was stale
        if _course_differs(course, spec):
            # Canvas keeps no dates on create (see courses.create_course); a revived course keeps its old
            # name. Setting them now is part of creating, so it happens even without overwrite.
            course = courses.update_course(client, int(course["id"]), spec)
        wanted_account = placed[1] or placed[0] or spec.account.parent_account_id
        if _int_or_none(course.get("account_id")) != wanted_account:
            # A revived course stays in the account it was deleted from (courses_controller.rb #create
            # moves it only to a course[account_id] sub-account); the rules place it like a new one.
            course = courses.move_course(client, int(course["id"]), wanted_account)
    section = _ensure_section(client, op.section, int(course["id"]), known)
    return CourseResult(
        sis_course_id=spec.sis_course_id,
        canvas_course_id=int(course["id"]),
        section_sis_id=op.section.sis_section_id,
        canvas_section_id=section.canvas_section_id,
        canvas_term_id=_int_or_none(course.get("enrollment_term_id")),
        canvas_account_id=_int_or_none(course.get("account_id")),
        workflow_state=str(course.get("workflow_state", "")),
        created=created,
        updated=updated,
        organisation_account_id=placed[0],
        child_account_id=placed[1],
    )


def _refresh_course(client: CanvasClient, ref: str, spec: CourseSpec, *, compare: bool) -> tuple[dict | None, bool]:
    # With a known id and overwrite on, the PUT alone both updates and proves the course exists: one
    # request. After a SIS look-up the course is in hand, so it is only written when it differs.
    if spec.overwrite and not compare:
        try:
            course = courses.update_course(client, int(ref), spec)
        except CanvasNotFound:
            return None, False
        return (None, False) if course.get("workflow_state") == "deleted" else (course, True)
    course = courses.get_course(client, ref)
    if course is None:
        return None, False
    if not spec.overwrite:
        return _mark_cancelled(client, course, spec)
    if not _course_differs(course, spec):
        return course, False
    return courses.update_course(client, int(course["id"]), spec), True


def _mark_cancelled(client: CanvasClient, course: dict, spec: CourseSpec) -> tuple[dict, bool]:
    """Without overwrite the teacher's name, code and dates stay; the plan may still ask for the cancelled prefix."""
    name = str(course.get("name", ""))
    if not spec.prefix_cancelled or with_cancelled_prefix(name) == name:
        return course, False
    return courses.rename_course(client, int(course["id"]), with_cancelled_prefix(name)), True


def _course_differs(course: dict, spec: CourseSpec) -> bool:
    start, end = courses.course_times(spec)
    return (
        course.get("name") != spec.name
        or course.get("course_code") != spec.course_code
        or (start is not None and canvas_instant(course.get("start_at")) != canvas_instant(start))
        or (end is not None and canvas_instant(course.get("end_at")) != canvas_instant(end))
    )


def _create_course(
    client: CanvasClient, spec: CourseSpec, known: KnownIds
) -> tuple[dict, tuple[int | None, int | None]]:
    term_id = None
    if spec.term:
        term_id = known.terms.get(spec.term)
        if term_id is None:
            term_id = terms.find_or_create_term(client, spec.term)
    organisation_id, child_id = _course_accounts(client, spec.account, known)
    account_id = child_id or organisation_id or spec.account.parent_account_id
    try:
        course = courses.create_course(client, account_id, spec, term_id)
    except CanvasConflict:
        found = courses.get_course(client, in_path("sis_course_id", spec.sis_course_id))
        if found is None:
            raise
        course = found
    return course, (organisation_id, child_id)


def _course_accounts(client: CanvasClient, spec: AccountSpec, known: KnownIds) -> tuple[int | None, int | None]:
    """The organisation's sub-account and its "Kurs"/"Program" child, each None when the spec has none."""
    organisation_id = None
    if spec.organisation_uid:
        organisation_id = known.accounts.get(spec.organisation_uid)
        if organisation_id is None:
            organisation_id = accounts.find_or_create_sub_account(
                client, spec.parent_account_id, spec.organisation_uid,
                spec.organisation_name or spec.organisation_uid,
            )
    child_id = None
    if spec.child_name:
        parent = organisation_id if organisation_id is not None else spec.parent_account_id
        child_id = known.child_accounts.get((parent, spec.child_name))
        if child_id is None:
            child_id = accounts.find_or_create_child(client, parent, spec.child_name)
    return organisation_id, child_id


def _ensure_section(client: CanvasClient, spec: SectionSpec, course_id: int, known: KnownIds) -> SectionResult:
    known_id = known.sections.get(spec.sis_section_id)
    if known_id is not None:
        return SectionResult(spec.sis_section_id, known_id, course_id)
    return _find_or_create_section(client, spec, course_id)


def _find_or_create_section(client: CanvasClient, spec: SectionSpec, course_id: int) -> SectionResult:
    # Found by SIS id wherever it is: a section cross-listed by hand into another course still counts.
    found = courses.get_section(client, in_path("sis_section_id", spec.sis_section_id))
    if found is not None:
        return SectionResult(spec.sis_section_id, int(found["id"]), int(found["course_id"]))
    try:
        created = courses.create_section(client, course_id, spec)
    except CanvasConflict:
        found = courses.get_section(client, in_path("sis_section_id", spec.sis_section_id))
        if found is None:
            raise
        return SectionResult(spec.sis_section_id, int(found["id"]), int(found["course_id"]))
    return SectionResult(spec.sis_section_id, int(created["id"]), int(created["course_id"]), created=True)


def ensure_section(op: EnsureSection, client: CanvasClient, known: KnownIds) -> SectionResult:
    """Find the section by SIS id anywhere, else create it in the course the spec names."""
    spec = op.section
    known_id = known.sections.get(spec.sis_section_id)
    if known_id is not None:
        found = courses.get_section(client, str(known_id))
        if found is not None:
            return SectionResult(spec.sis_section_id, int(found["id"]), int(found["course_id"]))
    return _find_or_create_section(client, spec, _course_id(client, spec.course, known))


def _course_id(client: CanvasClient, ref: CourseRef, known: KnownIds) -> int:
    if ref.canvas_course_id is not None:
        return ref.canvas_course_id
    sis = str(ref.sis_course_id)
    if sis in known.courses:
        return known.courses[sis]
    course = courses.get_course(client, in_path("sis_course_id", sis))
    if course is None:
        raise CanvasNotFound(404, f"no course with SIS id {sis}")
    return int(course["id"])


def _course_ref(ref: CourseRef, known: KnownIds) -> str:
    if ref.canvas_course_id is not None:
        return str(ref.canvas_course_id)
    return ref_in_path(known.courses.get(str(ref.sis_course_id)), "sis_course_id", str(ref.sis_course_id))


# --- enrollments -------------------------------------------------------------------------------------


def enroll(op: Enroll, client: CanvasClient, known: KnownIds) -> EnrollmentResult:
    """Enroll the student (one request when the section is known); Canvas returns the existing one on repeat."""
    wanted = op.enrollment
    section_id = known.sections.get(wanted.section_sis_id)
    user_id = known.users.get(op.student_uid)
    try:
        made = enrollments.enroll(
            client,
            ref_in_path(section_id, "sis_section_id", wanted.section_sis_id),
            str(user_id) if user_id is not None else in_param("sis_user_id", op.student_uid),
            wanted.role_id,
            op.create_state,
        )
    except CanvasNotFound:
        if section_id is None and user_id is None:
            raise
        made = enrollments.enroll(
            client,
            in_path("sis_section_id", wanted.section_sis_id),
            in_param("sis_user_id", op.student_uid),
            wanted.role_id,
            op.create_state,
        )
    if op.then_conclude and enrollments.ledger_state(made) != "completed":
        made = enrollments.end_enrollment(client, int(made["course_id"]), int(made["id"]), "conclude")
    return _enrollment_result(op.student_uid, wanted.section_sis_id, wanted.kind, made)


def _enrollment_result(student_uid: str, section_sis_id: str, kind: Any, made: dict) -> EnrollmentResult:
    return EnrollmentResult(
        student_uid=student_uid,
        enrollment=LedgerEnrollment(
            section_sis_id=section_sis_id,
            kind=kind,
            canvas_enrollment_id=int(made["id"]),
            canvas_course_id=int(made["course_id"]),
            state=enrollments.ledger_state(made),
        ),
        canvas_user_id=_int_or_none(made.get("user_id")),
        canvas_section_id=_int_or_none(made.get("course_section_id")),
    )


def set_enrollment_state(op: SetEnrollmentState, client: CanvasClient, known: KnownIds) -> EnrollmentResult:
    """Deactivate, conclude or reactivate a ledger enrollment, following it if it moved course."""
    current = op.current
    if op.unless_concluded and _concluded(client, current.canvas_course_id):
        return EnrollmentResult(op.student_uid, current, course_concluded=True)
    user_ref = _user_ref(op.student_uid, known)
    result = _on_enrollment(
        client, user_ref, current, lambda course_id: _move_to(client, course_id, user_ref, current, op.state)
    )
    if result is None:
        raise CanvasNotFound(404, f"enrollment {current.canvas_enrollment_id} is gone from Canvas")
    return _enrollment_result(op.student_uid, current.section_sis_id, current.kind, result)


def _concluded(client: CanvasClient, course_id: int) -> bool:
    """Whether the course has been concluded (Canvas workflow_state "completed"), e.g. by hand since we made it."""
    course = courses.get_course(client, str(course_id))
    return course is not None and course.get("workflow_state") == "completed"


def _move_to(
    client: CanvasClient, course_id: int, user_ref: str, current: LedgerEnrollment, state: EnrollmentState
) -> dict:
    enrollment_id = current.canvas_enrollment_id
    if state == "inactive":
        return enrollments.end_enrollment(client, course_id, enrollment_id, "deactivate")
    if state == "completed":
        return enrollments.end_enrollment(client, course_id, enrollment_id, "conclude")
    try:
        return enrollments.reactivate(client, course_id, enrollment_id)
    except CanvasError as exc:
        # Reactivate only lifts "inactive" (enrollments_api_controller.rb #reactivate answers 400
        # "enrollment not inactive"); a concluded one is restored by enrolling again with its role.
        if exc.status != 400:
            raise
    found = enrollments.find_enrollment(client, user_ref, enrollment_id)
    if found is None:
        raise CanvasNotFound(404, f"enrollment {enrollment_id} is gone from Canvas")
    if enrollments.ledger_state(found) == "active":
        return found
    return enrollments.enroll(
        client, str(found["course_section_id"]), str(found["user_id"]), _int_or_none(found.get("role_id")),
        "active",
    )


def _on_enrollment(
    client: CanvasClient, user_ref: str, current: LedgerEnrollment, act: Callable[[int], dict]
) -> dict | None:
    """Run `act` on the enrollment's course; if it is not there (cross-listed since), find where it went."""
    try:
        return act(current.canvas_course_id)
    except CanvasNotFound:
        found = enrollments.find_enrollment(client, user_ref, current.canvas_enrollment_id)
        if found is None:
            return None
        return act(int(found["course_id"]))


def unenroll(op: Unenroll, client: CanvasClient, known: KnownIds) -> RemovedResult:
    """Delete the enrollment; one already gone counts as removed."""
    current = op.current
    deleted = _on_enrollment(
        client,
        _user_ref(op.student_uid, known),
        current,
        lambda course_id: enrollments.end_enrollment(client, course_id, current.canvas_enrollment_id, "delete"),
    )
    found_in = _int_or_none(deleted.get("course_id")) if deleted else None
    move = None
    if found_in is not None and found_in != current.canvas_course_id:
        move = (current.canvas_course_id, found_in)
    return RemovedResult(op.student_uid, current.section_sis_id, current.kind, current.canvas_enrollment_id,
                         course_move=move)


def sweep_other_sections(op: SweepOtherSections, client: CanvasClient, known: KnownIds) -> SweepResult:
    """Delete or conclude the student's enrollments in the course's other sections, manual ones included."""
    user_id = known.users.get(op.student_uid)
    user_ref = str(user_id) if user_id is not None else in_param("sis_user_id", op.student_uid)
    course = op.course
    if course.canvas_course_id in known.moved_courses:
        # The removed enrollment's section now sits in another course: "the same course" is that one.
        course = CourseRef(canvas_course_id=known.moved_courses[course.canvas_course_id])
    try:
        found = enrollments.student_enrollments(client, _course_ref(course, known), user_ref)
    except CanvasNotFound:
        if course.canvas_course_id is not None or course.sis_course_id not in known.courses:
            raise
        found = enrollments.student_enrollments(
            client, in_path("sis_course_id", str(course.sis_course_id)), in_param("sis_user_id", op.student_uid)
        )
    keep_ids = {known.sections[s] for s in op.keep_section_sis_ids if s in known.sections}
    task = "delete" if op.action == "delete" else "conclude"
    swept: list[SweptEnrollment] = []
    for enrollment in found:
        section_sis_id = enrollment.get("sis_section_id")
        section_id = _int_or_none(enrollment.get("course_section_id"))
        if section_sis_id in op.keep_section_sis_ids or section_id in keep_ids:
            continue
        if task == "conclude" and enrollments.ledger_state(enrollment) == "completed":
            continue
        # Not found means gone already (a retried delete that had landed, or a hand edit): what we want.
        with contextlib.suppress(CanvasNotFound):
            enrollments.end_enrollment(client, int(enrollment["course_id"]), int(enrollment["id"]), task)
        swept.append(SweptEnrollment(int(enrollment["id"]), section_id, section_sis_id))
    return SweepResult(op.student_uid, op.course, op.action, tuple(swept))


# --- messages ----------------------------------------------------------------------------------------


def message_teachers(op: MessageTeachers, client: CanvasClient, known: KnownIds) -> MessageResult:
    """Send each active teacher of the course the suspension message (nothing when it has no teacher)."""
    recipients = conversations.teacher_ids(client, _course_ref(op.course, known))
    if not recipients:
        return MessageResult(op.course, op.suspension_uid, op.student_uid, (), ())
    if op.sent_check_since is not None:
        sent = conversations.send_once(client, recipients, op.subject, op.body, op.sent_check_since)
    else:
        sent = conversations.send(client, recipients, op.subject, op.body)
    return MessageResult(
        op.course, op.suspension_uid, op.student_uid, tuple(recipients), tuple(int(c["id"]) for c in sent)
    )


def _user_ref(student_uid: str, known: KnownIds) -> str:
    return ref_in_path(known.users.get(student_uid), "sis_user_id", student_uid)


def _int_or_none(value: Any) -> int | None:
    return None if value is None else int(value)


HANDLERS: dict[type, Callable[[Any, CanvasClient, KnownIds], OpResult]] = {
    EnsureUser: ensure_user,
    EnsureCourse: ensure_course,
    EnsureSection: ensure_section,
    Enroll: enroll,
    SetEnrollmentState: set_enrollment_state,
    Unenroll: unenroll,
    SweepOtherSections: sweep_other_sections,
    MessageTeachers: message_teachers,
}
