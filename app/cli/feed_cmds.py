"""`kursadmin ingest` and `status`: record Ladok's pages by hand, and see where reading the feed stands."""

from __future__ import annotations

from pathlib import Path

import click
from sqlalchemy.orm import Session

from app.cli.runtime import Runtime, pass_runtime
from app.pipeline.ingest import IngestResult, ingest_page_bytes
from app.pipeline.owners import describe
from app.pipeline.until_idle import utc_text
from app.store import queue, workers
from app.store.status import institution_status


def print_result(source: str, result: IngestResult) -> None:
    """One line of what reading a page (or several) did, then each rejected entry with its reason."""
    recorded = sum(result.recorded.values())
    unknown = sum(result.unknown.values())
    click.echo(
        f"{source}: {recorded} recorded, {unknown} unknown type skipped, {result.other_institution} other "
        f"institution, {result.duplicates} already seen, {len(result.rejected)} rejected"
    )
    for line in result.rejected:
        click.echo(f"  rejected {line}")


@click.command("ingest")
@click.option("--institution", "institution_id", required=True, help="Institution id from the configuration.")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@pass_runtime
def ingest_command(runtime: Runtime, institution_id: str, files: tuple[Path, ...]) -> None:
    """Record Atom feed pages, as Ladok serves them, for one institution (oldest page first)."""
    inst = runtime.institution(institution_id)
    engine = runtime.database()
    total = IngestResult()
    for path in files:
        result = ingest_page_bytes(
            engine, inst.id, inst.ladok_larosate_id, path.read_bytes(), str(path), inst.ladok_url
        )
        print_result(str(path), result)
        total.add(result)
    if len(files) > 1:
        print_result("total", total)


@click.command("status")
@click.option("--institution", "institution_id", default=None, help="Only this institution.")
@pass_runtime
def status_command(runtime: Runtime, institution_id: str | None) -> None:
    """Feed position, events per type, rejected entries with reasons, the queue, its leases and the workers."""
    ids = runtime.institution_ids(institution_id)
    limits = {i.id: i.safeguards for i in runtime.config.institutions}
    with Session(runtime.database()) as session:
        for inst in ids:
            found = institution_status(session, inst)
            click.echo(f"institution {inst}")
            pos = found.position
            click.echo(f"  position: {pos.page_url} after entry {pos.entry_id}" if pos else "  position: not started")
            for count in found.events:
                click.echo(f"  {count.outcome:<17} {count.event_type}: {count.count}")
            click.echo(f"  queue: {found.pending} pending, {found.dead} dead letters")
            for held in queue.leases(session, inst):
                click.echo(
                    f"  leased {held.key.kind}:{held.key.uid} by {describe(held.owner)} "
                    f"since {utc_text(held.leased_at)} until {utc_text(held.until)}"
                )
            for w in workers.running(session, inst):
                click.echo(f"  worker {w.host} pid {w.pid} since {utc_text(w.started_at)}, beat {utc_text(w.beat_at)}")
            ctl = found.control
            if ctl is not None:
                window = f"{ctl.delay_delete_start} – {ctl.delay_delete_end}" if ctl.delay_delete_start else "none"
                click.echo(
                    f"  {'PAUSED' if ctl.paused else 'running'}; delay delete: {window}; "
                    f"safety filter {'on' if limits[inst].safety_filter else 'OFF'}, {found.held} removals held"
                )
            click.echo(f"  rejected: {len(found.rejected)}")
            for r in found.rejected:
                click.echo(f"    {r.entry_id or '(page)'} [{r.event_type or '-'}] {r.reason}")
