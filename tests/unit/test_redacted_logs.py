"""Every log record is redacted as it is made: message, arguments and traceback, for any logger."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from app import create_app, redacted_logs
from app.config_file import parse_config

PERSONNUMMER = "19900101-1239"


def _formatted(caplog: pytest.LogCaptureFixture) -> str:
    return "\n".join(caplog.handler.format(r) for r in caplog.records)


def test_messages_arguments_and_tracebacks_lose_the_personal_data(
    redacting_logs: None, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    logging.getLogger("httpx").info("HTTP Request: %s %s", "GET", f"https://c/api/v1/users?search_term={PERSONNUMMER}")
    try:
        raise ValueError(f"login {PERSONNUMMER} is taken (anna@example.se)")
    except ValueError:
        logging.getLogger("app.pipeline.worker").exception("reconciling student s-1 broke")

    text = _formatted(caplog)
    assert "search_term=[redacted]" in text and "ValueError: login [redacted] is taken ([redacted])" in text
    assert PERSONNUMMER not in text and "anna@example.se" not in text
    assert "reconciling student s-1 broke" in text  # what an operator needs stays


def test_a_message_whose_arguments_do_not_fit_is_still_logged(
    redacting_logs: None, caplog: pytest.LogCaptureFixture
) -> None:
    logging.getLogger("app").warning("two %s %s", PERSONNUMMER)
    assert caplog.records[0].getMessage() == "two %s %s"


def test_the_application_redacts_its_logs_from_the_start(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    before = logging.getLogRecordFactory()
    try:
        create_app(parse_config({"database_url": f"sqlite:///{tmp_path / 'k.db'}"}, {}))
        installed = logging.getLogRecordFactory()
        redacted_logs.install()
        assert logging.getLogRecordFactory() is installed  # not wrapped twice
        logging.getLogger("app").warning("lookup of %s failed", PERSONNUMMER)
    finally:
        logging.setLogRecordFactory(before)
    assert caplog.records[0].getMessage() == "lookup of [redacted] failed"
