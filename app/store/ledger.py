"""The ledger: Canvas objects and enrollments the adapter knows it made, read for a key and written per result."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterable
from typing import Any, cast

from sqlalchemy import ColumnElement, and_, delete, or_, select
from sqlalchemy.orm import Session

from app.canvas.known import KnownIds
from app.core.plan import (
    EnrollmentKind,
    EnrollmentState,
    LedgerEnrollment,
)
from app.store import intents
from app.store.db import insert_for
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

    def for_key(
        self, user: str | None, courses: Collection[str], sections: Collection[str]
    ) -> tuple[CanvasObjectRow | None, KnownIds]:
        """In one query, what a key's plan may need: its user's row, the ids of its courses and sections, and the
        terms and sub-accounts, which are few: all of them."""
        wanted: list[ColumnElement[bool]] = [CanvasObjectRow.kind.in_(FEW_KINDS)]
        if user is not None:
            wanted.append(and_(CanvasObjectRow.kind == ObjectKind.USER, CanvasObjectRow.sis_id == user))
        for kind, sis_ids in ((ObjectKind.COURSE, courses), (ObjectKind.SECTION, sections)):
            if sis_ids:
                wanted.append(and_(CanvasObjectRow.kind == kind, CanvasObjectRow.sis_id.in_(sorted(set(sis_ids)))))
        found: dict[ObjectKind, list[CanvasObjectRow]] = defaultdict(list)
        for row in self.session.scalars(
            select(CanvasObjectRow).where(CanvasObjectRow.institution_id == self.institution_id, or_(*wanted))
        ):
            found[row.kind].append(row)
        children = {
            (row.parent_canvas_id, name): row.canvas_id
            for name, kind in CHILD_ACCOUNT_KINDS.items()
            for row in found[kind]
            if row.parent_canvas_id is not None
        }
        users = found[ObjectKind.USER]
        known = KnownIds(
            users={row.sis_id: row.canvas_id for row in users},
            courses={row.sis_id: row.canvas_id for row in found[ObjectKind.COURSE]},
            sections={row.sis_id: row.canvas_id for row in found[ObjectKind.SECTION]},
            terms={row.sis_id: row.canvas_id for row in found[ObjectKind.TERM]},
            accounts={row.sis_id: row.canvas_id for row in found[ObjectKind.ACCOUNT]},
            child_accounts=children,
        )
        return (users[0] if users else None), known

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
        """Remember an enrollment as it now is in Canvas, in one statement."""
        now = dt.datetime.now(dt.UTC)
        found = {
            "canvas_enrollment_id": entry.canvas_enrollment_id,
            "canvas_course_id": entry.canvas_course_id,
            "state": entry.state,
            "updated_at": now,
        }
        key = {
            "institution_id": self.institution_id,
            "student_uid": student_uid,
            "section_sis_id": entry.section_sis_id,
            "kind": entry.kind,
        }
        insert = insert_for(self.session.get_bind().dialect.name)
        self.session.execute(
            insert(LedgerEnrollmentRow)
            .values({**key, **found})
            .on_conflict_do_update(index_elements=list(key), set_=found)
        )

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
