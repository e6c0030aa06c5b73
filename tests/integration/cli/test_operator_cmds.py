"""The operator's safeguards from the command line: pause, resume, delay-delete, held and dead-letters."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from sqlalchemy import Engine

from app.core.settings import InstitutionSettings
from app.store.clock import utcnow
from app.store.db import write_session
from app.store.projection import DirtyKey
from app.store.queue import claim, fail, mark_dirty
from tests.integration.pipeline.world import World, registered_class, withdraw_all


def test_pause_and_resume_show_in_status(config: Path, engine: Engine, cli: Callable[..., Result]) -> None:
    paused = cli("pause", "--institution", "kth", "--by", "ops")
    while_paused = cli("status")
    resumed = cli("resume", "--institution", "kth")

    assert paused.output == "kth: paused\n" and resumed.output == "kth: resumed\n"
    assert "  PAUSED; delay delete: none" in while_paused.output
    assert "  running; delay delete: none" in cli("status").output


def test_delay_delete_sets_and_clears_a_window_and_refuses_one_that_ends_first(
    config: Path, engine: Engine, cli: Callable[..., Result]
) -> None:
    window = cli("delay-delete", "--institution", "kth", "--start", "2026-06-15", "--end", "2026-08-15")
    status = cli("status")
    backwards = cli("delay-delete", "--institution", "kth", "--start", "2026-08-15", "--end", "2026-06-15")
    cleared = cli("delay-delete", "--institution", "kth", "--clear")

    assert window.output == "kth: delay delete from 2026-06-15 to 2026-08-15\n"
    assert "delay delete: 2026-06-15 – 2026-08-15" in status.output
    assert backwards.exit_code == 2 and "Error: " in backwards.output
    assert cleared.output == "kth: delay delete off\n"
    assert "delay delete: none" in cli("status").output


@pytest.fixture
def held_world(config: Path, engine: Engine) -> World:
    """Four registered students withdrawn at once with the safety filter at two an hour: two removals held."""
    world = World(engine, InstitutionSettings())
    withdraw_all(world, *registered_class(world, 4))
    return world


def test_held_lists_the_held_removals_and_releases_them(held_world: World, cli: Callable[..., Result]) -> None:
    listed = cli("held", "--institution", "kth")
    both = cli("held", "--institution", "kth", "--release", "--discard")
    released = cli("held", "--institution", "kth", "--release")

    assert listed.output.startswith("2 held removals\n")
    assert listed.output.count(" registered in ") == 2
    assert both.exit_code == 2 and "choose --release or --discard, not both" in both.output
    assert released.output == "2 held removals released\n"
    assert cli("held", "--institution", "kth").output == "0 held removals\n"
    assert "queue: 2 pending" in cli("status").output  # their students wait for the worker again


def test_held_discard_drops_them(held_world: World, cli: Callable[..., Result]) -> None:
    assert cli("held", "--institution", "kth", "--discard").output == "2 held removals discarded\n"
    assert cli("held", "--institution", "kth").output == "0 held removals\n"


def test_dead_letters_lists_and_retries_a_key_that_kept_failing(
    config: Path, engine: Engine, cli: Callable[..., Result]
) -> None:
    with write_session(engine) as s:
        mark_dirty(s, "kth", [DirtyKey("student", "s-1")])
    now = utcnow()
    for _ in range(8):
        with write_session(engine) as s:
            (claimed,) = claim(s, "w1", now=now)
            fail(s, claimed, "w1", "Canvas said 500", now=now)
        now += dt.timedelta(hours=1)

    listed = cli("dead-letters", "--institution", "kth")
    malformed = cli("dead-letters", "--institution", "kth", "--retry", "s-1")
    retried = cli("dead-letters", "--institution", "kth", "--retry", "student:s-1")

    assert listed.output == "1 dead letters\n  student:s-1  after 8 attempts  Canvas said 500\n"
    assert malformed.exit_code == 2 and "expected student:UID or offering:UID" in malformed.output
    assert retried.output == "1 put back in the queue\n"
    assert cli("dead-letters", "--institution", "kth").output == "0 dead letters\n"
