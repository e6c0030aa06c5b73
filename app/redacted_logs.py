"""Log records with personal data taken out (app/core/redact.py), whichever logger writes them.

httpx logs every request URL at INFO (a login search carries the personnummer), and a traceback repeats
an error's text. Each record is redacted as it is made: its message is filled in and redacted, and its
traceback formatted and redacted, so no handler or formatter an operator configures sees them whole.
"""

from __future__ import annotations

import logging
from typing import Any

from app.core.redact import redact

_TRACEBACKS = logging.Formatter()


def _redacting(make: Any) -> Any:
    def make_redacted(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record: logging.LogRecord = make(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # arguments that do not fit the message: logging reports it, without them
            message, record.args = str(record.msg), None
        record.msg, record.args = redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(_TRACEBACKS.formatException(record.exc_info))
        return record

    make_redacted.redacting = True  # type: ignore[attr-defined]
    return make_redacted


def install() -> None:
    """Redact every log record this process makes from now on (once: later calls change nothing)."""
    current = logging.getLogRecordFactory()
    if not getattr(current, "redacting", False):
        logging.setLogRecordFactory(_redacting(current))
