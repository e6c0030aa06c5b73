"""The ANALYZE decision: a table is re-analysed once it has doubled since the last ANALYZE, never while tiny."""

from __future__ import annotations

from app.core.planner_stats import MIN_PAGES, stale


def test_a_table_never_analysed_is_stale_once_it_is_past_the_minimum() -> None:
    assert not stale(MIN_PAGES - 1, 0)
    assert stale(MIN_PAGES, 0)


def test_a_table_is_stale_once_it_has_doubled_since_its_last_analyze() -> None:
    assert not stale(199, 100)
    assert stale(200, 100)
    assert stale(10_000, 100)


def test_a_table_that_shrank_or_stayed_keeps_its_statistics() -> None:
    assert not stale(100, 100)
    assert not stale(50, 100)


def test_a_tiny_table_is_never_analysed_however_fast_it_grew() -> None:
    assert not stale(MIN_PAGES - 1, 1)
