"""Create or upgrade the database schema with Alembic, and check that models and migrations agree."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Engine, text

from app.store import (  # noqa: F401  (their tables join Base.metadata)
    course_tables,
    lti_tables,
    ops_tables,
    queue_tables,
    throttle_gate,
)
from app.store.tables import Base

MIGRATIONS = Path(__file__).with_name("migrations")
MIGRATION_LOCK = 0x6B75_7273  # "kurs": the advisory lock that serialises schema upgrades


def alembic_config() -> Config:
    """Alembic configuration pointing at the migrations shipped in the package."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to `revision` (default: the newest)."""
    cfg = alembic_config()
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # Several workers starting at once on a new database: one migrates, the others wait, then see head.
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def current_revision(engine: Engine) -> str | None:
    """The schema revision the database is at, or None for an empty database."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str:
    """The newest schema revision this version of the code ships."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "the package ships no migrations"
    return head


@dataclass(frozen=True, slots=True)
class SchemaProblem:
    """Why the database's schema cannot be used, and whether upgrading it (`init`) mends that."""

    text: str
    upgrade_mends: bool


def schema_problem(engine: Engine) -> SchemaProblem | None:
    """What keeps this version of the code from using the database's schema; None when it is at head."""
    current, head = current_revision(engine), head_revision()
    if current == head:
        return None
    if current is None:
        return SchemaProblem(f"the database has no schema yet (this version needs {head})", True)
    try:
        ScriptDirectory.from_config(alembic_config()).get_revision(current)
    except CommandError:
        return SchemaProblem(
            f"the database's schema is at {current}, newer than this version of kursadmin knows (its newest is {head})",
            False,
        )
    return SchemaProblem(f"the database's schema is at {current}; this version needs {head}", True)


def drift(engine: Engine) -> list[object]:
    """Differences between the models and the migrated database (empty when they agree)."""
    with engine.connect() as conn:
        return compare_metadata(MigrationContext.configure(conn), Base.metadata)
