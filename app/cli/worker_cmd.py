"""`kursadmin worker`: read Ladok's feeds and make Canvas match, once or until stopped."""

from __future__ import annotations

from collections.abc import Mapping

import click

from app.cli.feed_cmds import print_result
from app.cli.runtime import Runtime, pass_runtime
from app.pipeline.reconcile import InstitutionContext


@click.command("worker")
@click.option("--until-idle", is_flag=True, help="Read the feeds once, apply everything pending, then stop.")
@click.option("--concurrency", default=4, show_default=True, help="Reconcilers in this process.")
@click.option("--no-feed", is_flag=True, help="Do not read Ladok; work on what `ingest` recorded.")
@click.option("--poll", default=10.0, show_default=True, help="Seconds between feed reads.")
@click.option("--lease", type=float, default=None,
              help="Seconds a dead worker's keys stay locked (default: KURSADMIN_WORKER_LEASE, else 60).")
@pass_runtime
def worker_command(runtime: Runtime, until_idle: bool, concurrency: int, no_feed: bool, poll: float,
                   lease: float | None) -> None:
    """Read Ladok's feeds and make Canvas match; several workers may share one PostgreSQL."""
    from app.pipeline.worker import context_for, drain, feed_fetcher, read_feed, run_forever, shared_gates

    engine = runtime.database()
    institutions = list(runtime.config.institutions)
    gate_for = shared_gates(engine)
    contexts = {inst.id: context_for(inst, gate=gate_for(inst)) for inst in institutions}
    _refuse_unusable_roles(contexts)
    fetchers = {inst.id: feed_fetcher(inst) for inst in institutions}
    if until_idle:
        if not no_feed:
            for inst in institutions:
                print_result(f"{inst.id} feed", read_feed(engine, inst, fetchers[inst.id]))
        stats = drain(engine, contexts, concurrency, lease=lease)
        click.echo(f"reconciled {stats.keys} keys with {stats.operations} Canvas operations")
        return
    run_forever(engine, [] if no_feed else institutions, contexts, fetchers, concurrency, poll,
                lease=lease, mail=runtime.config.mail)


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
