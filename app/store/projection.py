"""The record step's writes: each Ladok event updates the projection (docs/rules.md §4.1), in feed order."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import select
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

_KeyedModel = type[OfferingRow] | type[CourseRow] | type[OrganisationRow] | type[StudentRow] | type[SuspensionRow]


@dataclass(frozen=True, slots=True, order=True)
class DirtyKey:
    """A unit the reconciler brings up to date: one student, or one offering's Canvas course."""

    kind: Literal["student", "offering"]
    uid: str


class PageRows:
    """The projection rows one page of events can touch, loaded with one SELECT per table.

    Recording a page then costs no SELECT per event and no autoflush between events; new rows join the
    cache when added, so a second event for the same key in the page finds them. With `preload=False`
    (the entry-by-entry fallback, whose savepoints may roll rows back) every look-up goes to the session.
    """

    def __init__(
        self, session: Session, institution_id: str, events: Sequence[ev.LadokEvent] = (), preload: bool = True
    ) -> None:
        self.session, self.institution_id, self.preload = session, institution_id, preload
        self._rows: dict[tuple[type, tuple[str, ...]], Any] = {}
        if preload:
            self._load(events)

    def _load(self, events: Sequence[ev.LadokEvent]) -> None:
        wanted: dict[_KeyedModel, set[str]] = {
            m: set() for m in (OfferingRow, CourseRow, OrganisationRow, StudentRow, SuspensionRow)
        }
        students: set[str] = set()
        for e in events:
            for attr, model in (
                ("offering_uid", OfferingRow),
                ("course_uid", CourseRow),
                ("organisation_uid", OrganisationRow),
                ("restriction_uid", SuspensionRow),
            ):
                if (value := getattr(e, attr, None)) is not None:
                    wanted[model].add(value)
            if isinstance(e, ev.StudentEvent):
                wanted[StudentRow].add(e.student_uid)
            if isinstance(e, ev.ParticipationEvent):
                students.add(e.student_uid)
        inst = self.institution_id
        for keyed, uids in wanted.items():
            for chunk in _chunks(sorted(uids)):
                keyed_query = select(keyed.uid, keyed).where(keyed.institution_id == inst, keyed.uid.in_(chunk))
                for uid, row in self.session.execute(keyed_query):
                    self._rows[(keyed, (uid,))] = row
        for chunk in _chunks(sorted(students)):
            query = select(ParticipationRow).where(
                ParticipationRow.institution_id == inst, ParticipationRow.student_uid.in_(chunk)
            )
            for row in self.session.scalars(query):
                self._rows[(ParticipationRow, (row.student_uid, row.offering_uid))] = row

    def get(self, model: type, *key: str) -> Any:
        """The row with this key (after the institution id), or None."""
        if not self.preload:
            return self.session.get(model, (self.institution_id, *key))
        return self._rows.get((model, key))

    def add(self, row: Any, *key: str) -> Any:
        """A new row: into the session and the cache."""
        self.session.add(row)
        if self.preload:
            self._rows[(type(row), key)] = row
        return row

    def get_or_new(self, model: type, uid: str) -> Any:
        """The row for a uid, created empty when missing."""
        row = self.get(model, uid)
        return row if row is not None else self.add(model(institution_id=self.institution_id, uid=uid), uid)

    def pending(self, model: type) -> list[Any]:
        """Rows of a model the cache holds (including ones not flushed yet)."""
        return [row for (m, _), row in self._rows.items() if m is model]


def _chunks(values: list[str], size: int = 500) -> list[list[str]]:
    return [values[i : i + size] for i in range(0, len(values), size)]


def record(rows: PageRows, event: ev.LadokEvent) -> set[DirtyKey]:
    """Apply one event to the projection; return the keys whose Canvas state may have to change."""
    match event:
        case ev.ParticipationEvent():
            return _participation(rows, event)
        case ev.OfferingEvent():
            return _offering(rows, event)
        case ev.CourseEvent():
            return _course(rows, event)
        case ev.OfferingCancelledEvent():
            rows.get_or_new(OfferingRow, event.offering_uid).cancelled = True
            return {DirtyKey("offering", event.offering_uid)}
        case ev.OrganisationEvent():
            org = rows.get_or_new(OrganisationRow, event.organisation_uid)
            org.code = event.code or org.code
            if event.names:
                org.names = dict(event.names)
            return set()
        case ev.StudentEvent():
            return _student(rows, event)
        case ev.SuspensionEvent():
            return _suspension(rows, event)
    raise TypeError(f"no record rule for {type(event).__name__}")


def _participation(rows: PageRows, event: ev.ParticipationEvent) -> set[DirtyKey]:
    row = rows.get(ParticipationRow, event.student_uid, event.offering_uid)
    if row is None:
        row = rows.add(
            ParticipationRow(
                institution_id=rows.institution_id,
                student_uid=event.student_uid,
                offering_uid=event.offering_uid,
                admitted=False,
                registered=False,
                completed=False,
            ),
            event.student_uid,
            event.offering_uid,
        )
    now = apply_event(
        Participation(event.student_uid, event.offering_uid, row.admitted, row.registered, row.completed),
        event.header.name,
    )
    row.admitted, row.registered, row.completed = now.admitted, now.registered, now.completed
    row.last_event = event.header.name
    row.last_handelse_uid = event.header.handelse_uid
    return {DirtyKey("student", event.student_uid)}


def _offering(rows: PageRows, event: ev.OfferingEvent) -> set[DirtyKey]:
    row = rows.get_or_new(OfferingRow, event.offering_uid)
    row.is_program = event.is_program
    for attr, value in (
        ("course_uid", event.course_uid),
        ("organisation_uid", event.organisation_uid),
        ("education_type_id", event.education_type_id),
        ("start_period_id", event.start_period_id),
        ("code", event.code),
        ("status", event.status),
    ):
        if value is not None:
            setattr(row, attr, value)
    if event.periods:
        row.start_date = min(p.first_teaching_day for p in event.periods)
        row.end_date = max(p.last_teaching_day for p in event.periods)
    if event.names:
        row.names = dict(event.names)
    return {DirtyKey("offering", event.offering_uid)}


def _course(rows: PageRows, event: ev.CourseEvent) -> set[DirtyKey]:
    row = rows.get_or_new(CourseRow, event.course_uid)
    row.is_program = event.is_program
    row.code = event.code or row.code
    if event.names:
        row.names = dict(event.names)
    row.organisation_uid = event.organisation_uid or row.organisation_uid
    row.education_type_id = event.education_type_id or row.education_type_id
    # Offerings of this course: those stored, and those this page added but has not flushed yet.
    stored = rows.session.scalars(
        select(OfferingRow.uid).where(
            OfferingRow.institution_id == rows.institution_id, OfferingRow.course_uid == event.course_uid
        )
    )
    added = [o.uid for o in rows.pending(OfferingRow) if o.course_uid == event.course_uid]
    return {DirtyKey("offering", uid) for uid in {*stored, *added}}


def _student(rows: PageRows, event: ev.StudentEvent) -> set[DirtyKey]:
    row = rows.get_or_new(StudentRow, event.student_uid)
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


def _suspension(rows: PageRows, event: ev.SuspensionEvent) -> set[DirtyKey]:
    row = rows.get(SuspensionRow, event.restriction_uid)
    if row is None:
        row = rows.add(
            SuspensionRow(institution_id=rows.institution_id, uid=event.restriction_uid, student_uid=event.student_uid),
            event.restriction_uid,
        )
    row.student_uid = event.student_uid
    row.start_date, row.end_date = event.start, event.end
    row.removed = event.handelsetyp == "BORTTAGEN"
    return {DirtyKey("student", event.student_uid)}
