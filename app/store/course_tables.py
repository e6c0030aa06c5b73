"""SQLAlchemy tables of what teachers decide about a Canvas course: early access, links, requests, the audit."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Date, DateTime, Index, Integer, String, func, text
from sqlalchemy.orm import Mapped, mapped_column

from app.store.tables import UID, Base


class CourseSettingsRow(Base):
    """A Canvas course's early-access switch and purge date, set by a teacher or at creation."""

    __tablename__ = "course_settings"

    institution_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    canvas_course_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    early_access: Mapped[bool] = mapped_column(default=False)
    purge_date: Mapped[dt.date | None] = mapped_column(Date)
    changed_by: Mapped[str | None] = mapped_column(String(200))
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class CoReadingLinkRow(Base):
    """An offering linked into a Canvas course by a teacher (samläsning)."""

    __tablename__ = "coreading_link"
    __table_args__ = (Index("ix_coreading_offering", "institution_id", "offering_uid"),)

    institution_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    canvas_course_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    offering_uid: Mapped[str] = mapped_column(UID, primary_key=True)
    linked_by: Mapped[str | None] = mapped_column(String(200))
    linked_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class LinkRequestRow(Base):
    """A teacher's wish to link an offering they do not teach into their course, waiting for an admin."""

    __tablename__ = "link_request"
    __table_args__ = (
        # One open request per course and offering; decided ones stay as history.
        Index(
            "uq_link_request_pending",
            "institution_id",
            "canvas_course_id",
            "offering_uid",
            unique=True,
            postgresql_where=text("status = 'pending'"),
            sqlite_where=text("status = 'pending'"),
        ),
        Index("ix_link_request_status", "institution_id", "status"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    institution_id: Mapped[str] = mapped_column(String(32))
    canvas_course_id: Mapped[int] = mapped_column(BigInteger)
    offering_uid: Mapped[str] = mapped_column(UID)
    status: Mapped[str] = mapped_column(String(16))  # pending | approved | rejected | linked (consent shown later)
    requested_by: Mapped[str] = mapped_column(String(200))
    requested_by_name: Mapped[str | None] = mapped_column(String(300))
    requested_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[str | None] = mapped_column(String(200))
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class CourseAuditRow(Base):
    """One change of a Canvas course's settings: who (Canvas user or SSO identity), when, what, old → new."""

    __tablename__ = "course_audit"
    __table_args__ = (
        Index("ix_course_audit_course", "institution_id", "canvas_course_id"),
        Index("ix_course_audit_offering", "institution_id", "offering_uid"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    institution_id: Mapped[str] = mapped_column(String(32))
    canvas_course_id: Mapped[int] = mapped_column(BigInteger)
    change: Mapped[str] = mapped_column(String(24))  # early_access | purge_date | link | unlink | link_* (requests)
    offering_uid: Mapped[str | None] = mapped_column(UID)
    old_value: Mapped[str | None] = mapped_column(String(200))
    new_value: Mapped[str | None] = mapped_column(String(200))
    by: Mapped[str] = mapped_column(String(200))  # canvas:<user id> | sso:<identity> | created (the adapter)
    by_name: Mapped[str | None] = mapped_column(String(300))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
