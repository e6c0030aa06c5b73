"""`kursadmin serve` (the web side, for development) and `kursadmin demo` (everything embedded)."""

from __future__ import annotations

from pathlib import Path

import click

from app.cli.runtime import Runtime, pass_runtime


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
@pass_runtime
def serve_command(runtime: Runtime, host: str, port: int) -> None:
    """Serve the web side for development; in production run gunicorn "app:create_app()"."""
    from werkzeug.serving import run_simple

    from app import create_app

    runtime.database()  # refuse an old schema before serving pages that would fail on it
    run_simple(host, port, create_app(runtime.config), threaded=True)


@click.command("demo")
@click.option(
    "--database",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("kursadmin-demo.db"),
    show_default=True,
    help="The demo's SQLite file (started afresh).",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=0,
    help="Port of the demo's index page on 127.0.0.1 (default: any free port).",
)
@click.option("--once", is_flag=True, help="Apply the seeded term, print what Canvas holds and stop.")
def demo_command(database: Path, port: int, once: bool) -> None:
    """Everything embedded: sandbox Canvas, sandbox Ladok, a sandbox LTI platform, worker and web."""
    from app.demo.run import run_demo

    database.unlink(missing_ok=True)
    run_demo(f"sqlite:///{database.resolve()}", once=once, port=port)
