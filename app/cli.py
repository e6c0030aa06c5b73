"""The `kursadmin` command: a Flask CLI group over the application."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy import Engine, func, select

from app import create_app
from app.config import AppConfig, ConfigError
from app.pipeline.ingest import IngestResult, ingest_page_bytes
from app.store.schema import current_revision, upgrade
from app.store.tables import FeedPosition, InboxEvent, JobRow, RejectedEntry


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
@with_appcontext
def worker_command(until_idle: bool, concurrency: int, no_feed: bool, poll: float) -> None:
    """Read Ladok's feeds and make Canvas match; several workers may share one PostgreSQL."""
    from app.pipeline.worker import context_for, drain, feed_fetcher, read_feed, run_forever

    upgrade(_engine())
    institutions = list(_config().institutions)
    contexts = {inst.id: context_for(inst) for inst in institutions}
    fetchers = {inst.id: feed_fetcher(inst) for inst in institutions}
    if until_idle:
        if not no_feed:
            for inst in institutions:
                result = read_feed(_engine(), inst, fetchers[inst.id])
                _print_result(f"{inst.id} feed", result)
        stats = drain(_engine(), contexts, concurrency)
        click.echo(f"reconciled {stats.keys} keys with {stats.operations} Canvas operations")
        return
    run_forever(_engine(), [] if no_feed else institutions, contexts, fetchers, concurrency, poll)


@click.command("demo")
@click.option("--database", type=click.Path(dir_okay=False, path_type=Path), default=Path("kursadmin-demo.db"),
              show_default=True, help="The demo's SQLite file (started afresh).")
@click.option("--once", is_flag=True, help="Apply the seeded term, print the result and stop.")
def demo_command(database: Path, once: bool) -> None:
    """Everything embedded: sandbox Canvas, sandbox Ladok, a sandbox LTI platform, worker and web."""
    from app.demo import run_demo

    database.unlink(missing_ok=True)
    run_demo(database.resolve(), once)


main.add_command(demo_command)
