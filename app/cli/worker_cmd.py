"""`kursadmin worker`: read Ladok's feeds and make Canvas match, once or until stopped."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import click
from sqlalchemy import Engine

from app.cli.feed_cmds import print_result
from app.cli.runtime import Runtime, pass_runtime
from app.config import InstitutionConfig, MailConfig
from app.pipeline.context import InstitutionContext


@click.command("worker")
@click.option("--until-idle", is_flag=True, help="Read the feeds once, apply everything pending, then stop.")
@click.option("--concurrency", default=4, show_default=True, help="Reconcilers in this process.")
@click.option("--no-feed", is_flag=True, help="Do not read Ladok; work on what `ingest` recorded.")
@click.option("--poll", default=10.0, show_default=True, help="Seconds between feed reads.")
@click.option(
    "--lease",
    type=float,
    default=None,
    help="Seconds a dead worker's keys stay locked (default: "
    "KURSADMIN_WORKER_LEASE, else [worker] lease_seconds, else 60).",
)
@click.option(
    "--max-wait",
    type=click.FloatRange(min=0),
    default=600.0,
    show_default=True,
    help="With --until-idle: seconds to wait for keys other workers hold or that back off.",
)
@pass_runtime
def worker_command(
    runtime: Runtime,
    until_idle: bool,
    concurrency: int,
    no_feed: bool,
    poll: float,
    lease: float | None,
    max_wait: float,
) -> None:
    """Read Ladok's feeds and make Canvas match; several workers may share one PostgreSQL.

    With --until-idle it exits 0 only when nothing is left, and 1 naming each key still pending.
    """
    from app.pipeline.activity import ActivityRecorder
    from app.pipeline.worker import context_for, feed_fetcher, lease_seconds, shared_gates

    try:
        lease = lease if lease is not None else lease_seconds(default=runtime.config.worker.lease_seconds)
    except ValueError as err:
        raise click.UsageError(str(err)) from None
    engine = runtime.database()
    institutions = list(runtime.config.institutions)
    gate_for = shared_gates(engine)
    contexts = {inst.id: context_for(inst, gate=gate_for(inst)) for inst in institutions}
    recorder = ActivityRecorder(engine)
    recorder.count_canvas(contexts)
    _refuse_unusable_roles(contexts)
    fetchers = {inst.id: recorder.feed_fetcher(inst.id, feed_fetcher(inst)) for inst in institutions}
    with recorder:
        _work(
            engine,
            institutions,
            contexts,
            fetchers,
            until_idle=until_idle,
            no_feed=no_feed,
            concurrency=concurrency,
            poll=poll,
            lease=lease,
            max_wait=max_wait,
            mail=runtime.config.mail,
        )


def _work(
    engine: Engine,
    institutions: list[InstitutionConfig],
    contexts: Mapping[str, InstitutionContext],
    fetchers: Mapping[str, Callable[[str], bytes]],
    *,
    until_idle: bool,
    no_feed: bool,
    concurrency: int,
    poll: float,
    lease: float,
    max_wait: float,
    mail: MailConfig | None,
) -> None:
    """One round (`until_idle`) or work until stopped."""
    from app.pipeline.until_idle import unfinished_lines
    from app.pipeline.worker import drain, read_feed, run_forever

    if until_idle:
        if not no_feed:
            for inst in institutions:
                print_result(f"{inst.id} feed", read_feed(engine, inst, fetchers[inst.id]))
        stats = drain(
            engine,
            contexts,
            concurrency,
            lease=lease,
            max_wait=max_wait,
            notify=lambda line: click.echo(line, err=True),
        )
        click.echo(f"reconciled {stats.keys} keys with {stats.operations} Canvas operations")
        if stats.remaining:
            click.echo("\n".join(unfinished_lines(stats.remaining)), err=True)
            raise click.exceptions.Exit(1)
        return
    run_forever(engine, [] if no_feed else institutions, contexts, fetchers, concurrency, poll, lease=lease, mail=mail)


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
