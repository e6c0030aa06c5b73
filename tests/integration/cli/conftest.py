"""Fixtures of the command tests: a configuration file for institution "kth", and the command to run."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from app.cli import main

UNREACHABLE = "http://127.0.0.1:9"  # nothing listens on the discard port


@pytest.fixture
def write_config(tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Path]:
    """Write KURSADMIN_CONFIG for "kth" on the test's database (`top`: top-level keys, `more`: after the table)."""
    path = tmp_path / "kursadmin.toml"
    monkeypatch.setenv("KURSADMIN_CONFIG", str(path))
    monkeypatch.setenv("CANVAS_TOKEN", "sandbox-token")
    monkeypatch.delenv("KURSADMIN_DATABASE_URL", raising=False)

    def write(canvas_url: str = UNREACHABLE, ladok_url: str = UNREACHABLE, top: str = "", more: str = "") -> Path:
        path.write_text(f'''database_url = "{database_url}"
{top}
[[institution]]
id = "kth"
ladok_larosate_id = 29
ladok_url = "{ladok_url}"
ladok_start_page = 1
canvas_url = "{canvas_url}"
canvas_token = "env:CANVAS_TOKEN"
{more}''')
        return path

    return write


@pytest.fixture
def config(write_config: Callable[..., Path]) -> Path:
    """The configuration with Canvas and Ladok unreachable (commands that only read the database)."""
    return write_config()


@pytest.fixture
def cli() -> Callable[..., Result]:
    """Run `kursadmin ARGS…` in-process; the result's output holds stdout and stderr as a terminal shows them."""
    return lambda *args: CliRunner().invoke(main, [str(a) for a in args])
