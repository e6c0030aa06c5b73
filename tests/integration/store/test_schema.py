"""The Alembic migrations build exactly the schema the models describe, and `init` can run again."""

from __future__ import annotations

from sqlalchemy import Engine

from app.store.schema import current_revision, drift, upgrade


def test_migrations_match_the_models(engine: Engine) -> None:
    assert drift(engine) == []


def test_upgrading_an_up_to_date_database_changes_nothing(engine: Engine) -> None:
    before = current_revision(engine)
    upgrade(engine)
    assert current_revision(engine) == before and before is not None
