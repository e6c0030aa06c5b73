"""The `kursadmin` command: a Flask CLI group over the application."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy import Engine, func, select

from app import create_app
from app.config import AppConfig, ConfigError
from app.pipeline.ingest import IngestResult, ingest_page_bytes
from app.store.schema import current_revision, upgrade

if TYPE_CHECKING:
    from app.pipeline.reconcile import InstitutionContext
from app.store.tables import (
    FeedPosition,
    HeldRemovalRow,
    InboxEvent,
    InstitutionControlRow,
    JobRow,
    RejectedEntry,
)


def _create_app() -> Flask:
    try:
        return create_app()
    except ConfigError as err:
        click.echo(str(err), err=True)
        sys.exit(2)


def _engine() -> Engine:
    return current_app.extensions["kursadmin.engine"]


def _config() -> AppConfig:
    return current_app.config["KURSADMIN"]


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=False, add_version_option=False)
def main() -> None:
    """Kursadministration: keeps Canvas in step with Ladok."""


@main.command("init")
@with_appcontext
def init_command() -> None:
    """Create the database schema, or upgrade it to the newest version."""
    before = current_revision(_engine())
    upgrade(_engine())
    after = current_revision(_engine())
    click.echo(f"schema at {after}" + ("" if before == after else f" (was {before or 'empty'})"))


def _print_result(source: str, result: IngestResult) -> None:
    recorded = sum(result.recorded.values())
    unknown = sum(result.unknown.values())
    click.echo(
        f"{source}: {recorded} recorded, {unknown} unknown type skipped, {result.other_institution} other "
        f"institution, {result.duplicates} already seen, {len(result.rejected)} rejected"
    )
    for line in result.rejected:
        click.echo(f"  rejected {line}")


@main.command("ingest")
@click.option("--institution", "institution_id", required=True, help="Institution id from the configuration.")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def ingest_command(institution_id: str, files: tuple[Path, ...]) -> None:
    """Record Atom feed pages, as Ladok serves them, for one institution (oldest page first)."""
    try:
        inst = _config().institution(institution_id)
    except ConfigError as err:
        raise click.UsageError(str(err)) from None
    upgrade(_engine())
    total = IngestResult()
    for path in files:
        result = ingest_page_bytes(_engine(), inst.id, inst.ladok_larosate_id, path.read_bytes(), str(path))
        _print_result(str(path), result)
        total.add(result)
    if len(files) > 1:
        _print_result("total", total)


@main.command("status")
@click.option("--institution", "institution_id", default=None, help="Only this institution.")
@with_appcontext
def status_command(institution_id: str | None) -> None:
    """Feed position, events per type, rejected entries with reasons, and the queue."""
    from sqlalchemy.orm import Session

    upgrade(_engine())
    ids = [institution_id] if institution_id else [i.id for i in _config().institutions]
    with Session(_engine()) as session:
        for inst in ids:
            click.echo(f"institution {inst}")
            pos = session.get(FeedPosition, inst)
            click.echo(f"  position: {pos.page_url} after entry {pos.entry_id}" if pos else "  position: not started")
            rows = session.execute(
                select(InboxEvent.outcome, InboxEvent.event_type, func.count())
                .where(InboxEvent.institution_id == inst)
                .group_by(InboxEvent.outcome, InboxEvent.event_type)
                .order_by(InboxEvent.outcome, InboxEvent.event_type)
            ).all()
            for outcome, event_type, count in rows:
                click.echo(f"  {outcome:<17} {event_type}: {count}")
            pending = session.scalar(select(func.count()).where(
                JobRow.institution_id == inst, JobRow.dirty_seq > JobRow.done_seq, JobRow.dead.is_(False)))
            dead = session.scalar(select(func.count()).where(JobRow.institution_id == inst, JobRow.dead.is_(True)))
            click.echo(f"  queue: {pending} pending, {dead} dead letters")
            ctl = session.get(InstitutionControlRow, inst)
            if ctl is not None:
                window = f"{ctl.delay_delete_start} – {ctl.delay_delete_end}" if ctl.delay_delete_start else "none"
                held = session.scalar(select(func.count()).where(HeldRemovalRow.institution_id == inst))
                click.echo(f"  {'PAUSED' if ctl.paused else 'running'}; delay delete: {window}; "
                           f"safety filter {'on' if ctl.safety_filter else 'OFF'}, {held} removals held")
            rejected = session.scalars(
                select(RejectedEntry).where(RejectedEntry.institution_id == inst).order_by(RejectedEntry.id)
            ).all()
            click.echo(f"  rejected: {len(rejected)}")
            for r in rejected:
                click.echo(f"    {r.entry_id or '(page)'} [{r.event_type or '-'}] {r.reason}")


@main.command("worker")
@click.option("--until-idle", is_flag=True, help="Read the feeds once, apply everything pending, then stop.")
@click.option("--concurrency", default=4, show_default=True, help="Reconcilers in this process.")
@click.option("--no-feed", is_flag=True, help="Do not read Ladok; work on what `ingest` recorded.")
@click.option("--poll", default=10.0, show_default=True, help="Seconds between feed reads.")
@click.option("--lease", type=float, default=None,
              help="Seconds a dead worker's keys stay locked (default: KURSADMIN_WORKER_LEASE, else 60).")
@with_appcontext
def worker_command(until_idle: bool, concurrency: int, no_feed: bool, poll: float, lease: float | None) -> None:
    """Read Ladok's feeds and make Canvas match; several workers may share one PostgreSQL."""
    from app.pipeline.worker import context_for, drain, feed_fetcher, read_feed, run_forever, shared_gates

    upgrade(_engine())
    institutions = list(_config().institutions)
    gate_for = shared_gates(_engine())
    contexts = {inst.id: context_for(inst, gate=gate_for(inst)) for inst in institutions}
    _refuse_unusable_roles(contexts)
    fetchers = {inst.id: feed_fetcher(inst) for inst in institutions}
    if until_idle:
        if not no_feed:
            for inst in institutions:
                result = read_feed(_engine(), inst, fetchers[inst.id])
                _print_result(f"{inst.id} feed", result)
        stats = drain(_engine(), contexts, concurrency, lease=lease)
        click.echo(f"reconciled {stats.keys} keys with {stats.operations} Canvas operations")
        return
    run_forever(_engine(), [] if no_feed else institutions, contexts, fetchers, concurrency, poll,
                lease=lease, mail=_config().mail)


def _refuse_unusable_roles(contexts: Mapping[str, InstitutionContext]) -> None:
    """Stop before enrolling anyone when Canvas would refuse a configured role (each named, with why)."""
    from app.canvas.errors import CanvasError
    from app.canvas.roles import role_problems

    problems = []
    for inst_id, ctx in contexts.items():
        try:
            problems += [f"institution[{inst_id}].settings.{p}" for p in role_problems(ctx.canvas, ctx.settings)]
        except CanvasError as exc:  # Canvas is away: the keys will wait and retry, as they would anyway
            click.echo(f"{inst_id}: could not check the enrollment roles in Canvas: {exc}", err=True)
    if problems:
        raise click.ClickException("Canvas would refuse these enrollment roles:\n  " + "\n  ".join(problems))


@click.command("demo")
@click.option("--database", type=click.Path(dir_okay=False, path_type=Path), default=Path("kursadmin-demo.db"),
              show_default=True, help="The demo's SQLite file (started afresh).")
@click.option("--port", type=click.IntRange(0, 65535), default=0,
              help="Port of the demo's index page on 127.0.0.1 (default: any free port).")
@click.option("--once", is_flag=True, help="Apply the seeded term, print what Canvas holds and stop.")
def demo_command(database: Path, port: int, once: bool) -> None:
    """Everything embedded: sandbox Canvas, sandbox Ladok, a sandbox LTI platform, worker and web."""
    from app.demo.run import run_demo

    database.unlink(missing_ok=True)
    run_demo(f"sqlite:///{database.resolve()}", once=once, port=port)


main.add_command(demo_command)


@main.command("explain")
@click.option("--institution", "institution_id", required=True, help="Institution id from the configuration.")
@click.option("--student", "student_uid", required=True, help="The student's Ladok UID.")
@click.option("--offering", "offering_uid", default=None, help="Only this offering (kurstillfälle UID).")
@with_appcontext
def explain_command(institution_id: str, student_uid: str, offering_uid: str | None) -> None:
    """What Ladok said about a student, what the rules decide now, and what was done in Canvas."""
    from app.pipeline.explain import explain

    inst = _config().institution(institution_id)
    upgrade(_engine())
    found = explain(_engine(), inst.id, inst.settings, student_uid, offering_uid)
    for title, lines in (("What Ladok said", found.ladok), ("What the rules decide", found.decided),
                         ("What was done in Canvas", found.done)):
        click.echo(f"{title}:")
        for line in lines or ["(nothing)"]:
            click.echo(f"  {line}")
    click.echo(f"Queue: {found.queue}")


@main.command("dead-letters")
@click.option("--institution", "institution_id", required=True, help="Institution id from the configuration.")
@click.option("--retry", "retry_key", default=None, metavar="KIND:UID", help="Put one key back in the queue.")
@click.option("--retry-all", is_flag=True, help="Put every dead letter of the institution back in the queue.")
@with_appcontext
def dead_letters_command(institution_id: str, retry_key: str | None, retry_all: bool) -> None:
    """List the keys that kept failing, with their last error; retry one or all."""
    from app.store.db import write_session
    from app.store.projection import DirtyKey
    from app.store.queue import retry_dead

    inst = _config().institution(institution_id)
    upgrade(_engine())
    if retry_key or retry_all:
        key = None
        if retry_key:
            kind, _, uid = retry_key.partition(":")
            if kind not in ("student", "offering") or not uid:
                raise click.BadParameter("expected student:UID or offering:UID", param_hint="--retry")
            key = DirtyKey(kind, uid)  # type: ignore[arg-type]
        with write_session(_engine()) as s:
            click.echo(f"{retry_dead(s, inst.id, key)} put back in the queue")
        return
    from sqlalchemy.orm import Session

    with Session(_engine()) as s:
        rows = s.scalars(select(JobRow).where(JobRow.institution_id == inst.id, JobRow.dead.is_(True))
                         .order_by(JobRow.dirtied_at)).all()
        click.echo(f"{len(rows)} dead letters")
        for r in rows:
            click.echo(f"  {r.kind}:{r.uid}  after {r.attempts} attempts  {r.last_error}")


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
@with_appcontext
def serve_command(host: str, port: int) -> None:
    """Serve the web side for development; in production run gunicorn "app:create_app()"."""
    from werkzeug.serving import run_simple

    upgrade(_engine())
    run_simple(host, port, current_app, threaded=True)  # type: ignore[arg-type]


@main.command("pause")
@click.option("--institution", "institution_id", required=True, help="Institution id from the configuration.")
@click.option("--by", default="cli", show_default=True, help="Who pauses (kept for the record).")
@with_appcontext
def pause_command(institution_id: str, by: str) -> None:
    """Stop applying changes to Canvas; Ladok events are still read and recorded."""
    _set_paused(institution_id, True, by)


@main.command("resume")
@click.option("--institution", "institution_id", required=True, help="Institution id from the configuration.")
@with_appcontext
def resume_command(institution_id: str) -> None:
    """Apply the backlog in order and carry on."""
    _set_paused(institution_id, False, "cli")


def _set_paused(institution_id: str, paused: bool, by: str) -> None:
    from app.store import control
    from app.store.db import write_session

    inst = _config().institution(institution_id)
    upgrade(_engine())
    with write_session(_engine()) as s:
        control.set_paused(s, inst.id, paused, by)
    click.echo(f"{inst.id}: {'paused' if paused else 'resumed'}")


@main.command("delay-delete")
@click.option("--institution", "institution_id", required=True, help="Institution id from the configuration.")
@click.option("--start", type=click.DateTime(["%Y-%m-%d"]), default=None, help="First day removals wait.")
@click.option("--end", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Last day removals wait.")
@click.option("--clear", is_flag=True, help="Remove the window; waiting removals are applied.")
@with_appcontext
def delay_delete_command(institution_id: str, start: object, end: object, clear: bool) -> None:
    """Defer removals during a period (e.g. the summer); when it ends, removals still wanted are applied."""
    from app.store import control
    from app.store.db import write_session

    inst = _config().institution(institution_id)
    upgrade(_engine())
    first = None if clear else getattr(start, "date", lambda: None)()
    last = None if clear else getattr(end, "date", lambda: None)()
    try:
        with write_session(_engine()) as s:
            control.set_delay_delete(s, inst.id, first, last)
            if clear:
                control.requeue_deferred(s, inst.id)
    except ValueError as err:
        raise click.UsageError(str(err)) from None
    click.echo(f"{inst.id}: delay delete " + (f"from {first} to {last}" if first else "off"))


@main.command("held")
@click.option("--institution", "institution_id", required=True, help="Institution id from the configuration.")
@click.option("--release", is_flag=True, help="Apply the held removals.")
@click.option("--discard", is_flag=True, help="Drop them: the enrollments stay in Canvas, no longer managed.")
@with_appcontext
def held_command(institution_id: str, release: bool, discard: bool) -> None:
    """Removals the safety filter held back; release or discard them."""
    from app.store import control
    from app.store.db import write_session

    if release and discard:
        raise click.UsageError("choose --release or --discard, not both")
    inst = _config().institution(institution_id)
    upgrade(_engine())
    with write_session(_engine()) as s:
        if release:
            click.echo(f"{control.release(s, inst.id)} held removals released")
            return
        if discard:
            click.echo(f"{control.discard(s, inst.id)} held removals discarded")
            return
        rows = control.held(s, inst.id)
        click.echo(f"{len(rows)} held removals")
        for r in rows:
            click.echo(f"  {r.student_uid} {r.kind} in {r.section_sis_id} (course {r.canvas_course_id}): {r.reason}")


@main.command("report")
@click.option("--institution", "institution_id", default=None, help="Only this institution.")
@click.option("--hours", default=24.0, show_default=True, help="The period the report covers, ending now.")
@click.option("--send", is_flag=True, help="Also send it to the [mail] recipients.")
@with_appcontext
def report_command(institution_id: str | None, hours: float, send: bool) -> None:
    """The status report: applied, held, deferred, failed, pending and lag."""
    import datetime as dt

    from app.pipeline.report import build_report, send_report

    upgrade(_engine())
    mail = _config().mail
    if send and mail is None:
        raise click.UsageError("no [mail] table in the configuration")
    ids = [institution_id] if institution_id else [i.id for i in _config().institutions]
    since = dt.datetime.now(dt.UTC) - dt.timedelta(hours=hours)
    for inst in ids:
        report = build_report(_engine(), inst, since)
        click.echo(report.text())
        if send and mail is not None:
            send_report(report, mail)
            click.echo(f"sent to {', '.join(mail.recipients)}")


@main.command("reconcile")
@click.option("--institution", "institution_id", required=True, help="Institution id from the configuration.")
@click.option("--fix", is_flag=True, help="Adopt what Canvas holds into the ledger and queue every student.")
@with_appcontext
def reconcile_command(institution_id: str, fix: bool) -> None:
    """Compare Canvas with what the rules want and report drift (a dry run unless --fix)."""
    from app.pipeline.drift import check_drift
    from app.pipeline.worker import context_for

    inst = _config().institution(institution_id)
    upgrade(_engine())
    found = check_drift(_engine(), inst.id, inst.settings, context_for(inst).canvas, fix=fix)
    click.echo(f"{found.sections_checked} sections checked")
    for title, lines in (("missing", found.missing), ("not wanted", found.extra), ("wrong state", found.wrong_state)):
        click.echo(f"{title}: {len(lines)}")
        for line in lines:
            click.echo(f"  {line}")
    if fix:
        click.echo(f"adopted {found.adopted} enrollments into the ledger; the worker now applies the rest")
    elif not found.clean:
        click.echo("dry run: nothing changed (run with --fix to adopt and queue)")
