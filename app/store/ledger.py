"""The ledger: Canvas objects and enrollments the adapter knows it made, read for a key and written per result."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from typing import Any, cast

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.canvas.known import KnownIds, placed_accounts
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
from app.core.plan import (
    EnrollmentKind,
    EnrollmentState,
    EnsureCourse,
    EnsureUser,
    LedgerEnrollment,
    Operation,
    Unenroll,
)
from app.store import intents
from app.store.action_log import log_action
from app.store.course_settings import set_early_access
from app.store.db import insert_for
from app.store.jsonable import to_json
from app.store.object_kinds import CHILD_ACCOUNT_KINDS, ObjectKind
from app.store.tables import CanvasObjectRow, LedgerEnrollmentRow


def message_sis_id(suspension_uid: str, canvas_course_id: int) -> str:
    """The ledger's id for "this suspension's message was sent to this course": made here, never parsed."""
    return f"{suspension_uid}:{canvas_course_id}"


# Kinds of which an institution has few rows (terms, sub-accounts): a key reads them whole.
FEW_KINDS = (ObjectKind.TERM, ObjectKind.ACCOUNT, *CHILD_ACCOUNT_KINDS.values())


class Ledger:
    """One institution's ledger in one session: the Canvas ids a key needs, and each result recorded."""

    def __init__(self, session: Session, institution_id: str) -> None:
        self.session = session
        self.institution_id = institution_id

    # --- reading -------------------------------------------------------------------------------------

    def ids(self, kind: ObjectKind, sis_ids: Iterable[str] | None = None) -> dict[str, int]:
        """Canvas ids by sis id for one kind: of these sis ids, or all of the kind when None."""
        query = select(CanvasObjectRow.sis_id, CanvasObjectRow.canvas_id).where(
            CanvasObjectRow.institution_id == self.institution_id, CanvasObjectRow.kind == kind
        )
        if sis_ids is not None:
            wanted = sorted(set(sis_ids))
            if not wanted:
                return {}
            query = query.where(CanvasObjectRow.sis_id.in_(wanted))
        return {sis: cid for sis, cid in self.session.execute(query)}

    def row(self, kind: ObjectKind, sis_id: str) -> CanvasObjectRow | None:
        """One ledger object, with the state we last set on it."""
        return self.session.get(CanvasObjectRow, (self.institution_id, kind, sis_id))

    def known_ids(self, users: dict[str, int], courses: dict[str, int], sections: dict[str, int]) -> KnownIds:
        """What a key's plan may need, from the ids its facts already read; terms and sub-accounts are few: all,
        in one query."""
        few: dict[ObjectKind, list[CanvasObjectRow]] = {kind: [] for kind in FEW_KINDS}
        for row in self.session.scalars(
            select(CanvasObjectRow).where(
                CanvasObjectRow.institution_id == self.institution_id, CanvasObjectRow.kind.in_(FEW_KINDS)
            )
        ):
            few[row.kind].append(row)
        children = {
            (row.parent_canvas_id, name): row.canvas_id
            for name, kind in CHILD_ACCOUNT_KINDS.items()
            for row in few[kind]
            if row.parent_canvas_id is not None
        }
        return KnownIds(
            users=users,
            courses=courses,
            sections=sections,
            terms={row.sis_id: row.canvas_id for row in few[ObjectKind.TERM]},
            accounts={row.sis_id: row.canvas_id for row in few[ObjectKind.ACCOUNT]},
            child_accounts=children,
        )

    def concluded(self, course_ids: Collection[int]) -> frozenset[int]:
        """Of these courses, those concluded when made so, or found concluded since (by hand, own or co-reading)."""
        if not course_ids:
            return frozenset()
        rows = self.session.scalars(
            select(CanvasObjectRow).where(
                CanvasObjectRow.institution_id == self.institution_id,
                CanvasObjectRow.kind.in_([ObjectKind.COURSE, ObjectKind.CONCLUDED]),
                CanvasObjectRow.canvas_id.in_(sorted(course_ids)),
            )
        )
        return frozenset(
            r.canvas_id
            for r in rows
            if r.kind == ObjectKind.CONCLUDED or (r.state or {}).get("workflow_state") == "completed"
        )

    def messaged(self, suspension_uids: Collection[str], course_ids: Collection[int]) -> frozenset[tuple[str, int]]:
        """(suspension, course) pairs whose message to the teachers was sent."""
        pairs = {message_sis_id(s, c): (s, c) for s in suspension_uids for c in course_ids}
        return frozenset(pairs[sis] for sis in self.ids(ObjectKind.MESSAGE, pairs))

    def enrollments(self, student_uid: str) -> tuple[LedgerEnrollment, ...]:
        """The student's enrollments the adapter made."""
        rows = self.session.scalars(
            select(LedgerEnrollmentRow).where(
                LedgerEnrollmentRow.institution_id == self.institution_id,
                LedgerEnrollmentRow.student_uid == student_uid,
            )
        ).all()
        return tuple(
            LedgerEnrollment(
                r.section_sis_id,
                cast(EnrollmentKind, r.kind),
                r.canvas_enrollment_id,
                r.canvas_course_id,
                cast(EnrollmentState, r.state),
            )
            for r in rows
        )

    # --- writing -------------------------------------------------------------------------------------

    def put(
        self,
        kind: ObjectKind,
        sis_id: str,
        canvas_id: int,
        parent_canvas_id: int | None = None,
        state: dict[str, Any] | None = None,
    ) -> None:
        """Remember a Canvas object in one statement, so two workers recording it never collide."""
        now = dt.datetime.now(dt.UTC)
        values: dict[str, Any] = {
            "institution_id": self.institution_id,
            "kind": kind,
            "sis_id": sis_id,
            "canvas_id": canvas_id,
            "updated_at": now,
            "state": state or {},
        }
        changes: dict[str, Any] = {"canvas_id": canvas_id, "updated_at": now}
        if parent_canvas_id is not None:
            values["parent_canvas_id"] = changes["parent_canvas_id"] = parent_canvas_id
        if state is not None:
            changes["state"] = state
        insert = insert_for(self.session.get_bind().dialect.name)
        self.session.execute(
            insert(CanvasObjectRow)
            .values(values)
            .on_conflict_do_update(index_elements=["institution_id", "kind", "sis_id"], set_=changes)
        )

    def drop(self, kind: ObjectKind, *, sis_id: str | None = None, canvas_id: int | None = None) -> None:
        """Forget objects of a kind, by sis id and/or Canvas id, that proved to be gone from Canvas."""
        query = delete(CanvasObjectRow).where(
            CanvasObjectRow.institution_id == self.institution_id, CanvasObjectRow.kind == kind
        )
        if sis_id is not None:
            query = query.where(CanvasObjectRow.sis_id == sis_id)
        if canvas_id is not None:
            query = query.where(CanvasObjectRow.canvas_id == canvas_id)
        self.session.execute(query)

    def put_enrollment(self, student_uid: str, entry: LedgerEnrollment) -> None:
        """Remember an enrollment as it now is in Canvas."""
        key = (self.institution_id, student_uid, entry.section_sis_id, entry.kind)
        row = self.session.get(LedgerEnrollmentRow, key)
        if row is None:
            row = LedgerEnrollmentRow(
                institution_id=self.institution_id,
                student_uid=student_uid,
                section_sis_id=entry.section_sis_id,
                kind=entry.kind,
            )
            self.session.add(row)
        row.canvas_enrollment_id, row.canvas_course_id, row.state = (
            entry.canvas_enrollment_id,
            entry.canvas_course_id,
            entry.state,
        )
        row.updated_at = dt.datetime.now(dt.UTC)

    def drop_enrollment(self, student_uid: str, section_sis_id: str, kind: EnrollmentKind) -> None:
        """Forget an enrollment that is gone from Canvas, and settle its intent."""
        self.session.execute(
            delete(LedgerEnrollmentRow).where(
                LedgerEnrollmentRow.institution_id == self.institution_id,
                LedgerEnrollmentRow.student_uid == student_uid,
                LedgerEnrollmentRow.section_sis_id == section_sis_id,
                LedgerEnrollmentRow.kind == kind,
            )
        )
        intents.drop_intent(self.session, self.institution_id, student_uid, section_sis_id, kind)

    # --- recording results ---------------------------------------------------------------------------

    def record(self, op: Operation, result: OpResult) -> None:
        """Write what one operation did in Canvas into the ledger and the action log."""
        match result:
            case UserResult():
                assert isinstance(op, EnsureUser)
                self.put(
                    ObjectKind.USER,
                    result.sis_user_id,
                    result.canvas_user_id,
                    state={"name": op.user.name, "login_id": op.user.login_id, "email": op.user.email},
                )
            case CourseResult():
                assert isinstance(op, EnsureCourse)
                self._record_course(op, result)
            case SectionResult():
                self.put(
                    ObjectKind.SECTION,
                    result.sis_section_id,
                    result.canvas_section_id,
                    parent_canvas_id=result.canvas_course_id,
                )
            case EnrollmentResult():
                self._record_enrollment(result)
            case RemovedResult():
                self.drop_enrollment(result.student_uid, result.section_sis_id, result.kind)
            case MessageResult():
                self._record_message(result)
        detail = to_json(result)
        if isinstance(op, Unenroll):  # the safety filter counts removals per course
            detail["canvas_course_id"] = op.current.canvas_course_id
        log_action(
            self.session,
            self.institution_id,
            type(op).__name__,
            "done",
            detail,
            student_uid=getattr(op, "student_uid", None),
        )

    def _record_course(self, op: EnsureCourse, result: CourseResult) -> None:
        """The course, its own section, the term and sub-accounts it went into, and its early access when new."""
        self.put(
            ObjectKind.COURSE,
            result.sis_course_id,
            result.canvas_course_id,
            state={"workflow_state": result.workflow_state, "name": op.course.name},
        )
        self.put(
            ObjectKind.SECTION,
            result.section_sis_id,
            result.canvas_section_id,
            parent_canvas_id=result.canvas_course_id,
        )
        if op.course.term and result.canvas_term_id:
            self.put(ObjectKind.TERM, op.course.term, result.canvas_term_id)
        organisations, children = placed_accounts(op.course, result)
        for uid, account_id in organisations.items():
            self.put(ObjectKind.ACCOUNT, uid, account_id)
        for (parent, name), child_id in children.items():
            self.put(CHILD_ACCOUNT_KINDS[name], str(parent), child_id, parent_canvas_id=parent)
        if result.created:
            # Fixed at creation, so a later change of the default leaves the course alone.
            set_early_access(
                self.session, self.institution_id, result.canvas_course_id, op.early_access, op.purge_date, by="created"
            )

    def _record_enrollment(self, result: EnrollmentResult) -> None:
        """The enrollment as it now is; a course found concluded is remembered as such."""
        self.put_enrollment(result.student_uid, result.enrollment)
        intents.drop_intent(
            self.session,
            self.institution_id,
            result.student_uid,
            result.enrollment.section_sis_id,
            result.enrollment.kind,
        )
        if result.course_concluded:
            course_id = result.enrollment.canvas_course_id
            self.put(ObjectKind.CONCLUDED, str(course_id), course_id)

    def _record_message(self, result: MessageResult) -> None:
        """The message is sent: remembered per suspension and course, and its note settled."""
        course_id = result.course.canvas_course_id
        if course_id is not None:
            self.put(ObjectKind.MESSAGE, message_sis_id(result.suspension_uid, course_id), course_id)
        intents.drop_message_note(self.session, self.institution_id, result.suspension_uid, result.course)

    def forget(self, gone: Iterable[Forget]) -> None:
        """Drop what Canvas's 404s proved gone (app/core/not_found.py decides what that is)."""
        for item in gone:
            match item:
                case ForgetSection(section_sis_id=section):
                    self._forget_section(section)
                case ForgetUser(student_uid=student):
                    self.drop(ObjectKind.USER, sis_id=student)
                case ForgetEnrollment(student_uid=student, section_sis_id=section, kind=kind):
                    self.drop_enrollment(student, section, kind)

    def _forget_section(self, section_sis_id: str) -> None:
        """The section is gone, and with it the offering's own course (same sis id) it sat in.

        A course the section was cross-listed into stays known. The next plan makes sure of both again
        (docs/rules.md §4.2), and creating the course with enable_sis_reactivation revives the deleted one.
        """
        row = self.row(ObjectKind.SECTION, section_sis_id)
        if row is not None and row.parent_canvas_id is not None:
            self.drop(ObjectKind.COURSE, sis_id=section_sis_id, canvas_id=row.parent_canvas_id)
        self.drop(ObjectKind.SECTION, sis_id=section_sis_id)
