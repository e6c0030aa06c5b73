"""The `kursadmin` command: a plain click group; the configuration is read only by the commands that need it."""

from __future__ import annotations

import click

from app import redacted_logs
from app.cli import feed_cmds, inspect_cmds, operator_cmds, schema_cmd, serve_cmds, worker_cmd


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="kursadmin", message="kursadmin %(version)s")
def main() -> None:
    """Kursadministration: keeps Canvas in step with Ladok.

    The configuration is the TOML file named by KURSADMIN_CONFIG (docs/configuration.md); only
    `kursadmin init` creates or upgrades the database schema.
    """
    redacted_logs.install()  # before any command logs: no personnummer in what the worker writes


for _command in (
    schema_cmd.init_command,
    feed_cmds.ingest_command,
    feed_cmds.status_command,
    worker_cmd.worker_command,
    inspect_cmds.explain_command,
    inspect_cmds.report_command,
    inspect_cmds.reconcile_command,
    operator_cmds.pause_command,
    operator_cmds.resume_command,
    operator_cmds.delay_delete_command,
    operator_cmds.held_command,
    operator_cmds.dead_letters_command,
    serve_cmds.serve_command,
    serve_cmds.demo_command,
):
    main.add_command(_command)
