"""SQLAlchemy tables: the inbox, feed positions, rejected entries, the projection of what Ladok says, and the
ledger of what the adapter did in Canvas with its controls and intents.

`Base` is here; the teachers' course tables (course_tables), the queue (queue_tables), LTI (lti_tables) and
the Canvas throttle (throttle_gate) join its metadata from their own modules (app.store.schema imports them all).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import JSON, BigInteger, Date, DateTime, Index, Integer, String, Text, UniqueConstraint, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from app.store.object_kinds import ObjectKind, ObjectKindColumn

UID = String(64)  # Ladok UIDs are UUID text; leave room for co-reading section ids


class Base(DeclarativeBase):
    """Declarative base; all tables share its metadata (and so Alembic's)."""


class FeedPosition(Base):
    """Where reading an institution's feed stands: the page and the last entry applied from it."""

    __tablename__ = "feed_position"

    institution_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    page_url: Mapped[str] = mapped_column(Text)
    entry_id: Mapped[str | None] = mapped_column(String(128))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class InboxEvent(Base):
    """Every entry read from a feed, once per institution and HandelseUID, with what was done with it."""

    __tablename__ = "inbox_event"
    __table_args__ = (
        UniqueConstraint("institution_id", "handelse_uid", name="uq_inbox_handelse"),
        Index("ix_inbox_student", "institution_id", "student_uid"),
        Index("ix_inbox_offering", "institution_id", "offering_uid"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    institution_id: Mapped[str] = mapped_column(String(32))
    handelse_uid: Mapped[str] = mapped_column(String(128))
    entry_id: Mapped[str] = mapped_column(String(128))
    event_type: Mapped[str] = mapped_column(String(200))
    outcome: Mapped[str] = mapped_column(String(24))  # recorded | unknown | other_institution
    student_uid: Mapped[str | None] = mapped_column(UID)
    offering_uid: Mapped[str | None] = mapped_column(UID)
    page_url: Mapped[str] = mapped_column(Text)
    entry_updated: Mapped[str | None] = mapped_column(String(40))
    payload: Mapped[dict | None] = mapped_column(JSON)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class RejectedEntry(Base):
    """A feed entry or page that could not be used, with the reason; kept so nothing is lost silently."""

    __tablename__ = "rejected_entry"
    __table_args__ = (UniqueConstraint("institution_id", "page_url", "entry_id", name="uq_rejected_entry"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    institution_id: Mapped[str] = mapped_column(String(32))
    page_url: Mapped[str] = mapped_column(Text)
    entry_id: Mapped[str] = mapped_column(String(128))  # "" for a whole page
    event_type: Mapped[str | None] = mapped_column(String(200))
    handelse_uid: Mapped[str | None] = mapped_column(String(128))
    reason: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class ParticipationRow(Base):
    """What Ladok says about one student on one offering."""

    __tablename__ = "participation"
    __table_args__ = (Index("ix_participation_offering", "institution_id", "offering_uid"),)
    # The record step inserts hundreds of these a page and never reads `updated_at` back; by default the ORM
    # fetches it with INSERT … RETURNING, rendered as multi-row VALUES batches, not a plain executemany.
    __mapper_args__: Mapping[str, Any] = {"eager_defaults": False}

    institution_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    student_uid: Mapped[str] = mapped_column(UID, primary_key=True)
    offering_uid: Mapped[str] = mapped_column(UID, primary_key=True)
    admitted: Mapped[bool] = mapped_column(default=False)
    registered: Mapped[bool] = mapped_column(default=False)
    completed: Mapped[bool] = mapped_column(default=False)
    last_event: Mapped[str] = mapped_column(String(64))
    last_handelse_uid: Mapped[str] = mapped_column(String(128))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class CourseRow(Base):
    """A Ladok course or program (utbildningsinstans)."""

    __tablename__ = "ladok_course"

    institution_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    uid: Mapped[str] = mapped_column(UID, primary_key=True)
    is_program: Mapped[bool] = mapped_column(default=False)
    code: Mapped[str | None] = mapped_column(String(64))
    names: Mapped[dict] = mapped_column(JSON, default=dict)
    organisation_uid: Mapped[str | None] = mapped_column(UID)
    education_type_id: Mapped[int | None] = mapped_column(Integer)


class OfferingRow(Base):
    """A course or program offering (utbildningstillfälle)."""

    __tablename__ = "ladok_offering"

    institution_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    uid: Mapped[str] = mapped_column(UID, primary_key=True)
    is_program: Mapped[bool] = mapped_column(default=False)
    course_uid: Mapped[str | None] = mapped_column(UID)
    code: Mapped[str | None] = mapped_column(String(64))
    start_period_id: Mapped[int | None] = mapped_column(Integer)
    term: Mapped[str | None] = mapped_column(String(32))
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    organisation_uid: Mapped[str | None] = mapped_column(UID)
    education_type_id: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[int | None] = mapped_column(Integer)
    cancelled: Mapped[bool] = mapped_column(default=False)
    names: Mapped[dict] = mapped_column(JSON, default=dict)


class OrganisationRow(Base):
    """A department (organisation): becomes a Canvas sub-account."""

    __tablename__ = "ladok_organisation"

    institution_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    uid: Mapped[str] = mapped_column(UID, primary_key=True)
    code: Mapped[str | None] = mapped_column(String(64))
    names: Mapped[dict] = mapped_column(JSON, default=dict)


class StudentRow(Base):
    """Student data known from Ladok events or its REST API."""

    __tablename__ = "ladok_student"

    institution_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    uid: Mapped[str] = mapped_column(UID, primary_key=True)
    first_name: Mapped[str | None] = mapped_column(String(200))
    last_name: Mapped[str | None] = mapped_column(String(200))
    personnummer: Mapped[str | None] = mapped_column(String(32))
    email: Mapped[str | None] = mapped_column(String(320))


class SuspensionRow(Base):
    """An avstängning (StudentrestriktionEvent of type AVSTANGNING); removed ones are kept, flagged."""

    __tablename__ = "suspension"
    __table_args__ = (Index("ix_suspension_student", "institution_id", "student_uid"),)

    institution_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    uid: Mapped[str] = mapped_column(UID, primary_key=True)
    student_uid: Mapped[str] = mapped_column(UID)
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    removed: Mapped[bool] = mapped_column(default=False)


class TermRow(Base):
    """Ladok's period list: StartperiodID → term code (e.g. HT2024)."""

    __tablename__ = "ladok_term"

    institution_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    period_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32))


class CanvasObjectRow(Base):
    """Ledger of Canvas objects the adapter made, adopted or learnt of, by kind and the id it is known by.

    The kinds and what each one's `sis_id` holds: `app/store/object_kinds.py`.
    """

    __tablename__ = "canvas_object"

    institution_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[ObjectKind] = mapped_column(ObjectKindColumn(), primary_key=True)
    sis_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    canvas_id: Mapped[int] = mapped_column(BigInteger)
    parent_canvas_id: Mapped[int | None] = mapped_column(BigInteger)  # a section's course, a child's account
    # What we last set or saw: a user's name, login_id and e-mail; a course's name and workflow_state.
    state: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class LedgerEnrollmentRow(Base):
    """Ledger of enrollments the adapter made: one per student, section and kind."""

    __tablename__ = "ledger_enrollment"
    __table_args__ = (Index("ix_ledger_course", "institution_id", "canvas_course_id"),)

    institution_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    student_uid: Mapped[str] = mapped_column(UID, primary_key=True)
    section_sis_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    canvas_enrollment_id: Mapped[int] = mapped_column(BigInteger)
    canvas_course_id: Mapped[int] = mapped_column(BigInteger)
    state: Mapped[str] = mapped_column(String(16))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class ActionLogRow(Base):
    """What the adapter did in Canvas and why: the record behind 'explain' and the status report."""

    __tablename__ = "action_log"
    __table_args__ = (
        Index("ix_action_student", "institution_id", "student_uid"),
        Index("ix_action_recent", "institution_id", "operation", "at"),  # the safety filter's hourly count
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    institution_id: Mapped[str] = mapped_column(String(32))
    student_uid: Mapped[str | None] = mapped_column(UID)
    offering_uid: Mapped[str | None] = mapped_column(UID)
    operation: Mapped[str] = mapped_column(String(40))
    outcome: Mapped[str] = mapped_column(String(16))  # done | held | deferred | failed | dead | replanned
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class InstitutionControlRow(Base):
    """Operator switches per institution: pause, the delay-delete and release windows (limits are the file's)."""

    __tablename__ = "institution_control"

    institution_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    paused: Mapped[bool] = mapped_column(default=False)
    paused_by: Mapped[str | None] = mapped_column(String(200))
    delay_delete_start: Mapped[dt.date | None] = mapped_column(Date)
    delay_delete_end: Mapped[dt.date | None] = mapped_column(Date)
    released_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    last_report_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class HeldRemovalRow(Base):
    """A removal the safety filter held back, waiting for an operator to release or discard it."""

    __tablename__ = "held_removal"

    institution_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    student_uid: Mapped[str] = mapped_column(UID, primary_key=True)
    section_sis_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    canvas_course_id: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(Text)
    held_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class EnrollIntentRow(Base):
    """An enrollment about to be made in Canvas, written before the call: after a crash it is looked up, not lost."""

    __tablename__ = "enroll_intent"

    institution_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    student_uid: Mapped[str] = mapped_column(UID, primary_key=True)
    section_sis_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    role_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class MessageIntentRow(Base):
    """A suspension message about to be sent, written before the call: after a crash the sent box is read first."""

    __tablename__ = "message_intent"

    institution_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    suspension_uid: Mapped[str] = mapped_column(UID, primary_key=True)
    course_key: Mapped[str] = mapped_column(String(200), primary_key=True)
    student_uid: Mapped[str] = mapped_column(UID)
    # Set by the worker (not the server) in UTC: it is compared with the times Canvas gives its messages.
    noted_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
