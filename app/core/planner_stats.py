"""When a table's planner statistics mislead: it has grown to twice the size its last ANALYZE saw.

PostgreSQL plans from the value distributions ANALYZE sampled. A table that starts empty and fills in
one go (the inbox, the projection and the queue during a first import or a burst) has none unless
autovacuum catches up (it may be off; it wakes once a minute; its threshold is a fraction of the size
last analysed): the planner then guesses that `institution_id = ?` picks 0.5 % of the rows and reads
the whole institution through that index for every look-up of a page's keys, so each page costs more
than the one before. Re-analysing at every doubling costs a number of ANALYZEs logarithmic in the size.

Size is counted in pages (the table file's length, exact at once), not in the server's live-row
counter, which reaches the statistics views only after a delay.
"""

from __future__ import annotations

MIN_PAGES = 16  # 128 kB: a table this small is read whole in well under a millisecond, whatever the plan


def stale(pages_now: int, pages_analysed: int) -> bool:
    """Whether a table of `pages_now` pages needs ANALYZE, the last one having seen `pages_analysed` (never: 0)."""
    return pages_now >= MIN_PAGES and pages_now >= 2 * max(pages_analysed, 0)
