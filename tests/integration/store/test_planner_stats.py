"""Tables that fill in one go get fresh planner statistics, so the planner knows how many rows a look-up finds."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, insert, text

from app.store import planner_stats
from app.store.tables import InboxEvent

PAGE = 500


def _fill_inbox(engine: Engine, start: int, count: int) -> None:
    rows = [
        {
            "institution_id": "kth",
            "handelse_uid": f"h-{i:07d}",
            "entry_id": f"e-{i}",
            "event_type": "X",
            "outcome": "recorded",
            "student_uid": f"s-{i // 3}",
            "offering_uid": f"o-{i % 40}",
            "page_url": f"p-{i // PAGE}",
        }
        for i in range(start, start + count)
    ]
    with engine.begin() as conn:
        conn.execute(insert(InboxEvent), rows)


def _estimated_rows_of_institution(engine: Engine) -> float:
    """How many inbox rows the planner expects `institution_id = 'kth'` to find (all of them are kth's)."""
    with engine.connect() as conn:
        plan = conn.execute(text("EXPLAIN (FORMAT JSON) SELECT id FROM inbox_event WHERE institution_id = 'kth'"))
        return float(plan.scalar_one()[0]["Plan"]["Plan Rows"])


def test_sqlite_needs_no_statistics(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite's planner works from its indexes alone")
    _fill_inbox(engine, 0, 5_000)
    assert planner_stats.refresh(engine) == []


@pytest.mark.postgres
def test_a_grown_table_is_analysed_once_per_doubling_and_its_lookups_use_the_unique_index(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL plans from statistics")
    assert planner_stats.refresh(engine) == []  # freshly migrated: every table is empty
    _fill_inbox(engine, 0, 20_000)
    # Without statistics the planner takes the institution for 0.5 % of the inbox, and reads all of it
    # through ix_inbox_offering for every page's duplicate check.
    assert "inbox_event" in planner_stats.refresh(engine)
    assert "inbox_event" not in planner_stats.refresh(engine)  # analysed now: not until it doubles again
    assert _estimated_rows_of_institution(engine) > 0.9 * 20_000

    _fill_inbox(engine, 20_000, 25_000)
    assert "inbox_event" in planner_stats.refresh(engine)
