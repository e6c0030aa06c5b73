"""Keep PostgreSQL's planner statistics in step with tables that grow fast (the rule: app/core/planner_stats.py)."""

from __future__ import annotations

import logging

from sqlalchemy import Engine, text

from app.core.planner_stats import stale

log = logging.getLogger(__name__)

# Each table's size now (its file) beside the size its last ANALYZE (or VACUUM) recorded (0: never).
_SIZES = text(
    "SELECT c.relname, pg_relation_size(c.oid) / current_setting('block_size')::int, c.relpages FROM pg_class c "
    "WHERE c.relkind = 'r' AND c.relnamespace = current_schema()::regnamespace"
)


def stale_tables(engine: Engine) -> list[str]:
    """The tables of this schema whose statistics the rule calls stale (none on SQLite, whose planner needs none)."""
    if engine.dialect.name != "postgresql":
        return []
    with engine.connect() as conn:
        return sorted(name for name, pages, analysed in conn.execute(_SIZES) if stale(pages, analysed))


def refresh(engine: Engine) -> list[str]:
    """ANALYZE every stale table; returns their names. A failure is logged: plans get slower, nothing breaks."""
    try:
        tables = stale_tables(engine)
        if tables:
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                quote = engine.dialect.identifier_preparer.quote
                for table in tables:
                    conn.execute(text(f"ANALYZE {quote(table)}"))
        return tables
    except Exception:  # statistics are an optimisation: the record step must go on without them
        log.warning("refreshing the planner's statistics failed", exc_info=True)
        return []
