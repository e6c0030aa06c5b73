"""`worker --until-idle`: watch what is left while the reconcilers work, wait (saying so) or stop, and word the rest.

The decision is `app/core/idle.py`'s; this module reads the queue for it, says what the run waits for,
and words what a run left for the operator.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable, Collection

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from app.core.idle import Done, Remaining, Unfinished, Verdict, Waiting, Working, until_idle
from app.pipeline.owners import ProcessId, describe
from app.pipeline.reclaim import Reclaimer
from app.store.clock import utcnow
from app.store.control import is_paused
from app.store.db import as_utc
from app.store.queue import unfinished

log = logging.getLogger(__name__)


def watch(
    engine: Engine,
    institution_ids: Collection[str],
    wait_idle: Callable[[int, float], int | None],
    stop: threading.Event,
    reclaimer: Reclaimer,
    process: ProcessId,
    poll: float,
    max_wait: float,
    notify: Callable[[str], None],
) -> None:
    """Each time every reconciler is idle, read what is left; return once waiting longer would change nothing.

    `wait_idle(seen, timeout)` waits until the reconcilers are all idle after round `seen` and returns the
    round (None on time-out).
    """
    waiting_since: dt.datetime | None = None
    said: tuple[tuple[str, int, dt.datetime], ...] | None = None
    seen = -1
    while not stop.is_set():
        rounds = wait_idle(seen, poll)
        if rounds is None:
            continue
        seen = rounds
        reclaimer.maybe()
        verdict = _verdict(engine, institution_ids, process, waiting_since, max_wait)
        if isinstance(verdict, Done | Unfinished):
            return
        if isinstance(verdict, Waiting):
            waiting_since = waiting_since or utcnow()
            summary = _summary(verdict)
            if summary != said:
                said = summary
                notify(_waiting_line(verdict))


def left_over(engine: Engine, institution_ids: Collection[str], process: ProcessId) -> tuple[Remaining, ...]:
    """What a finished run leaves: every key with work left (none when the run is done)."""
    verdict = _verdict(engine, institution_ids, process, None, 0.0)
    return () if isinstance(verdict, Done) else verdict.remaining


def _verdict(
    engine: Engine,
    institution_ids: Collection[str],
    process: ProcessId,
    waiting_since: dt.datetime | None,
    max_wait: float,
) -> Verdict:
    try:
        with Session(engine) as s:
            keys = unfinished(s, institution_ids)
            paused = {inst for inst in institution_ids if is_paused(s, inst)}
    except Exception:  # the database is briefly away: look again at the next round
        log.exception("reading what is left in the queue failed")
        return Working(())
    return until_idle(
        keys,
        own_process=str(process),
        paused=paused,
        now=utcnow(),
        waiting_since=waiting_since,
        max_wait=dt.timedelta(seconds=max_wait),
    )


def _summary(verdict: Waiting) -> tuple[tuple[str, int, dt.datetime], ...]:
    """Per reason, how many keys and until when: the waiting line is said again only when this changes."""
    by_reason: dict[str, list[dt.datetime]] = {}
    for left in verdict.remaining:
        by_reason.setdefault(left.reason, []).append(left.until or verdict.give_up_at)
    return tuple((reason, len(times), max(times)) for reason, times in sorted(by_reason.items()))


WAITING_WORDS = {
    "leased": "leased by other workers until {t}",
    "retry": "backing off until {t}",
    "dead": "dead letters (kursadmin dead-letters)",
    "paused": "of a paused institution",
}


def _waiting_line(verdict: Waiting) -> str:
    parts = [f"{count} {WAITING_WORDS[reason].format(t=utc_text(until))}" for reason, count, until in _summary(verdict)]
    return f"waiting for {len(verdict.remaining)} keys: {'; '.join(parts)}; giving up at {utc_text(verdict.give_up_at)}"


def unfinished_lines(remaining: tuple[Remaining, ...], limit: int = 20) -> list[str]:
    """What an until-idle run left, one line per key (at most `limit`), for the operator."""
    lines = [f"not done: {len(remaining)} keys left"]
    for left in remaining[:limit]:
        key = left.key
        name = f"{key.kind}:{key.uid} ({key.institution_id})"
        error = (key.last_error or "")[:200]
        if left.reason == "leased":
            lines.append(f"  {name} leased by {describe(key.lease_owner or '')} until {utc_text(left.until)}")
        elif left.reason == "retry":
            lines.append(
                f"  {name} backing off until {utc_text(left.until)} after {key.attempts} failed attempts: {error}"
            )
        elif left.reason == "dead":
            lines.append(f"  {name} dead letter after {key.attempts} attempts: {error}")
        elif left.reason == "paused":
            lines.append(f"  {name} waits for `kursadmin resume --institution {key.institution_id}`")
        else:
            lines.append(f"  {name} due now (the wait was over before it could be taken)")
    if len(remaining) > limit:
        lines.append(f"  … and {len(remaining) - limit} more")
    return lines


def utc_text(moment: dt.datetime | None) -> str:
    """A stored time as an operator reads it, in UTC ("-" for none)."""
    moment = as_utc(moment)
    return "-" if moment is None else f"{moment.astimezone(dt.UTC):%Y-%m-%d %H:%M:%S} UTC"
