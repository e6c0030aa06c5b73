"""Only `kursadmin init` changes the schema; every other command refuses a schema that is not at head."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from sqlalchemy import text

from app.store.db import make_engine
from app.store.schema import current_revision, head_revision, upgrade
from tests.conftest import LADOK

PAGE = LADOK / "feeds" / "ladok3-recent-2017.xml"
DATABASE_COMMANDS = [
    ("status",),
    ("ingest", "--institution", "kth", PAGE),
    ("worker", "--until-idle", "--no-feed"),
    ("explain", "--institution", "kth", "--student", "s-1"),
    ("dead-letters", "--institution", "kth"),
    ("pause", "--institution", "kth"),
    ("resume", "--institution", "kth"),
    ("delay-delete", "--institution", "kth", "--clear"),
    ("held", "--institution", "kth"),
    ("report",),
    ("reconcile", "--institution", "kth"),
    ("serve", "--port", "9"),
]


def test_init_creates_the_schema_then_finds_it_current(
    config: Path, database_url: str, cli: Callable[..., Result]
) -> None:
    first, second = cli("init"), cli("init")

    assert (first.exit_code, first.output) == (0, f"schema at {head_revision()} (was empty)\n")
    assert (second.exit_code, second.output) == (0, f"schema at {head_revision()}\n")


@pytest.mark.parametrize("args", DATABASE_COMMANDS, ids=lambda args: args[0])
def test_a_command_refuses_a_database_without_schema_and_leaves_it_so(
    config: Path, database_url: str, cli: Callable[..., Result], args: tuple[object, ...]
) -> None:
    result = cli(*args)

    assert result.exit_code == 1, result.output
    assert result.output == (
        f"Error: the database has no schema yet (this version needs {head_revision()}): "
        "run `kursadmin init` to upgrade it\n"
    )
    engine = make_engine(database_url)
    assert current_revision(engine) is None
    engine.dispose()


def test_an_old_schema_is_refused_until_init_upgrades_it(
    config: Path, database_url: str, cli: Callable[..., Result]
) -> None:
    engine = make_engine(database_url)
    upgrade(engine, "0006")
    engine.dispose()

    refused = cli("status")
    upgraded = cli("init")
    status = cli("status")

    assert refused.exit_code == 1
    assert f"schema is at 0006; this version needs {head_revision()}: run `kursadmin init`" in refused.output
    assert upgraded.output == f"schema at {head_revision()} (was 0006)\n"
    assert status.exit_code == 0 and "institution kth" in status.output


def test_a_schema_newer_than_the_code_asks_for_a_newer_kursadmin(
    config: Path, database_url: str, cli: Callable[..., Result]
) -> None:
    engine = make_engine(database_url)
    upgrade(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()

    result = cli("status")

    assert result.exit_code == 1
    assert "schema is at 9999, newer than this version of kursadmin knows" in result.output
    assert "install the newer kursadmin" in result.output
