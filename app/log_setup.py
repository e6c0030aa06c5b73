"""Where this process's log records go and how they look: the `[logging]` table (text or JSON lines).

Without a `[logging]` table nothing is changed (Python's default: warnings and errors to standard
error). Either way every record passes the redaction of app/redacted_logs.py first.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys

from app import redacted_logs
from app.monitoring_config import LoggingConfig

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class JsonLinesFormatter(logging.Formatter):
    """One JSON object per record, on one line: time (UTC, ISO 8601), level, logger, message, and any traceback."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as one line of JSON."""
        line = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line["traceback"] = record.exc_text
        return json.dumps(line, ensure_ascii=False)


class _KursadminHandler(logging.StreamHandler):
    """The handler this module installs, told apart so a second call replaces it instead of adding one."""


def configure_logging(config: LoggingConfig) -> None:
    """Send this process's records to standard error as the `[logging]` table says (only when the file has one)."""
    redacted_logs.install()
    if not config.model_fields_set:
        return
    root = logging.getLogger()
    for handler in [h for h in root.handlers if isinstance(h, _KursadminHandler)]:
        root.removeHandler(handler)
    handler = _KursadminHandler(sys.stderr)
    handler.setFormatter(JsonLinesFormatter() if config.format == "json" else logging.Formatter(TEXT_FORMAT))
    root.addHandler(handler)
    root.setLevel(config.level)
