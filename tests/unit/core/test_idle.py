"""`worker --until-idle`: done only when nothing is left; waits for leases and back-offs; never for dead letters."""

from __future__ import annotations

import dataclasses
import datetime as dt

from app.core.idle import Done, QueuedKey, Remaining, Unfinished, Waiting, Working, until_idle

NOW = dt.datetime(2025, 11, 24, 12, 0, tzinfo=dt.UTC)
ME = "vm:100:5000:abcd1234"
MAX_WAIT = dt.timedelta(minutes=10)
PENDING = QueuedKey("kth", "student", "a", None, None, NOW, 0, False, None)


def _key(uid: str = "a", **changes: object) -> QueuedKey:
    return dataclasses.replace(PENDING, uid=uid, **changes)


def _verdict(*keys: QueuedKey, paused: tuple[str, ...] = (), since: dt.datetime | None = None):
    return until_idle(keys, own_process=ME, paused=paused, now=NOW, waiting_since=since, max_wait=MAX_WAIT)


LEASED_ELSEWHERE = _key("b", lease_owner="other:7:1:ffff0000:7", lease_until=NOW + dt.timedelta(seconds=40))
BACKING_OFF = _key("c", attempts=2, not_before=NOW + dt.timedelta(seconds=4), last_error="500")
DEAD = _key("d", attempts=8, dead=True, last_error="409")


def test_nothing_left_is_done() -> None:
    assert _verdict() == Done()


def test_a_key_due_or_held_by_this_process_keeps_the_run_working() -> None:
    mine = _key("m", lease_owner=f"{ME}:101", lease_until=NOW + dt.timedelta(seconds=60))
    expired = _key("e", lease_owner="other:7:1:ffff0000:7", lease_until=NOW - dt.timedelta(seconds=1))

    for due in (PENDING, mine, expired):
        assert isinstance(_verdict(due, LEASED_ELSEWHERE), Working)


def test_leases_elsewhere_and_back_offs_are_waited_for_until_the_soonest_change() -> None:
    verdict = _verdict(LEASED_ELSEWHERE, BACKING_OFF, DEAD)

    assert verdict == Waiting(
        (
            Remaining(BACKING_OFF, "retry", BACKING_OFF.not_before),
            Remaining(LEASED_ELSEWHERE, "leased", LEASED_ELSEWHERE.lease_until),
            Remaining(DEAD, "dead"),
        ),
        next_change=BACKING_OFF.not_before,
        give_up_at=NOW + MAX_WAIT,
    )


def test_the_wait_is_bounded_from_when_it_began() -> None:
    began = NOW - MAX_WAIT + dt.timedelta(seconds=1)
    assert isinstance(_verdict(LEASED_ELSEWHERE, since=began), Waiting)
    assert _verdict(LEASED_ELSEWHERE, since=NOW - MAX_WAIT) == Unfinished(
        (Remaining(LEASED_ELSEWHERE, "leased", LEASED_ELSEWHERE.lease_until),)
    )


def test_dead_letters_and_a_paused_institution_are_not_waited_for_and_the_run_is_not_done() -> None:
    paused = _key("p", institution_id="uu", not_before=NOW + dt.timedelta(seconds=30))

    assert _verdict(DEAD, paused, paused=("uu",)) == Unfinished((Remaining(DEAD, "dead"), Remaining(paused, "paused")))
