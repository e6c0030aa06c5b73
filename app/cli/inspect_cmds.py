"""Looking closer: `explain` one student, the status `report`, and `reconcile` Canvas with the rules."""

from __future__ import annotations

import datetime as dt

import click

from app.cli.runtime import Runtime, pass_runtime


@click.command("explain")
@click.option("--institution", "institution_id", required=True, help="Institution id from the configuration.")
@click.option("--student", "student_uid", required=True, help="The student's Ladok UID.")
@click.option("--offering", "offering_uid", default=None, help="Only this offering (kurstillfälle UID).")
@pass_runtime
def explain_command(runtime: Runtime, institution_id: str, student_uid: str, offering_uid: str | None) -> None:
    """What Ladok said about a student, what the rules decide now, and what was done in Canvas."""
    from app.pipeline.explain import explain

    inst = runtime.institution(institution_id)
    found = explain(runtime.database(), inst.id, inst.settings, student_uid, offering_uid)
    for title, lines in (
        ("What Ladok said", found.ladok),
        ("What the rules decide", found.decided),
        ("What was done in Canvas", found.done),
        ("Who changed the course settings", found.settings),
    ):
        click.echo(f"{title}:")
        for line in lines or ["(nothing)"]:
            click.echo(f"  {line}")
    click.echo(f"Queue: {found.queue}")


@click.command("report")
@click.option("--institution", "institution_id", default=None, help="Only this institution.")
@click.option("--hours", default=24.0, show_default=True, help="The period the report covers, ending now.")
@click.option("--send", is_flag=True, help="Also send it to the [mail] recipients.")
@pass_runtime
def report_command(runtime: Runtime, institution_id: str | None, hours: float, send: bool) -> None:
    """The status report: applied, held, deferred, failed, pending and lag."""
    from app.pipeline.report import build_report, send_report

    mail = runtime.config.mail
    if send and mail is None:
        raise click.UsageError("no [mail] table in the configuration")
    ids = runtime.institution_ids(institution_id)
    engine = runtime.database()
    since = dt.datetime.now(dt.UTC) - dt.timedelta(hours=hours)
    for inst in ids:
        report = build_report(engine, inst, since)
        click.echo(report.text())
        if send and mail is not None:
            send_report(report, mail)
            click.echo(f"sent to {', '.join(mail.recipients)}")


@click.command("reconcile")
@click.option("--institution", "institution_id", required=True, help="Institution id from the configuration.")
@click.option("--fix", is_flag=True, help="Adopt what Canvas holds into the ledger and queue every student.")
@pass_runtime
def reconcile_command(runtime: Runtime, institution_id: str, fix: bool) -> None:
    """Compare Canvas with what the rules want and report drift (a dry run unless --fix)."""
    from app.pipeline.drift import check_drift
    from app.pipeline.worker import context_for

    inst = runtime.institution(institution_id)
    found = check_drift(runtime.database(), inst.id, inst.settings, context_for(inst).canvas, fix=fix)
    click.echo(f"{found.sections_checked} sections checked")
    for title, lines in (("missing", found.missing), ("not wanted", found.extra), ("wrong state", found.wrong_state)):
        click.echo(f"{title}: {len(lines)}")
        for line in lines:
            click.echo(f"  {line}")
    if fix:
        click.echo(f"adopted {found.adopted} enrollments into the ledger; the worker now applies the rest")
    elif not found.clean:
        click.echo("dry run: nothing changed (run with --fix to adopt and queue)")
