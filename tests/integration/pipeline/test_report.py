"""The status report counts what was applied, held and pending, and goes out by SMTP."""

from __future__ import annotations

import datetime as dt
import socket
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from sqlalchemy import Engine

from app.config import MailConfig
from app.core.safeguards import SafetyLimits
from app.core.settings import InstitutionSettings
from app.pipeline.report import StatusReport, build_report, send_report
from tests.integration.pipeline.world import World, add_offering, add_student
from tests.tls import server_files


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
    offering = add_offering(world).offering
    students = [add_student(world, f"S{i}", f"19900101{1000 + i}") for i in range(3)]
    for s in students:
        world.ladok.add_registration(s, offering)
    world.sync()
    world.safeguards = SafetyLimits(max_removals_per_hour=1)
    for s in students:
        world.ladok.add_participation("AvbrottEvent", s, offering)
    world.sync()

    report = build_report(engine, "kth", dt.datetime.now(dt.UTC) - dt.timedelta(hours=1))

    assert report.applied["Enroll"] == 3 and report.applied["Unenroll"] == 1
    assert report.held == 2 and report.needs_attention()
    assert report.pending == 0 and report.events_recorded > 0
    port, received = smtp_sink
    msg = send_report(
        report,
        MailConfig(smtp_host="127.0.0.1", smtp_port=port, sender="ka@example.se", recipients=("ops@example.se",)),
    )
    assert "ACTION NEEDED" in msg["Subject"]
    assert "Held by the safety filter (waiting for an operator): 2" in received[0]


def test_of_several_workers_exactly_one_sends_each_report(engine: Engine, smtp_sink: tuple[int, list[str]]) -> None:
    from app.pipeline.worker import send_due_reports

    port, received = smtp_sink
    mail = MailConfig(
        smtp_host="127.0.0.1", smtp_port=port, sender="ka@example.se", recipients=("ops@example.se",), every_minutes=60
    )

    sent = [send_due_reports(engine, ["kth"], mail) for _ in range(3)]  # three workers' rounds

    assert sent == [1, 0, 0] and len(received) == 1


@dataclass
class MailServer:
    """A real SMTP server (aiosmtpd) on loopback speaking TLS, and what reached it."""

    port: int
    ca: Path  # the CA that signed its certificate: trusted only where a test says so
    tls: dict[str, bool]  # the [mail] switch it needs
    messages: list[str] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd's name)
        """Keep the message."""
        self.messages.append(envelope.content.decode())
        return "250 Message accepted for delivery"

    def authenticate(
        self, _server: Any, _session: Any, _envelope: Any, _mechanism: str, auth_data: LoginPassword
    ) -> AuthResult:
        """Note who logged in; any password will do."""
        self.logins.append(auth_data.login.decode())
        return AuthResult(success=True)


class _AnyPortController(Controller):
    """aiosmtpd's controller on a port the system picks (its own start-up check needs the port known)."""

    def _trigger_server(self) -> None:
        assert self.server is not None
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


@pytest.fixture(params=["starttls", "implicit_tls"])
def tls_mail_server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[MailServer]:
    """An SMTP server that offers STARTTLS (and insists on it), or speaks TLS from the first byte (SMTPS)."""
    files = server_files(tmp_path, ca_name="Mail Test CA")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(files.server)
    server = MailServer(0, files.ca, {request.param: True})
    # aiosmtpd's auth_require_tls means "after STARTTLS"; an SMTPS connection is TLS from the start.
    tls: dict[str, Any] = (
        {"tls_context": context, "require_starttls": True, "auth_require_tls": True}
        if request.param == "starttls"
        else {"ssl_context": context, "auth_require_tls": False}
    )
    controller = _AnyPortController(server, hostname="127.0.0.1", port=0, authenticator=server.authenticate, **tls)
    controller.start()
    server.port = controller.port
    yield server
    controller.stop()


def _mail(server: MailServer) -> MailConfig:
    return MailConfig(
        smtp_host="127.0.0.1",
        smtp_port=server.port,
        sender="ka@example.se",
        recipients=("ops@example.se",),
        username="kursadmin",
        password="hemligt",
        **server.tls,
    )


REPORT = StatusReport("kth", dt.datetime(2025, 6, 1, tzinfo=dt.UTC), dt.datetime(2025, 6, 1, 1, tzinfo=dt.UTC))


def test_a_mail_server_whose_certificate_is_not_trusted_gets_neither_password_nor_report(
    tls_mail_server: MailServer,
) -> None:
    with pytest.raises(ssl.SSLCertVerificationError):
        send_report(REPORT, _mail(tls_mail_server))

    assert tls_mail_server.logins == [] and tls_mail_server.messages == []


def test_a_mail_server_with_a_trusted_certificate_gets_the_login_and_the_report(
    tls_mail_server: MailServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(tls_mail_server.ca))  # as if the CA were among the system's

    send_report(REPORT, _mail(tls_mail_server))

    assert tls_mail_server.logins == ["kursadmin"]
    assert "Kursadministration, kth: 2025-06-01 00:00" in tls_mail_server.messages[0]
