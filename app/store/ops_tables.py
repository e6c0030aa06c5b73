"""Tables the monitoring reads that the workers write: Canvas requests counted by outcome, feed reads."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, DateTime, String
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
