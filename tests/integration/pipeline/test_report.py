"""The status report counts what was applied, held and pending, and goes out by SMTP."""

from __future__ import annotations

import datetime as dt
import socket
import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from app.config import MailConfig
from app.core.settings import InstitutionSettings
from app.pipeline.report import build_report, send_report
from app.store import control
from app.store.db import write_session
from tests.integration.pipeline.test_rules_end_to_end import _catalogue, _student
from tests.integration.pipeline.world import World


@pytest.fixture
def smtp_sink() -> Iterator[tuple[int, list[str]]]:
    """A minimal SMTP server on loopback that keeps each message's DATA."""
    received: list[str] = []
    server = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:
        conn, _ = server.accept()
        with conn, conn.makefile("rwb") as f:
            def say(line: str) -> None:
                f.write(line.encode() + b"\r\n")
                f.flush()
            say("220 sink")
            while line := f.readline().decode():
                verb = line[:4].upper()
                if verb == "EHLO":
                    say("250 sink")
                elif verb == "DATA":
                    say("354 go on")
                    body = []
                    while (part := f.readline().decode()) != ".\r\n":
                        body.append(part)
                    received.append("".join(body))
                    say("250 queued")
                elif verb == "QUIT":
                    say("221 bye")
                    return
                else:
                    say("250 ok")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1], received
    server.close()


def test_report_counts_the_period_and_flags_held_removals(engine: Engine, smtp_sink: tuple[int, list[str]]) -> None:
    world = World(engine, InstitutionSettings())
    offering = _catalogue(world)
    students = [_student(world, f"S{i}", f"19900101{1000 + i}") for i in range(3)]
    for s in students:
        world.ladok.add_registration(s, offering)
    world.sync()
    with write_session(engine) as s:
        control.set_safety_filter(s, "kth", max_removals_per_hour=1)
    for s in students:
        world.ladok.add_participation("AvbrottEvent", s, offering)
    world.sync()

    report = build_report(engine, "kth", dt.datetime.now(dt.UTC) - dt.timedelta(hours=1))

    assert report.applied["Enroll"] == 3 and report.applied["Unenroll"] == 1
    assert report.held == 2 and report.needs_attention()
    assert report.pending == 0 and report.events_recorded > 0
    port, received = smtp_sink
    msg = send_report(report, MailConfig(smtp_host="127.0.0.1", smtp_port=port, sender="ka@example.se",
                                         recipients=("ops@example.se",)))
    assert "ACTION NEEDED" in msg["Subject"]
    assert "Held by the safety filter (waiting for an operator): 2" in received[0]


def test_of_several_workers_exactly_one_sends_each_report(engine: Engine, smtp_sink: tuple[int, list[str]]) -> None:
    from app.pipeline.worker import send_due_reports

    port, received = smtp_sink
    mail = MailConfig(smtp_host="127.0.0.1", smtp_port=port, sender="ka@example.se", recipients=("ops@example.se",),
                      every_minutes=60)

    sent = [send_due_reports(engine, ["kth"], mail) for _ in range(3)]  # three workers' rounds

    assert sent == [1, 0, 0] and len(received) == 1
