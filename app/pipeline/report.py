"""The status report: what a period applied, held, deferred and failed, and how far behind we are."""

from __future__ import annotations

import datetime as dt
import smtplib
import ssl
from collections import Counter
from dataclasses import dataclass, field
from email.message import EmailMessage

from sqlalchemy import ColumnElement, Engine, func, select
from sqlalchemy.orm import Session

from app.config import MailConfig
from app.core.operation_words import applied_in_words
from app.store.db import as_utc
from app.store.queue_tables import JobRow
from app.store.tables import ActionLogRow, FeedPosition, HeldRemovalRow, InboxEvent, InstitutionControlRow


@dataclass(frozen=True)
class StatusReport:
    """One institution's summary for a period."""

    institution_id: str
    since: dt.datetime
    until: dt.datetime
    applied: Counter[str] = field(default_factory=Counter)
    held: int = 0
    deferred: int = 0
    failed: int = 0
    dead_letters: int = 0
    pending: int = 0
    oldest_pending: dt.datetime | None = None
    events_recorded: int = 0
    paused: bool = False
    feed_position: str | None = None

    @property
    def lag(self) -> dt.timedelta | None:
        """How long the oldest pending key has waited."""
        return self.until - self.oldest_pending if self.oldest_pending else None

    def needs_attention(self) -> bool:
        """Held removals, dead letters or a pause are things an operator must act on."""
        return bool(self.held or self.dead_letters or self.paused)

    def text(self) -> str:
        """The report as plain text, for the mail and the command line."""
        lines = [
            f"Kursadministration, {self.institution_id}: {self.since:%Y-%m-%d %H:%M} – {self.until:%Y-%m-%d %H:%M} UTC",
            "PAUSED: nothing is applied to Canvas until resumed." if self.paused else "Running.",
            f"Ladok events recorded: {self.events_recorded}; feed position: {self.feed_position or 'not started'}",
            "Applied in Canvas: "
            + ("; ".join(f"{what}: {n}" for what, n in applied_in_words(dict(self.applied), "en")) or "nothing"),
            f"Held by the safety filter (waiting for an operator): {self.held}",
            f"Deferred by delay delete: {self.deferred}",
            f"Failed attempts: {self.failed}; dead letters: {self.dead_letters}",
            f"Pending keys: {self.pending}" + (f"; oldest waiting {self.lag}" if self.lag else ""),
        ]
        return "\n".join(lines) + "\n"


def _outcomes(
    s: Session, institution_id: str, since: dt.datetime, until: dt.datetime
) -> tuple[Counter[str], Counter[str]]:
    """Changes applied per operation, and actions per outcome, in [since, until)."""
    rows = s.execute(
        select(ActionLogRow.operation, ActionLogRow.outcome, func.count())
        .where(
            ActionLogRow.institution_id == institution_id,
            ActionLogRow.at >= since,
            ActionLogRow.at < until,
        )
        .group_by(ActionLogRow.operation, ActionLogRow.outcome)
    ).all()
    applied: Counter[str] = Counter()
    outcomes: Counter[str] = Counter()
    for operation, outcome, count in rows:
        outcomes[outcome] += count
        if outcome == "done":
            applied[operation] += count
    return applied, outcomes


def _count(s: Session, *where: ColumnElement[bool]) -> int:
    return s.scalar(select(func.count()).where(*where)) or 0


def build_report(
    engine: Engine, institution_id: str, since: dt.datetime, until: dt.datetime | None = None
) -> StatusReport:
    """Summarise the action log, queue and inbox of one institution for [since, until)."""
    until = until or dt.datetime.now(dt.UTC)
    with Session(engine) as s:
        applied, outcomes = _outcomes(s, institution_id, since, until)
        pending_q = select(func.count(), func.min(JobRow.dirtied_at)).where(
            JobRow.institution_id == institution_id, JobRow.dirty_seq > JobRow.done_seq, JobRow.dead.is_(False)
        )
        pending, oldest = s.execute(pending_q).one()
        control = s.get(InstitutionControlRow, institution_id)
        position = s.get(FeedPosition, institution_id)
        return StatusReport(
            institution_id=institution_id,
            since=since,
            until=until,
            applied=applied,
            held=_count(s, HeldRemovalRow.institution_id == institution_id),
            deferred=outcomes["deferred"],
            failed=outcomes["failed"] + outcomes["dead"],
            dead_letters=_count(s, JobRow.institution_id == institution_id, JobRow.dead.is_(True)),
            pending=pending or 0,
            oldest_pending=as_utc(oldest),
            events_recorded=_count(
                s,
                InboxEvent.institution_id == institution_id,
                InboxEvent.recorded_at >= since,
                InboxEvent.recorded_at < until,
            ),
            paused=bool(control and control.paused),
            feed_position=f"{position.page_url} after {position.entry_id}" if position else None,
        )


def send_report(report: StatusReport, mail: MailConfig) -> EmailMessage:
    """Send the report by e-mail; the subject says at once whether an operator must act."""
    msg = EmailMessage()
    flag = "ACTION NEEDED" if report.needs_attention() else "OK"
    msg["Subject"] = f"[Kursadministration {report.institution_id}] {flag}: status {report.until:%Y-%m-%d %H:%M}"
    msg["From"] = mail.sender
    msg["To"] = ", ".join(mail.recipients)
    msg.set_content(report.text())
    with _connect(mail) as smtp:
        if mail.username and mail.password:  # the configuration allows a password only over TLS
            smtp.login(mail.username, mail.password)
        smtp.send_message(msg)
    return msg


def _connect(mail: MailConfig) -> smtplib.SMTP:
    """A connection to the mail server; with TLS (implicit or STARTTLS) only to one whose certificate verifies.

    smtplib's own STARTTLS context verifies nothing, so a man in the middle could read the password and
    the report: both kinds of TLS get `ssl.create_default_context()` (system CAs, host name checked).
    A server that does not offer STARTTLS when it is configured is refused, never fallen back from.
    """
    context = ssl.create_default_context()
    if mail.implicit_tls:
        return smtplib.SMTP_SSL(mail.smtp_host, mail.port, timeout=30, context=context)
    smtp = smtplib.SMTP(mail.smtp_host, mail.port, timeout=30)
    if mail.starttls:
        try:
            smtp.starttls(context=context)
        except BaseException:
            smtp.close()
            raise
    return smtp
