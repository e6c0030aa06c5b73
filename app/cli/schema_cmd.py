"""`kursadmin init`: the one command that creates or upgrades the database schema."""

from __future__ import annotations

import click

from app.cli.runtime import Runtime, pass_runtime
from app.store.schema import current_revision, upgrade


@click.command("init")
@pass_runtime
def init_command(runtime: Runtime) -> None:
    """Create the database schema, or upgrade it to the newest version."""
    engine = runtime.engine()
    before = current_revision(engine)
    upgrade(engine)
    after = current_revision(engine)
    click.echo(f"schema at {after}" + ("" if before == after else f" (was {before or 'empty'})"))
