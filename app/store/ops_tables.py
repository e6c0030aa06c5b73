"""Tables the monitoring reads that the workers write: Canvas requests by outcome, feed reads, lag samples."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, DateTime, Float, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.store.tables import Base


class CanvasRequestCountRow(Base):
    """How many Canvas requests the workers of an institution sent, per outcome, since the database began."""

    __tablename__ = "canvas_request_count"

    institution_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    outcome: Mapped[str] = mapped_column(String(24), primary_key=True)  # app/core/request_outcome.py
    count: Mapped[int] = mapped_column(BigInteger, default=0)


class FeedReadRow(Base):
    """When a worker last read a page of an institution's Ladok feed, new entries or not."""

    __tablename__ = "feed_read"

    institution_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    read_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class LagSampleRow(Base):
    """The age of an institution's oldest pending change, sampled by the workers once a minute (the largest kept)."""

    __tablename__ = "lag_sample"

    institution_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    minute: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), primary_key=True)
    lag_seconds: Mapped[float] = mapped_column(Float)
    pending: Mapped[int] = mapped_column(Integer)
