"""`[logging] format = "json"`: one JSON object a line with time, level, logger and message, still redacted."""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterator

import pytest

from app.config_file import parse_config
from app.log_setup import configure_logging

PERSONNUMMER = "19900101-1239"


@pytest.fixture
def root_logger(redacting_logs: None) -> Iterator[logging.Logger]:
    """The root logger, its handlers and level restored after the test."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield root
    root.handlers[:] = handlers
    root.setLevel(level)


def test_json_lines_carry_time_level_logger_and_message_without_personal_data(
    root_logger: logging.Logger, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging(parse_config({"logging": {"format": "json"}}).logging)

    logging.getLogger("httpx").info("HTTP Request: GET https://c/api/v1/users?search_term=%s", PERSONNUMMER)
    try:
        raise ValueError(f"login {PERSONNUMMER} is taken")
    except ValueError:
        logging.getLogger("app.pipeline.worker").exception("reconciling student s-1 broke")

    err = capsys.readouterr().err
    assert PERSONNUMMER not in err
    first, second = (json.loads(line) for line in err.splitlines())
    assert first["level"] == "INFO" and first["logger"] == "httpx"
    assert first["message"] == "HTTP Request: GET https://c/api/v1/users?search_term=[redacted]"
    assert dt.datetime.fromisoformat(first["time"]).tzinfo is not None
    assert second["level"] == "ERROR" and second["message"] == "reconciling student s-1 broke"
    assert "ValueError: login [redacted] is taken" in second["traceback"]


def test_the_level_is_the_files_and_a_second_call_replaces_the_handler(
    root_logger: logging.Logger, capsys: pytest.CaptureFixture[str]
) -> None:
    config = parse_config({"logging": {"format": "json", "level": "WARNING"}}).logging
    configure_logging(config)
    configure_logging(config)  # create_app and the command both configure: still one line per record

    logging.getLogger("app").info("not shown")
    logging.getLogger("app").warning("shown")

    assert [json.loads(line)["message"] for line in capsys.readouterr().err.splitlines()] == ["shown"]


def test_without_a_logging_table_nothing_is_changed(root_logger: logging.Logger) -> None:
    handlers = list(root_logger.handlers)
    configure_logging(parse_config({}).logging)
    assert root_logger.handlers == handlers
