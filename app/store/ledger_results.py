"""Recording in the ledger what Canvas answered: each operation's result, and what its 404s proved gone."""

from __future__ import annotations

from collections.abc import Iterable

from app.canvas.known import placed_accounts
from app.canvas.results import (
    CourseResult,
    EnrollmentResult,
    MessageResult,
    OpResult,
    RemovedResult,
    SectionResult,
    UserResult,
)
from app.core.not_found import Forget, ForgetEnrollment, ForgetSection, ForgetUser
from app.core.plan import EnsureCourse, EnsureUser, Operation, Unenroll
from app.store import intents
from app.store.action_log import log_action
from app.store.course_settings import set_early_access
from app.store.jsonable import to_json
from app.store.ledger import Ledger, message_sis_id
from app.store.object_kinds import CHILD_ACCOUNT_KINDS, ObjectKind


def record(book: Ledger, op: Operation, result: OpResult) -> None:
    """Write what one operation did in Canvas into the ledger and the action log."""
    match result:
        case UserResult():
            assert isinstance(op, EnsureUser)
            book.put(
                ObjectKind.USER,
                result.sis_user_id,
                result.canvas_user_id,
                state={"name": op.user.name, "login_id": op.user.login_id, "email": op.user.email},
            )
        case CourseResult():
            assert isinstance(op, EnsureCourse)
            _record_course(book, op, result)
        case SectionResult():
            book.put(
                ObjectKind.SECTION,
                result.sis_section_id,
                result.canvas_section_id,
                parent_canvas_id=result.canvas_course_id,
            )
        case EnrollmentResult():
            _record_enrollment(book, result)
        case RemovedResult():
            book.drop_enrollment(result.student_uid, result.section_sis_id, result.kind)
        case MessageResult():
            _record_message(book, result)
    detail = to_json(result)
    if isinstance(op, Unenroll):  # the safety filter counts removals per course
        detail["canvas_course_id"] = op.current.canvas_course_id
    log_action(
        book.session,
        book.institution_id,
        type(op).__name__,
        "done",
        detail,
        student_uid=getattr(op, "student_uid", None),
    )


def _record_course(book: Ledger, op: EnsureCourse, result: CourseResult) -> None:
    """The course, its own section, the term and sub-accounts it went into, and its early access when new."""
    book.put(
        ObjectKind.COURSE,
        result.sis_course_id,
        result.canvas_course_id,
        state={"workflow_state": result.workflow_state, "name": op.course.name},
    )
    book.put(
        ObjectKind.SECTION,
        result.section_sis_id,
        result.canvas_section_id,
        parent_canvas_id=result.canvas_course_id,
    )
    if op.course.term and result.canvas_term_id:
        book.put(ObjectKind.TERM, op.course.term, result.canvas_term_id)
    organisations, children = placed_accounts(op.course, result)
    for uid, account_id in organisations.items():
        book.put(ObjectKind.ACCOUNT, uid, account_id)
    for (parent, name), child_id in children.items():
        book.put(CHILD_ACCOUNT_KINDS[name], str(parent), child_id, parent_canvas_id=parent)
    if result.created:
        # Fixed at creation, so a later change of the default leaves the course alone.
        set_early_access(
            book.session, book.institution_id, result.canvas_course_id, op.early_access, op.purge_date, by="created"
        )


def _record_enrollment(book: Ledger, result: EnrollmentResult) -> None:
    """The enrollment as it now is; a course found concluded is remembered as such."""
    book.put_enrollment(result.student_uid, result.enrollment)
    intents.drop_intent(
        book.session,
        book.institution_id,
        result.student_uid,
        result.enrollment.section_sis_id,
        result.enrollment.kind,
    )
    if result.course_concluded:
        course_id = result.enrollment.canvas_course_id
        book.put(ObjectKind.CONCLUDED, str(course_id), course_id)


def _record_message(book: Ledger, result: MessageResult) -> None:
    """The message is sent: remembered per suspension and course, and its note settled."""
    course_id = result.course.canvas_course_id
    if course_id is not None:
        book.put(ObjectKind.MESSAGE, message_sis_id(result.suspension_uid, course_id), course_id)
    intents.drop_message_note(book.session, book.institution_id, result.suspension_uid, result.course)


def forget(book: Ledger, gone: Iterable[Forget]) -> None:
    """Drop what Canvas's 404s proved gone (app/core/not_found.py decides what that is)."""
    for item in gone:
        match item:
            case ForgetSection(section_sis_id=section):
                _forget_section(book, section)
            case ForgetUser(student_uid=student):
                book.drop(ObjectKind.USER, sis_id=student)
            case ForgetEnrollment(student_uid=student, section_sis_id=section, kind=kind):
                book.drop_enrollment(student, section, kind)


def _forget_section(book: Ledger, section_sis_id: str) -> None:
    """The section is gone, and with it the offering's own course (same sis id) it sat in.

    A course the section was cross-listed into stays known. The next plan makes sure of both again
    (docs/rules.md §4.2), and creating the course with enable_sis_reactivation revives the deleted one.
    """
    row = book.row(ObjectKind.SECTION, section_sis_id)
    if row is not None and row.parent_canvas_id is not None:
        book.drop(ObjectKind.COURSE, sis_id=section_sis_id, canvas_id=row.parent_canvas_id)
    book.drop(ObjectKind.SECTION, sis_id=section_sis_id)
