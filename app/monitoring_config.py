"""The configuration file's `[health]` and `[logging]` tables: when /healthz calls a worker stale, how logs look."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class HealthConfig(BaseModel):
    """The `[health]` table: how old the last feed read and worker heartbeat may be before /healthz answers 503."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    feed_read_max_age_seconds: float = Field(300.0, gt=0)
    worker_beat_max_age_seconds: float = Field(120.0, gt=0)


class LoggingConfig(BaseModel):
    """The `[logging]` table: `format` "text" (default) or "json" (one object a line), and the `level`."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    format: Literal["text", "json"] = "text"
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
