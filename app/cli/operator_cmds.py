"""The operator's safeguards: pause, resume, delay-delete, held removals and dead letters."""

from __future__ import annotations

import datetime as dt

import click
from sqlalchemy.orm import Session

from app.cli.runtime import Runtime, pass_runtime
from app.core.redact import redact
from app.store import control
from app.store.db import write_session
from app.store.projection import DirtyKey
from app.store.queue import retry_dead
from app.store.status import dead_letters

INSTITUTION = click.option(
    "--institution", "institution_id", required=True, help="Institution id from the configuration."
)


@click.command("pause")
@INSTITUTION
@click.option("--by", default="cli", show_default=True, help="Who pauses (kept for the record).")
@pass_runtime
def pause_command(runtime: Runtime, institution_id: str, by: str) -> None:
    """Stop applying changes to Canvas; Ladok events are still read and recorded."""
    _set_paused(runtime, institution_id, True, by)


@click.command("resume")
@INSTITUTION
@pass_runtime
def resume_command(runtime: Runtime, institution_id: str) -> None:
    """Apply the backlog in order and carry on."""
    _set_paused(runtime, institution_id, False, "cli")


def _set_paused(runtime: Runtime, institution_id: str, paused: bool, by: str) -> None:
    inst = runtime.institution(institution_id)
    with write_session(runtime.database()) as s:
        control.set_paused(s, inst.id, paused, by)
    click.echo(f"{inst.id}: {'paused' if paused else 'resumed'}")


@click.command("delay-delete")
@INSTITUTION
@click.option("--start", type=click.DateTime(["%Y-%m-%d"]), default=None, help="First day removals wait.")
@click.option("--end", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Last day removals wait.")
@click.option("--clear", is_flag=True, help="Remove the window; waiting removals are applied.")
@pass_runtime
def delay_delete_command(
    runtime: Runtime, institution_id: str, start: dt.datetime | None, end: dt.datetime | None, clear: bool
) -> None:
    """Defer removals during a period (e.g. the summer); when it ends, removals still wanted are applied."""
    inst = runtime.institution(institution_id)
    first = None if clear or start is None else start.date()
    last = None if clear or end is None else end.date()
    try:
        with write_session(runtime.database()) as s:
            control.set_delay_delete(s, inst.id, first, last)
            if clear:
                control.requeue_deferred(s, inst.id)
    except ValueError as err:
        raise click.UsageError(str(err)) from None
    click.echo(f"{inst.id}: delay delete " + (f"from {first} to {last}" if first else "off"))


@click.command("held")
@INSTITUTION
@click.option("--release", is_flag=True, help="Apply the held removals.")
@click.option("--discard", is_flag=True, help="Drop them: the enrollments stay in Canvas, no longer managed.")
@pass_runtime
def held_command(runtime: Runtime, institution_id: str, release: bool, discard: bool) -> None:
    """Removals the safety filter held back; release or discard them."""
    if release and discard:
        raise click.UsageError("choose --release or --discard, not both")
    inst = runtime.institution(institution_id)
    with write_session(runtime.database()) as s:
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


def _dirty_key(value: str) -> DirtyKey:
    kind, _, uid = value.partition(":")
    if kind not in ("student", "offering") or not uid:
        raise click.BadParameter("expected student:UID or offering:UID", param_hint="--retry")
    return DirtyKey(kind, uid)  # type: ignore[arg-type]


@click.command("dead-letters")
@INSTITUTION
@click.option("--retry", "retry_key", default=None, metavar="KIND:UID", help="Put one key back in the queue.")
@click.option("--retry-all", is_flag=True, help="Put every dead letter of the institution back in the queue.")
@pass_runtime
def dead_letters_command(runtime: Runtime, institution_id: str, retry_key: str | None, retry_all: bool) -> None:
    """List the keys that kept failing, with their last error; retry one or all."""
    inst = runtime.institution(institution_id)
    key = _dirty_key(retry_key) if retry_key else None
    engine = runtime.database()
    if retry_key or retry_all:
        with write_session(engine) as s:
            click.echo(f"{retry_dead(s, inst.id, key)} put back in the queue")
        return
    with Session(engine) as s:
        rows = dead_letters(s, inst.id)
        click.echo(f"{len(rows)} dead letters")
        for r in rows:
            click.echo(f"  {r.kind}:{r.uid}  after {r.attempts} attempts  {redact(r.last_error or '')}")
