"""When `kursadmin worker --until-idle` is done: what is left in the queue, which of it to wait for, and when to stop.

A run is done when no key of its institutions is pending and none is a dead letter. What is left is:
- in hand: leased by this process, or due now (another reconciler of it takes it next): the run goes on;
- waited for: leased by another worker (until its lease ends) or backing off (until its retry time).
  Time settles these, so the run waits — at most `max_wait` after it first had nothing to take;
- not waited for: a dead letter (set aside until an operator retries it) and every key of a paused
  institution (until it is resumed). Time does not settle these: once nothing else is left the run stops
  at once, and it is not done.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Literal

Reason = Literal["due", "leased", "retry", "dead", "paused"]


@dataclass(frozen=True, slots=True)
class QueuedKey:
    """A key the queue still has work for (pending, or a dead letter), as the store reads it."""

    institution_id: str
    kind: str
    uid: str
    lease_owner: str | None
    lease_until: dt.datetime | None
    not_before: dt.datetime
    attempts: int
    dead: bool
    last_error: str | None


@dataclass(frozen=True, slots=True)
class Remaining:
    """A key left over, why, and until when (for a lease or a back-off)."""

    key: QueuedKey
    reason: Reason
    until: dt.datetime | None = None

    @property
    def waited_for(self) -> bool:
        """Whether time settles it (a lease or a back-off), so that the run waits for it."""
        return self.reason in ("leased", "retry")


@dataclass(frozen=True, slots=True)
class Done:
    """Nothing is left."""


@dataclass(frozen=True, slots=True)
class Working:
    """This process holds a key or can take one now ("due")."""

    remaining: tuple[Remaining, ...]


@dataclass(frozen=True, slots=True)
class Waiting:
    """Only keys other workers hold or that back off are left (perhaps with some not waited for)."""

    remaining: tuple[Remaining, ...]
    next_change: dt.datetime  # the earliest lease end or retry time
    give_up_at: dt.datetime


@dataclass(frozen=True, slots=True)
class Unfinished:
    """The run stops with keys left: nothing it may wait for remains, or the wait is spent."""

    remaining: tuple[Remaining, ...]


Verdict = Done | Working | Waiting | Unfinished


def until_idle(
    keys: Iterable[QueuedKey],
    *,
    own_process: str,
    paused: Collection[str],
    now: dt.datetime,
    waiting_since: dt.datetime | None,
    max_wait: dt.timedelta,
) -> Verdict:
    """Decide, while this process's reconcilers are all idle, whether the run goes on, waits or stops.

    `own_process` is the prefix of this process's lease owners; `waiting_since` when the run first waited
    (None: it has not yet).
    """
    remaining = sorted((_remaining(key, own_process, paused, now) for key in keys), key=_order)
    if not remaining:
        return Done()
    if any(r.reason == "due" for r in remaining):
        return Working(tuple(remaining))
    waited = [r.until for r in remaining if r.waited_for and r.until is not None]
    if not waited:
        return Unfinished(tuple(remaining))
    give_up_at = (waiting_since or now) + max_wait
    if now >= give_up_at:
        return Unfinished(tuple(remaining))
    return Waiting(tuple(remaining), min(waited), give_up_at)


def _remaining(key: QueuedKey, own_process: str, paused: Collection[str], now: dt.datetime) -> Remaining:
    """Why a key is left over ("due": this process holds it or may take it now)."""
    if key.dead:
        return Remaining(key, "dead")
    if key.institution_id in paused:
        return Remaining(key, "paused")
    if key.lease_owner is not None and key.lease_until is not None and key.lease_until >= now:
        if key.lease_owner.startswith(f"{own_process}:"):
            return Remaining(key, "due")
        return Remaining(key, "leased", key.lease_until)
    if key.not_before > now:
        return Remaining(key, "retry", key.not_before)
    return Remaining(key, "due")


def _order(left: Remaining) -> tuple[int, dt.datetime, str, str, str]:
    """Keys in hand first, then waited-for keys soonest first, then dead letters and paused keys, by key."""
    rank = {"due": 0, "leased": 1, "retry": 1, "dead": 2, "paused": 3}[left.reason]
    until = left.until or dt.datetime.max.replace(tzinfo=dt.UTC)
    return rank, until, left.key.institution_id, left.key.kind, left.key.uid
